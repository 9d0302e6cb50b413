#!/usr/bin/env bash
# System packages the platform and its tests need: libmagic (type sniffing), a CJK TrueType font (PDFs),
# Chromium (browser tests), poppler-utils (PDF checks), libreoffice-calc-nogui (the 评审表 workbook printed to PDF
# to be looked at); nginx, openssl, redis-server and postgresql-client for
# make prod-smoke (the production stack on loopback). Installed when running as root; otherwise checked.
set -euo pipefail
packages=(libmagic1 fonts-wqy-microhei chromium poppler-utils libreoffice-calc-nogui nginx openssl redis-server postgresql-client)
[ "${1:-}" = "--runtime" ] && packages=(libmagic1 fonts-wqy-microhei)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "missing system packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
