#!/usr/bin/env bash
# Installs what the two README commands need, on a machine that has only Node and npm:
# pnpm (the pinned version), the workspace's dependencies, and (as root, when
# missing) the Debian packages the model tools and the dashboard's browser test
# use. In CI a failed install fails the run; elsewhere the tests that need a
# package skip with a message. Fast when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"
APT_PACKAGES=(xgboost chromium)

log() { printf '[setup] %s\n' "$*" >&2; }

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  log "installing pnpm $PNPM_VERSION"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/tmp/airfill-apt.log 2>&1; then
      log "could not install ${missing[*]} (see /tmp/airfill-apt.log); training with xgboost and the browser test will say so when asked"
      if [ "${CI:-}" = "true" ]; then
        cat /tmp/airfill-apt.log >&2
        exit 1
      fi
    fi
  fi
fi

# Reinstall only when the lockfile or a manifest changed since the last install.
stamp_source="$(cat pnpm-lock.yaml package.json pnpm-workspace.yaml */*/package.json stacks/package.json bench/package.json 2>/dev/null | sha1sum | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat node_modules/.airfill-setup 2>/dev/null || true)" != "$stamp_source" ]; then
  log "installing dependencies with pnpm $PNPM_VERSION"
  if [ "${CI:-}" = "true" ]; then
    pnpm install --frozen-lockfile --reporter=append-only
  else
    pnpm install --reporter=append-only
  fi
  echo "$stamp_source" > node_modules/.airfill-setup
fi
