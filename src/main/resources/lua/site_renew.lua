-- Extends a held politeness permit by one lease from now (Redis time).
-- KEYS[1]  the site's holders (see site_permits.lua)
-- ARGV[1]  permit id
-- ARGV[2]  lease (ms)
-- Returns 1 if the permit was still held, 0 if its lease had already run out: an expired holder
-- is lost even if no one has purged it yet, so the answer does not depend on other workers.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local lease = tonumber(ARGV[2])
local expiry = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]))
if not expiry or expiry <= now then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 0
end
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
if redis.call('PTTL', KEYS[1]) < lease then
  redis.call('PEXPIRE', KEYS[1], lease)
end
return 1
