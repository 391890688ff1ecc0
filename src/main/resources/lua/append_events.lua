-- Appends events of one or more jobs in one round trip: each is added to its job's stream and
-- announced on the job's pub/sub channel, so live followers and the log can never disagree; each
-- stream's TTL is refreshed once, after its first event of the call. Events of one job keep the
-- order they are given in.
-- KEYS[i]          the event stream of event i
-- ARGV[1]          approximate maximum stream length
-- ARGV[2]          TTL in seconds
-- ARGV[3i .. 3i+2] event i: pub/sub channel, type, JSON  (i from 1)
-- ARGV[3n + 3]     the webhook deliveries due (a sorted set), n the number of events
-- A job whose webhook wants an event type has <prefix>job:<id>:webhook (next to its event stream)
-- holding ",type,type,": each such event is also queued for delivery, member "<entry id>\n<JSON>"
-- scored now (ms), in the same call, so no event a webhook wants can be written without it.
-- Returns the entry ids, in the order of the events.
local ids = {}
local refreshed = {}
local due = ARGV[3 * #KEYS + 3]
local now
for i, stream in ipairs(KEYS) do
  local channel, kind, json = ARGV[3 * i], ARGV[3 * i + 1], ARGV[3 * i + 2]
  local id = redis.call('XADD', stream, 'MAXLEN', '~', ARGV[1], '*', 't', kind, 'd', json)
  local hook = string.sub(stream, 1, -7) .. 'webhook'
  local wanted = redis.call('GET', hook)
  if not refreshed[stream] then
    redis.call('EXPIRE', stream, ARGV[2])
    if wanted then
      redis.call('EXPIRE', hook, ARGV[2])
    end
    refreshed[stream] = true
  end
  if wanted and string.find(wanted, ',' .. kind .. ',', 1, true) then
    if not now then
      local t = redis.call('TIME')
      now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    end
    redis.call('ZADD', due, 'NX', now, id .. '\n' .. json)
  end
  redis.call('PUBLISH', channel, id .. '\n' .. kind .. '\n' .. json)
  ids[i] = id
end
return ids
