-- crm.lead.get of a random existing id.
-- args: <webhook path "/rest/1/<secret>/"> <min id> <max id> [mean delay ms]
--   or: <webhook path> @<file of ids, one a line> [mean delay ms]
-- With a 4th argument each connection waits a random 0..2×delay ms between
-- requests (wrk's delay() hook), which paces the load to about
-- connections / (delay + latency) requests per second.
local common = dofile((os.getenv("BENCH_LUA_DIR") or "bench/lua") .. "/common.lua")
local base, lo, hi, pace, ids

setup = common.setup
done = common.done

function init(args)
  base = args[1]
  local pace_arg = args[4]
  if args[2]:sub(1, 1) == "@" then
    ids = {}
    for line in io.lines(args[2]:sub(2)) do ids[#ids + 1] = line end
    lo, hi, pace_arg = 1, #ids, args[3]
  else
    lo, hi = tonumber(args[2]), tonumber(args[3])
  end
  pace = tonumber(pace_arg or "0")
  common.seed()
  if pace > 0 then
    delay = function() return math.random(0, 2 * pace) end
  end
end

function request()
  local i = math.random(lo, hi)
  return wrk.format("GET", base .. "crm.lead.get?ID=" .. (ids and ids[i] or i))
end
