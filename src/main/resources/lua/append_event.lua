-- Appends one event to a job's stream, refreshes its TTL and announces it, in one round trip.
-- KEYS[1]  the job's event stream
-- ARGV[1]  approximate maximum stream length
-- ARGV[2]  TTL in seconds
-- ARGV[3]  pub/sub channel of the job
-- ARGV[4]  event type
-- ARGV[5]  event JSON
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 't', ARGV[4], 'd', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', ARGV[3], id .. '\n' .. ARGV[4] .. '\n' .. ARGV[5])
return id
