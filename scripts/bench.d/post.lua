-- wrk script for scripts/bench: POST @connections to the connection ids in $IDS_FILE (one
-- URL-encoded id per line), cycling; each thread starts at a different offset. The SigV4
-- header is precomputed (wsadm local checks the credential scope, not the signature): this is
-- the raw ceiling, no signing cost. Prints one "WRKJSON {...}" line at the end.
local ids = {}
for line in io.lines(os.getenv("IDS_FILE")) do
  if #line > 0 then ids[#ids + 1] = line end
end
local base = os.getenv("POST_PATH")
local body = os.getenv("POST_BODY") or '{"type":"bench","peer":"wrk"}'
local headers = {
  ["Authorization"] = "AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=00",
  ["Content-Type"] = "application/json",
}
local nthreads = 0
local threads = {}
local i = 0
local step = 1

function setup(thread)
  thread:set("tid", nthreads)
  nthreads = nthreads + 1
  threads[#threads + 1] = thread
end

function init(args)
  i = (tid or 0) * math.floor(#ids / 8)
end

function request()
  i = (i % #ids) + 1
  return wrk.format("POST", base .. ids[i], headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d,"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
