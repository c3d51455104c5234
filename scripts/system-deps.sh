#!/usr/bin/env bash
# Install the Debian packages Oversight needs, if any are missing: WeasyPrint's libraries
# (HarfBuzz subsetting makes PDFs ~15x faster), PostgreSQL and Redis servers for the tests,
# Chromium for the browser tests. Needs root; without it, says what to install and goes on.
set -euo pipefail
PACKAGES="python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
postgresql redis-server chromium poppler-utils"
missing=()
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Missing system packages (install as root): ${missing[*]}" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
