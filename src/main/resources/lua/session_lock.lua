-- Takes a profile's login lock (SET NX PX), but only if the session is still in the state the
-- caller saw: absent, or the same version and still due for renewal. Without this check, a caller
-- that read the old session just before the winner stored the new one would log in a second time.
-- KEYS[1] session hash, KEYS[2] lock
-- ARGV[1] token, ARGV[2] lease ms, ARGV[3] version seen ('' = none), ARGV[4] renew-before ms
-- Returns 1 taken, 0 held by someone else, -1 the session changed meanwhile.
local version = redis.call('HGET', KEYS[1], 'version')
if ARGV[3] == '' then
  if version then return -1 end
elseif version ~= ARGV[3] or redis.call('PTTL', KEYS[1]) > tonumber(ARGV[4]) then
  return -1
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
return 0
