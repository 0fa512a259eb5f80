#!/usr/bin/env bash
# apt_install.sh WHAT PACKAGE...
# Installs Debian packages the tests need (WHAT names them in messages), as root
# or with password-less sudo. Called by postgres.sh, redis.sh and
# install_browser.sh, each only when its program is missing.
set -euo pipefail
what=$1; shift
if ! command -v apt-get >/dev/null 2>&1; then
  echo "$what is not installed and there is no apt-get here: install $* by hand." >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if ! sudo -n true 2>/dev/null; then
    echo "$what is not installed and installing it needs root: sudo apt-get install -y $*" >&2
    exit 1
  fi
  sudo=(sudo -n)
fi
echo "Installing Debian's $* (apt-get) for $what ..." >&2
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
