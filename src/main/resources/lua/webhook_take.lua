-- Takes up to ARGV[2] webhook deliveries that are due: each is pushed ARGV[1] ms ahead (so if its
-- sender dies it comes due again then) and its attempt count goes up by one, in one call, so two
-- senders never take one delivery at once and every take is counted.
-- KEYS[1] the deliveries (sorted set, score = due ms)   KEYS[2] the attempt counts (hash)
-- Returns member, attempt, member, attempt, ...
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), member)
  local attempt = redis.call('HINCRBY', KEYS[2], redis.sha1hex(member), 1)
  out[#out + 1] = member
  out[#out + 1] = attempt
end
return out
