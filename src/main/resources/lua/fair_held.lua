-- Which of the given jobs wait their turn in a held set (so are meant to be off the streams).
-- ARGV[1]     key prefix of the fairness state (<prefix>fair:)
-- ARGV[2..]   job ids
-- Returns, per job: 1 if it is held, else 0.
local prefix = ARGV[1]
local owners = prefix .. 'owners'
local held = {}
for i = 2, #ARGV do
  local owner = redis.call('HGET', owners, ARGV[i])
  held[#held + 1] = (owner and redis.call('ZSCORE', prefix .. owner .. ':held', ARGV[i])) and 1 or 0
end
return held
