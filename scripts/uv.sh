#!/usr/bin/env bash
# Print the path of a usable `uv`, installing it from PyPI when the machine has none.
set -euo pipefail
for candidate in "$(command -v uv 2>/dev/null || true)" "$HOME/.local/bin/uv" ".tools/bin/uv"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
done
echo "installing uv from PyPI ..." >&2
if [ "$(id -u)" = 0 ] && ! python3 -m venv --help >/dev/null 2>&1; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
fi
python3 -m venv .tools >&2
.tools/bin/pip install --quiet uv >&2
echo ".tools/bin/uv"
