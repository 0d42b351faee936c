-- Reserve one app message for each member in KEYS (one sorted set of send times per member).
-- ARGV: now_ms, unique member tag, per-minute cap, per-hour cap.
-- Returns {indexes of members reserved (1-based), ms until the first refused member frees up}.
local now = tonumber(ARGV[1])
local tag = ARGV[2]
local per_minute = tonumber(ARGV[3])
local per_hour = tonumber(ARGV[4])
local reserved = {}
local wait = -1
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - 3600000)
  local hour = redis.call('ZCARD', key)
  local minute = redis.call('ZCOUNT', key, '(' .. (now - 60000), '+inf')
  if minute < per_minute and hour < per_hour then
    redis.call('ZADD', key, now, tag)
    redis.call('PEXPIRE', key, 3600000)
    table.insert(reserved, i)
  else
    local free_at = now
    if minute >= per_minute then
      local oldest = redis.call('ZRANGEBYSCORE', key, '(' .. (now - 60000), '+inf', 'WITHSCORES', 'LIMIT', minute - per_minute, 1)
      free_at = math.max(free_at, tonumber(oldest[2]) + 60000)
    end
    if hour >= per_hour then
      local oldest = redis.call('ZRANGE', key, hour - per_hour, hour - per_hour, 'WITHSCORES')
      free_at = math.max(free_at, tonumber(oldest[2]) + 3600000)
    end
    if wait < 0 or free_at - now < wait then
      wait = free_at - now
    end
  end
end
return {reserved, wait}
