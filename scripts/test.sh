#!/usr/bin/env bash
# Install what the tests need (Python packages; Debian's chromium and nginx for browser and proxy
# tests) and run them all.
source "$(dirname "$0")/setup_env.sh"
source scripts/debian_packages.sh
install_requirements requirements.txt requirements-dev.txt
ensure_debian_package /usr/bin/chromium chromium "the browser tests" || true
ensure_debian_package /usr/sbin/nginx nginx-light "the reverse-proxy tests" || true
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" = "5" ]; then
  echo "pytest collected no tests" >&2
  exit 1
fi
exit "$status"
