-- Deduplication reads job_keys (V3), never jobs.job_key: this index only cost a write on every
-- insert and on every change of a job's state (each one is a non-HOT update, since state is in
-- the partial indexes), three or four per job.
DROP INDEX IF EXISTS jobs_job_key_idx;
