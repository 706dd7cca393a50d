-- wrk script for scripts/bench-stock.sh and scripts/load.sh.
--   BENCH_MODE=issue  POST /api/v1/depots/{id}/movements {"kind":"issue","item":...,"quantity":1},
--                     cycling over BENCH_TARGETS ("1:quilt 1:blanket 2:quilt ..."); each wrk thread
--                     starts at a different offset so the threads spread over the depots.
--   BENCH_MODE=read   GET BENCH_PATH (default /api/v1/depots/1/stock).
--   BENCH_MODE=report POST /api/v1/events/BENCH_EVENT/reports: an update (续报) with new figures
--                     for one of BENCH_AREAS ("360402001 360402002 ..."; each needs its initial
--                     report filed first), cycling over them; every request is a new version.
-- BENCH_TOKEN is the bearer token. done() prints one machine-readable line starting with "BENCH ".

local mode = os.getenv("BENCH_MODE") or "issue"
local token = os.getenv("BENCH_TOKEN") or ""
local targets_env = os.getenv("BENCH_TARGETS") or "1:quilt"
local read_path = os.getenv("BENCH_PATH") or "/api/v1/depots/1/stock"
local event = os.getenv("BENCH_EVENT") or "1"
local areas_env = os.getenv("BENCH_AREAS") or ""

local thread_count = 0
function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

local requests = {}
local next_index = 0
local areas = {}
local headers = {}
local sent = 0

function init(args)
  headers = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" }
  if mode == "read" then
    requests[1] = wrk.format("GET", read_path, headers)
  elseif mode == "report" then
    headers["Content-Type"] = "application/json"
    for area in string.gmatch(areas_env, "%d+") do areas[#areas + 1] = area end
    next_index = ((thread_index or 0) * 7) % #areas
    return
  else
    headers["Content-Type"] = "application/json"
    for depot, item in string.gmatch(targets_env, "(%d+):([%w%-_]+)") do
      local body = '{"kind":"issue","item":"' .. item .. '","quantity":1}'
      requests[#requests + 1] = wrk.format("POST", "/api/v1/depots/" .. depot .. "/movements", headers, body)
    end
  end
  -- Different threads begin at different targets (thread_index is set by setup()).
  next_index = ((thread_index or 0) * 7) % #requests
end

function request()
  if mode == "report" then
    next_index = next_index % #areas + 1
    sent = sent + 1
    -- figures differ from request to request (and from thread to thread), so each is a new version
    local affected = 1000 + (thread_index or 0) * 1000000 + sent
    local body = string.format('{"area_code":"%s","stage":"update","indicators":{"affected":%d,"relocated":%d},'
      .. '"explanation":"load test"}', areas[next_index], affected, affected % 100)
    return wrk.format("POST", "/api/v1/events/" .. event .. "/reports", headers, body)
  end
  next_index = next_index + 1
  if next_index > #requests then next_index = 1 end
  return requests[next_index]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.0f non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean, e.status, e.connect, e.read, e.write, e.timeout))
end
