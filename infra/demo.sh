#!/usr/bin/env bash
# The main job (`npm run demo`): brings up the local stack (no Docker), starts every service, simulates
# a realistic year of claims and ADT data, publishes it at a steady rate while a care manager's alert
# view prints alerts as they arrive, then reconciles and prints the finance summary. Leaves the stack
# up (`npx vbc stack down` stops it). Outputs and logs go to .vbc/demo/.
#   VBC_DEMO_SEED (7), VBC_DEMO_BENEFICIARIES (20000), VBC_DEMO_RATE (records/s, 4000),
#   VBC_DEMO_AS_OF (reconciliation date, 2027-04-01), VBC_DEMO_ALERT_LINES (alert lines shown, 25),
#   VBC_DEMO_SOURCE (ndjson, or cclf: the claims arrive as the CCLF files CMS sends an ACO, through
#   `vbc import cclf`, after the hospitals' ADT and the reference data), VBC_MLLP_PORT (the ADT
#   gateway's port, 2575: a hospital's HL7 v2 feed, docs/examples/genhosp-adt.hl7, is sent to it),
#   VBC_WEB_PORT (the web application's, 8080; it keeps serving after the feed until Ctrl-C),
#   VBC_DEMO_SERVE (1; 0: stop when the feed is done), VBC_REDIS_CLUSTER=1 (the state on a local
#   Redis Cluster of 3 primaries and 3 replicas instead of one Redis; see docs/operations.md)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source infra/node.sh
echo "using Node.js $(node --version) ($(command -v node))" >&2
bash infra/ensure-deps.sh
bash infra/stack.sh up
if [ "${VBC_REDIS_CLUSTER:-}" = 1 ]; then
  p="${VBC_REDIS_CLUSTER_PORT:-7001}"
  export REDIS_CLUSTER_NODES="${REDIS_CLUSTER_NODES:-127.0.0.1:$p,127.0.0.1:$((p + 1)),127.0.0.1:$((p + 2))}"
fi

SEED="${VBC_DEMO_SEED:-7}" BENEFICIARIES="${VBC_DEMO_BENEFICIARIES:-20000}" RATE="${VBC_DEMO_RATE:-4000}"
AS_OF="${VBC_DEMO_AS_OF:-2027-04-01}" ALERT_LINES="${VBC_DEMO_ALERT_LINES:-25}" SOURCE="${VBC_DEMO_SOURCE:-ndjson}"
case "$SOURCE" in ndjson|cclf) ;; *) echo "demo: VBC_DEMO_SOURCE must be ndjson or cclf" >&2; exit 2 ;; esac
OUT=.vbc/demo
mkdir -p "$OUT"
export VBC_TOPIC_PREFIX="${VBC_TOPIC_PREFIX:-demo.}" VBC_REDIS_PREFIX="${VBC_REDIS_PREFIX:-demo}" LOG_LEVEL="${LOG_LEVEL:-warn}"
export VBC_MLLP_PORT="${VBC_MLLP_PORT:-2575}" VBC_WEB_PORT="${VBC_WEB_PORT:-8080}"
SERVE="${VBC_DEMO_SERVE:-1}"
vbc_hash() { echo "$1" | bin/vbc.mjs web hash-password; }
# The web application's demo users (passwords shown below; a real installation writes its own file).
cat >"$OUT/web-users.json" <<USERS
{"users": [
  {"username": "ana", "role": "care-manager", "acos": ["A1001"], "facilities": [], "passwordHash": "$(vbc_hash ana-demo-password)"},
  {"username": "ben", "role": "care-manager", "acos": ["A2002"], "facilities": ["GENHOSP"], "passwordHash": "$(vbc_hash ben-demo-password)"},
  {"username": "fay", "role": "finance", "acos": ["*"], "facilities": [], "passwordHash": "$(vbc_hash fay-demo-password)"},
  {"username": "root", "role": "admin", "acos": ["*"], "facilities": [], "passwordHash": "$(vbc_hash root-demo-password)"}
]}
USERS
export VBC_WEB_USERS_FILE="$OUT/web-users.json"
vbc() { bin/vbc.mjs "$@"; }
# Background processes are started as bin/vbc.mjs itself (not through the function) so that $! is their pid.
started=$(date +%s)

# A clean slate first, whatever an earlier demo or version left (reset works on any state layout).
vbc reset
bin/vbc.mjs run all 2>"$OUT/services.log" &
services=$!
alerts=""
cleanup() {
  [ -n "$alerts" ] && kill -TERM "$alerts" 2>/dev/null || true
  kill -TERM "$services" 2>/dev/null || true
  wait "$services" 2>/dev/null || true
}
trap cleanup EXIT
until vbc status >/dev/null 2>&1; do
  kill -0 "$services" 2>/dev/null || { echo "demo: the services failed to start, see $OUT/services.log" >&2; exit 1; }
  sleep 1
done

echo "== simulating a year of data: $BENEFICIARIES beneficiaries (seed $SEED)"
if [ "$SOURCE" = cclf ]; then
  rm -rf "$OUT/cclf"
  vbc simulate --seed "$SEED" --beneficiaries "$BENEFICIARIES" --out "$OUT/feed.ndjson" --cclf "$OUT/cclf"
else
  vbc simulate --seed "$SEED" --beneficiaries "$BENEFICIARIES" --out "$OUT/feed.ndjson"
fi

echo
echo "== care-manager alerts as they arrive (first $ALERT_LINES, then a tally every 5 s)"
bin/vbc.mjs alerts --follow --max "$ALERT_LINES" --today event &
alerts=$!
vbc replay "$OUT/feed.ndjson" --rate "$RATE" --progress --report "$OUT/bad-lines.txt" --timeout 600
if [ "$SOURCE" = cclf ]; then
  echo "== the payer's month: claims from the CCLF files in $OUT/cclf"
  vbc import cclf "$OUT/cclf" --progress --report "$OUT/bad-cclf-records.txt" --timeout 600
fi
echo
echo "== a hospital's HL7 v2 ADT feed over MLLP (the gateway of 'vbc run all' on 127.0.0.1:$VBC_MLLP_PORT)"
echo "   docs/examples/genhosp-adt.hl7: an admission, a discharge home, a transfer inside the hospital"
echo "   (ignored), a readmission 18 days later, and an admission with no Medicare id (AE)"
vbc hl7 send docs/examples/genhosp-adt.hl7 --port "$VBC_MLLP_PORT" --wait | grep -E '^(MSA|ERR)' | sed 's/^/   /' || true
vbc dlq list adt-hl7 | sed 's/^/   /'
sleep 2 # the alert view reads the last alerts the services flushed
kill -TERM "$alerts" && wait "$alerts" || true
alerts=""

echo
echo "== reconciling as of $AS_OF (episodes whose window ended, MSSP per ACO and year)"
vbc reconcile --as-of "$AS_OF"
echo
vbc finance
vbc export >"$OUT/export.json"
echo
echo "== care-manager worklist and episodes in the export"
node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const by = (xs, f) => xs.reduce((m, x) => (m[f(x)] = (m[f(x)] || 0) + 1, m), {});
  const open = s.alerts.filter((a) => a.type === "TCM_FOLLOW_UP");
  const hl7 = s.alerts.filter((a) => a.mbi === "9HL7DEMO001");
  console.log(`  from the HL7 feed: ${hl7.map((a) => `${a.type} ${a.subjectId}`).join(", ") || "none"}`);
  console.log(`  alerts in force: ${Object.entries(by(s.alerts, (a) => a.type)).map(([k, n]) => `${n} ${k}`).join(", ")}`);
  console.log(`  TCM follow-ups still open: ${open.length}; e.g. ${open.slice(0, 3).map((a) => `${a.subjectId} (contact due ${a.contactDueDate}, visit due ${a.visitDueDate})`).join("; ")}`);
  console.log(`  episodes by program: ${Object.entries(by(s.episodes, (e) => `${e.program} ${e.category}`)).sort().map(([k, n]) => `${k} ${n}`).join(", ")}`);
' "$OUT/export.json"
echo
echo "demo finished in $(( $(date +%s) - started ))s. State export: $OUT/export.json; bad lines: $OUT/bad-lines.txt; service logs: $OUT/services.log"
echo "The stack is still up: 'npx vbc stack down' stops it."
if [ "$SERVE" = 1 ]; then
  echo
  echo "== the web application: http://127.0.0.1:$VBC_WEB_PORT"
  echo "   ana / ana-demo-password    care manager of ACO A1001 (worklist, patients)"
  echo "   ben / ben-demo-password    care manager of ACO A2002 and of GENHOSP's patients"
  echo "   fay / fay-demo-password    finance, every ACO (spend against benchmark, reconciliations, CSV)"
  echo "   root / root-demo-password  admin (everything, and the audit log)"
  echo "   Serving until Ctrl-C (VBC_DEMO_SERVE=0 stops the demo here instead)."
  wait "$services" || true
fi
