#!/usr/bin/env bash
# Load test (issue 19, point 5): the survey deadline's last hour at ten times the real size, on
# gunicorn + PostgreSQL on 127.0.0.1, its own database (created and dropped), bounded in time.
# Usage: bash load/run.sh   (or make load). Env: KF_LOAD_SECONDS (240), KF_LOAD_PARTNERS (92),
# KF_LOAD_PORT (8765), KF_LOAD_DB (kf_load), KF_LOAD_PG (postgres://postgres@127.0.0.1:5432),
# KF_LOAD_LABEL (the run's name in docs/benchmarks.md; default: this tree's commit),
# KF_LOAD_CACHE_URL (redis://127.0.0.1:6379/1: the shared cache of the full stack).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SECONDS_RUN=${KF_LOAD_SECONDS:-240}
PARTNERS=${KF_LOAD_PARTNERS:-92}
PORT=${KF_LOAD_PORT:-8765}
PG=${KF_LOAD_PG:-postgres://postgres@127.0.0.1:5432}
DB=${KF_LOAD_DB:-kf_load}
export VAR_DIR="${KF_LOAD_VAR:-$PWD/var/load}"
export DATABASE_URL="$PG/$DB"
export DEBUG=false CELERY_BROKER_URL="" ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING
# Redis as in production: the workers share one cache (a Redis that is down is a miss).
export CACHE_URL="${KF_LOAD_CACHE_URL:-redis://127.0.0.1:6379/1}"
export KF_LOAD_USERS="$VAR_DIR/users.json" KF_LOAD_ACKED="$VAR_DIR/acked.json"
export KF_LOAD_SECONDS="$SECONDS_RUN" KF_LOAD_PARTNERS="$PARTNERS" KF_LOAD_USERS_N=$((PARTNERS + 8))
mkdir -p "$VAR_DIR"
rm -f "$VAR_DIR"/locust_* "$VAR_DIR/acked.json"

# A fresh database of our own (never the shared ones), dropped at the end.
psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
cleanup() {
  kill "$(cat "$VAR_DIR/gunicorn.pid" 2>/dev/null)" 2>/dev/null || true
  sleep 1
  psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
}
trap cleanup EXIT
python3 -c 'import os; print(round(os.getloadavg()[0], 1))' > "$VAR_DIR/loadavg_before"
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY load/seed.py
psql "$PG/$DB" -q -c "ANALYZE"

$PY -m gunicorn klimatfardplan.wsgi:application --workers 4 --bind "127.0.0.1:$PORT" \
  --pid "$VAR_DIR/gunicorn.pid" --access-logfile /dev/null --error-logfile "$VAR_DIR/gunicorn.log" --capture-output --daemon
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break; sleep 0.3; done

.venv/bin/locust -f load/locustfile.py --headless --users "$KF_LOAD_USERS_N" --spawn-rate 10 \
  --run-time "${SECONDS_RUN}s" --host "http://127.0.0.1:$PORT" --csv "$VAR_DIR/locust" \
  --only-summary --stop-timeout 30 || true
$PY load/check.py
