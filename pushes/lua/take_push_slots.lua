-- One push from each guide's hourly and daily budget, all or nothing per guide.
-- KEYS: per guide, its hour set then its day set; ARGV: tag, per_hour, per_day, hour_ttl, day_ttl.
-- A set holds the tags (push keys) a guide was admitted for: the same push admitted again
-- (a retried send) takes nothing twice. A cap of 0 is no cap.
-- Returns per guide: 0 admitted, 1 hourly cap used up, 2 daily cap used up.
local tag, per_hour, per_day = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local hour_ttl, day_ttl = tonumber(ARGV[4]), tonumber(ARGV[5])
local verdicts = {}
for i = 1, #KEYS, 2 do
  local hour, day = KEYS[i], KEYS[i + 1]
  if redis.call('SISMEMBER', day, tag) == 1 then
    verdicts[#verdicts + 1] = 0
  elseif per_day > 0 and redis.call('SCARD', day) >= per_day then
    verdicts[#verdicts + 1] = 2
  elseif per_hour > 0 and redis.call('SCARD', hour) >= per_hour then
    verdicts[#verdicts + 1] = 1
  else
    redis.call('SADD', hour, tag)
    redis.call('EXPIRE', hour, hour_ttl)
    redis.call('SADD', day, tag)
    redis.call('EXPIRE', day, day_ttl)
    verdicts[#verdicts + 1] = 0
  end
end
return verdicts
