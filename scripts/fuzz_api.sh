#!/usr/bin/env bash
# Schema-driven fuzzing of the REST API: serve the app on a throwaway database and let
# schemathesis check every operation of /api/schema/ against what the server really answers.
# Exits non-zero on any finding.  FUZZ_MAX_EXAMPLES bounds the run (default 25 per operation).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
ST=.venv/bin/st
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-25}
WORKDIR=$(mktemp -d)
SERVER_PID=""

cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORKDIR"
}
trap cleanup EXIT

# A production-like configuration (DEBUG off) on a database nobody else uses.
export DATABASE_URL="sqlite:///$WORKDIR/fuzz.sqlite3"
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="fuzz-only-secret-key-$(date +%s)-not-for-production-use"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECURE_SSL_REDIRECT=0
export DJANGO_STATIC_MANIFEST=0
export WHITENOISE_USE_FINDERS=1
# Refusals (4xx) are the point of fuzzing; only server errors are worth logging.
export DJANGO_LOG_LEVEL=ERROR
unset CACHE_URL

$PY manage.py migrate --noinput -v0
if [ -f fixtures/llm_glossary.json ]; then
    $PY manage.py loaddata fixtures/llm_glossary.json -v0
fi
TOKEN=$($PY manage.py shell -v0 -c "
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
user = User.objects.create_superuser('fuzz-admin', 'fuzz@example.com', 'fuzz-admin-password')
print(Token.objects.create(user=user).key)
")

PORT=$($PY -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
# No limit on the request line: a query parameter far over its maxLength must reach the API and
# be refused there (400), not by gunicorn's 4,094-byte line limit (414, which the fuzzer does
# not count as a refusal).
.venv/bin/gunicorn glossary.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 --limit-request-line 0 \
    --access-logfile /dev/null --error-logfile "$WORKDIR/server.log" 2>>"$WORKDIR/server.log" &
SERVER_PID=$!
for _ in $(seq 50); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/api/health/" && break
    sleep 0.2
done

status=0
# schemathesis.toml: only the documented business-rule refusals (see there) are accepted as 400.
$ST --config-file scripts/schemathesis.toml run "http://127.0.0.1:$PORT/api/schema/?format=json" \
    --checks all \
    -H "Authorization: Token $TOKEN" \
    --seed 1 \
    --max-examples "$MAX_EXAMPLES" \
    --workers 1 \
    --request-timeout 20 \
    --report junit --report-dir "$WORKDIR/report" \
    || status=$?

if grep -q "Internal Server Error\|Traceback" "$WORKDIR/server.log"; then
    echo "== the server logged errors:"
    cat "$WORKDIR/server.log"
    status=1
fi
exit $status
