#!/usr/bin/env bash
# The README's test command (`npm test`): installs what is missing, then runs every test: unit tests,
# and integration and end-to-end tests against a real Kafka, schema registry and Redis (from the
# environment, testcontainers, or the local stack started here and stopped afterwards).
# Writes test-results/vitest.json and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source infra/node.sh
echo "using Node.js $(node --version) ($(command -v node))" >&2
bash infra/ensure-deps.sh || exit 1
# The browser tests (the web application) run in Debian's Chromium.
bash infra/ensure-chromium.sh || exit 1
mkdir -p test-results
rm -f test-results/vitest.json
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
status=$?
STATUS="$status" node -e '
  const fs = require("fs");
  const f = "test-results/vitest.json";
  const r = fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, "utf8")) : { numPassedTests: 0, numFailedTests: 0 };
  // A run that failed outside any test (setup, config) still counts as one failure.
  const failed = r.numFailedTests || (process.env.STATUS !== "0" ? 1 : 0);
  console.log(`${r.numPassedTests} passed, ${failed} failed`);
'
exit "$status"
