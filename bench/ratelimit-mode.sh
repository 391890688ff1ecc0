# Rate-limit mode of bench/run.sh (sourced by it; uses its start_platform, reset_state, finish_run, log, die).
#
# What limiting costs: an API-only platform (trawl.roles=api, so jobs only queue) started twice,
# limiting off then on (the anonymous budget raised far above what wrk can spend, so every request
# is decided and none refused), each time READ_WARMUP s of warm-up then READ_SECONDS s per URL with
# wrk (READ_THREADS threads, READ_CONNECTIONS connections):
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

declare -A RL_RATE=()
for limiting in off on; do
    reset_state
    if [[ $limiting == on ]]; then
        start_platform "ratelimit-$limiting" -Dtrawl.roles=api -Dtrawl.rate-limit.enabled=true \
            -Dtrawl.rate-limit.anonymous.per-minute=2000000000
    else
        start_platform "ratelimit-$limiting" -Dtrawl.roles=api
    fi
    base="http://127.0.0.1:$PORT"
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
        -d '{"url":"http://127.0.0.1:9/probe","dedupe":false}' "$base/v1/jobs")
    [[ $code == 202 ]] || die "POST /v1/jobs answered $code, not 202"
    log "limiting $limiting: warming up (${READ_WARMUP} s per URL) ..."
    ratelimit_wrk "$READ_WARMUP" "$base" bench/ratelimit-submit.lua >/dev/null
    ratelimit_wrk "$READ_WARMUP" "$base/v1/limiter-probe" >/dev/null
    RL_RATE[submit-$limiting]=$(ratelimit_wrk "$READ_SECONDS" "$base" bench/ratelimit-submit.lua)
    log "limiting $limiting: submit ${RL_RATE[submit-$limiting]} requests/s"
    RL_RATE[decision-$limiting]=$(ratelimit_wrk "$READ_SECONDS" "$base/v1/limiter-probe")
    log "limiting $limiting: 404 path ${RL_RATE[decision-$limiting]} requests/s"
    if [[ $limiting == on ]]; then
        decided=$(curl -s "$base/q/metrics" | awk '/^trawl_ratelimit_decisions_total/ { s += $2 } END { print s + 0 }')
        local_decisions=$(curl -s "$base/q/metrics" | awk '/^trawl_ratelimit_decisions_total.*source="local"/ { s += $2 } END { print s + 0 }')
    fi
    finish_run || status=1
done

echo "Trawl rate-limit benchmark ($env_text)"
echo "API-only platform (trawl.roles=api)${PLATFORM_OPTS:+, $PLATFORM_OPTS}; wrk -t$READ_THREADS -c$READ_CONNECTIONS," \
    "${READ_SECONDS} s per URL after ${READ_WARMUP} s of warm-up; limiting off, then on with a budget no run can spend"
printf '%-44s %8.0f requests/s (off)  %8.0f (on)  cost %5.1f %% (target < 10 %%)\n' "submit    POST /v1/jobs" \
    "${RL_RATE[submit-off]}" "${RL_RATE[submit-on]}" \
    "$(awk -v a="${RL_RATE[submit-off]}" -v b="${RL_RATE[submit-on]}" 'BEGIN { print (a - b) * 100 / a }')"
printf '%-44s %8.0f requests/s (off)  %8.0f (on)  = limiter decisions/s through HTTP\n' "decision  GET /v1/limiter-probe (404)" \
    "${RL_RATE[decision-off]}" "${RL_RATE[decision-on]}"
echo "decisions counted by the platform with limiting on: $decided (of which decided locally, Redis unavailable: $local_decisions)"
