-- Deletes the consumers of a group that own no pending entry and have been idle longer than a
-- bound: dead workers whose entries were all taken over (or who never had any). Checking and
-- deleting in one script means no consumer can read an entry in between, so XGROUP DELCONSUMER
-- never drops a pending entry, and a live consumer deleted while idle is created again by its
-- next XREADGROUP. KEYS[1] stream; ARGV[1] group, ARGV[2] idle bound (ms), ARGV[3] the caller's
-- own consumer name (never deleted). Returns the names deleted.
local deleted = {}
local consumers = redis.pcall('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
if type(consumers) ~= 'table' or consumers.err then
  return deleted -- no stream or no group yet: nothing to tidy
end
local bound = tonumber(ARGV[2])
for _, consumer in ipairs(consumers) do
  local name, pending, idle
  for i = 1, #consumer, 2 do
    local field = consumer[i]
    if field == 'name' then name = consumer[i + 1]
    elseif field == 'pending' then pending = consumer[i + 1]
    elseif field == 'idle' then idle = consumer[i + 1] end
  end
  if name ~= ARGV[3] and pending == 0 and idle > bound then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
    deleted[#deleted + 1] = name
  end
end
return deleted
