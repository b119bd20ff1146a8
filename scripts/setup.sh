#!/usr/bin/env bash
# Brings a machine that has only Node.js and npm to a working weld checkout: Debian packages (when
# missing), pnpm, dependencies, compiled packages. Safe to run again; does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32   # C components (weld build)
  docker-registry skopeo apache2-utils openssl           # registry tests (openssl: the token server's key) and benchmarks
  wrk                                                    # pnpm bench serve
  chromium                                               # weld ui's browser tests (playwright-core drives the system browser)
  redis-server nats-server                               # host interfaces: keyvalue on Redis, messaging on NATS (tests, bench)
  time                                                   # pnpm bench push (peak RSS of whole processes)
  zsh fish                                               # weld completion's tests drive the real shells
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION" >&2
  npm install -g --silent "pnpm@$PNPM_VERSION" >&2
fi

pnpm install --frozen-lockfile --reporter=silent >&2
pnpm run --silent build >&2
