#!/usr/bin/env bash
# Install what the tests need (Python packages; Debian's chromium for browser tests and postgresql for
# the PostgreSQL tests, which start and stop a throwaway cluster themselves) and run them all.
source "$(dirname "$0")/setup_env.sh"
install_requirements requirements.txt requirements-dev.txt
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests ..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
  else
    echo "The browser tests need Debian's chromium at /usr/bin/chromium: sudo apt-get install -y chromium" >&2
  fi
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's postgresql for the PostgreSQL tests (a throwaway cluster per run) ..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null
  else
    echo "The PostgreSQL tests need Debian's postgresql: sudo apt-get install -y postgresql (skipped without it)" >&2
  fi
fi
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" = "5" ]; then
  echo "pytest collected no tests" >&2
  exit 1
fi
exit "$status"
