#!/usr/bin/env bash
# Start Lotse at http://localhost:8501 on the embedded default (SQLite in ./data, demo data on).
source "$(dirname "$0")/setup_env.sh"
install_requirements requirements.txt
export LOTSE_DEMO="${LOTSE_DEMO:-1}"
.venv/bin/python -m lotse prepare
echo "Lotse startet: http://localhost:${PORT:-8501}"
exec .venv/bin/streamlit run app.py --server.port "${PORT:-8501}"
