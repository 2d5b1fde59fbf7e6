-- wrk script for `python -m bench`: POSTs one request body and checks every response.
-- Usage: wrk -s bench/check.lua URL -- BODY_FILE MARKER
-- A response is bad unless it is a 200 whose body contains MARKER and no "errors" key;
-- done() prints one BENCH line the harness parses, and any bad response fails the run
-- (a server answering errors fast must not pass for a fast server).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  wrk.body = file:read("*a")
  file:close()
  marker = args[2]
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
  bad = 0
  first_bad = ""
end

function is_bad(status, body)
  return status ~= 200
    or string.find(body, '"errors"', 1, true) ~= nil
    or string.find(body, marker, 1, true) == nil
end

function response(status, headers, body)
  if is_bad(status, body) then
    bad = bad + 1
    if first_bad == "" then
      first_bad = string.gsub(string.sub(status .. " " .. body, 1, 200), "%s", " ")
    end
  end
end

function done(summary, latency, requests)
  local total, sample = 0, ""
  for _, thread in ipairs(threads) do
    total = total + thread:get("bad")
    if sample == "" then sample = thread:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d bad=%d socket_errors=%d "
    .. "p50_us=%d p99_us=%d\n", summary.requests, summary.duration, total,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
  if sample ~= "" then io.write("BENCH_BAD " .. sample .. "\n") end
end
