-- Admits submitted jobs to the work streams, at most `cap` of one caller at a time: a job of a
-- caller below its cap is XADDed at once and counted as in flight; the others wait in the
-- caller's held set (by priority, then in the order they came) until one of its jobs ends
-- (fair_release.lua). A job already in flight (a re-drive racing a retry) is XADDed again; one
-- already held stays held. Per-caller keys are derived here from the caller's id, which the
-- caller of the script cannot know for a release; Trawl runs on one Redis, never on Cluster.
-- ARGV[1]       key prefix of the fairness state (<prefix>fair:)
-- ARGV[2]       stream max length (MAXLEN ~)
-- ARGV[3]       stream entry field that holds the job id
-- ARGV[5i-1]    job i: id
-- ARGV[5i]      job i: its priority's work stream
-- ARGV[5i+1]    job i: its priority's rank (0 is served first)
-- ARGV[5i+2]    job i: the caller (tenant id)
-- ARGV[5i+3]    job i: the caller's cap, > 0
-- Returns, per job: 1 if it is on its stream, 0 if it waits its turn.
local prefix, maxlen, field = ARGV[1], ARGV[2], ARGV[3]
local owners = prefix .. 'owners'
local caps = prefix .. 'caps'
local RANK_SPAN = 10000000000000 -- a held job's score: rank * span + arrival number
local admitted = {}
for i = 4, #ARGV, 5 do
  local id, stream, rank, owner, cap = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), ARGV[i + 3], tonumber(ARGV[i + 4])
  local running = prefix .. owner .. ':running'
  local held = prefix .. owner .. ':held'
  redis.call('HSET', caps, owner, cap)
  local verdict
  if redis.call('SISMEMBER', running, id) == 1 then
    verdict = 1
  elseif redis.call('ZSCORE', held, id) then
    verdict = 0
  elseif redis.call('SCARD', running) < cap then
    redis.call('SADD', running, id)
    verdict = 1
  else
    local arrival = redis.call('INCR', prefix .. 'arrivals')
    redis.call('ZADD', held, rank * RANK_SPAN + arrival, id)
    verdict = 0
  end
  redis.call('HSET', owners, id, owner)
  if verdict == 1 then
    redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', field, id)
  end
  admitted[#admitted + 1] = verdict
end
return admitted
