-- Records fetch outcomes of sites for the whole cluster and, when a site's failure rate over its
-- latest outcomes crosses the bound, pauses the site: every worker's next acquire waits. Several
-- outcomes (of one site or several) are recorded in one call, one after the other.
-- A site's window is a ring of `window` bits, bit (n - 1) mod window holding its n-th outcome
-- (1 failed, 0 ok), with the number of outcomes recorded (`n`) and of failures in the ring
-- (`failed`) kept beside it, so recording costs the same whatever the window's size.
-- KEYS[3i-2]  site i's window: a string of bits
-- KEYS[3i-1]  site i's window counts: hash with `n` and `failed`
-- KEYS[3i]    site i's pace (see site_permits.lua)
-- ARGV[1]     window (outcomes kept)
-- ARGV[2]     min samples
-- ARGV[3]     max failure rate (0..1)
-- ARGV[4]     cool-down (ms); also how long a quiet site's outcomes are remembered
-- ARGV[5]     permit lease (ms): the pace outlives the pause by this much, like after a release
-- ARGV[5+i]   outcome i: '1' if that fetch failed, else '0'
-- Returns, per outcome, {paused (1/0), failures, samples}.
local window = tonumber(ARGV[1])
local minSamples = tonumber(ARGV[2])
local maxRate = tonumber(ARGV[3])
local cooldown = tonumber(ARGV[4])
local lease = tonumber(ARGV[5])

local function record(bits, counts, pace, failed)
  local n = redis.call('HINCRBY', counts, 'n', 1)
  local old = redis.call('SETBIT', bits, (n - 1) % window, failed)
  local failures = redis.call('HINCRBY', counts, 'failed', failed - old)
  redis.call('PEXPIRE', bits, cooldown)
  redis.call('PEXPIRE', counts, cooldown)
  local samples = math.min(n, window)
  if failed == 0 or samples < minSamples or failures <= maxRate * samples then
    return {0, failures, samples}
  end
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local pausedUntil = math.max(tonumber(redis.call('HGET', pace, 'paused-until')) or 0, now + cooldown)
  redis.call('HSET', pace, 'paused-until', pausedUntil)
  local ttl = pausedUntil - now + lease
  if redis.call('PTTL', pace) < ttl then
    redis.call('PEXPIRE', pace, ttl)
  end
  -- The site starts afresh after the cool-down: old failures must not pause it again at once.
  redis.call('DEL', bits, counts)
  return {1, failures, samples}
end

local results = {}
for i = 1, #KEYS / 3 do
  results[i] = record(KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i], tonumber(ARGV[5 + i]))
end
return results
