-- Frees a politeness permit and, if the site asked us to back off (Retry-After), pauses the site
-- for the whole cluster. Releasing a permit that is already gone is harmless; the pause still holds.
-- KEYS[1]  the site's holders (see site_acquire.lua)
-- KEYS[2]  the site's pace
-- ARGV[1]  permit id
-- ARGV[2]  pause (ms), 0 for none
-- ARGV[3]  lease (ms): the pace outlives the pause by this much, like after an acquire
-- Returns 1 if the permit was held, 0 if it had already been released or had expired.
local removed = redis.call('ZREM', KEYS[1], ARGV[1])
local pause = tonumber(ARGV[2])
if pause > 0 then
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local pausedUntil = math.max(tonumber(redis.call('HGET', KEYS[2], 'paused-until')) or 0, now + pause)
  redis.call('HSET', KEYS[2], 'paused-until', pausedUntil)
  local ttl = pausedUntil - now + tonumber(ARGV[3])
  if redis.call('PTTL', KEYS[2]) < ttl then
    redis.call('PEXPIRE', KEYS[2], ttl)
  end
end
return removed
