# SSE mode of bench/run.sh (sourced by it; uses its start_platform, reset_state, finish_run, log, die).
#
# One API pod (trawl.roles=api) and one worker process (trawl.roles=worker), as in production, on
# their own ports, against the bench database and key prefix. bench/SseFanout.java submits SSE_JOBS
# crawl jobs of SSE_PAGES pages each to a local site that takes SSE_PAGE_DELAY_MS per page, opens
# SSE_PER_JOB EventSource-like connections per job to the API pod (after a warm-up round of
# SSE_WARMUP_JOBS jobs), measures the pod's memory with and without them, then lets the crawls run
# (the worker is started by SseFanout from the script written here) and times every event at every
# connection. See bench/README.md, "SSE mode".

SSE_JOBS=${SSE_JOBS:-1000}
SSE_PER_JOB=${SSE_PER_JOB:-10}
SSE_PAGES=${SSE_PAGES:-5}
SSE_PAGE_DELAY_MS=${SSE_PAGE_DELAY_MS:-2000}
SSE_WORKER_CONCURRENCY=${SSE_WORKER_CONCURRENCY:-250}
SSE_CONNECT_WINDOW=${SSE_CONNECT_WINDOW:-200}
SSE_WARMUP_JOBS=${SSE_WARMUP_JOBS:-300}
[[ $SSE_WARMUP_JOBS =~ ^[0-9]+$ ]] || die "SSE_WARMUP_JOBS must be 0 or a positive integer, got '$SSE_WARMUP_JOBS'"
for name in SSE_JOBS SSE_PER_JOB SSE_PAGES SSE_WORKER_CONCURRENCY SSE_CONNECT_WINDOW; do
    is_uint "${!name}" || die "$name must be a positive integer, got '${!name}'"
done
[[ $SSE_PAGE_DELAY_MS =~ ^[0-9]+$ ]] || die "SSE_PAGE_DELAY_MS must be a number of milliseconds"
(( SSE_PAGES >= 2 )) || die "SSE_PAGES must be at least 2 (a crawl: the start page and its links)"
connections=$((SSE_JOBS * SSE_PER_JOB))
# Each connection is a file descriptor in the API pod and one in the client.
fd_limit=$(ulimit -n)
fd_needed=$((connections + 1000))
[[ $fd_limit == unlimited ]] || (( fd_limit > fd_needed )) || die "ulimit -n is $fd_limit; $connections connections need at least $fd_needed"


reset_state
# every follower is the same local caller: lift the per-caller and per-pod stream caps above the run's count
start_platform sse -Dtrawl.roles=api -Dtrawl.events.max-streams-per-caller=$fd_needed \
    -Dtrawl.events.max-streams-per-pod=$fd_needed
api_port=$PORT
worker_port=$((PORT + 1))
while port_busy "$worker_port"; do worker_port=$((worker_port + 1)); done

# The worker: the same build, worker role only. One page at a time per crawl (so a job's events
# are spread over its pages' delays) and the site's politeness lifted (every job is on 127.0.0.1).
worker_script=$WORK/worker.sh
worker_pid_file=$WORK/worker.pid
cat >"$worker_script" <<EOF
echo \$\$ >"$worker_pid_file"
exec java -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port=$worker_port \\
    -Dquarkus.datasource.reactive.url=postgresql://127.0.0.1:5432/$DB \\
    -Dquarkus.datasource.jdbc.url=jdbc:postgresql://127.0.0.1:5432/$DB \\
    -Dtrawl.redis.key-prefix=$PREFIX -Dtrawl.fetch.allow-private-networks=true \\
    -Dtrawl.roles=worker -Dtrawl.worker.concurrency=$SSE_WORKER_CONCURRENCY -Dtrawl.crawl.parallelism=1 \\
    -Dtrawl.politeness.max-concurrency=$SSE_WORKER_CONCURRENCY -Dtrawl.politeness.min-delay=0MS \\
    -Dquarkus.log.level=WARN $PLATFORM_OPTS -jar $WORK/quarkus-app/quarkus-run.jar
EOF

rc=0
in_background java -Xss512k bench/SseFanout.java \
    --api "http://127.0.0.1:$api_port" \
    --api-pid "$PID" \
    --jobs "$SSE_JOBS" --per-job "$SSE_PER_JOB" --pages "$SSE_PAGES" --page-delay-ms "$SSE_PAGE_DELAY_MS" \
    --connect-window "$SSE_CONNECT_WINDOW" --warmup-jobs "$SSE_WARMUP_JOBS" \
    --worker-script "$worker_script" --worker-log "$WORK/platform-sse-worker.log" \
    --redis-prefix "$PREFIX" --timeout "$TIMEOUT" \
    --clock-ticks "$(getconf CLK_TCK 2>/dev/null || echo 100)" \
    --env "$env_text" \
    --settings "API pod (trawl.roles=api) and a worker process (trawl.roles=worker, concurrency $SSE_WORKER_CONCURRENCY, crawl parallelism 1, politeness lifted)${PLATFORM_OPTS:+, $PLATFORM_OPTS}; $SSE_JOBS crawl jobs of $SSE_PAGES pages, $SSE_PAGE_DELAY_MS ms per page; $SSE_PER_JOB connections per job; warm-up $SSE_WARMUP_JOBS jobs" \
    || rc=$?
# SseFanout stops the worker itself (also on SIGTERM); this is for a program that was killed outright.
if [[ -s $worker_pid_file ]] && kill -0 "$(cat "$worker_pid_file")" 2>/dev/null; then
    log "the worker process is still running; stopping it"
    kill "$(cat "$worker_pid_file")" 2>/dev/null || true
fi
if [[ -s $WORK/platform-sse-worker.log ]] && grep -qE '^[0-9-]+ [0-9:,]+ ERROR' "$WORK/platform-sse-worker.log"; then
    log "the worker logged ERROR lines; first ones:"
    grep -m 5 -E '^[0-9-]+ [0-9:,]+ ERROR' "$WORK/platform-sse-worker.log" | cut -c1-300 >&2 || true
fi
finish_run || rc=1
if (( rc != 0 )); then
    log "the SSE benchmark reported a failure or an incomplete delivery (exit $rc)"
    FAILED_LOGS+=("$PLATFORM_LOG")
    status=$rc
fi
