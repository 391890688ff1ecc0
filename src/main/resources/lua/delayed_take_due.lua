-- Takes the retries that are due out of the delayed set, atomically, so two workers polling at
-- once never move the same job.
-- KEYS[1]  the delayed set: job ids scored by due time (ms)
-- ARGV[1]  now (ms)
-- ARGV[2]  most ids to take
-- Returns the ids taken, earliest due first.
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
if #ids > 0 then
  redis.call('ZREM', KEYS[1], unpack(ids))
end
return ids
