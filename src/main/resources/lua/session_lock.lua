-- Takes a profile's login lock (SET NX PX), but only if the session is still in the state the
-- caller saw: absent, or the same version and still due for renewal. Without this check, a caller
-- that read the old session just before the winner stored the new one would log in a second time.
-- A failed login's marker counts as a change too: a caller that read the state just before a
-- login failed must not log in again during the back-off.
-- KEYS[1] session hash, KEYS[2] lock, KEYS[3] failure marker
-- ARGV[1] token, ARGV[2] lease ms, ARGV[3] version seen ('' = none), ARGV[4] renew-before ms
-- Returns 1 taken, 0 held by someone else, -1 the session changed (or a login failed) meanwhile.
if redis.call('EXISTS', KEYS[3]) == 1 then
  return -1
end
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
