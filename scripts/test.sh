#!/usr/bin/env bash
# Install what the tests need (Python packages; Debian's chromium and nginx for browser and proxy
# tests, postgresql for the PostgreSQL tests, which start and stop a throwaway cluster themselves)
# and run them all.
source "$(dirname "$0")/setup_env.sh"
source scripts/debian_packages.sh
install_requirements requirements.txt requirements-dev.txt
ensure_debian_package /usr/bin/chromium chromium "the browser tests" || true
ensure_debian_package /usr/sbin/nginx nginx-light "the reverse-proxy tests" || true
ensure_debian_package /usr/bin/pg_ctlcluster postgresql "the PostgreSQL tests" || true
# Two (up to four) pytest-xdist workers, a test file at a time (--dist loadfile): the tests of one
# file run on one worker in their order, as browser journeys need (a later test reads what an earlier
# one left); one core runs everything in one process. (xdist 3.8's --dist loadgroup marks are lost
# under pytest 9.2, which no longer reads the node id xdist rewrites: the groups were split.)
workers=$(nproc 2>/dev/null || echo 1)
[ "$workers" -gt 4 ] && workers=4
[ "$workers" -lt 2 ] && workers=0
set +e
.venv/bin/python -m pytest -n "$workers" --dist loadfile "$@"
status=$?
set -e
if [ "$status" = "5" ]; then
  echo "pytest collected no tests" >&2
  exit 1
fi
exit "$status"
