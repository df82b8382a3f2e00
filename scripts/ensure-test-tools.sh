#!/bin/sh
# Makes sure the system tools the tests drive are installed: Chromium for the
# browser tests and ffmpeg, which checks the webm and ogg recordings. On a
# Debian machine run as root it installs what is missing with apt-get.
set -eu

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=""
[ -x "$CHROMIUM" ] || missing="$missing chromium"
command -v ffmpeg >/dev/null 2>&1 || missing="$missing ffmpeg"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing$missing with apt-get for the tests" >&2
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  exit 0
fi

echo "the tests need$missing: install it (Debian: apt-get install -y$missing), or set CHROMIUM_PATH" >&2
exit 1
