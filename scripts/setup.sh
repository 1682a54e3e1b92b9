#!/usr/bin/env bash
# Installs what the two README commands need, on a machine that has only Node and npm:
# pnpm (the pinned version), the workspace's dependencies, and (as root, when
# missing) the Debian packages the model tools and the dashboard's browser test
# use. Fast when nothing changed. In CI (CI=true) a package the tests need that
# cannot be installed (no root, no apt, or apt fails) fails the run: its tests
# would otherwise skip, and a green run would have tested less. On a user's
# machine those tests skip and say so.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"
APT_PACKAGES=(xgboost chromium)

log() { printf '[setup] %s\n' "$*" >&2; }

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  log "installing pnpm $PNPM_VERSION"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  installed=false
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    log "installing Debian packages: ${missing[*]}"
    if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/tmp/airfill-apt.log 2>&1; then
      installed=true
    else
      log "could not install ${missing[*]} (see /tmp/airfill-apt.log)"
      if [ "${CI:-}" = "true" ]; then cat /tmp/airfill-apt.log >&2; fi
    fi
  else
    log "not installing ${missing[*]}: that needs root and apt-get (sudo apt-get install -y ${missing[*]})"
  fi
  if [ "$installed" != true ]; then
    if [ "${CI:-}" = "true" ]; then
      log "CI needs ${missing[*]} for its tests; failing rather than skipping them"
      exit 1
    fi
    log "the tests that need ${missing[*]} will skip, and training with xgboost and the browser test will say how to install it"
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
