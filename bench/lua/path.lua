-- GET one fixed path (args[1]): the baseline's "/" and the deep crm.lead.list.
local common = dofile((os.getenv("BENCH_LUA_DIR") or "bench/lua") .. "/common.lua")
local path

setup = common.setup
done = common.done

function init(args)
  path = args[1] or "/"
end

function request()
  return wrk.format("GET", path)
end
