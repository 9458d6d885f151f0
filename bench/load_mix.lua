-- wrk script of bench/load_bench.py: a mix of canned-query pages and downloads, resource
-- pages, editor queries (POST /sparql, some never repeated) and dump downloads.
-- The request list is a file (argument 1) of lines: METHOD<TAB>PATH<TAB>ACCEPT<TAB>BODY,
-- where a BODY containing {n} gets a counter (a never-repeated query).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  requests, templates = {}, {}
  for line in io.lines(args[1]) do
    local method, path, accept, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
    local headers = { ["Accept"] = accept, ["Accept-Encoding"] = "gzip" }
    if body ~= "" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
    if body:find("{n}", 1, true) then
      table.insert(requests, false)
      table.insert(templates, { method, path, headers, body })
    else
      table.insert(requests, wrk.format(method, path, headers, body ~= "" and body or nil))
      table.insert(templates, false)
    end
  end
  index = id * 7919 % #requests
  statuses, unique = {}, 0
end

function request()
  index = index % #requests + 1
  local ready = requests[index]
  if ready then return ready end
  local t = templates[index]
  unique = unique + 1
  local n = tostring(id * 100000000 + unique)
  return wrk.format(t[1], t[2], t[3], (t[4]:gsub("{n}", n)))
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests_)
  local all, uniques = {}, 0
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, count in pairs(s) do all[code] = (all[code] or 0) + count end
    uniques = uniques + thread:get("unique")
  end
  local parts = {}
  for code, count in pairs(all) do table.insert(parts, string.format('"%d": %d', code, count)) end
  io.write(string.format('RESULT {"statuses": {%s}, "never_repeated": %d, "p50_us": %d, ' ..
    '"p90_us": %d, "p99_us": %d, "max_us": %d, "requests": %d, "seconds": %.3f, ' ..
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}}\n',
    table.concat(parts, ", "), uniques, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, summary.requests, summary.duration / 1e6,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
end
