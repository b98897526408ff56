-- Shared by the bench scripts: per-thread ids and random seeds, and a done()
-- hook that prints one machine-readable line for bench/report.py:
--   BENCH_JSON {"requests":…, "p50_us":…, "p99_us":…, "status":…, …}
local M = {}
local counter = 0

function M.setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function M.seed()
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
  -- LuaJIT's first values after seeding are poorly spread
  for _ = 1, 10 do math.random() end
end

function M.done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max, latency.mean))
end

return M
