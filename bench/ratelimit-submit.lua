-- wrk script of bench/run.sh ratelimit: POST /v1/jobs with a distinct URL each time (dedupe off,
-- so every submit creates a job). Non-2xx answers are counted by wrk.
local counter = 0
local thread_count = 0
function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end
function init(args)
  prefix = tostring(tid) .. "-" .. tostring(os.time())
end
request = function()
  counter = counter + 1
  local body = '{"url":"http://127.0.0.1:9/page?n=' .. prefix .. '-' .. counter .. '","formats":["metadata"],"dedupe":false}'
  return wrk.format("POST", "/v1/jobs", {["Content-Type"] = "application/json"}, body)
end
