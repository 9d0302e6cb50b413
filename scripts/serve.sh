#!/usr/bin/env bash
# `make run`: the background worker (imports, prints) and the demo's identity provider (demo_idp on 127.0.0.1:8001,
# the province's unified sign-in in miniature) beside the development server; all stop together.
set -euo pipefail
UV="$1"
RUN=("$UV" run --frozen --no-dev --group demo)
"${RUN[@]}" python manage.py db_worker --queue-name default --interval 1 &
worker=$!
"${RUN[@]}" python -m demo_idp serve --port 8001 --log var/demo-idp.log &
idp=$!
trap 'kill $worker $idp 2>/dev/null || true' EXIT INT TERM
# The platform signs people in there: the OIDC_* settings of README › Configuration.
eval "$("${RUN[@]}" python -m demo_idp env --port 8001)"
echo
"${RUN[@]}" python -m demo_idp accounts --port 8001
echo
echo "Serving on http://127.0.0.1:8000  (Ctrl-C to stop)"
"${RUN[@]}" python manage.py runserver 127.0.0.1:8000
