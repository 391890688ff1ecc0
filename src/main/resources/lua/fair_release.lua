-- Frees the places of jobs that ended and gives them to their callers' next held jobs (highest
-- priority first, then in the order they came), XADDing those to their streams. A job the
-- fairness state does not know (its caller had no cap, or the state was lost) is skipped, so
-- releasing twice is harmless.
-- ARGV[1]     key prefix of the fairness state (<prefix>fair:)
-- ARGV[2]     stream max length (MAXLEN ~)
-- ARGV[3]     stream entry field that holds the job id
-- ARGV[4..6]  the work streams of ranks 0, 1 and 2 (high, normal, low)
-- ARGV[7..]   ids of jobs that ended
-- Returns how many held jobs were put on their streams.
local prefix, maxlen, field = ARGV[1], ARGV[2], ARGV[3]
local streams = { ARGV[4], ARGV[5], ARGV[6] }
local owners = prefix .. 'owners'
local caps = prefix .. 'caps'
local RANK_SPAN = 10000000000000
local touched = {}
for i = 7, #ARGV do
  local id = ARGV[i]
  local owner = redis.call('HGET', owners, id)
  if owner then
    redis.call('HDEL', owners, id)
    redis.call('SREM', prefix .. owner .. ':running', id)
    redis.call('ZREM', prefix .. owner .. ':held', id)
    touched[owner] = true
  end
end
local moved = 0
for owner in pairs(touched) do
  local running = prefix .. owner .. ':running'
  local held = prefix .. owner .. ':held'
  local cap = tonumber(redis.call('HGET', caps, owner) or '0')
  local free = cap - redis.call('SCARD', running)
  if free > 0 then
    local next = redis.call('ZPOPMIN', held, free)
    for j = 1, #next, 2 do
      local id = next[j]
      local rank = math.floor(tonumber(next[j + 1]) / RANK_SPAN)
      redis.call('SADD', running, id)
      redis.call('XADD', streams[rank + 1], 'MAXLEN', '~', maxlen, '*', field, id)
      moved = moved + 1
    end
  end
  if redis.call('SCARD', running) == 0 and redis.call('ZCARD', held) == 0 then
    redis.call('HDEL', caps, owner)
  end
end
return moved
