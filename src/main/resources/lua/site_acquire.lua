-- Takes a politeness permit on one site for the whole cluster, or says how long to wait first.
-- Time is the Redis server's, so worker clocks never need to agree.
-- KEYS[1]  the site's holders: sorted set of permit ids, score = lease expiry (ms)
-- KEYS[2]  the site's pace: hash with `last` (last start, ms) and `paused-until` (ms)
-- ARGV[1]  permit id
-- ARGV[2]  max concurrency (>= 1)
-- ARGV[3]  min delay between two starts (ms)
-- ARGV[4]  lease (ms)
-- ARGV[5]  longest wait to report while every slot is taken (ms)
-- Returns 0 when the permit is granted, else the milliseconds to wait before asking again.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local maxConcurrency = tonumber(ARGV[2])
local minDelay = tonumber(ARGV[3])
local lease = tonumber(ARGV[4])

-- Only lengthens a TTL, so one caller's shorter figures never cut another's state short.
local function extend(key, ms)
  if redis.call('PTTL', key) < ms then
    redis.call('PEXPIRE', key, ms)
  end
end

-- Holders whose lease ran out (a worker that died) no longer count.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)

local pace = redis.call('HMGET', KEYS[2], 'last', 'paused-until')
local last = tonumber(pace[1])
local pausedUntil = tonumber(pace[2]) or 0
local nextStart = pausedUntil
if last then
  nextStart = math.max(last + minDelay, pausedUntil)
end
local paceWait = math.max(nextStart - now, 0)

if redis.call('ZCARD', KEYS[1]) >= maxConcurrency then
  -- A holder usually releases long before its lease ends, so ask again soon, not at the lease end.
  local earliest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local busyWait = math.min(tonumber(earliest[2]) - now, tonumber(ARGV[5]))
  return math.ceil(math.max(paceWait, busyWait, 1))
end
if paceWait > 0 then
  return math.ceil(paceWait)
end

redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
extend(KEYS[1], lease)
redis.call('HSET', KEYS[2], 'last', now)
extend(KEYS[2], math.max(minDelay, pausedUntil - now) + lease)
return 0
