-- A retrying job keeps its due time in the system of record, so a Redis that lost the delayed
-- set can be given it back with the backoff the job already earned.
ALTER TABLE jobs ADD COLUMN next_attempt_at timestamptz;

-- Recovery walks queued and retrying jobs in id order, in batches.
CREATE INDEX jobs_waiting_id_idx ON jobs (state, id) WHERE state IN ('queued', 'retrying');
