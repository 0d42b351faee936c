-- The first N of a board plus everyone tied with the N-th, so ties can be ordered by who got there first.
-- KEYS: board, reached-at hash, names hash. ARGV[1]: N.
-- Returns JSON [members, scores, reached-at, names] (one bulk string parses faster than 200 replies);
-- everyone scored above a returned member is returned too.
local top = redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
if #top == 0 then
  return '[[],[],[],[]]'
end
local boundary = top[#top]
local members, scores = {}, {}
for i = 1, #top, 2 do
  if tonumber(top[i + 1]) > tonumber(boundary) then
    members[#members + 1] = top[i]
    scores[#scores + 1] = top[i + 1]
  end
end
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], boundary, boundary)) do
  members[#members + 1] = member
  scores[#scores + 1] = boundary
end
return cjson.encode({members, scores, hmget_all(KEYS[2], members), hmget_all(KEYS[3], members)})
