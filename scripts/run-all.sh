#!/usr/bin/env bash
# Run the web UI, a Celery worker and Celery beat together; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export FLASK_APP=wsgi
mkdir -p instance
pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT
"$BIN/flask" run --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}" & pids+=($!)
"$BIN/celery" -A wsgi:celery_app worker --loglevel "${LOGLEVEL:-INFO}" --concurrency "${WORKERS:-2}" & pids+=($!)
"$BIN/celery" -A wsgi:celery_app beat --loglevel "${LOGLEVEL:-INFO}" \
  --schedule instance/celerybeat-schedule & pids+=($!)
echo "Oversight is up: http://${HOST:-127.0.0.1}:${PORT:-5000}/admin/  (Ctrl-C stops everything)"
# Any one of the three exiting brings the others down too.
wait -n
