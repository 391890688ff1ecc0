-- Stores a fresh session and releases the login lock, atomically, but only for the lock's holder:
-- a worker whose lease ran out must not overwrite what the next holder stores.
-- KEYS[1] session hash, KEYS[2] lock, KEYS[3] generation counter, KEYS[4] failure marker
-- ARGV[1] lock token, ARGV[2] cookie header, ARGV[3] ttl in ms
-- Returns the new version, or nil if the caller no longer holds the lock.
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return nil
end
local version = redis.call('INCR', KEYS[3])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
redis.call('HSET', KEYS[1], 'cookie', ARGV[2], 'version', version)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return version
