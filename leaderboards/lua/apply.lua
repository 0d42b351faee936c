-- Adds one source's contributions to its boards exactly once.
-- KEYS[1]: the source's applied marker; then per target: board, reached-at hash, names hash.
-- ARGV[1]: marker TTL (s); ARGV[2]: live channel; ARGV[3]: live message;
-- then per target: member, delta, reached-at (ms), display name.
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return 0
end
for i = 0, (#KEYS - 1) / 3 - 1 do
  local board, reached, names = KEYS[2 + 3 * i], KEYS[3 + 3 * i], KEYS[4 + 3 * i]
  local member, delta, at, name = ARGV[4 + 4 * i], ARGV[5 + 4 * i], ARGV[6 + 4 * i], ARGV[7 + 4 * i]
  redis.call('ZINCRBY', board, delta, member)
  local seen = tonumber(redis.call('HGET', reached, member) or '0')
  if tonumber(at) > seen then
    redis.call('HSET', reached, member, at)
  end
  redis.call('HSET', names, member, name)
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
