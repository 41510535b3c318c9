#!/usr/bin/env bash
# Starts the Echotrail collector on its embedded default (PGlite in ./.echotrail),
# installing and building what it needs first. Needs only Node 20+ and git.
# Arguments go to `echotrail start` (e.g. --port 8081 --host 0.0.0.0);
# set DATABASE_URL to run on PostgreSQL instead.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[start.sh]\033[0m %s\n' "$*" >&2; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  say "Node.js 20 or newer is required (found: $(node -v 2>/dev/null || echo none))."
  exit 1
fi

pnpm_version=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if [ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]; then
  say "installing pnpm@$pnpm_version with npm"
  npm install -g "pnpm@$pnpm_version" >/dev/null 2>&1 || sudo -n npm install -g "pnpm@$pnpm_version" >/dev/null
fi

say "installing dependencies"
pnpm install --frozen-lockfile --reporter=silent
say "building the collector"
pnpm --filter "@echotrail/collector..." run build >/dev/null
exec node packages/collector/dist/cli.js start "$@"
