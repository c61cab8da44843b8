#!/usr/bin/env bash
# Lotse for a municipality: `python -m lotse prepare` once, N Streamlit workers on 127.0.0.1:8601..,
# Debian's nginx in front on $PORT (default 8501) with session affinity. Ctrl+C stops everything.
#   bash scripts/serve.sh --workers 2        (options: python -m deploy.serve --help)
source "$(dirname "$0")/setup_env.sh"
source scripts/debian_packages.sh
install_requirements requirements.txt
ensure_debian_package /usr/sbin/nginx nginx-light "scripts/serve.sh"
exec .venv/bin/python -m deploy.serve "$@"
