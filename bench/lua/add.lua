-- crm.lead.add with a JSON body (title, status, money, one PHONE multi-field).
-- args: <webhook path>
local common = dofile((os.getenv("BENCH_LUA_DIR") or "bench/lua") .. "/common.lua")
local base
local n = 0
local headers = { ["Content-Type"] = "application/json" }

setup = common.setup
done = common.done

function init(args)
  base = args[1]
  common.seed()
end

function request()
  n = n + 1
  local body = string.format(
    '{"fields":{"TITLE":"bench add %d-%d","NAME":"Bench","STATUS_ID":"NEW",' ..
    '"OPPORTUNITY":%d,"CURRENCY_ID":"USD",' ..
    '"PHONE":[{"VALUE":"+1555%07d","VALUE_TYPE":"WORK"}]}}',
    tid, n, n % 10000, n % 10000000)
  return wrk.format("POST", base .. "crm.lead.add", headers, body)
end
