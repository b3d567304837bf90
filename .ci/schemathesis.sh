#!/usr/bin/env bash
# Issue 14 C: an outside fuzzer (and, first, the SDMX validation of issue 21). schemathesis (pinned, with every dependency, in
# .ci/schemathesis-requirements.txt) against the OpenAPI document the server serves: every
# operation, once without a token and once with a token of each role. Fails on any 5xx, on a status
# code, content type or body the document does not describe. Needs `npm run build` first.
set -euo pipefail
cd "$(dirname "$0")/.."
# A virtual environment with exactly the pinned requirements, made again when they change.
ensure_venv() {
  local venv="$1" requirements="$2"
  if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$venv/requirements.txt"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/requirements.txt"
  fi
}
VENV=.tmp/schemathesis-venv
ensure_venv "$VENV" .ci/schemathesis-requirements.txt
DATA=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
# The embedded topology whatever CI exports (KAFKA_BROKERS is for the Kafka suites): this fuzzes the API.
env -u KAFKA_BROKERS -u KAFKA_TOPIC -u KAFKA_CLIENT_ID -u EVENTSTORE_CONNECTION_STRING -u CLICKHOUSE_URL \
  DEMO=on DATA_DIR="$DATA" PORT=$PORT HOST=127.0.0.1 LOG_LEVEL=warn RATE_LIMIT_PER_MINUTE=100000000 node dist/apps/api/src/main.js >"$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 240); do
  if curl -fsS "$URL/health" >/dev/null 2>&1; then break; fi
  if ! kill -0 $SERVER 2>/dev/null; then cat "$DATA/server.log"; exit 1; fi
  sleep 0.5
done
curl -fsS "$URL/health" >/dev/null
# Tokens for every role from the demo sign-in (loopback, before anything else is written).
token() { curl -fsS -X POST -H 'content-type: application/json' -d "{\"role\":\"$1\"}" "$URL/v1/demo/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
declare -A TOKENS=([enterprise]=$(token enterprise) [bureau]=$(token bureau) [regulator]=$(token regulator) [admin]=$(token admin))
status=0
# Issue 21: our SDMX read by an independent library (pysdmx and the SDMX TWG's schemas, pinned), on the
# demo data before the fuzzer writes anything: structures, data, and the round trip from SDMX-CSV.
SDMX_VENV=.tmp/sdmx-venv
ensure_venv "$SDMX_VENV" .ci/sdmx-requirements.txt
echo "== SDMX validation (pysdmx)"
if ! "$SDMX_VENV/bin/python" .ci/sdmx_check.py "$URL" "${TOKENS[regulator]}"; then status=1; fi
for role in anonymous enterprise bureau regulator admin; do
  auth=()
  [ "$role" != anonymous ] && auth=(-H "Authorization: Bearer ${TOKENS[$role]}")
  echo "== schemathesis as $role"
  if ! "$VENV/bin/schemathesis" run "$URL/docs-json" "${auth[@]}" \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
      --phases examples,coverage,fuzzing --max-examples "${SCHEMATHESIS_EXAMPLES:-25}" --seed 14 --workers 2 \
      --generation-database none --no-color --warnings off; then
    status=1
  fi
done
if [ $status -ne 0 ]; then echo "schemathesis found failures (server log: tail below)"; tail -50 "$DATA/server.log"; fi
exit $status
