-- Takes and frees politeness permits on sites for the whole cluster, in one call: each request is
-- decided in turn, as if it were a call of its own, so a release made before an acquire is seen by
-- it. Time is the Redis server's, so worker clocks never need to agree.
-- KEYS[2i-1]  request i's site holders: sorted set of permit ids, score = lease expiry (ms)
-- KEYS[2i]    request i's site pace: hash with `last` (last start, ms) and `paused-until` (ms)
-- ARGV[1]     lease (ms)
-- ARGV[2]     longest wait to report while every slot is taken (ms)
-- ARGV[4i-1]  request i: 'acquire' or 'release'
-- ARGV[4i]    request i: permit id
-- ARGV[4i+1]  acquire: max concurrency (>= 1); release: pause (ms) the site asked for, 0 for none
-- ARGV[4i+2]  acquire: min delay between two starts (ms); release: unused
-- Returns, per request: for an acquire 0 when the permit is granted, else the milliseconds to wait
-- before asking again; for a release 1 if the permit was held, 0 if it was already gone (harmless;
-- a pause still holds).
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

local function release(holders, paceKey, id, pause)
  local removed = redis.call('ZREM', holders, id)
  if pause > 0 then
    local pausedUntil = math.max(tonumber(redis.call('HGET', paceKey, 'paused-until')) or 0, now + pause)
    redis.call('HSET', paceKey, 'paused-until', pausedUntil)
    extend(paceKey, pausedUntil - now + lease)
  end
  return removed
end

local results = {}
for i = 1, #KEYS / 2 do
  local holders, pace = KEYS[2 * i - 1], KEYS[2 * i]
  local id, a, b = ARGV[4 * i], tonumber(ARGV[4 * i + 1]), tonumber(ARGV[4 * i + 2])
  if ARGV[4 * i - 1] == 'acquire' then
    results[i] = acquire(holders, pace, id, a, b)
  else
    results[i] = release(holders, pace, id, a)
  end
end
return results
