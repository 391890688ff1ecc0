-- Deletes a session only if it is still the given version, so many workers reporting the same
-- rejected session delete it once and cannot delete the session that replaced it.
-- KEYS[1] session hash, ARGV[1] version. Returns 1 if deleted.
if redis.call('HGET', KEYS[1], 'version') == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
