#!/usr/bin/env bash
# Regenerates every golden file in the repository: each test file that compares with a file snapshot runs with -u.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(grep -rl --include='*.test.ts' 'toMatchFileSnapshot' packages/*/test test | sort)
# `--update all` spelled out: vitest 4 takes a value after -u, which would swallow the first file
exec pnpm exec vitest run --update all "${files[@]}"
