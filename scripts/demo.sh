#!/usr/bin/env bash
# The weld demo on a fresh machine: set-up, then the end-to-end walk through (scripts/demo.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/demo.mjs "$@"
