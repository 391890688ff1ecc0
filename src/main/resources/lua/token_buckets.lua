-- Token buckets for the whole cluster: each request takes `cost` tokens from its caller's bucket
-- if it has them. The requests of one bucket are decided in turn, as separate calls would be; a
-- bucket is read once and written once per call, however many requests it decides. A pod may
-- also give back what is left of a lease (tokens it took earlier and did not spend) and ask for a
-- new one: the lease is taken after the requests, and only while the bucket keeps at least as
-- much again, so leases never stand in the way of a request. Time is the Redis server's, so pods
-- with skewed clocks agree.
-- KEYS[b]     bucket b: hash with `tokens` (a float) and `at` (ms of the last update)
-- ARGV, for each bucket in turn: capacity (tokens, >= 1), refill (tokens per minute, >= 1),
--             tokens given back (>= 0), lease asked for (>= 0), n (the number of its requests),
--             then the n costs (tokens, >= 1)
-- Returns, per bucket, four strings: one character per request, '1' if allowed else '0'; the
-- tokens the bucket held before them (after its refill and what was given back); the lease
-- granted (0 or the amount asked); the tokens left in the bucket.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local results = {}
local arg = 1
for b = 1, #KEYS do
  local key = KEYS[b]
  local capacity = tonumber(ARGV[arg])
  local perMs = tonumber(ARGV[arg + 1]) / 60000
  local givenBack = tonumber(ARGV[arg + 2])
  local lease = tonumber(ARGV[arg + 3])
  local n = tonumber(ARGV[arg + 4])
  arg = arg + 5
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local stored = tonumber(state[1])
  local at = tonumber(state[2])
  local tokens = capacity
  if stored ~= nil and at ~= nil then
    tokens = math.min(capacity, stored + math.max(0, now - at) * perMs + givenBack)
  end
  local before = tokens
  local flags = {}
  for r = 1, n do
    local cost = tonumber(ARGV[arg])
    arg = arg + 1
    if tokens >= cost then
      tokens = tokens - cost
      flags[r] = '1'
    else
      flags[r] = '0'
    end
  end
  local granted = 0
  if lease > 0 and tokens >= 2 * lease then
    tokens = tokens - lease
    granted = lease
  end
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', now)
  -- a full bucket is the same as none: let it go once it would be full
  redis.call('PEXPIRE', key, math.ceil((capacity - tokens) / perMs) + 1000)
  results[#results + 1] = table.concat(flags)
  results[#results + 1] = string.format('%.17g', before)
  results[#results + 1] = tostring(granted)
  results[#results + 1] = string.format('%.17g', tokens)
end
return results
