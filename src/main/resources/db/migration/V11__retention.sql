-- The retention sweeper finds ended jobs by when they ended, oldest first; live jobs are never in
-- this index, and a job enters it once, when it ends (its state changes then anyway).
CREATE INDEX jobs_ended_idx ON jobs ((coalesce(finished_at, updated_at)))
    WHERE state IN ('succeeded', 'failed', 'cancelled', 'aborted', 'duplicate');

-- Deleting a job cascades to the Idempotency-Keys that answered with it; without this index each
-- deleted job would scan the whole table.
CREATE INDEX idempotency_keys_job_idx ON idempotency_keys (job_id) WHERE job_id IS NOT NULL;
