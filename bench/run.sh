#!/usr/bin/env bash
# Trawl benchmarks: starts the packaged platform on 127.0.0.1 against a database and a Redis key
# prefix of its own, runs bench/LoadGen.java or bench/Recovery.java against it and prints the figures.
#
#   bench/run.sh                         # submit mode: JOBS=5000 CLIENTS=50
#   bench/run.sh JOBS=20000 CLIENTS=100  # KEY=VALUE arguments, or the same names as env variables
#   bench/run.sh crawl                   # crawl mode: one 600-page crawl at concurrency 8, 32, 128
#   bench/run.sh recovery                # recovery mode: STALE=100, 1000, 10000 stale jobs, three ways
#   bench/run.sh jobkey                  # JMH benchmark of JobKey.of (no platform, no Redis/PostgreSQL)
#   bench/run.sh peers                   # Trawl beside BullMQ (queue) and Scrapy and Crawlee (crawl), RUNS=3
#   bench/run.sh peers-queue             # only the queue comparison (also: peers PEERS=queue)
#   bench/run.sh peers-crawl             # only the crawl comparison (also: peers PEERS=crawl)
#   bench/run.sh reads                   # GET /v1/jobs/{id} against the liveness probe, with wrk (bench/reads-mode.sh)
#   bench/run.sh ratelimit               # submits with rate limiting off and on, with wrk (bench/ratelimit-mode.sh)
#   bench/run.sh sse                     # SSE fan-out: 10,000 followers of 1,000 running jobs (bench/sse-mode.sh)
#   bench/run.sh all                     # submit, crawl, recovery, jobkey, reads, ratelimit, then sse (MODE=... works too)
#
# Settings (arguments or environment):
#   JOBS                submit: jobs to submit                                  (default 5000;
#                       peers: jobs per measured phase of each side, default 10000)
#   CLIENTS             submit and peers: concurrent submitting clients         (default 50)
#   WORKER_CONCURRENCY  trawl.worker.concurrency of the platform, and the
#                       concurrency of BullMQ's Worker in peers mode            (default 50)
#   PAGES               crawl: pages of the local site = maxPages of the crawl  (default 600)
#   CONCURRENCIES       crawl: per-site concurrencies, one platform run each    (default "8 32 128")
#   SITE_DELAY_MS       crawl: time the local site takes to answer a page       (default 0)
#   STALE               recovery: numbers of stale jobs, one round each         (default "100 1000 10000")
#   SCENARIOS           recovery: which recoveries to time                      (default "rebuild reaper sweep")
#   RECOVERY_INTERVAL   recovery: trawl.recovery.reaper-interval and
#                       reconcile-interval of the platform (defaults 30S, 10S)  (default 1S)
#   JOBKEY_OPTS         jobkey: JMH options, e.g. "-f 1 -wi 3 -i 3" for a quick run (default empty)
#   PEERS               peers: queue, crawl or both                             (default both)
#   RUNS                peers: runs of each comparison; medians are printed      (default 3)
#   WARMUP              peers: jobs of the warm-up pass that each queue side runs
#                       at the start of every run, once with single and once with
#                       bulk submits, printed like the rest (0: none)           (default 1000)
#   BATCH               peers: jobs per addBulk / POST /v1/jobs/batch           (default 100)
#   BATCH_CLIENTS       peers: concurrent bulk submitters                       (default CLIENTS)
#   CRAWL_PAGES         peers: pages of the local crawl site (~20 KB each)      (default 2000)
#   CRAWL_CONCURRENCY   peers: per-site concurrency of every crawler            (default 32)
#   CRAWLEE_MIN_CONCURRENCY  peers: Crawlee's minConcurrency (1 is Crawlee's own
#                       default, which ramps up by one request every 10 s)      (default CRAWL_CONCURRENCY)
#   SCRAPY_PYTHON       peers: the Python that has Scrapy                       (default /usr/bin/python3)
#   READ_SECONDS        reads, ratelimit: seconds of one wrk run                (default 15)
#   READ_ROUNDS         reads: measured runs per URL, alternating               (default 2)
#   READ_WARMUP         reads, ratelimit: seconds of warm-up per URL            (default 5)
#   READ_CONNECTIONS    reads, ratelimit: wrk connections (READ_THREADS threads) (default 50, 2)
#   SSE_*               sse: see bench/sse-mode.sh and bench/README.md
#   PORT                first HTTP port to try for the platform                 (default 18080)
#   TIMEOUT             seconds the load generator waits for completion, per run (default 600;
#                       recovery: per round, default 120)
#   READY_TIMEOUT       seconds to wait for /q/health/ready                     (default 120)
#   PLATFORM_OPTS       extra JVM options / -D properties for the platform      (default empty)
#   SKIP_BUILD=1        never build, use target/quarkus-app as it is
#   KEEP_LOGS=1         keep the platform logs after a successful run too (their directory is printed)
#   APP_DIR=DIR         run the quarkus-app directory DIR (a build elsewhere, e.g. a clone's
#                       target/quarkus-app) instead of target/quarkus-app; never builds
#
# Everything stays on 127.0.0.1. The platform (and in peers mode the site and the peers) is always
# stopped on exit (trap). One run at a time: a second run waits for the first (lock
# /tmp/trawl-bench.lock), at most 15 min. Peers mode also needs Node.js 20 and npm (bench/peers is
# installed with `npm ci` when its node_modules is missing) and, for the crawl, Debian's Scrapy
# (apt-get install -y python3-scrapy).
set -euo pipefail

MODE=${MODE:-submit}
JOBS_GIVEN=${JOBS:+1}
JOBS=${JOBS:-5000}
CLIENTS=${CLIENTS:-50}
WORKER_CONCURRENCY=${WORKER_CONCURRENCY:-50}
PORT=${PORT:-18080}
TIMEOUT_GIVEN=${TIMEOUT:+1}
TIMEOUT=${TIMEOUT:-600}
READY_TIMEOUT=${READY_TIMEOUT:-120}
PLATFORM_OPTS=${PLATFORM_OPTS:-}
SKIP_BUILD=${SKIP_BUILD:-0}
KEEP_LOGS=${KEEP_LOGS:-0}
APP_DIR=${APP_DIR:-}
PAGES=${PAGES:-600}
CONCURRENCIES=${CONCURRENCIES:-8 32 128}
SITE_DELAY_MS=${SITE_DELAY_MS:-0}
STALE=${STALE:-100 1000 10000}
SCENARIOS=${SCENARIOS:-rebuild reaper sweep}
RECOVERY_INTERVAL=${RECOVERY_INTERVAL:-1S}
JOBKEY_OPTS=${JOBKEY_OPTS:-}
PEERS=${PEERS:-both}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-1000}
BATCH=${BATCH:-100}
BATCH_CLIENTS=${BATCH_CLIENTS:-}
CRAWL_PAGES=${CRAWL_PAGES:-2000}
CRAWL_CONCURRENCY=${CRAWL_CONCURRENCY:-32}
CRAWLEE_MIN_CONCURRENCY=${CRAWLEE_MIN_CONCURRENCY:-}
SCRAPY_PYTHON=${SCRAPY_PYTHON:-/usr/bin/python3}
READ_SECONDS=${READ_SECONDS:-15}
READ_ROUNDS=${READ_ROUNDS:-2}
READ_WARMUP=${READ_WARMUP:-5}
READ_CONNECTIONS=${READ_CONNECTIONS:-50}
READ_THREADS=${READ_THREADS:-2}

DB=trawl_bench
PREFIX=trawl-bench:
PG=(psql -X -q -h 127.0.0.1 -p 5432 -U postgres -v ON_ERROR_STOP=1)
REDIS=(redis-cli -h 127.0.0.1 -p 6379)

die() { echo "bench: error: $*" >&2; exit 1; }
log() { echo "bench: $*" >&2; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]] && (( $1 > 0 )); }

for arg in "$@"; do
    case $arg in
        submit|crawl|recovery|jobkey|reads|ratelimit|sse|all|peers|peers-queue|peers-crawl) MODE=$arg ;;
        JOBS=*) declare "$arg"; JOBS_GIVEN=1 ;;
        READ_*=*|SSE_*=*) declare "$arg" ;;
        MODE=*|CLIENTS=*|WORKER_CONCURRENCY=*|PORT=*|READY_TIMEOUT=*|SKIP_BUILD=*|KEEP_LOGS=*|PAGES=*|SITE_DELAY_MS=*|RECOVERY_INTERVAL=*) declare "$arg" ;;
        PEERS=*|RUNS=*|WARMUP=*|BATCH=*|BATCH_CLIENTS=*|CRAWL_PAGES=*|CRAWL_CONCURRENCY=*|CRAWLEE_MIN_CONCURRENCY=*|SCRAPY_PYTHON=*) declare "$arg" ;;
        TIMEOUT=*) declare "$arg"; TIMEOUT_GIVEN=1 ;;
        PLATFORM_OPTS=*) PLATFORM_OPTS=${arg#PLATFORM_OPTS=} ;;
        CONCURRENCIES=*) CONCURRENCIES=${arg#CONCURRENCIES=} ;;
        STALE=*) STALE=${arg#STALE=} ;;
        SCENARIOS=*) SCENARIOS=${arg#SCENARIOS=} ;;
        JOBKEY_OPTS=*) JOBKEY_OPTS=${arg#JOBKEY_OPTS=} ;;
        APP_DIR=*) APP_DIR=${arg#APP_DIR=} ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) die "unknown argument '$arg' (expected submit, crawl, recovery, jobkey, reads, ratelimit, sse, all, peers, peers-queue or peers-crawl, and KEY=VALUE settings; see --help)" ;;
    esac
done
case $MODE in
    submit|crawl|recovery|jobkey|reads|ratelimit|sse|all) ;;
    peers) case $PEERS in queue|crawl|both) ;; *) die "PEERS must be queue, crawl or both, got '$PEERS'" ;; esac ;;
    peers-queue) PEERS=queue ;;
    peers-crawl) PEERS=crawl ;;
    *) die "MODE must be submit, crawl, recovery, jobkey, reads, ratelimit, sse, all, peers, peers-queue or peers-crawl, got '$MODE'" ;;
esac
PEERS_QUEUE=0
PEERS_CRAWL=0
if [[ $MODE == peers* ]]; then
    [[ $PEERS == crawl ]] || PEERS_QUEUE=1
    [[ $PEERS == queue ]] || PEERS_CRAWL=1
    [[ -n $JOBS_GIVEN ]] || JOBS=10000          # the issue's figure: 10,000 jobs a phase
fi
BATCH_CLIENTS=${BATCH_CLIENTS:-$CLIENTS}
CRAWLEE_MIN_CONCURRENCY=${CRAWLEE_MIN_CONCURRENCY:-$CRAWL_CONCURRENCY}
for name in JOBS CLIENTS WORKER_CONCURRENCY PORT TIMEOUT READY_TIMEOUT PAGES RUNS BATCH BATCH_CLIENTS CRAWL_PAGES CRAWL_CONCURRENCY CRAWLEE_MIN_CONCURRENCY READ_SECONDS READ_ROUNDS READ_WARMUP READ_CONNECTIONS READ_THREADS; do
    is_uint "${!name}" || die "$name must be a positive integer, got '${!name}'"
done
[[ $SITE_DELAY_MS =~ ^[0-9]+$ ]] || die "SITE_DELAY_MS must be 0 or a positive integer, got '$SITE_DELAY_MS'"
(( PAGES >= 2 && PAGES <= 100000 )) || die "PAGES must be between 2 and 100000, got $PAGES"
(( CRAWL_PAGES >= 2 && CRAWL_PAGES <= 100000 )) || die "CRAWL_PAGES must be between 2 and 100000, got $CRAWL_PAGES"
(( BATCH <= 1000 )) || die "BATCH must be at most 1000 (the batch endpoint's limit), got $BATCH"
(( RUNS <= 20 )) || die "RUNS must be at most 20, got $RUNS"
(( CRAWLEE_MIN_CONCURRENCY <= CRAWL_CONCURRENCY )) || die "CRAWLEE_MIN_CONCURRENCY must be at most CRAWL_CONCURRENCY ($CRAWL_CONCURRENCY)"
[[ $WARMUP =~ ^[0-9]+$ ]] || die "WARMUP must be 0 or a positive integer, got '$WARMUP'"
read -r -a CONCURRENCY_LIST <<<"$CONCURRENCIES"
(( ${#CONCURRENCY_LIST[@]} > 0 )) || die "CONCURRENCIES is empty"
for c in "${CONCURRENCY_LIST[@]}"; do
    is_uint "$c" || die "CONCURRENCIES must be positive integers, got '$c'"
done
read -r -a STALE_LIST <<<"$STALE"
(( ${#STALE_LIST[@]} > 0 )) || die "STALE is empty"
for n in "${STALE_LIST[@]}"; do
    is_uint "$n" && (( n <= 100000 )) || die "STALE must be numbers between 1 and 100000, got '$n'"
done
read -r -a SCENARIO_LIST <<<"$SCENARIOS"
(( ${#SCENARIO_LIST[@]} > 0 )) || die "SCENARIOS is empty"
for s in "${SCENARIO_LIST[@]}"; do
    case $s in rebuild|reaper|sweep) ;; *) die "SCENARIOS are rebuild, reaper and sweep, got '$s'" ;; esac
done
[[ $RECOVERY_INTERVAL =~ ^[0-9]+([mM][sS]|[sSmM])$ ]] || die "RECOVERY_INTERVAL must be a duration like 1S or 500MS, got '$RECOVERY_INTERVAL'"
# Recovery rounds take seconds: a stuck one should not hold the machine for the load generator's 10 min.
[[ -n $TIMEOUT_GIVEN ]] && RECOVERY_TIMEOUT=$TIMEOUT || RECOVERY_TIMEOUT=120
runs_mode() { [[ $MODE == "$1" || $MODE == all ]]; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# ---- prerequisites ------------------------------------------------------------------------------
# jobkey mode needs neither Redis nor PostgreSQL nor a platform: only the built classes.
NEEDS_SERVICES=1
[[ $MODE == jobkey ]] && NEEDS_SERVICES=0
for tool in java flock; do
    command -v "$tool" >/dev/null || die "'$tool' is not installed or not on PATH"
done
if (( NEEDS_SERVICES )); then
    for tool in psql redis-cli curl; do
        command -v "$tool" >/dev/null || die "'$tool' is not installed or not on PATH"
    done
    pong=$("${REDIS[@]}" ping 2>&1) || true
    [[ $pong == PONG ]] || die "Redis is not answering on 127.0.0.1:6379 (redis-cli ping: ${pong:-no answer}); start it first"
    "${PG[@]}" -d postgres -tAc 'select 1' >/dev/null 2>&1 \
        || die "PostgreSQL is not answering on 127.0.0.1:5432 as user postgres (try: psql -h 127.0.0.1 -U postgres -c 'select 1')"
fi

# Peers mode: Node.js for the site, BullMQ and Crawlee (bench/peers, pinned in its package-lock.json),
# Debian's Scrapy for the crawl.
NODE=node
PEERS_DIR=bench/peers
if (( PEERS_QUEUE || PEERS_CRAWL )); then
    command -v javac >/dev/null || die "'javac' is not installed or not on PATH (peers mode compiles bench/LoadGen.java once; install a JDK 17)"
    command -v node >/dev/null \
        || die "peers mode needs Node.js 20 or later and npm: 'node' is not on PATH (install them; Debian 12's own nodejs package is 18, too old)"
    node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
        || die "peers mode needs Node.js 20 or later, found $(node --version)"
    lock_file=$PEERS_DIR/package-lock.json
    installed=$PEERS_DIR/node_modules/.package-lock.json
    if [[ ! -f $installed || $lock_file -nt $installed ]]; then
        command -v npm >/dev/null || die "peers mode needs npm to install $PEERS_DIR (apt-get install -y npm)"
        log "installing the peers' pinned packages (npm ci in $PEERS_DIR) ..."
        (cd "$PEERS_DIR" && npm ci --no-audit --no-fund >&2) || die "npm ci in $PEERS_DIR failed (see above); the npm registry must be reachable"
    fi
    if (( PEERS_CRAWL )); then
        "$SCRAPY_PYTHON" -c 'import scrapy' 2>/dev/null \
            || die "peers-crawl needs Scrapy for $SCRAPY_PYTHON: apt-get update && apt-get install -y python3-scrapy (the python3 on PATH may be another Python without it; SCRAPY_PYTHON=... names the one to use)"
    fi
fi

# One benchmark at a time on this machine: every run drops the same database (WITH (FORCE), which
# cuts off a platform using it), deletes the same Redis keys and competes for the same two cores.
# A second run waits (bounded) for the first one to finish.
LOCK=/tmp/trawl-bench.lock
exec 9>>"$LOCK" || die "cannot open the lock file $LOCK"
if ! flock -n 9; then
    log "another bench/run.sh is running (lock $LOCK); waiting up to 15 min for it to finish ..."
    flock -w 900 9 || die "another bench/run.sh still holds $LOCK after 15 min"
fi

# The two cores are shared: anything else busy now (a build, a test run) lowers the figures.
others=$(pgrep -x java 2>/dev/null | wc -l || true)
if (( others > 0 )); then
    log "warning: $others other Java process(es) are running (builds or tests?); they compete for the CPU"
fi

# ---- build ----------------------------------------------------------------------------------------
if [[ -n $APP_DIR ]]; then
    # A build made elsewhere (e.g. a clone, so as not to build in a tree others are building in).
    [[ -f $APP_DIR/quarkus-run.jar ]] || die "APP_DIR=$APP_DIR has no quarkus-run.jar (it must be a target/quarkus-app directory)"
    APP_DIR=$(cd "$APP_DIR" && pwd)
    log "using the build in $APP_DIR (built $(date -r "$APP_DIR/quarkus-run.jar" '+%Y-%m-%d %H:%M'))"
else
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
    APP_DIR=$ROOT/target/quarkus-app
fi

# Run a private copy, so that a rebuild by someone else during the run cannot pull the jar away.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/trawl-bench.XXXXXX")
cp -a "$APP_DIR" "$WORK/quarkus-app"
PLATFORM_LOG=
PID=
# platforms a mode runs beside the one in PID (bench/ratelimit-mode.sh); stopped on exit too
SIDE_PIDS=()
LOADGEN_PID=
FAILED_LOGS=()

# Stops the platform started last, if it still runs: TERM, up to 20 s, then KILL.
stop_platform() {
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
    PID=
}

# Peers mode: the site's process, and BullMQ's key prefix (only this bench's own keys).
SITE_PID=
BULL_PREFIX=trawl-peers-bull
BULL_USED=0
stop_site() {
    if [[ -n $SITE_PID ]] && kill -0 "$SITE_PID" 2>/dev/null; then
        kill "$SITE_PID" 2>/dev/null || true
        wait "$SITE_PID" 2>/dev/null || true
    fi
    SITE_PID=
}
# BullMQ obliterates its queues itself; this removes what an interrupted run left, and only keys
# under BullMQ's prefix of this bench.
remove_bullmq_keys() {
    (( BULL_USED )) || return 0
    "${REDIS[@]}" --scan --pattern "${BULL_PREFIX}:*" | xargs -r -n 500 "${REDIS[@]}" del >/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $LOADGEN_PID ]] && kill -0 "$LOADGEN_PID" 2>/dev/null; then
        kill "$LOADGEN_PID" 2>/dev/null || true
        wait "$LOADGEN_PID" 2>/dev/null || true
    fi
    stop_platform
    for side in "${SIDE_PIDS[@]}"; do
        PID=$side stop_platform
    done
    stop_site
    remove_bullmq_keys
    rm -rf "$WORK/quarkus-app" "$WORK/loadgen" "$WORK/site-pages" "$WORK/peers-storage"
    if (( rc != 0 )) && [[ -n $PLATFORM_LOG && -s $PLATFORM_LOG ]]; then
        log "last lines of the platform log ($PLATFORM_LOG):"
        tail -n 40 "$PLATFORM_LOG" >&2 || true
    fi
    if (( rc != 0 )) || (( ${#FAILED_LOGS[@]} > 0 )) || [[ $KEEP_LOGS == 1 ]]; then
        log "(platform logs kept in $WORK)"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- a clean database and key prefix ----------------------------------------------------------------
# The database belongs to the benchmark: it is dropped and created again before every platform
# start, so that every run starts from empty tables and Flyway applies the current migrations.
reset_state() {
    log "recreating PostgreSQL database $DB ..."
    PGOPTIONS='-c client_min_messages=warning' "${PG[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null \
        || die "cannot drop database $DB"
    "${PG[@]}" -d postgres -c "CREATE DATABASE $DB" >/dev/null || die "cannot create database $DB"

    log "deleting Redis keys ${PREFIX}* ..."
    "${REDIS[@]}" --scan --pattern "${PREFIX}*" | xargs -r -n 500 "${REDIS[@]}" del >/dev/null \
        || die "deleting the Redis keys ${PREFIX}* failed"
    local left
    left=$("${REDIS[@]}" --scan --pattern "${PREFIX}*" | head -n 1)
    [[ -z $left ]] || die "Redis keys ${PREFIX}* are still there after deleting them (e.g. $left)"
}

# ---- start the platform -------------------------------------------------------------------------------
# Another platform still running with this bench's key prefix (one left behind by a run that
# was killed, or started by hand) joins the consumer group of trawl-bench:jobs:* and reconnects to
# the recreated trawl_bench: it takes jobs of this run, and its work is not counted as the
# platform's. Such a run's figures are wrong, so say so loudly (in the figures' output too).
warn_foreign_platforms() {
    local pids
    pids=$(pgrep -f -- "-Dtrawl.redis.key-prefix=$PREFIX" | grep -vxF -f <(printf '%s\n' "${SIDE_PIDS[@]}" 0) | paste -sd ' ' || true)
    [[ -n $pids ]] || return 0
    local text="WARNING: other Trawl platforms with the key prefix $PREFIX are running (pid $pids; working directory:"
    for p in $pids; do text+=" $(readlink "/proc/$p/cwd" 2>/dev/null || echo '?')"; done
    text+="). They take jobs of this run from trawl-bench:jobs:* and use trawl_bench: the figures are wrong until they are stopped."
    log "$text"
    echo "$text"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_platform LABEL [-Dextra=...]: a fresh platform on a free port; sets PID, PORT and PLATFORM_LOG.
# With POLITENESS_PROBE=1 it returns 3 (instead of stopping the script) if the build refuses the
# trawl.politeness.* properties because it does not have them yet.
start_platform() {
    local label=$1
    shift
    warn_foreign_platforms
    for _ in $(seq 1 100); do
        port_busy "$PORT" || break
        PORT=$((PORT + 1))
    done
    port_busy "$PORT" && die "no free port found near ${PORT}"

    PLATFORM_LOG=$WORK/platform-$label.log
    log "starting the platform on 127.0.0.1:$PORT${*:+ with $*} (log: $PLATFORM_LOG) ..."
    # shellcheck disable=SC2086  # PLATFORM_OPTS is a list of options
    java \
        -Dquarkus.http.host=127.0.0.1 \
        -Dquarkus.http.port="$PORT" \
        -Dquarkus.datasource.reactive.url="postgresql://127.0.0.1:5432/$DB" \
        -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:5432/$DB" \
        -Dtrawl.redis.key-prefix="$PREFIX" \
        -Dtrawl.fetch.allow-private-networks=true \
        -Dtrawl.rate-limit.enabled=false \
        -Dtrawl.tiers.enforced=false \
        -Dtrawl.worker.concurrency="$WORKER_CONCURRENCY" \
        -Dquarkus.log.level=WARN \
        "$@" \
        $PLATFORM_OPTS \
        -jar "$WORK/quarkus-app/quarkus-run.jar" >"$PLATFORM_LOG" 2>&1 9>&- &
    PID=$!

    local ready_url="http://127.0.0.1:$PORT/q/health/ready" deadline=$((SECONDS + READY_TIMEOUT)) ready= body=
    while (( SECONDS < deadline )); do
        if ! kill -0 "$PID" 2>/dev/null; then
            wait "$PID" 2>/dev/null || true
            PID=
            # A build without the politeness settings refuses them (SmallRye: "does not map to any root").
            if [[ -n ${POLITENESS_PROBE:-} ]] && grep -q 'SRCFG00050: trawl\.politeness\.' "$PLATFORM_LOG"; then
                return 3
            fi
            die "the platform exited during startup"
        fi
        if body=$(curl -s --max-time 2 "$ready_url" 2>/dev/null) && [[ $body =~ \"status\"[[:space:]]*:[[:space:]]*\"UP\" ]]; then
            ready=1
            break
        fi
        sleep 0.5
    done
    [[ -n $ready ]] || die "the platform was not ready within ${READY_TIMEOUT} s ($ready_url said: ${body:-nothing})"
    log "platform ready (pid $PID); running the load generator ..."
}

# in_background COMMAND...: runs a bench program and waits for it; returns its exit status. In the
# background with `wait`, so that a signal to this script is handled at once (the trap then stops
# the program and the platform) instead of after the program ends.
in_background() {
    "$@" 9>&- &
    LOADGEN_PID=$!
    local rc=0
    wait "$LOADGEN_PID" || rc=$?
    LOADGEN_PID=
    return "$rc"
}

# run_loadgen ARGS...: bench/LoadGen.java against the running platform; returns its exit status.
LOADGEN=(java bench/LoadGen.java)
run_loadgen() {
    in_background "${LOADGEN[@]}" \
        --api "http://127.0.0.1:$PORT" \
        --timeout "$TIMEOUT" \
        --platform-pid "$PID" \
        --clock-ticks "$(getconf CLK_TCK 2>/dev/null || echo 100)" \
        --command "" \
        "$@"
}

# run_recovery: bench/Recovery.java against the running platform, with the platform's own
# PostgreSQL driver on the class path; returns its exit status.
run_recovery() {
    local driver
    driver=$(ls "$WORK"/quarkus-app/lib/main/org.postgresql.postgresql-*.jar 2>/dev/null | head -n 1)
    [[ -n $driver ]] || die "the build has no PostgreSQL JDBC driver in lib/main (org.postgresql.postgresql-*.jar)"
    in_background java -cp "$driver" bench/Recovery.java \
        --api "http://127.0.0.1:$PORT" \
        --db "$DB" \
        --prefix "$PREFIX" \
        --timeout "$RECOVERY_TIMEOUT" \
        --platform-pid "$PID" \
        --platform-log "$PLATFORM_LOG" \
        --clock-ticks "$(getconf CLK_TCK 2>/dev/null || echo 100)" \
        --command "" \
        "$@"
}

# finish_run: checks the platform survived, shows its ERROR lines, stops it; returns 1 if it died.
finish_run() {
    local rc=0
    kill -0 "$PID" 2>/dev/null || { log "the platform died during the run"; rc=1; }
    # ERROR lines, and WARN lines of a maintenance pass or a request that failed (PeriodicTask logs
    # "... failed, will try again: <exception>" at WARN).
    local errors warnings
    errors=$(grep -cE '^[0-9-]+ [0-9:,]+ ERROR' "$PLATFORM_LOG" || true)
    warnings=$(grep -cE '^[0-9-]+ [0-9:,]+ WARN .*(failed|Exception)' "$PLATFORM_LOG" || true)
    if (( errors + warnings > 0 )); then
        log "the platform logged $errors ERROR line(s) and $warnings WARN line(s) about failures during the run; first ones:"
        grep -m 8 -E '^[0-9-]+ [0-9:,]+ (ERROR|WARN .*(failed|Exception))' "$PLATFORM_LOG" | cut -c1-300 >&2 || true
    fi
    stop_platform
    return "$rc"
}

# ---- describe the machine -------------------------------------------------------------------------------
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
java_version=$(java -version 2>&1 | sed -n '1s/.*version "\([^"]*\)".*/\1/p')
if (( NEEDS_SERVICES )); then
    redis_version=$("${REDIS[@]}" info server | tr -d '\r' | sed -n 's/^redis_version://p')
    pg_version=$("${PG[@]}" -d postgres -tAc 'show server_version' | awk '{print $1}')
    env_text="$(nproc) cores${cpu_model:+ $cpu_model} shared by load generator, platform, Redis $redis_version and PostgreSQL $pg_version; Java $java_version"
fi

cmd_text="bench/run.sh"
[[ $MODE == submit ]] || cmd_text+=" $MODE"
if runs_mode submit; then
    cmd_text+=" JOBS=$JOBS CLIENTS=$CLIENTS"
fi
if runs_mode crawl; then
    [[ $PAGES == 600 ]] || cmd_text+=" PAGES=$PAGES"
    [[ "${CONCURRENCY_LIST[*]}" == "8 32 128" ]] || cmd_text+=" CONCURRENCIES='${CONCURRENCY_LIST[*]}'"
    [[ $SITE_DELAY_MS == 0 ]] || cmd_text+=" SITE_DELAY_MS=$SITE_DELAY_MS"
fi
if runs_mode recovery; then
    [[ "${STALE_LIST[*]}" == "100 1000 10000" ]] || cmd_text+=" STALE='${STALE_LIST[*]}'"
    [[ "${SCENARIO_LIST[*]}" == "rebuild reaper sweep" ]] || cmd_text+=" SCENARIOS='${SCENARIO_LIST[*]}'"
    [[ $RECOVERY_INTERVAL == 1S ]] || cmd_text+=" RECOVERY_INTERVAL=$RECOVERY_INTERVAL"
fi
if runs_mode jobkey; then
    [[ -z $JOBKEY_OPTS ]] || cmd_text+=" JOBKEY_OPTS='$JOBKEY_OPTS'"
fi
if [[ $MODE == peers* ]]; then
    [[ $MODE != peers || $PEERS == both ]] || cmd_text+=" PEERS=$PEERS"
    (( ! PEERS_QUEUE )) || [[ $JOBS == 10000 ]] || cmd_text+=" JOBS=$JOBS"
    (( ! PEERS_QUEUE )) || [[ $CLIENTS == 50 ]] || cmd_text+=" CLIENTS=$CLIENTS"
    [[ $RUNS == 3 ]] || cmd_text+=" RUNS=$RUNS"
    if (( PEERS_QUEUE )); then
        [[ $WARMUP == 1000 ]] || cmd_text+=" WARMUP=$WARMUP"
        [[ $BATCH == 100 ]] || cmd_text+=" BATCH=$BATCH"
        [[ $BATCH_CLIENTS == "$CLIENTS" ]] || cmd_text+=" BATCH_CLIENTS=$BATCH_CLIENTS"
    fi
    if (( PEERS_CRAWL )); then
        [[ $CRAWL_PAGES == 2000 ]] || cmd_text+=" CRAWL_PAGES=$CRAWL_PAGES"
        [[ $CRAWL_CONCURRENCY == 32 ]] || cmd_text+=" CRAWL_CONCURRENCY=$CRAWL_CONCURRENCY"
        [[ $CRAWLEE_MIN_CONCURRENCY == "$CRAWL_CONCURRENCY" ]] || cmd_text+=" CRAWLEE_MIN_CONCURRENCY=$CRAWLEE_MIN_CONCURRENCY"
    fi
fi
if runs_mode reads || runs_mode ratelimit; then
    [[ $READ_SECONDS == 15 ]] || cmd_text+=" READ_SECONDS=$READ_SECONDS"
    [[ $READ_ROUNDS == 2 ]] || cmd_text+=" READ_ROUNDS=$READ_ROUNDS"
    [[ $READ_WARMUP == 5 ]] || cmd_text+=" READ_WARMUP=$READ_WARMUP"
    [[ $READ_CONNECTIONS == 50 ]] || cmd_text+=" READ_CONNECTIONS=$READ_CONNECTIONS"
    [[ $READ_THREADS == 2 ]] || cmd_text+=" READ_THREADS=$READ_THREADS"
fi
if runs_mode sse; then
    for name in ${!SSE_@}; do cmd_text+=" $name=${!name}"; done   # only those given: bench/sse-mode.sh sets the defaults
fi
[[ $WORKER_CONCURRENCY == 50 ]] || cmd_text+=" WORKER_CONCURRENCY=$WORKER_CONCURRENCY"
[[ -z $TIMEOUT_GIVEN ]] || cmd_text+=" TIMEOUT=$TIMEOUT"
[[ -z $PLATFORM_OPTS ]] || cmd_text+=" PLATFORM_OPTS='$PLATFORM_OPTS'"
[[ $SKIP_BUILD != 1 ]] || cmd_text+=" SKIP_BUILD=1"
[[ $APP_DIR == "$ROOT/target/quarkus-app" ]] || cmd_text+=" APP_DIR=$APP_DIR"

status=0

# ---- submit mode: JOBS single-page jobs from CLIENTS clients ---------------------------------------------
if runs_mode submit; then
    reset_state
    # Every job hits the one local site: lift its politeness limits (a real crawler keeps them),
    # so the figures measure the queue and the workers, not the politeness delay.
    rc=0
    POLITENESS_PROBE=1 start_platform submit \
        -Dtrawl.politeness.max-concurrency="$WORKER_CONCURRENCY" -Dtrawl.politeness.min-delay=0MS || rc=$?
    if (( rc == 3 )); then             # an older build without politeness: nothing to lift
        log "this build does not know trawl.politeness.* (SRCFG00050 at startup); starting it without them"
        reset_state
        start_platform submit
    elif (( rc != 0 )); then
        die "the platform did not start"
    fi
    rc=0
    run_loadgen \
        --mode submit \
        --jobs "$JOBS" \
        --clients "$CLIENTS" \
        --worker-concurrency "$WORKER_CONCURRENCY" \
        --db "$DB" \
        --env "$env_text" || rc=$?
    finish_run || rc=1
    if (( rc != 0 )); then
        log "the load generator reported an incomplete run (exit $rc)"
        FAILED_LOGS+=("$PLATFORM_LOG")
        status=$rc
    fi
fi

# ---- crawl mode: one crawl of the local site per concurrency, a fresh platform each ---------------------
if runs_mode crawl; then
    [[ $MODE == all ]] && echo
    echo "Trawl crawl benchmark ($env_text)"
    echo "one crawl job per run: $PAGES linked pages of ~20 KB on a local site, maxPages=$PAGES maxDepth=20, formats metadata+links;" \
        "a fresh platform per run with trawl.crawl.parallelism = trawl.politeness.max-concurrency = C," \
        "trawl.politeness.min-delay=0MS${PLATFORM_OPTS:+, $PLATFORM_OPTS}; site delay ${SITE_DELAY_MS} ms per page"
    politeness=1
    for c in "${CONCURRENCY_LIST[@]}"; do
        reset_state
        if (( politeness )); then
            rc=0
            POLITENESS_PROBE=1 start_platform "crawl-$c" \
                -Dtrawl.crawl.parallelism="$c" \
                -Dtrawl.politeness.max-concurrency="$c" \
                -Dtrawl.politeness.min-delay=0MS || rc=$?
            if (( rc == 3 )); then
                politeness=0
                log "this build does not know trawl.politeness.* (SRCFG00050 at startup); starting it without them"
                echo "note: this build has no trawl.politeness.* settings (it refuses them at startup), so only" \
                    "trawl.crawl.parallelism=C is set and no politeness delay or per-site limit applies"
                reset_state
            elif (( rc != 0 )); then
                die "the platform did not start"
            fi
        fi
        if (( ! politeness )); then
            start_platform "crawl-$c" -Dtrawl.crawl.parallelism="$c"
        fi
        rc=0
        run_loadgen \
            --mode crawl \
            --pages "$PAGES" \
            --max-depth 20 \
            --page-kb 20 \
            --concurrency "$c" \
            --site-delay-ms "$SITE_DELAY_MS" || rc=$?
        finish_run || rc=1
        if (( rc != 0 )); then
            log "the crawl at concurrency $c was incomplete or served a page twice (exit $rc)"
            FAILED_LOGS+=("$PLATFORM_LOG")
            status=$rc
        fi
    done
fi

# ---- recovery mode: stale jobs made in PostgreSQL, timed until the platform requeued and ran them -------------
if runs_mode recovery; then
    [[ $MODE == all ]] && echo
    reset_state
    # The intervals only decide how soon a recovery starts (up to one interval after the crash);
    # shorter ones let the figures show the recovery itself. INFO for dev.trawl.maintenance
    # brings the platform's own lines ("Queues rebuilt ... in X ms", "Reaped N jobs").
    recovery_opts=(
        -Dtrawl.recovery.reaper-interval="$RECOVERY_INTERVAL"
        -Dtrawl.recovery.reconcile-interval="$RECOVERY_INTERVAL"
        '-Dquarkus.log.category."dev.trawl.maintenance".level=INFO'
    )
    rc=0
    POLITENESS_PROBE=1 start_platform recovery "${recovery_opts[@]}" \
        -Dtrawl.politeness.max-concurrency="$WORKER_CONCURRENCY" -Dtrawl.politeness.min-delay=0MS || rc=$?
    if (( rc == 3 )); then
        log "this build does not know trawl.politeness.* (SRCFG00050 at startup); starting it without them"
        reset_state
        start_platform recovery "${recovery_opts[@]}"
    elif (( rc != 0 )); then
        die "the platform did not start"
    fi
    rc=0
    run_recovery \
        --sizes "${STALE_LIST[*]}" \
        --scenarios "${SCENARIO_LIST[*]}" \
        --env "$env_text" \
        --settings "worker concurrency $WORKER_CONCURRENCY, trawl.recovery.reaper-interval = reconcile-interval = $RECOVERY_INTERVAL, lease-grace, stranded-after and batch-size at their defaults (10S, 60S, 500), politeness lifted${PLATFORM_OPTS:+, $PLATFORM_OPTS}" \
        || rc=$?
    finish_run || rc=1
    if (( rc != 0 )); then
        log "the recovery benchmark reported an incomplete run (exit $rc)"
        FAILED_LOGS+=("$PLATFORM_LOG")
        status=$rc
    fi
fi

# ---- jobkey mode: JMH benchmark of JobKey.of, against the classes of the build ----------------------------
if runs_mode jobkey; then
    [[ $MODE == all ]] && echo
    app_jar=$(ls "$WORK"/quarkus-app/app/*.jar 2>/dev/null | head -n 1)
    [[ -n $app_jar ]] || die "the build has no application jar in quarkus-app/app"
    # bench/jmh is a Maven project of its own (not a module of the platform's build). Offline first;
    # the first run on a machine fetches JMH from Maven Central.
    jmh_build=(./mvnw -B -q -f bench/jmh/pom.xml compile "-Dtrawl.app.jar=$app_jar")
    log "building the JMH benchmark (bench/jmh) against $app_jar ..."
    if ! "${jmh_build[@]}" -o >"$WORK/jmh-build.log" 2>&1; then
        log "the offline build failed (JMH not in ~/.m2 yet?); trying online ..."
        "${jmh_build[@]}" >&2 || die "building bench/jmh failed (see above)"
    fi
    rc=0
    # shellcheck disable=SC2086  # JOBKEY_OPTS is a list of JMH options
    in_background java -cp "bench/jmh/target/classes:$(cat bench/jmh/target/classpath.txt):$app_jar" \
        dev.trawl.bench.JobKeyBench $JOBKEY_OPTS || rc=$?
    if (( rc != 0 )); then
        log "the job key benchmark failed (exit $rc)"
        status=$rc
    fi
fi

# ---- peers mode: Trawl beside BullMQ (queue) and Scrapy and Crawlee (crawl), RUNS times --------------------
# start_platform_lifted LABEL C [-Dextra=...]: start_platform with the per-site politeness lifted to C
# requests at once and no delay (every job hits the one local site); an older build that refuses the
# trawl.politeness.* settings is started without them.
start_platform_lifted() {
    local label=$1 c=$2 rc=0
    shift 2
    POLITENESS_PROBE=1 start_platform "$label" "$@" \
        -Dtrawl.politeness.max-concurrency="$c" -Dtrawl.politeness.min-delay=0MS || rc=$?
    if (( rc == 3 )); then
        log "this build does not know trawl.politeness.* (SRCFG00050 at startup); starting it without them"
        echo "note: this build has no trawl.politeness.* settings (it refuses them at startup); started without them"
        reset_state
        start_platform "$label" "$@"
    elif (( rc != 0 )); then
        die "the platform did not start"
    fi
}

# start_site PAGES_DIR: the peers' Node site on a random port of 127.0.0.1; sets SITE_PID, SITE_URL.
start_site() {
    local site_log=$WORK/site.log port=
    "$NODE" "$PEERS_DIR/site.mjs" --port 0 --pages "$1" >"$site_log" 2>&1 9>&- &
    SITE_PID=$!
    for _ in $(seq 1 100); do
        port=$(sed -n 's/^listening \([0-9]*\).*/\1/p' "$site_log" 2>/dev/null | head -n 1)
        [[ -n $port ]] && break
        kill -0 "$SITE_PID" 2>/dev/null || die "the peers' site exited at startup: $(cat "$site_log")"
        sleep 0.1
    done
    [[ -n $port ]] || die "the peers' site did not start listening within 10 s: $(cat "$site_log")"
    SITE_URL=http://127.0.0.1:$port
    log "peers' site on $SITE_URL (pid $SITE_PID): $(head -n 1 "$site_log")"
}

# run_peer SIDE KIND LABEL CHILD_LABEL -- COMMAND...: one peer, run and measured by LoadGen's peer mode.
run_peer() {
    local side=$1 kind=$2 label=$3 child=$4
    shift 5
    in_background "${LOADGEN[@]}" --mode peer --side "$side" --kind "$kind" --label "$label" --child-label "$child" \
        --site "$SITE_URL" --site-pid "$SITE_PID" --results "$RESULTS" --run "$run" --pages "$CRAWL_PAGES" \
        --timeout "$TIMEOUT" --clock-ticks "$CLK_TCK" --command "" -- "$@"
}

# run_trawl_side WHAT LOADGEN-ARGS...: LoadGen against the running platform, then finish_run (which
# stops the platform); a problem is logged and keeps the platform's log.
run_trawl_side() {
    local what=$1 rc=0
    shift
    run_loadgen "$@" || rc=$?
    finish_run || rc=1
    if (( rc != 0 )); then
        log "$what reported a problem (exit $rc)"
        FAILED_LOGS+=("$PLATFORM_LOG")
        peers_failed=1
    fi
}

if (( PEERS_QUEUE || PEERS_CRAWL )); then
    [[ $MODE == all ]] && echo
    CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)
    # Compiled once: a source-file launch compiles LoadGen.java every time (seconds of CPU a start).
    mkdir -p "$WORK/loadgen"
    javac -nowarn -d "$WORK/loadgen" bench/LoadGen.java >&2 || die "compiling bench/LoadGen.java failed"
    LOADGEN=(java -cp "$WORK/loadgen" LoadGen)
    RESULTS=$WORK/peers-results.tsv
    : >"$RESULTS"
    # The site's pages come from LoadGen's page generators (the queue page and the crawl site).
    (( PEERS_CRAWL )) && site_pages=$CRAWL_PAGES || site_pages=2
    "${LOADGEN[@]}" --mode site-files --pages "$site_pages" --page-kb 20 --out "$WORK/site-pages" >/dev/null \
        || die "writing the site's pages failed"
    start_site "$WORK/site-pages"
    node_version=$("$NODE" --version)
    peers_env="$(nproc) cores${cpu_model:+ $cpu_model} shared by every side, the site, Redis $redis_version and PostgreSQL $pg_version; Java $java_version, Node $node_version"
    BULL_USED=$PEERS_QUEUE
    peers_failed=0

    if (( PEERS_QUEUE )); then
        bullmq_version=$(sed -n 's/^ *"version": "\(.*\)",*$/\1/p' "$PEERS_DIR/node_modules/bullmq/package.json" | head -n 1)
        echo "Peers: queue ($peers_env)"
        echo "each side, each run: a warm-up pass of $WARMUP jobs added one by one and $WARMUP in bulk (printed, not in the medians)," \
            "then $JOBS jobs added one by one from $CLIENTS concurrent producers, then $JOBS in batches of $BATCH from $BATCH_CLIENTS;" \
            "a job fetches a ~1 KB page of the site ($SITE_URL/page?n=N) and returns its title; workers run $WORKER_CONCURRENCY jobs at once"
        echo "BullMQ $bullmq_version: producers in one Node process (queue.add / queue.addBulk), one Worker in another (job.updateProgress once per job)," \
            "prefix $BULL_PREFIX, a queue per phase, obliterated after it; Trawl: POST /v1/jobs and /v1/jobs/batch from $CLIENTS HTTP clients" \
            "(formats [metadata]), a fresh platform per run with the politeness lifted"
        for run in $(seq 1 "$RUNS"); do
            echo "-- queue run $run of $RUNS"
            remove_bullmq_keys
            rc=0
            run_peer bullmq queue "BullMQ producers" "BullMQ worker" -- "$NODE" "$PEERS_DIR/bullmq.mjs" \
                --prefix "$BULL_PREFIX" --tag "$(date +%s)-$run" --site "$SITE_URL" --jobs "$JOBS" --warmup "$WARMUP" \
                --clients "$CLIENTS" --batch "$BATCH" --batch-clients "$BATCH_CLIENTS" --concurrency "$WORKER_CONCURRENCY" || rc=$?
            if (( rc != 0 )); then
                log "the BullMQ side of queue run $run reported a problem (exit $rc)"
                peers_failed=1
            fi
            reset_state
            start_platform_lifted "peers-queue-$run" "$WORKER_CONCURRENCY"
            run_trawl_side "the Trawl side of queue run $run" --mode peers-trawl-queue --site "$SITE_URL" --site-pid "$SITE_PID" \
                --db "$DB" --prefix "$PREFIX" --jobs "$JOBS" --clients "$CLIENTS" --batch "$BATCH" --batch-clients "$BATCH_CLIENTS" \
                --warmup "$WARMUP" --node "$NODE" --peers-dir "$PEERS_DIR" --results "$RESULTS" --run "$run"
        done
    fi

    if (( PEERS_CRAWL )); then
        crawlee_version=$(sed -n 's/^ *"version": "\(.*\)",*$/\1/p' "$PEERS_DIR/node_modules/crawlee/package.json" | head -n 1)
        scrapy_version=$("$SCRAPY_PYTHON" -c 'import scrapy; print(scrapy.__version__)')
        (( PEERS_QUEUE )) && echo
        echo "Peers: crawl ($peers_env)"
        echo "each crawler crawls the whole site from $SITE_URL/crawl/p0: $CRAWL_PAGES linked pages of ~20 KB, robots.txt obeyed," \
            "$CRAWL_CONCURRENCY requests at once to the site, no delay, title and links extracted from every page"
        echo "Scrapy $scrapy_version (items to a JSON-lines feed), Crawlee $crawlee_version CheerioCrawler (minConcurrency $CRAWLEE_MIN_CONCURRENCY," \
            "maxConcurrency $CRAWL_CONCURRENCY, respectRobotsTxtFile, pushData), Trawl: one crawl job (maxPages $CRAWL_PAGES, maxDepth 20," \
            "formats metadata+links) on a fresh platform per run with trawl.crawl.parallelism = trawl.politeness.max-concurrency = $CRAWL_CONCURRENCY," \
            "min-delay 0MS; RSS: the crawler's processes (Trawl: the platform's JVM), sampled every 100 ms"
        for run in $(seq 1 "$RUNS"); do
            echo "-- crawl run $run of $RUNS"
            rm -rf "$WORK/peers-storage" && mkdir -p "$WORK/peers-storage/scrapy" "$WORK/peers-storage/crawlee"
            rc=0
            run_peer scrapy crawl Scrapy Scrapy -- "$SCRAPY_PYTHON" "$PEERS_DIR/scrapy_crawl.py" \
                --start "$SITE_URL/crawl/p0" --out "$WORK/peers-storage/scrapy" --concurrency "$CRAWL_CONCURRENCY" || rc=$?
            (( rc == 0 )) || { log "the Scrapy crawl of run $run reported a problem (exit $rc)"; peers_failed=1; }
            rc=0
            run_peer crawlee crawl Crawlee Crawlee -- "$NODE" "$PEERS_DIR/crawlee.mjs" \
                --start "$SITE_URL/crawl/p0" --storage "$WORK/peers-storage/crawlee" \
                --concurrency "$CRAWL_CONCURRENCY" --min-concurrency "$CRAWLEE_MIN_CONCURRENCY" || rc=$?
            (( rc == 0 )) || { log "the Crawlee crawl of run $run reported a problem (exit $rc)"; peers_failed=1; }
            reset_state
            start_platform_lifted "peers-crawl-$run" "$CRAWL_CONCURRENCY" -Dtrawl.crawl.parallelism="$CRAWL_CONCURRENCY"
            run_trawl_side "the Trawl crawl of run $run" --mode peers-trawl-crawl --site "$SITE_URL" --site-pid "$SITE_PID" \
                --pages "$CRAWL_PAGES" --max-depth 20 --results "$RESULTS" --run "$run"
        done
    fi
    stop_site
    summary_settings=
    (( ! PEERS_QUEUE )) || summary_settings="queue: $JOBS jobs a phase, $CLIENTS clients, batches of $BATCH, worker concurrency $WORKER_CONCURRENCY"
    (( ! PEERS_CRAWL )) || summary_settings+="${summary_settings:+; }crawl: $CRAWL_PAGES pages, concurrency $CRAWL_CONCURRENCY"
    "${LOADGEN[@]}" --mode peers-summary --results "$RESULTS" --batch "$BATCH" --pages "$CRAWL_PAGES" \
        --settings "$summary_settings" \
        || peers_failed=1
    if (( peers_failed )); then
        echo "note: some runs reported a problem (PROBLEM lines above); their figures are in the table all the same"
        status=2
    fi
fi

# ---- reads mode: status GETs against the liveness probe (bench/reads-mode.sh) ------------------------------
if runs_mode reads; then
    [[ $MODE == all ]] && echo
    # shellcheck source=bench/reads-mode.sh
    source bench/reads-mode.sh
fi

# ---- ratelimit mode: submits with limiting off and on (bench/ratelimit-mode.sh) -----------------------
if runs_mode ratelimit; then
    [[ $MODE == all ]] && echo
    # shellcheck source=bench/ratelimit-mode.sh
    source bench/ratelimit-mode.sh
fi

# ---- sse mode: 10,000 EventSource followers of 1,000 running jobs (bench/sse-mode.sh) -------------------
if runs_mode sse; then
    [[ $MODE == all ]] && echo
    # shellcheck source=bench/sse-mode.sh
    source bench/sse-mode.sh
fi

echo "command: $cmd_text"
exit "$status"
