-- The W3C trace id (traceparent) of the request that submitted a job, written by the same INSERT
-- and read back by the claim, so the worker's log lines for the job carry it. Null when none was
-- given. A nullable column without a default is added without rewriting the table.
ALTER TABLE jobs ADD COLUMN trace_id text;
