#!/usr/bin/env bash
# Install the named Debian packages that are missing. As root (our machines, CI, the Dockerfile)
# it installs them; otherwise it says which ones to install and goes on.
set -euo pipefail
missing=()
for spec in "$@"; do
  # "package:command" is satisfied by the command being on PATH (e.g. npm from Node's own installer).
  pkg=${spec%%:*}; cmd=${spec#*:}
  if [ "$cmd" != "$spec" ] && command -v "$cmd" >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq && sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Please install these Debian/Ubuntu packages: ${missing[*]}" >&2
fi
