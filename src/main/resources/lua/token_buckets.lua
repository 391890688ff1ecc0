-- Token buckets for the whole cluster: each request takes `cost` tokens from its bucket if it has
-- them. Requests are decided in turn, as separate calls would be. Time is the Redis server's, so
-- pods with skewed clocks agree. A bucket named by several requests (one busy caller) is read
-- once and written once, however many of its requests the call decides.
-- KEYS[i]       request i's bucket: hash with `tokens` (a float) and `at` (ms of the last update)
-- ARGV[3i-2]    request i: capacity (tokens, >= 1)
-- ARGV[3i-1]    request i: refill (tokens per minute, >= 1)
-- ARGV[3i]      request i: cost (tokens, >= 1)
-- Returns, per request, four integers: 1 if allowed else 0; whole tokens left; ms until the bucket
-- is full again; ms until `cost` tokens are there (0 when allowed).
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local buckets = {}  -- key -> { tokens, untilFull }, as the requests decided so far left it
local order = {}
local results = {}
for i = 1, #KEYS do
  local key = KEYS[i]
  local capacity = tonumber(ARGV[3 * i - 2])
  local perMs = tonumber(ARGV[3 * i - 1]) / 60000
  local cost = tonumber(ARGV[3 * i])
  local bucket = buckets[key]
  local tokens
  if bucket then
    tokens = math.min(capacity, bucket.tokens)
  else
    local state = redis.call('HMGET', key, 'tokens', 'at')
    local stored = tonumber(state[1])
    local at = tonumber(state[2])
    if stored == nil or at == nil then
      tokens = capacity
    else
      tokens = math.min(capacity, stored + math.max(0, now - at) * perMs)
    end
    bucket = {}
    buckets[key] = bucket
    order[#order + 1] = key
  end
  local allowed = 0
  local retryAfter = math.ceil((cost - tokens) / perMs)
  if tokens >= cost then
    tokens = tokens - cost
    allowed = 1
    retryAfter = 0
  end
  local untilFull = math.ceil((capacity - tokens) / perMs)
  bucket.tokens = tokens
  bucket.untilFull = untilFull
  local n = #results
  results[n + 1] = allowed
  results[n + 2] = math.floor(tokens)
  results[n + 3] = untilFull
  results[n + 4] = retryAfter
end
for _, key in ipairs(order) do
  local bucket = buckets[key]
  redis.call('HSET', key, 'tokens', tostring(bucket.tokens), 'at', now)
  -- a full bucket is the same as none: let it go once it would be full
  redis.call('PEXPIRE', key, bucket.untilFull + 1000)
end
return results
