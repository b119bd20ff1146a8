#!/usr/bin/env bash
# Sets up the machine (scripts/setup.sh), runs the whole test suite, and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 2
mkdir -p .cache
report=.cache/vitest-report.json
rm -f "$report"
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
status=$?
node scripts/summarize-tests.mjs "$report" "$status" || status=1
exit $status
