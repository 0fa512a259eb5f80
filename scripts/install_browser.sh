#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium and its WebDriver for the browser
# tests (tests/channels/test_webchat_browser.py), only when one is missing.
# Needs root (or sudo) and apt; safe to run again.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install_browser.sh: no apt-get here; install Chromium and ChromeDriver by hand" \
       "(/usr/bin/chromium, /usr/bin/chromedriver)." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install_browser.sh: needs root to apt-get install chromium chromium-driver." >&2; exit 1; }
  sudo="sudo"
fi
echo "Installing chromium and chromium-driver (for the browser tests) ..."
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq chromium chromium-driver >/dev/null
/usr/bin/chromium --version
/usr/bin/chromedriver --version
