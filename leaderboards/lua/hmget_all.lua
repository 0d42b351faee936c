-- Shared by the read scripts (prepended when they are registered): HMGET in chunks, as
-- unpack() of tens of thousands of tied members would overflow Lua's stack.
local function hmget_all(key, members)
  local values = {}
  for start = 1, #members, 1000 do
    local chunk = redis.call('HMGET', key, unpack(members, start, math.min(start + 999, #members)))
    for _, value in ipairs(chunk) do
      values[#values + 1] = value
    end
  end
  return values
end
