#!/usr/bin/env bash
# Installs the Debian packages the full test suite needs, when they are missing:
# Tesseract with its language data, PostgreSQL, Chromium, the DejaVu fonts, and nginx (the
# deployment guide's reverse proxy, rehearsed by scripts/deploy-rehearsal.sh).
set -euo pipefail
packages=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-rus tesseract-ocr-uzb tesseract-ocr-uzb-cyrl tesseract-ocr-kaz
          tesseract-ocr-kir tesseract-ocr-tgk postgresql chromium fonts-dejavu-core nginx-light)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "error: missing system packages: ${missing[*]}" >&2
  echo "       run as root, or install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 3
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || true
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
