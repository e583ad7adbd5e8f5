#!/usr/bin/env bash
# Debian packages the test suite needs beyond Python: pdftoppm/pdftotext to render the PDF
# reports, the HarfBuzz subsetter WeasyPrint uses for fonts, and Chromium for the end-to-end
# browser tests. Installs whatever is missing when run as root; otherwise says what is missing
# (the tests that need it then skip, saying so).
set -euo pipefail
PACKAGES=(poppler-utils libharfbuzz-subset0 chromium fonts-dejavu-core)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian packages for the tests: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "missing Debian packages (install them as root to run every test): ${missing[*]}" >&2
fi
