-- im.notify.system.add with a JSON body, to a random user of the given ids.
-- args: <webhook path> <comma-separated user ids>
local common = dofile((os.getenv("BENCH_LUA_DIR") or "bench/lua") .. "/common.lua")
local base
local users = {}
local n = 0
local headers = { ["Content-Type"] = "application/json" }

setup = common.setup
done = common.done

function init(args)
  base = args[1]
  for id in string.gmatch(args[2], "[0-9]+") do users[#users + 1] = id end
  common.seed()
end

function request()
  n = n + 1
  local body = string.format(
    '{"USER_ID":%s,"MESSAGE":"[b]bench[/b] notification %d-%d"}',
    users[math.random(#users)], tid, n)
  return wrk.format("POST", base .. "im.notify.system.add", headers, body)
end
