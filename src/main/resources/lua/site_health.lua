-- Records one fetch outcome of a site for the whole cluster and, when the failure rate of its
-- latest outcomes crosses the bound, pauses the site: every worker's next acquire waits.
-- KEYS[1]  the site's outcomes: list of '1' (failed) / '0' (ok), newest first
-- KEYS[2]  the site's pace (see site_acquire.lua)
-- ARGV[1]  '1' if this fetch failed, else '0'
-- ARGV[2]  window (outcomes kept)
-- ARGV[3]  min samples
-- ARGV[4]  max failure rate (0..1)
-- ARGV[5]  cool-down (ms); also how long a quiet site's outcomes are remembered
-- ARGV[6]  permit lease (ms): the pace outlives the pause by this much, like after a release
-- Returns {paused (1/0), failures, samples}.
local window = tonumber(ARGV[2])
local cooldown = tonumber(ARGV[5])
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, window - 1)
redis.call('PEXPIRE', KEYS[1], cooldown)
local outcomes = redis.call('LRANGE', KEYS[1], 0, -1)
local failures = 0
for _, outcome in ipairs(outcomes) do
  if outcome == '1' then
    failures = failures + 1
  end
end
local samples = #outcomes
if samples < tonumber(ARGV[3]) or failures <= tonumber(ARGV[4]) * samples then
  return {0, failures, samples}
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local pausedUntil = math.max(tonumber(redis.call('HGET', KEYS[2], 'paused-until')) or 0, now + cooldown)
redis.call('HSET', KEYS[2], 'paused-until', pausedUntil)
local ttl = pausedUntil - now + tonumber(ARGV[6])
if redis.call('PTTL', KEYS[2]) < ttl then
  redis.call('PEXPIRE', KEYS[2], ttl)
end
-- The site starts afresh after the cool-down: old failures must not pause it again at once.
redis.call('DEL', KEYS[1])
return {1, failures, samples}
