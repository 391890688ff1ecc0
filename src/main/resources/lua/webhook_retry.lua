-- Makes a webhook delivery due again ARGV[2] ms from now, if it is still to be made (XX: one
-- settled meanwhile by another sender stays settled).
-- KEYS[1] the deliveries   ARGV[1] the member   ARGV[2] the delay in ms
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
