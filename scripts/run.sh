#!/usr/bin/env bash
# `make run` (serve as deployed) and `make dev` (runserver with DEBUG and autoreload).
#
#   scripts/run.sh run|dev        HOST and PORT (default 127.0.0.1:8000) and any setting of the
#                                 README's Configuration section are honoured.
#
# Both prepare the database (migrate; the seed glossary if it is empty) and start the background
# task worker beside the web server; Ctrl-C (or SIGTERM to this script) stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:?usage: scripts/run.sh run|dev}
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

if [ "$MODE" = run ]; then
    export DJANGO_DEBUG=0
    # Generated once and kept out of git: sessions survive a restart, nothing secret is committed.
    if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
        key_file=${DJANGO_SECRET_KEY_FILE:-.secret_key}
        if [ ! -s "$key_file" ]; then
            (umask 077 && $PY -c "import secrets; print(secrets.token_urlsafe(50))" > "$key_file")
        fi
        DJANGO_SECRET_KEY=$(cat "$key_file")
        export DJANGO_SECRET_KEY
    fi
    # This serves plain http://HOST:PORT to this machine: no HTTPS redirect or Secure cookies
    # (README, Production: a real deploy behind TLS leaves DJANGO_HTTPS on).
    export DJANGO_HTTPS=${DJANGO_HTTPS:-0}
    export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-$HOST,127.0.0.1,localhost}
    # One cache for every process of this machine: the page cache, and the progress the task
    # worker publishes for the admin's import page.
    export CACHE_URL=${CACHE_URL:-file://$PWD/.cache/django}
else
    export DJANGO_DEBUG=1
fi

$PY manage.py migrate --noinput -v0
$PY manage.py load_seed_if_empty
manifest="${DJANGO_STATIC_ROOT:-staticfiles}/staticfiles.json"
venv=$(dirname "$(dirname "$PY")")
# Static files are collected again (hashed and compressed for WhiteNoise) only when a source
# changed: our apps' static folders, or the installed packages (admin, Swagger UI, vis-network).
static_is_stale() {
    [ ! -f "$manifest" ] || [ "$venv/.installed" -nt "$manifest" ] ||
        [ -n "$(find glossary graphviz_app -path '*/static/*' -newer "$manifest" -print -quit)" ]
}
if [ "$MODE" = run ] && static_is_stale; then
    $PY manage.py collectstatic --noinput -v0
fi

pids=()
stop() {
    trap - EXIT INT TERM
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait || true
}
trap stop EXIT
trap 'stop; exit 0' INT TERM

# Imports may run long inside one transaction: no statement timeout for the worker. A worker that
# stops on an error is started again, and the site stays up: on SQLite, its poll gives up with
# "database is locked" when a long write (`manage.py import_glossary` of a large file) holds the
# database past its 5 s wait.
(
    child=
    trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait; exit 0' TERM INT
    while true; do
        DATABASE_STATEMENT_TIMEOUT=0 $PY manage.py db_worker --queue-name '*' &
        child=$!
        wait "$child" && exit 0
        echo "The task worker stopped on an error; starting it again in 3 s." >&2
        sleep 3 &
        wait $!
    done
) &
pids+=($!)

if [ "$MODE" = run ]; then
    workers=${WEB_CONCURRENCY:-$(( 2 * $(nproc) + 1 ))}
    echo "Serving http://$HOST:$PORT/ (gunicorn, $workers workers, DEBUG off) and the task worker; Ctrl-C stops both."
    "$(dirname "$PY")/gunicorn" glossary.wsgi:application --bind "$HOST:$PORT" --workers "$workers" \
        --access-logfile - --timeout 60 --graceful-timeout 10 &
else
    $PY manage.py runserver "$HOST:$PORT" &
fi
pids+=($!)

# Whichever stops first (or a signal) stops the other.
wait -n
