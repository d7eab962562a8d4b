-- One benchmark scenario for wrk, chosen by BENCH_SCENARIO; run by bench/suite.py.
--   get       GET one launched (public) innovation by id
--   auth_get  the same with a bearer token (BENCH_TOKEN): token check + account lookup
--   list      a filtered page of 20 with `total`: one cohort, launched stages
--   search    a page of 20 with `total` for `q` (a word in 2% of the innovations)
--   stats     innovation counts by lab stage
--   create    POST an innovation with an Idempotency-Key (its audit event, its first
--             stage transition and the key's bookkeeping in the same request)
-- Ids follow bench/seed: innovation i is launched when i % 5 is 3 or 4.
local scenario = os.getenv("BENCH_SCENARIO")
local innovations = tonumber(os.getenv("BENCH_INNOVATIONS"))
local cohorts = tonumber(os.getenv("BENCH_COHORTS"))
local agencies = tonumber(os.getenv("BENCH_AGENCIES"))
local token = os.getenv("BENCH_TOKEN")
local words = { "tanah", "sehat", "pajak", "sekolah", "legal", "umkm", "air", "jalan",
  "pasar", "ternak" }

local thread_number = 0
function setup(thread)
  thread_number = thread_number + 1
  thread:set("number", thread_number)
end

local counter = 0
local prefix
function init(args)
  math.randomseed(os.time() * 1000 + (number or 0))
  prefix = string.format("w%d-%d", number or 0, math.random(1, 1000000000))
end

local function launched_id()
  return 5 * math.random(0, math.floor(innovations / 5) - 1) + 3 + math.random(0, 1)
end

local function authorized(headers)
  headers["Authorization"] = "Bearer " .. token
  return headers
end

function request()
  if scenario == "get" then
    return wrk.format("GET", "/api/v1/innovations/" .. launched_id())
  elseif scenario == "auth_get" then
    return wrk.format("GET", "/api/v1/innovations/" .. launched_id(), authorized({}))
  elseif scenario == "list" then
    return wrk.format("GET", "/api/v1/innovations?cohort_id=" .. math.random(1, cohorts)
      .. "&lab_stage=delivery,display&per_page=20")
  elseif scenario == "search" then
    return wrk.format("GET", "/api/v1/innovations?q=" .. words[math.random(1, #words)]
      .. "&per_page=20")
  elseif scenario == "stats" then
    return wrk.format("GET", "/api/v1/stats/innovations?group_by=lab_stage")
  elseif scenario == "create" then
    counter = counter + 1
    local key = prefix .. "-" .. counter
    local agency = math.random(1, agencies)
    local cohort = math.floor((agency - 1) / 40) * 2 + 1
    local body = string.format('{"cohort_id": %d, "agency_id": %d, "name": "Bench %s", '
      .. '"initiator_type": "agency", "form": "public_service"}', cohort, agency, key)
    return wrk.format("POST", "/api/v1/innovations", authorized({
      ["Content-Type"] = "application/json", ["Idempotency-Key"] = key }), body)
  end
  error("unknown BENCH_SCENARIO " .. tostring(scenario))
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d connect=%d read=%d write=%d "
      .. "status=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
