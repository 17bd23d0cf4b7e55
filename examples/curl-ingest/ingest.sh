#!/bin/sh
# Ingest with curl: gzip NDJSON, one record a line, with an Idempotency-Key so a retry counts once.
#   CLOUDSAGE_API_KEY=csk_... sh ingest.sh
set -eu
ENDPOINT="${CLOUDSAGE_ENDPOINT:-http://127.0.0.1:3001}"
NOW=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
printf '%s\n' \
  "{\"time\":\"$NOW\",\"level\":\"info\",\"msg\":\"curl example: request completed\",\"service\":\"curl-example\",\"responseTime\":42}" \
  "{\"time\":\"$NOW\",\"level\":\"error\",\"msg\":\"curl example: payment declined\",\"service\":\"curl-example\"}" \
  | gzip -c \
  | curl -sS --fail-with-body -X POST "$ENDPOINT/api/ingest" \
      -H "Authorization: Bearer $CLOUDSAGE_API_KEY" \
      -H 'Content-Type: application/x-ndjson' -H 'Content-Encoding: gzip' \
      -H "Idempotency-Key: curl-example-$(date +%s)" \
      --data-binary @-
echo
