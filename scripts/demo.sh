#!/usr/bin/env bash
# The demo: prepare the database and static files, then run the web server, the
# background worker and the scheduler side by side until Ctrl-C (or until one stops).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}

"$PY" manage.py migrate --noinput
"$PY" manage.py seed_demo
"$PY" manage.py collectstatic --noinput --verbosity 0

pids=()
stop() {
    trap - INT TERM EXIT
    echo
    echo "Stopping the web server and the worker…"
    # Children of a script ignore Ctrl-C's SIGINT (no job control): send TERM.
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    exit "${1:-0}"
}
trap 'stop 130' INT
trap 'stop 143' TERM
trap 'stop $?' EXIT

"$PY" manage.py db_worker --interval 1 --no-startup-delay &
pids+=($!)
# Reminders, nudges, digests and retention run on a clock (core/schedule.py).
"$PY" manage.py run_scheduler &
pids+=($!)
"$PY" manage.py runserver "127.0.0.1:$PORT" --noreload &
pids+=($!)

echo "Parcours demo on http://127.0.0.1:$PORT/  (worker and scheduler running; Ctrl-C stops all)"
# Whichever stops first (a crash, a port already in use) stops the other.
wait -n
