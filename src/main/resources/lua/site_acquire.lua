-- Takes politeness permits on sites for the whole cluster, or says how long each must wait first.
-- Several requests (for one site or several) are decided in one call, one after the other, as if
-- each were a call of its own. Time is the Redis server's, so worker clocks never need to agree.
-- KEYS[2i-1]  site i's holders: sorted set of permit ids, score = lease expiry (ms)
-- KEYS[2i]    site i's pace: hash with `last` (last start, ms) and `paused-until` (ms)
-- ARGV[1]     lease (ms)
-- ARGV[2]     longest wait to report while every slot is taken (ms)
-- ARGV[3i]    request i: permit id
-- ARGV[3i+1]  request i: max concurrency (>= 1)
-- ARGV[3i+2]  request i: min delay between two starts (ms)
-- Returns, per request, 0 when the permit is granted, else the milliseconds to wait before asking again.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local lease = tonumber(ARGV[1])
local longestBusyWait = tonumber(ARGV[2])

-- Only lengthens a TTL, so one caller's shorter figures never cut another's state short.
local function extend(key, ms)
  if redis.call('PTTL', key) < ms then
    redis.call('PEXPIRE', key, ms)
  end
end

local function acquire(holders, paceKey, id, maxConcurrency, minDelay)
  -- Holders whose lease ran out (a worker that died) no longer count.
  redis.call('ZREMRANGEBYSCORE', holders, '-inf', now)
  local pace = redis.call('HMGET', paceKey, 'last', 'paused-until')
  local last = tonumber(pace[1])
  local pausedUntil = tonumber(pace[2]) or 0
  local nextStart = pausedUntil
  if last then
    nextStart = math.max(last + minDelay, pausedUntil)
  end
  local paceWait = math.max(nextStart - now, 0)
  if redis.call('ZCARD', holders) >= maxConcurrency then
    -- A holder usually releases long before its lease ends, so ask again soon, not at the lease end.
    local earliest = redis.call('ZRANGE', holders, 0, 0, 'WITHSCORES')
    local busyWait = math.min(tonumber(earliest[2]) - now, longestBusyWait)
    return math.ceil(math.max(paceWait, busyWait, 1))
  end
  if paceWait > 0 then
    return math.ceil(paceWait)
  end
  redis.call('ZADD', holders, now + lease, id)
  extend(holders, lease)
  redis.call('HSET', paceKey, 'last', now)
  extend(paceKey, math.max(minDelay, pausedUntil - now) + lease)
  return 0
end

local waits = {}
for i = 1, #KEYS / 2 do
  waits[i] = acquire(KEYS[2 * i - 1], KEYS[2 * i], ARGV[3 * i], tonumber(ARGV[3 * i + 1]), tonumber(ARGV[3 * i + 2]))
end
return waits
