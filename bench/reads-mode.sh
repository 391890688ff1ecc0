# Reads mode of bench/run.sh (sourced by it; uses its start_platform, reset_state, finish_run, log, die).
#
# How many status reads per second an API pod answers, against its own liveness probe, which
# does no I/O: GET /v1/jobs/{id} is what a polling client costs, /q/health/live is the floor of
# what one HTTP request costs on this pod. The goal is a ratio of at least 0.5.
#
# An API-only platform (trawl.roles=api: no worker competes for the CPU), two jobs written straight
# into PostgreSQL, then wrk (READ_THREADS threads, READ_CONNECTIONS keep-alive connections):
# a warm-up of READ_WARMUP s per URL, then READ_ROUNDS rounds of READ_SECONDS s per URL, alternating,
# so that a noisy neighbour hits both. Each figure is the mean over the rounds.
#   succeeded: a succeeded crawl job, no error (what most polls read)
#   failed:    a job failed after three attempts, with its error and the error of every attempt (the largest status body)

command -v wrk >/dev/null || die "reads mode needs wrk (apt-get install -y wrk)"

reads_seed() {
    "${PG[@]}" -d "$DB" <<'SQL'
INSERT INTO jobs (id, state, priority, request, job_key, attempt, created_at, started_at, finished_at, error, page_count)
VALUES
 ('0193a6d0-0000-7000-8000-000000000001', 'succeeded', 'normal',
  '{"url":"https://example.org/docs/","formats":["metadata","markdown","links"],"priority":"normal","crawl":{"maxPages":50,"maxDepth":2}}',
  'bench-reads-1', 1, now() - interval '1 minute', now() - interval '59 seconds', now() - interval '30 seconds', NULL, 50),
 ('0193a6d0-0000-7000-8000-000000000002', 'failed', 'normal',
  '{"url":"https://example.org/flaky","formats":["metadata","markdown","links"],"priority":"normal"}',
  'bench-reads-2', 3, now() - interval '1 minute', now() - interval '59 seconds', now() - interval '10 seconds',
  '{"code":"http-503","message":"The site answered HTTP 503","transient":true,"statusCode":503,"attempts":[
     {"code":"timeout","message":"No answer within 20 s","transient":true,"attempt":1},
     {"code":"http-503","message":"The site answered HTTP 503","transient":true,"statusCode":503,"attempt":2},
     {"code":"http-503","message":"The site answered HTTP 503","transient":true,"statusCode":503,"attempt":3}]}', 0);
SQL
}

# reads_wrk URL: requests per second of one wrk run (non-2xx answers make the run fail).
reads_wrk() {
    local out rate
    out=$(wrk -t"$READ_THREADS" -c"$READ_CONNECTIONS" -d"${READ_SECONDS}s" --latency "$1") || die "wrk failed on $1"
    if grep -q 'Non-2xx' <<<"$out"; then
        die "wrk got non-2xx answers from $1: $(grep 'Non-2xx' <<<"$out")"
    fi
    rate=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    local p50 p99
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    log "  $1: $rate requests/s (p50 $p50, p99 $p99)"
    echo "$rate $p50 $p99"
}

reset_state
start_platform reads -Dtrawl.roles=api
reads_seed
base="http://127.0.0.1:$PORT"
declare -A READ_URL=(
    [live]="$base/q/health/live"
    [succeeded]="$base/v1/jobs/0193a6d0-0000-7000-8000-000000000001"
    [failed]="$base/v1/jobs/0193a6d0-0000-7000-8000-000000000002"
)
READ_KINDS=(live succeeded failed)
for kind in "${READ_KINDS[@]}"; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "${READ_URL[$kind]}")
    [[ $code == 200 ]] || die "${READ_URL[$kind]} answered $code, not 200"
done

log "warming up (${READ_WARMUP} s per URL) ..."
for kind in "${READ_KINDS[@]}"; do
    wrk -t"$READ_THREADS" -c"$READ_CONNECTIONS" -d"${READ_WARMUP}s" "${READ_URL[$kind]}" >/dev/null || die "wrk failed"
done
declare -A READ_SUM=() READ_RUNS=() READ_P99=()
for round in $(seq 1 "$READ_ROUNDS"); do
    log "round $round of $READ_ROUNDS ..."
    for kind in "${READ_KINDS[@]}"; do
        result=$(reads_wrk "${READ_URL[$kind]}")
        read -r rate _ p99 <<<"$result"
        READ_SUM[$kind]=$(awk -v a="${READ_SUM[$kind]:-0}" -v b="$rate" 'BEGIN { print a + b }')
        READ_RUNS[$kind]="${READ_RUNS[$kind]:+${READ_RUNS[$kind]} }$(printf '%.0f' "$rate")"
        READ_P99[$kind]="${READ_P99[$kind]:+${READ_P99[$kind]} }$p99"
    done
done
finish_run || status=1

echo "Trawl reads benchmark ($env_text)"
echo "API-only platform (trawl.roles=api)${PLATFORM_OPTS:+, $PLATFORM_OPTS}; wrk -t$READ_THREADS -c$READ_CONNECTIONS," \
    "$READ_ROUNDS x ${READ_SECONDS} s per URL after ${READ_WARMUP} s of warm-up, URLs alternating"
live_mean=$(awk -v s="${READ_SUM[live]}" -v n="$READ_ROUNDS" 'BEGIN { print s / n }')
for kind in "${READ_KINDS[@]}"; do
    mean=$(awk -v s="${READ_SUM[$kind]}" -v n="$READ_ROUNDS" 'BEGIN { print s / n }')
    if [[ $kind == live ]]; then
        printf '%-38s %8.0f requests/s  (rounds: %s; p99 %s)\n' "liveness  GET /q/health/live" "$mean" "${READ_RUNS[$kind]}" "${READ_P99[$kind]}"
    else
        printf '%-38s %8.0f requests/s  (rounds: %s; p99 %s)  ratio to liveness %.2f (target >= 0.5)\n' \
            "status    GET /v1/jobs/{id} ($kind)" "$mean" "${READ_RUNS[$kind]}" "${READ_P99[$kind]}" \
            "$(awk -v a="$mean" -v b="$live_mean" 'BEGIN { print a / b }')"
    fi
done
