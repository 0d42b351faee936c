-- A member's neighbours: up to SPAN scored just above, everyone tied with them, up to SPAN just below,
-- with how many members score above each of those scores (their rank minus one).
-- KEYS: board, reached-at hash, names hash. ARGV[1]: member, ARGV[2]: SPAN.
-- Returns JSON [members, scores, reached-at, names, above-counts], or [] when the member is not on the board.
local mine = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not mine then
  return '[]'
end
local span = tonumber(ARGV[2])
local members, scores, above, counted = {}, {}, {}, {}
local function take(rows)
  for i = 1, #rows, 2 do
    local score = rows[i + 1]
    counted[score] = counted[score] or redis.call('ZCOUNT', KEYS[1], '(' .. score, '+inf')
    members[#members + 1] = rows[i]
    scores[#scores + 1] = score
    above[#above + 1] = counted[score]
  end
end
if span > 0 then
  take(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. mine, '+inf', 'WITHSCORES', 'LIMIT', 0, span))
end
take(redis.call('ZRANGEBYSCORE', KEYS[1], mine, mine, 'WITHSCORES'))
if span > 0 then
  take(redis.call('ZREVRANGEBYSCORE', KEYS[1], '(' .. mine, '-inf', 'WITHSCORES', 'LIMIT', 0, span))
end
return cjson.encode({members, scores, hmget_all(KEYS[2], members), hmget_all(KEYS[3], members), above})
