#!/usr/bin/env bash
# `npm run bench`: installs what is missing, brings the local stack up (left up afterwards) and runs
# the benchmark (infra/bench/run.ts). Prints a table and, as its last line, one JSON object.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source infra/node.sh
echo "using Node.js $(node --version) ($(command -v node))" >&2
bash infra/ensure-deps.sh
bash infra/stack.sh up >&2
# `bench.sh import`: the importer's benchmark (infra/bench/import.ts) instead of the claims path's.
if [ "${1:-}" = import ]; then exec node --import tsx infra/bench/import.ts; fi
# `bench.sh hl7`: the HL7 ADT gateway's benchmark (infra/bench/hl7.ts).
if [ "${1:-}" = hl7 ]; then exec node --import tsx infra/bench/hl7.ts; fi
# `bench.sh commit`: what the claims path's commit script costs Redis (infra/bench/commit.ts).
if [ "${1:-}" = commit ]; then exec node --import tsx infra/bench/commit.ts; fi
# `bench.sh web`: the web application's benchmark (infra/bench/web.ts).
if [ "${1:-}" = web ]; then exec node --import tsx infra/bench/web.ts; fi
exec node --import tsx infra/bench/run.ts
