-- batch of 50 crm.lead.get commands on random existing ids (JSON body).
-- args: <webhook path> <min id> <max id>
local common = dofile((os.getenv("BENCH_LUA_DIR") or "bench/lua") .. "/common.lua")
local base, lo, hi
local headers = { ["Content-Type"] = "application/json" }

setup = common.setup
done = common.done

function init(args)
  base, lo, hi = args[1], tonumber(args[2]), tonumber(args[3])
  common.seed()
end

function request()
  local cmd = {}
  for i = 0, 49 do
    cmd[#cmd + 1] = string.format('"g%d":"crm.lead.get?ID=%d"', i, math.random(lo, hi))
  end
  local body = '{"halt":0,"cmd":{' .. table.concat(cmd, ",") .. '}}'
  return wrk.format("POST", base .. "batch", headers, body)
end
