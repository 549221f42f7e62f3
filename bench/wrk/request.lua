-- One request, repeated: the method, body and headers come from the environment, so every scenario of
-- bench/run.sh uses this one script.
--   BENCH_METHOD   GET or POST (default GET)
--   BENCH_BODY     the request body (default none)
--   BENCH_HEADERS  header lines "Name: value", separated by newlines
-- When wrk is done it prints one line "WRK_JSON {...}" with the throughput, the latency percentiles (milliseconds)
-- and the errors. wrk counts every response with a status of 400 or more as a status error; bench/run.sh treats
-- any error as making the figure invalid.

wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body ~= nil and body ~= "" then
  wrk.body = body
end
for line in (os.getenv("BENCH_HEADERS") or ""):gmatch("[^\n]+") do
  local name, value = line:match("^%s*([^:]+):%s*(.-)%s*$")
  if name ~= nil then
    wrk.headers[name] = value
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
