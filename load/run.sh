#!/usr/bin/env bash
# Load test (issue 7): gunicorn + PostgreSQL on 127.0.0.1, database kf_load, bounded in time.
# Usage: bash load/run.sh   (or make load). Percentiles are of the working period: the scenario
# resets Locust's statistics once all 63 users have logged in (logins hash with Argon2). Env: KF_LOAD_SECONDS (75), KF_LOAD_PORT (8765).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
SECONDS_RUN=${KF_LOAD_SECONDS:-90}
PORT=${KF_LOAD_PORT:-8765}
PG=${KF_LOAD_PG:-postgres://postgres@127.0.0.1:5432}
export VAR_DIR="$PWD/var/load"
export DATABASE_URL="$PG/kf_load"
export DEBUG=false CELERY_BROKER_URL="" ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING
export KF_LOAD_USERS="$VAR_DIR/users.json" KF_LOAD_ACKED="$VAR_DIR/acked.json" KF_LOAD_SECONDS="$SECONDS_RUN"
mkdir -p "$VAR_DIR"
rm -f "$VAR_DIR"/locust_* "$VAR_DIR/acked.json"

# A fresh database of our own (never the shared ones).
psql "$PG/postgres" -q -c "DROP DATABASE IF EXISTS kf_load" -c "CREATE DATABASE kf_load"
python3 -c 'import os; print(round(os.getloadavg()[0], 1))' > "$VAR_DIR/loadavg_before"
$PY manage.py migrate --noinput -v0
$PY manage.py load_reference_data
$PY manage.py collectstatic --noinput -v0
$PY load/seed.py

$PY -m gunicorn klimatfardplan.wsgi:application --workers 4 --bind "127.0.0.1:$PORT" \
  --pid "$VAR_DIR/gunicorn.pid" --access-logfile /dev/null --error-logfile "$VAR_DIR/gunicorn.log" --daemon
trap 'kill "$(cat "$VAR_DIR/gunicorn.pid")" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break; sleep 0.2; done

.venv/bin/locust -f load/locustfile.py --headless --users 63 --spawn-rate 5 --run-time "${SECONDS_RUN}s" \
  --host "http://127.0.0.1:$PORT" --csv "$VAR_DIR/locust" --only-summary --stop-timeout 10 || true
$PY load/check.py
