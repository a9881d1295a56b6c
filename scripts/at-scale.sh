#!/usr/bin/env bash
# Run the cchc flows the way a city would: PostgreSQL for cchc, a Prefect server on
# PostgreSQL, the deployments of prefect.yaml on a process work pool, one worker.
#
# Everything is created fresh and removed on exit (two databases, a temporary directory,
# the server and the worker). Only 127.0.0.1 is used; every wait is bounded.
# See docs/at-scale.md. Usage: scripts/at-scale.sh   (from anywhere; env overrides below)
#
#   PGHOST/PGPORT/PGUSER  PostgreSQL server (default 127.0.0.1:5432, trust auth)
#   AT_SCALE_PORT         Prefect server port (default 4200)
#   AT_SCALE_TIMEOUT      seconds to wait for each flow run (default 240)
#   AT_SCALE_SCHEDULES=1  also let the server's scheduler create the cron runs
#   AT_SCALE_KEEP=1       keep the temporary directory (logs) after the run
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${VENV:-$ROOT/.venv}/bin"
export PATH="$BIN:$PATH"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}"
PORT="${AT_SCALE_PORT:-4200}"
TIMEOUT="${AT_SCALE_TIMEOUT:-240}"
SUFFIX="$(date +%s)_$$"
CCHC_DB="cchc_atscale_$SUFFIX"
PREFECT_DB="prefect_atscale_$SUFFIX"
WORK="$(mktemp -d -t cchc-at-scale.XXXXXX)"
USERPART="${PGUSER:+$PGUSER@}"
SERVER_PID="" WORKER_PID=""
T0="$(date +%s.%N)"
TIMINGS=()

since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
log() { printf '[%6ss] %s\n' "$(since "$T0")" "$*"; }
mark() { TIMINGS+=("$(printf '%-54s %6s s' "$1" "$(since "$2")")"); }
fail() {
    log "FAILED: $*"
    for f in "$WORK"/server.log "$WORK"/worker.log; do
        [[ -f $f ]] && { echo "--- tail $f"; tail -n 40 "$f"; }
    done
    exit 1
}

stop_group() { # stop a background process group we started, by its id (bounded waits)
    # Ctrl-C first: the server stops in a few seconds. An idle prefect 3.9 worker logs the
    # SIGINT but keeps running; the next signal makes it kill itself.
    local pid="$1" sig
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    for sig in INT TERM KILL; do
        kill "-$sig" -- "-$pid" 2>/dev/null || true
        for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
    done
}

cleanup() {
    local status=$?
    set +e
    stop_group "$WORKER_PID"
    stop_group "$SERVER_PID"
    dropdb --if-exists --force "$CCHC_DB" 2>/dev/null
    dropdb --if-exists --force "$PREFECT_DB" 2>/dev/null
    if [[ ${AT_SCALE_KEEP:-0} == 1 || $status -ne 0 ]]; then
        echo "logs kept in $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- cchc on its own PostgreSQL database --------------------------------------------------
pg_isready -q -t 5 || fail "PostgreSQL is not reachable at $PGHOST:$PGPORT"
curl -s -o /dev/null "http://127.0.0.1:$PORT/" && fail "port $PORT is in use (set AT_SCALE_PORT)"
t="$(date +%s.%N)"
createdb "$CCHC_DB"
createdb "$PREFECT_DB"
export CCHC_DATABASE_URL="postgresql://${USERPART}$PGHOST:$PGPORT/$CCHC_DB"
export CCHC_HOME="$WORK/cchc-home"  # set up as the operator (no CCHC_USER)
unset CCHC_USER
cchc init >/dev/null
cchc plan load "$ROOT/plans/phu-huu-2020.yaml" >/dev/null
cchc officer import "$ROOT/plans/demo-roster.csv" >/dev/null
mark "cchc database: create, init, plan, roster" "$t"
log "cchc database $CCHC_DB ready"

# --- a Prefect server on PostgreSQL -------------------------------------------------------
python -c 'import asyncpg' 2>/dev/null || fail "asyncpg is not installed in $BIN (pip install asyncpg)"
export PREFECT_HOME="$WORK/prefect-home"
export PREFECT_API_DATABASE_CONNECTION_URL="postgresql+asyncpg://${USERPART}$PGHOST:$PGPORT/$PREFECT_DB"
export PREFECT_API_URL="http://127.0.0.1:$PORT/api"
export PREFECT_SERVER_ANALYTICS_ENABLED=false
export PREFECT_SERVER_SERVICES_SCHEDULER_MAX_SCHEDULED_TIME=P400D
# Replays below run at fixed `now` values; wall-clock cron runs would sweep 2020's plan at
# today's date and add noise, so the scheduler stays off unless asked for.
if [[ ${AT_SCALE_SCHEDULES:-0} != 1 ]]; then
    export PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED=false
fi
export PREFECT_WORKER_QUERY_SECONDS=2 # the worker polls every 2 s instead of 10 s

t="$(date +%s.%N)"
prefect server database upgrade -y >"$WORK/upgrade.log" 2>&1 || fail "database upgrade (see $WORK/upgrade.log)"
mark "prefect server database upgrade" "$t"
log "Prefect database $PREFECT_DB migrated"

t="$(date +%s.%N)"
setsid prefect server start --host 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
disown "$SERVER_PID"
for _ in $(seq 1 120); do
    curl -sf "$PREFECT_API_URL/health" >/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || fail "prefect server exited"
    sleep 0.5
done
curl -sf "$PREFECT_API_URL/health" >/dev/null || fail "prefect server not healthy after 60 s"
mark "prefect server start until /api/health" "$t"
log "Prefect server up at $PREFECT_API_URL"

# --- deployments and a worker -------------------------------------------------------------
t="$(date +%s.%N)"
prefect work-pool create cchc --type process >/dev/null
(cd "$ROOT" && CCHC_ROOT="$ROOT" prefect --no-prompt deploy --all) >"$WORK/deploy.log" 2>&1 ||
    fail "prefect deploy (see $WORK/deploy.log)"
mark "work pool + prefect deploy --all" "$t"
log "deployed: $(curl -sf -X POST "$PREFECT_API_URL/deployments/count") deployments"

export CCHC_ROOT="$ROOT" # read by the pull step when a flow run starts
setsid prefect worker start --pool cchc --type process >"$WORK/worker.log" 2>&1 &
WORKER_PID=$!
disown "$WORKER_PID"

state_of() { # the state type of a flow run, from the REST API
    curl -sf "$PREFECT_API_URL/flow_runs/$1" | python -c 'import json,sys; print(json.load(sys.stdin)["state_type"])'
}

run_and_wait() { # deployment, params...: trigger a run, wait for a final state
    local deployment="$1"
    shift
    local t out id state
    t="$(date +%s.%N)"
    out="$(prefect deployment run "$deployment" "$@" 2>&1)" || fail "deployment run: $out"
    id="$(sed -n 's/.*UUID: *\([0-9a-f-]\{36\}\).*/\1/p' <<<"$out" | head -n1)"
    [[ -n $id ]] || fail "no flow run id in: $out"
    state=""
    for _ in $(seq 1 "$TIMEOUT"); do
        state="$(state_of "$id" || echo UNKNOWN)"
        case "$state" in COMPLETED | FAILED | CRASHED | CANCELLED) break ;; esac
        sleep 1
    done
    mark "run $deployment (trigger to COMPLETED)" "$t"
    [[ $state == COMPLETED ]] || fail "$deployment run $id is $state after ≤ ${TIMEOUT}s"
    log "$deployment run $id COMPLETED"
}

# In order: the sweep needs the occurrences the materialisation creates.
run_and_wait cchc-materialise/materialise --param 'now="2020-01-01T06:00"'
run_and_wait cchc-remind/remind --param 'now="2020-03-17T08:00"' --param 'units=["phu-huu"]'
run_and_wait cchc-deliver/deliver --param 'now="2020-03-17T08:00"'

# --- what the runs did, in the cchc database ----------------------------------------------
occurrences="$(psql -At -d "$CCHC_DB" -c 'SELECT count(*) FROM occurrence')"
sent="$(psql -At -d "$CCHC_DB" -c "SELECT count(*) FROM outbox WHERE status = 'sent'")"
emails="$(find "$CCHC_HOME/outbox" -name '*.eml' 2>/dev/null | wc -l)"
log "occurrences: $occurrences, outbox sent: $sent, .eml files: $emails"
[[ $occurrences -gt 0 ]] || fail "no occurrences in $CCHC_DB"
[[ $sent -ge 1 && $emails -ge 1 ]] || fail "nothing was delivered"

echo
echo "Timings (wall clock):"
printf '  %s\n' "${TIMINGS[@]}"
printf '  %-54s %6s s\n' "total" "$(since "$T0")"
echo "OK"
