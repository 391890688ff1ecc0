-- Appends events of one or more jobs in one round trip: each is added to its job's stream and
-- announced on the job's pub/sub channel, so live followers and the log can never disagree; each
-- stream's TTL is refreshed once, after its first event of the call. Events of one job keep the
-- order they are given in.
-- KEYS[i]          the event stream of event i
-- ARGV[1]          approximate maximum stream length
-- ARGV[2]          TTL in seconds
-- ARGV[3i .. 3i+2] event i: pub/sub channel, type, JSON  (i from 1)
-- Returns the entry ids, in the order of the events.
local ids = {}
local refreshed = {}
for i, stream in ipairs(KEYS) do
  local channel, kind, json = ARGV[3 * i], ARGV[3 * i + 1], ARGV[3 * i + 2]
  local id = redis.call('XADD', stream, 'MAXLEN', '~', ARGV[1], '*', 't', kind, 'd', json)
  if not refreshed[stream] then
    redis.call('EXPIRE', stream, ARGV[2])
    refreshed[stream] = true
  end
  redis.call('PUBLISH', channel, id .. '\n' .. kind .. '\n' .. json)
  ids[i] = id
end
return ids
