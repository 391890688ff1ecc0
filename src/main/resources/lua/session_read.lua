-- A profile's session as {cookie, version, pttl, failure} in one round trip.
-- KEYS[1] session hash, KEYS[2] failure marker.
-- Missing values are '' (a nil would cut the array short); pttl is -2 when there is no session.
local fields = redis.call('HMGET', KEYS[1], 'cookie', 'version')
local pttl = redis.call('PTTL', KEYS[1])
local failure = redis.call('GET', KEYS[2])
return {fields[1] or '', fields[2] or '', pttl, failure or ''}
