-- crm.lead.get of a random existing id.
-- args: <webhook path "/rest/1/<secret>/"> <min id> <max id> [mean delay ms]
-- With a 4th argument each connection waits a random 0..2×delay ms between
-- requests (wrk's delay() hook), which paces the load to about
-- connections / (delay + latency) requests per second.
local common = dofile((os.getenv("BENCH_LUA_DIR") or "bench/lua") .. "/common.lua")
local base, lo, hi, pace

setup = common.setup
done = common.done

function init(args)
  base, lo, hi = args[1], tonumber(args[2]), tonumber(args[3])
  pace = tonumber(args[4] or "0")
  common.seed()
  if pace > 0 then
    delay = function() return math.random(0, 2 * pace) end
  end
end

function request()
  return wrk.format("GET", base .. "crm.lead.get?ID=" .. math.random(lo, hi))
end
