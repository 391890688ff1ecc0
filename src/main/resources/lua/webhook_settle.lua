-- Ends a webhook delivery (delivered or dead-lettered): it leaves the due set with its count.
-- KEYS[1] the deliveries   KEYS[2] the attempt counts   ARGV[1] the member
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], redis.sha1hex(ARGV[1]))
return 1
