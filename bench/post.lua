-- wrk script: POST the seed topology under a new name each time.
-- BENCH_BODY names a file holding the JSON document with "__NAME__" where the
-- name goes; BENCH_TOKEN is the bearer token; BENCH_RUN makes names unique
-- across runs; BENCH_PATH is the path POSTed to (default /api/v1/topologies).
-- Names are DNS-1123 labels: b<run>-<thread>-<counter>.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(os.getenv("BENCH_BODY"), "r"))
  template = file:read("*a")
  file:close()
  wrk.headers["Content-Type"] = "application/json"
  local token = os.getenv("BENCH_TOKEN") or ""
  if token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
  run = os.getenv("BENCH_RUN") or "0"
  path = os.getenv("BENCH_PATH") or "/api/v1/topologies"
end

function request()
  counter = counter + 1
  local name = string.format("b%s-%d-%d", run, id, counter)
  local body = string.gsub(template, "__NAME__", name)
  return wrk.format("POST", path, nil, body)
end

-- Count the answers by status, and print them at the end ("status 201: 1234").
statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local counted = thread:get("statuses")
    for status, n in pairs(counted) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("status %d: %d\n", status, n))
  end
end
