#!/usr/bin/env bash
# Trawl throughput benchmark: starts the packaged platform on 127.0.0.1 against a database and a
# Redis key prefix of its own, runs bench/LoadGen.java against it and prints the figures.
#
#   bench/run.sh                         # JOBS=5000 CLIENTS=50
#   bench/run.sh JOBS=20000 CLIENTS=100  # KEY=VALUE arguments, or the same names as env variables
#
# Settings (arguments or environment):
#   JOBS                jobs to submit                                  (default 5000)
#   CLIENTS             concurrent submitting clients                   (default 50)
#   WORKER_CONCURRENCY  trawl.worker.concurrency of the platform        (default 50)
#   PORT                first HTTP port to try for the platform         (default 18080)
#   TIMEOUT             seconds the load generator waits for completion (default 600)
#   READY_TIMEOUT       seconds to wait for /q/health/ready             (default 120)
#   PLATFORM_OPTS       extra JVM options / -D properties for the platform (default empty)
#   SKIP_BUILD=1        never build, use target/quarkus-app as it is
#
# Everything stays on 127.0.0.1. The platform is always stopped on exit (trap).
set -euo pipefail

JOBS=${JOBS:-5000}
CLIENTS=${CLIENTS:-50}
WORKER_CONCURRENCY=${WORKER_CONCURRENCY:-50}
PORT=${PORT:-18080}
TIMEOUT=${TIMEOUT:-600}
READY_TIMEOUT=${READY_TIMEOUT:-120}
PLATFORM_OPTS=${PLATFORM_OPTS:-}
SKIP_BUILD=${SKIP_BUILD:-0}

DB=trawl_bench
PREFIX=trawl-bench:
PG=(psql -X -q -h 127.0.0.1 -p 5432 -U postgres -v ON_ERROR_STOP=1)
REDIS=(redis-cli -h 127.0.0.1 -p 6379)

die() { echo "bench: error: $*" >&2; exit 1; }
log() { echo "bench: $*" >&2; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]] && (( $1 > 0 )); }

for arg in "$@"; do
    case $arg in
        JOBS=*|CLIENTS=*|WORKER_CONCURRENCY=*|PORT=*|TIMEOUT=*|READY_TIMEOUT=*|SKIP_BUILD=*) declare "$arg" ;;
        PLATFORM_OPTS=*) PLATFORM_OPTS=${arg#PLATFORM_OPTS=} ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown argument '$arg' (expected JOBS=N CLIENTS=N WORKER_CONCURRENCY=N PORT=N TIMEOUT=S; see --help)" ;;
    esac
done
for name in JOBS CLIENTS WORKER_CONCURRENCY PORT TIMEOUT READY_TIMEOUT; do
    is_uint "${!name}" || die "$name must be a positive integer, got '${!name}'"
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# ---- prerequisites ------------------------------------------------------------------------------
for tool in java psql redis-cli curl; do
    command -v "$tool" >/dev/null || die "'$tool' is not installed or not on PATH"
done
pong=$("${REDIS[@]}" ping 2>&1) || true
[[ $pong == PONG ]] || die "Redis is not answering on 127.0.0.1:6379 (redis-cli ping: ${pong:-no answer}); start it first"
"${PG[@]}" -d postgres -tAc 'select 1' >/dev/null 2>&1 \
    || die "PostgreSQL is not answering on 127.0.0.1:5432 as user postgres (try: psql -h 127.0.0.1 -U postgres -c 'select 1')"

# The two cores are shared: anything else busy now (a build, a test run) lowers the figures.
others=$(pgrep -x java 2>/dev/null | wc -l || true)
if (( others > 0 )); then
    log "warning: $others other Java process(es) are running (builds or tests?); they compete for the CPU"
fi

# ---- build ----------------------------------------------------------------------------------------
JAR=target/quarkus-app/quarkus-run.jar
if [[ $SKIP_BUILD != 1 ]]; then
    if [[ ! -f $JAR ]] || [[ -n $(find src pom.xml -newer "$JAR" -print -quit 2>/dev/null) ]]; then
        log "building the platform (./mvnw -B -q package -DskipTests) ..."
        if ! ./mvnw -B -q package -DskipTests >&2; then
            # A build running at the same time in this working tree can make ours fail: try once more.
            log "the build failed; retrying once in 20 s ..."
            sleep 20
            ./mvnw -B -q package -DskipTests >&2 || die "the build failed (see above); the platform cannot be benchmarked"
        fi
    fi
fi
[[ -f $JAR ]] || die "$JAR is missing (build with ./mvnw -B package -DskipTests)"

# Run a private copy, so that a rebuild by someone else during the run cannot pull the jar away.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/trawl-bench.XXXXXX")
cp -a target/quarkus-app "$WORK/quarkus-app"
PLATFORM_LOG=$WORK/platform.log
PID=
LOADGEN_PID=

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $LOADGEN_PID ]] && kill -0 "$LOADGEN_PID" 2>/dev/null; then
        kill "$LOADGEN_PID" 2>/dev/null || true
        wait "$LOADGEN_PID" 2>/dev/null || true
    fi
    if [[ -n $PID ]] && kill -0 "$PID" 2>/dev/null; then
        kill "$PID" 2>/dev/null || true
        for _ in $(seq 1 100); do                      # up to 20 s for a graceful shutdown
            kill -0 "$PID" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$PID" 2>/dev/null; then
            log "the platform did not stop within 20 s; killing it"
            kill -9 "$PID" 2>/dev/null || true
        fi
        wait "$PID" 2>/dev/null || true
    fi
    rm -rf "$WORK/quarkus-app"
    if (( rc != 0 )) && [[ -s $PLATFORM_LOG ]]; then
        log "last lines of the platform log ($PLATFORM_LOG):"
        tail -n 40 "$PLATFORM_LOG" >&2 || true
        log "(log kept in $WORK)"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- a clean database and key prefix ----------------------------------------------------------------
# The database belongs to the benchmark: it is dropped and created again so that every run starts
# from an empty table and Flyway applies the current migrations.
log "recreating PostgreSQL database $DB ..."
PGOPTIONS='-c client_min_messages=warning' "${PG[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null \
    || die "cannot drop database $DB"
"${PG[@]}" -d postgres -c "CREATE DATABASE $DB" >/dev/null || die "cannot create database $DB"

log "deleting Redis keys ${PREFIX}* ..."
"${REDIS[@]}" --scan --pattern "${PREFIX}*" | xargs -r -n 500 "${REDIS[@]}" del >/dev/null \
    || die "deleting the Redis keys ${PREFIX}* failed"
left=$("${REDIS[@]}" --scan --pattern "${PREFIX}*" | head -n 1)
[[ -z $left ]] || die "Redis keys ${PREFIX}* are still there after deleting them (e.g. $left)"

# ---- start the platform -------------------------------------------------------------------------------
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 1 100); do
    port_busy "$PORT" || break
    PORT=$((PORT + 1))
done
port_busy "$PORT" && die "no free port found near ${PORT}"

log "starting the platform on 127.0.0.1:$PORT (log: $PLATFORM_LOG) ..."
# shellcheck disable=SC2086  # PLATFORM_OPTS is a list of options
java \
    -Dquarkus.http.host=127.0.0.1 \
    -Dquarkus.http.port="$PORT" \
    -Dquarkus.datasource.reactive.url="postgresql://127.0.0.1:5432/$DB" \
    -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:5432/$DB" \
    -Dtrawl.redis.key-prefix="$PREFIX" \
    -Dtrawl.fetch.allow-private-networks=true \
    -Dtrawl.worker.concurrency="$WORKER_CONCURRENCY" \
    -Dquarkus.log.level=WARN \
    $PLATFORM_OPTS \
    -jar "$WORK/quarkus-app/quarkus-run.jar" >"$PLATFORM_LOG" 2>&1 &
PID=$!

READY_URL="http://127.0.0.1:$PORT/q/health/ready"
deadline=$((SECONDS + READY_TIMEOUT))
ready=
while (( SECONDS < deadline )); do
    kill -0 "$PID" 2>/dev/null || die "the platform exited during startup"
    if body=$(curl -s --max-time 2 "$READY_URL" 2>/dev/null) && [[ $body =~ \"status\"[[:space:]]*:[[:space:]]*\"UP\" ]]; then
        ready=1
        break
    fi
    sleep 0.5
done
[[ -n $ready ]] || die "the platform was not ready within ${READY_TIMEOUT} s ($READY_URL said: ${body:-nothing})"
log "platform ready (pid $PID); running the load generator ..."

# ---- run the load generator -------------------------------------------------------------------------------
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
redis_version=$("${REDIS[@]}" info server | tr -d '\r' | sed -n 's/^redis_version://p')
pg_version=$("${PG[@]}" -d postgres -tAc 'show server_version' | awk '{print $1}')
java_version=$(java -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')
env_text="$(nproc) cores${cpu_model:+ $cpu_model} shared by load generator, platform, Redis $redis_version and PostgreSQL $pg_version; Java $java_version"
cmd_text="bench/run.sh JOBS=$JOBS CLIENTS=$CLIENTS"
[[ $WORKER_CONCURRENCY == 50 ]] || cmd_text+=" WORKER_CONCURRENCY=$WORKER_CONCURRENCY"
[[ -z $PLATFORM_OPTS ]] || cmd_text+=" PLATFORM_OPTS='$PLATFORM_OPTS'"

# In the background with `wait`, so that a signal to this script is handled at once (the trap
# then stops the load generator and the platform) instead of after the load generator ends.
java bench/LoadGen.java \
    --api "http://127.0.0.1:$PORT" \
    --jobs "$JOBS" \
    --clients "$CLIENTS" \
    --worker-concurrency "$WORKER_CONCURRENCY" \
    --db "$DB" \
    --timeout "$TIMEOUT" \
    --platform-pid "$PID" \
    --clock-ticks "$(getconf CLK_TCK 2>/dev/null || echo 100)" \
    --env "$env_text" \
    --command "$cmd_text" &
LOADGEN_PID=$!
rc=0
wait "$LOADGEN_PID" || rc=$?
LOADGEN_PID=

kill -0 "$PID" 2>/dev/null || { log "the platform died during the run"; rc=1; }
if grep -qE '(ERROR|Exception)' "$PLATFORM_LOG"; then
    log "the platform logged $(grep -cE 'ERROR' "$PLATFORM_LOG") ERROR line(s) during the run; first ones:"
    grep -m 5 -E 'ERROR' "$PLATFORM_LOG" | cut -c1-300 >&2 || true
fi
(( rc == 0 )) || log "the load generator reported an incomplete run (exit $rc)"
exit "$rc"
