#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium and its WebDriver for the browser
# tests (tests/channels/test_webchat_browser.py), only when one is missing.
# Needs root (or sudo) and apt; safe to run again.
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
"$(dirname "$0")/apt_install.sh" "the browser tests" chromium chromium-driver
/usr/bin/chromium --version
/usr/bin/chromedriver --version
