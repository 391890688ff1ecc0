-- Releases a lock only if it is still held with the caller's token (it may have expired and been
-- taken by someone else meanwhile). KEYS[1] lock, ARGV[1] token. Returns 1 if released.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
