-- wrk script for bench/load.sh: a mix of reads and writes as the registry sees them.
-- Per 10 requests: 3 innovation list pages (filtered, with total), 3 single innovations,
-- 1 agency list, 1 stats, 2 creates (agencies; every other one with an Idempotency-Key).
-- Counts responses by status class and fails the run (in done) on any 5xx.
-- Needs INOVIK_TOKEN and INOVIK_INNOVATIONS (highest innovation id) in the environment.

local token = os.getenv("INOVIK_TOKEN")
local innovations = tonumber(os.getenv("INOVIK_INNOVATIONS") or "182")
local threads = {}
local thread_number = 0

function setup(thread)
  thread_number = thread_number + 1
  thread:set("id", thread_number)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  ok, client_errors, server_errors = 0, 0, 0
  math.randomseed(id * 7919)
end

local auth = { ["Authorization"] = "Bearer " .. token }
local json = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }

function request()
  counter = counter + 1
  local pick = counter % 10
  if pick <= 2 then
    return wrk.format("GET", "/api/v1/innovations?lab_stage=delivery,display&per_page=20&page="
      .. (counter % 5 + 1), auth)
  elseif pick <= 5 then
    return wrk.format("GET", "/api/v1/innovations/" .. math.random(1, innovations), auth)
  elseif pick == 6 then
    return wrk.format("GET", "/api/v1/agencies?per_page=20", auth)
  elseif pick == 7 then
    return wrk.format("GET", "/api/v1/stats/innovations?group_by=lab_stage", auth)
  else
    local code = string.format("L%d-%d", id, counter)
    local headers = json
    if counter % 4 == 0 then
      headers = { ["Authorization"] = json["Authorization"], ["Content-Type"] = json["Content-Type"],
        ["Idempotency-Key"] = "load-" .. code }
    end
    local body = string.format('{"code": "%s", "name": "Dinas Uji Beban %s", "kind": "agency"}',
      code, code)
    return wrk.format("POST", "/api/v1/agencies", headers, body)
  end
end

function response(status, headers, body)
  if status >= 500 then
    server_errors = server_errors + 1
  elseif status >= 400 then
    client_errors = client_errors + 1
  else
    ok = ok + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_4xx, total_5xx = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_4xx = total_4xx + thread:get("client_errors")
    total_5xx = total_5xx + thread:get("server_errors")
  end
  local errors = summary.errors
  local socket_errors = errors.connect + errors.read + errors.write + errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.1f rps=%.1f ok=%d 4xx=%d 5xx=%d " ..
    "socket_errors=%d (connect %d, read %d, write %d, timeout %d) " ..
    "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    total_ok, total_4xx, total_5xx, socket_errors,
    errors.connect, errors.read, errors.write, errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
