-- Frees politeness permits and, for a site that asked us to back off (Retry-After), pauses the
-- site for the whole cluster. Several releases are made in one call, one after the other.
-- Releasing a permit that is already gone is harmless; the pause still holds.
-- KEYS[2i-1]  site i's holders (see site_acquire.lua)
-- KEYS[2i]    site i's pace
-- ARGV[1]     lease (ms): the pace outlives a pause by this much, like after an acquire
-- ARGV[2i]    release i: permit id
-- ARGV[2i+1]  release i: pause (ms), 0 for none
-- Returns, per release, 1 if the permit was held, 0 if it had already been released or had expired.
local lease = tonumber(ARGV[1])
local now

local function release(holders, paceKey, id, pause)
  local removed = redis.call('ZREM', holders, id)
  if pause > 0 then
    if not now then
      local time = redis.call('TIME')
      now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
    end
    local pausedUntil = math.max(tonumber(redis.call('HGET', paceKey, 'paused-until')) or 0, now + pause)
    redis.call('HSET', paceKey, 'paused-until', pausedUntil)
    local ttl = pausedUntil - now + lease
    if redis.call('PTTL', paceKey) < ttl then
      redis.call('PEXPIRE', paceKey, ttl)
    end
  end
  return removed
end

local released = {}
for i = 1, #KEYS / 2 do
  released[i] = release(KEYS[2 * i - 1], KEYS[2 * i], ARGV[2 * i], tonumber(ARGV[2 * i + 1]))
end
return released
