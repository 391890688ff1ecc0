# Rate-limit mode of bench/run.sh (sourced by it; uses its start_platform, reset_state, finish_run, log, die).
#
# What limiting costs: two API-only platforms (trawl.roles=api, so jobs only queue) from the same
# build, side by side on the same database and Redis, one with limiting off and one with it on (the
# anonymous budget raised far above what wrk can spend, so every request is decided and none
# refused). Both are warmed up (READ_WARMUP s per URL each), then measured in READ_ROUNDS rounds
# that alternate which goes first, READ_SECONDS s per URL with wrk (READ_THREADS threads,
# READ_CONNECTIONS connections); the medians are compared. Side by side and alternating, both see
# the same JIT state, the same table sizes and the same machine noise, which one platform after the
# other did not (runs of that design gave costs from 6 % to 20 % for one build).
#   submit:   POST /v1/jobs, a distinct URL each time (bench/ratelimit-submit.lua)
#   decision: GET /v1/limiter-probe, a path no resource answers (404 after the limiter): the
#             limiter's decisions/s through HTTP, with nothing else behind it
# Target: limiting costs under 10 % of submit throughput.

command -v wrk >/dev/null || die "ratelimit mode needs wrk (apt-get install -y wrk)"

# ratelimit_wrk SECONDS URL [SCRIPT]: requests per second (the run fails on socket errors or 429s).
ratelimit_wrk() {
    local out
    out=$(wrk -t"$READ_THREADS" -c"$READ_CONNECTIONS" -d"$1s" ${3:+-s "$3"} "$2") || die "wrk failed on $2"
    if grep -q 'Socket errors' <<<"$out"; then
        die "wrk saw socket errors on $2: $(grep 'Socket errors' <<<"$out")"
    fi
    awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}

ratelimit_median() { tr ' ' '\n' | sort -n | awk 'NF { v[++n] = $1 } END { print (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'; }

reset_state
declare -A RL_PID=() RL_PORT=() RL_LOG=() RL_RUNS=()
for limiting in off on; do
    if [[ $limiting == on ]]; then
        start_platform "ratelimit-$limiting" -Dtrawl.roles=api -Dtrawl.rate-limit.enabled=true \
            -Dtrawl.rate-limit.anonymous.per-minute=2000000000
    else
        start_platform "ratelimit-$limiting" -Dtrawl.roles=api
    fi
    RL_PID[$limiting]=$PID RL_PORT[$limiting]=$PORT RL_LOG[$limiting]=$PLATFORM_LOG
    SIDE_PIDS+=("$PID")
    PID= PORT=$((PORT + 1))
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        -d '{"url":"http://127.0.0.1:9/probe","dedupe":false}' "http://127.0.0.1:${RL_PORT[$limiting]}/v1/jobs")
    [[ $code == 202 ]] || die "POST /v1/jobs answered $code, not 202 (limiting $limiting)"
done
for limiting in off on; do
    base="http://127.0.0.1:${RL_PORT[$limiting]}"
    log "limiting $limiting: warming up (${READ_WARMUP} s per URL) ..."
    ratelimit_wrk "$READ_WARMUP" "$base" bench/ratelimit-submit.lua >/dev/null
    ratelimit_wrk "$READ_WARMUP" "$base/v1/limiter-probe" >/dev/null
done
for round in $(seq 1 "$READ_ROUNDS"); do
    order="off on"
    (( round % 2 == 0 )) && order="on off"
    for limiting in $order; do
        base="http://127.0.0.1:${RL_PORT[$limiting]}"
        submit=$(ratelimit_wrk "$READ_SECONDS" "$base" bench/ratelimit-submit.lua)
        decision=$(ratelimit_wrk "$READ_SECONDS" "$base/v1/limiter-probe")
        RL_RUNS[submit-$limiting]+=" $submit" RL_RUNS[decision-$limiting]+=" $decision"
        log "round $round, limiting $limiting: submit $submit requests/s, 404 path $decision requests/s"
    done
done
metrics=$(curl -s "http://127.0.0.1:${RL_PORT[on]}/q/metrics")
decided=$(awk '/^trawl_ratelimit_decisions_total/ { s += $2 } END { print s + 0 }' <<<"$metrics")
local_decisions=$(awk '/^trawl_ratelimit_decisions_total.*source="local"/ { s += $2 } END { print s + 0 }' <<<"$metrics")
SIDE_PIDS=()
for limiting in off on; do
    PID=${RL_PID[$limiting]} PLATFORM_LOG=${RL_LOG[$limiting]}
    finish_run || status=1
done
declare -A RL_RATE=()
for what in submit-off submit-on decision-off decision-on; do
    RL_RATE[$what]=$(ratelimit_median <<<"${RL_RUNS[$what]}")
done

echo "Trawl rate-limit benchmark ($env_text)"
echo "two API-only platforms (trawl.roles=api) side by side${PLATFORM_OPTS:+, $PLATFORM_OPTS}; wrk -t$READ_THREADS -c$READ_CONNECTIONS," \
    "${READ_SECONDS} s per URL after ${READ_WARMUP} s of warm-up each; medians of $READ_ROUNDS alternating rounds;" \
    "limiting off, and on with a budget no run can spend"
echo "runs (requests/s): submit off${RL_RUNS[submit-off]}; on${RL_RUNS[submit-on]}; decision off${RL_RUNS[decision-off]}; on${RL_RUNS[decision-on]}"
printf '%-44s %8.0f requests/s (off)  %8.0f (on)  cost %5.1f %% (target < 10 %%)\n' "submit    POST /v1/jobs" \
    "${RL_RATE[submit-off]}" "${RL_RATE[submit-on]}" \
    "$(awk -v a="${RL_RATE[submit-off]}" -v b="${RL_RATE[submit-on]}" 'BEGIN { print (a - b) * 100 / a }')"
printf '%-44s %8.0f requests/s (off)  %8.0f (on)  = limiter decisions/s through HTTP\n' "decision  GET /v1/limiter-probe (404)" \
    "${RL_RATE[decision-off]}" "${RL_RATE[decision-on]}"
echo "decisions counted by the platform with limiting on: $decided (of which decided locally, Redis unavailable: $local_decisions)"
