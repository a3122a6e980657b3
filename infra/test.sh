#!/usr/bin/env bash
# The README's test command (`npm test`): installs what is missing, then runs every test: unit tests,
# and integration and end-to-end tests against a real Kafka, schema registry and Redis (from the
# environment, testcontainers, or the local stack started here and stopped afterwards).
# Writes test-results/vitest.json and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash infra/ensure-deps.sh || exit 1
mkdir -p test-results
rm -f test-results/vitest.json
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
status=$?
node -e '
  const fs = require("fs");
  const f = "test-results/vitest.json";
  if (!fs.existsSync(f)) { console.log("0 passed, 1 failed"); process.exit(0); }
  const r = JSON.parse(fs.readFileSync(f, "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + (r.numRuntimeErrors || 0)} failed`);
'
exit "$status"
