#!/usr/bin/env bash
# The main job (`npm run demo`): brings up the local stack, starts every service, replays the
# contract's example feeds (readmissions, ACO totals, an episode), reconciles, and prints what a
# care manager and a finance analyst would see. Leaves the stack up; `npx vbc stack down` stops it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash infra/ensure-deps.sh
bash infra/stack.sh up
EXAMPLES="${VBC_DEMO_EXAMPLES:-../shared/contract/examples}"
[ -d "$EXAMPLES" ] || { echo "demo: scenario folder $EXAMPLES not found (set VBC_DEMO_EXAMPLES)" >&2; exit 1; }
export VBC_TOPIC_PREFIX="${VBC_TOPIC_PREFIX:-demo.}" VBC_REDIS_PREFIX="${VBC_REDIS_PREFIX:-demo}" LOG_LEVEL="${LOG_LEVEL:-warn}"

node bin/vbc.mjs run all 2>demo-services.log &
services=$!
trap 'kill -TERM $services 2>/dev/null; wait $services 2>/dev/null || true' EXIT
until node bin/vbc.mjs status >/dev/null 2>&1; do
  kill -0 $services 2>/dev/null || { echo "demo: services failed to start, see demo-services.log" >&2; exit 1; }
  sleep 1
done

node bin/vbc.mjs reset
feed="$(mktemp)"
cat "$EXAMPLES"/*.ndjson >"$feed"
echo "== publishing $(wc -l <"$feed") records from $EXAMPLES"
node bin/vbc.mjs replay "$feed"
node bin/vbc.mjs reconcile --as-of 2027-03-31
node bin/vbc.mjs export >demo-export.json
node -e '
  const s = JSON.parse(require("fs").readFileSync("demo-export.json", "utf8"));
  const usd = (c) => (c < 0 ? "-$" : "$") + (Math.abs(c) / 100).toLocaleString("en-US", { minimumFractionDigits: 2 });
  console.log("\n== Care-manager alerts in force");
  for (const a of s.alerts) console.log(`  ${a.type.padEnd(16)} ${a.reason}${a.acoId ? ` [ACO ${a.acoId}]` : ""}`);
  console.log("\n== 30-day readmissions");
  for (const r of s.readmissions) console.log(`  ${r.indexEncounterId} -> ${r.readmissionEncounterId}: ${r.daysToReadmit} days${r.planned ? " (planned)" : ""}`);
  console.log("\n== MSSP expenditure by ACO");
  for (const a of s.acos) console.log(`  ${a.acoId} ${a.performanceYear}: ${usd(a.expenditureCents)} over ${a.claimRecords} claim records, ${a.beneficiariesWithSpend} beneficiaries`);
  console.log("\n== BPCI Advanced episodes");
  for (const e of s.episodes) console.log(`  ${e.category} ${e.anchorAdmitDate}..${e.windowEnd}: spend ${usd(e.spendCents)} vs target ${e.targetPriceCents === null ? "none" : usd(e.targetPriceCents)} (${e.status})`);
  console.log("\n== Finance reconciliation");
  for (const r of s.reconciliations) console.log(`  ${r.kind.padEnd(8)} ${r.subjectId.slice(0, 28).padEnd(28)} ${usd(r.amountCents).padStart(16)} ${r.direction}${r.final ? " (final)" : " (interim)"}`);
'
echo; echo "full export: demo-export.json; service logs: demo-services.log"
