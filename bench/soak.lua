-- wrk script for bench/soak.py: POSTs a rotating mix of GraphQL queries and counts failures.
-- Usage: wrk -s bench/soak.lua URL -- BODIES_FILE   (one JSON request body per line)
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  bodies = {}
  for line in io.lines(args[1]) do
    if #line > 0 then table.insert(bodies, line) end
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/graphql-response+json, application/json"
  -- Threads start at different places in the mix, so every query runs at once.
  next_body = (thread_number * 3) % #bodies
  non2xx = 0
  graphql_errors = 0
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[next_body])
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  elseif string.find(body, '"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
  end
end

function done(summary, latency, requests)
  local failed, errors = 0, 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("non2xx")
    errors = errors + thread:get("graphql_errors")
  end
  local e = summary.errors
  io.write(string.format("SOAK requests=%d duration_us=%d non2xx=%d graphql_errors=%d "
    .. "socket_errors=%d p50_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, failed, errors,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
