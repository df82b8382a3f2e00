#!/bin/sh
# Creates .dev.vars from .dev.vars.example when it is missing, so that
# `npm run dev` starts with the documented development secrets.
cd "$(dirname "$0")/.." || exit 1
if [ ! -f .dev.vars ]; then
  cp .dev.vars.example .dev.vars
  echo "created .dev.vars from .dev.vars.example (development secrets)" >&2
fi
