#!/usr/bin/env bash
# Installs what the Echotrail test suite needs, then runs all of it:
# build, typecheck, lint (eslint, publint, attw), and every vitest project.
#
# Needs Node 20+ and git. Provides, when missing and when it can (root or
# passwordless sudo on Debian/Ubuntu): pnpm at the version pinned in package.json,
# Debian's chromium, and a local PostgreSQL on 127.0.0.1:5432. Where it cannot, it
# says what is missing and how to provide it. Under CI=true anything missing is a
# failure, never a skip.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[test.sh]\033[0m %s\n' "$*"; }
missing=()

# --- privileges for apt and services --------------------------------------
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
  else return 126
  fi
}
apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 127
  if [ "$apt_updated" -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return $?
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# --- Node ------------------------------------------------------------------
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  say "Node.js 20 or newer is required (found: $(node -v 2>/dev/null || echo none))."
  exit 1
fi

# --- pnpm at the pinned version -------------------------------------------
pnpm_version=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if [ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]; then
  say "installing pnpm@$pnpm_version with npm"
  # Corepack's signature check fails against some registries; npm works everywhere.
  npm install -g "pnpm@$pnpm_version" >/dev/null 2>&1 || as_root npm install -g "pnpm@$pnpm_version" >/dev/null
fi

say "pnpm install --frozen-lockfile"
pnpm install --frozen-lockfile

# --- Chromium --------------------------------------------------------------
chromium_path=${ECHOTRAIL_CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$chromium_path" ]; then
  say "Chromium missing at $chromium_path: installing Debian's chromium"
  if ! apt_install chromium; then
    missing+=("Chromium: install it (apt-get install chromium) or set ECHOTRAIL_CHROMIUM_PATH to a Chromium binary")
  fi
fi

# --- PostgreSQL --------------------------------------------------------------
db_url=${ECHOTRAIL_TEST_DATABASE_URL:-${DATABASE_URL:-}}
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_for_port() {
  for _ in $(seq 1 60); do port_open "$1" "$2" && return 0; sleep 0.5; done
  return 1
}
start_clusters() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 1
  local started=1
  while read -r version cluster _; do
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start 2>/dev/null && started=0
  done < <(pg_lsclusters -h 2>/dev/null)
  return $started
}
trust_loopback() {
  # Only for a server this script installed: let the test user in over loopback
  # without a password, as on the CI machines.
  local hba
  for hba in /etc/postgresql/*/main/pg_hba.conf; do
    [ -f "$hba" ] || continue
    as_root sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+$/\1trust/' "$hba"
  done
}
if [ -n "$db_url" ]; then
  say "using the PostgreSQL server given by ${ECHOTRAIL_TEST_DATABASE_URL:+ECHOTRAIL_TEST_DATABASE_URL}${ECHOTRAIL_TEST_DATABASE_URL:-DATABASE_URL}"
elif port_open 127.0.0.1 5432; then
  say "PostgreSQL is running on 127.0.0.1:5432"
else
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    say "PostgreSQL not installed: installing Debian's postgresql"
    if apt_install postgresql; then trust_loopback; fi
  fi
  say "starting PostgreSQL"
  if ! { start_clusters && wait_for_port 127.0.0.1 5432; }; then
    missing+=("PostgreSQL: start a server on 127.0.0.1:5432 (user postgres, trust auth) or set ECHOTRAIL_TEST_DATABASE_URL=postgres://user:pass@host:port/db (the user needs CREATEDB)")
  fi
fi

if [ ${#missing[@]} -gt 0 ]; then
  say "could not provide everything the suite needs:"
  for m in "${missing[@]}"; do echo "  - $m"; done
  if [ "${CI:-}" = "true" ]; then
    say "CI=true: a missing database or browser is a failure."
    exit 1
  fi
  say "continuing: the suites that need them will fail and say so."
fi

# --- the suite ---------------------------------------------------------------
say "pnpm build";     pnpm build
say "pnpm typecheck"; pnpm typecheck
say "pnpm lint";      pnpm lint
say "pnpm test";      pnpm test
say "all green"
