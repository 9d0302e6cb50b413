#!/usr/bin/env bash
# `make run`: the background worker (imports, prints) beside the development server; both stop together.
set -euo pipefail
UV="$1"
"$UV" run --no-dev python manage.py db_worker --queue-name default --interval 1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "Serving on http://127.0.0.1:8000  (Ctrl-C to stop)"
"$UV" run --no-dev python manage.py runserver 127.0.0.1:8000
