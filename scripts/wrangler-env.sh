#!/bin/sh
# Runs a command with wrangler's network features off: this service runs
# and tests entirely on loopback, with local R2 and Durable Objects.
export CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_SEND_METRICS=false
export WRANGLER_SEND_ERROR_REPORTS=false
exec "$@"
