-- The console lists a tenant's jobs newest first (keyset on the time-ordered id); an admin's list
-- walks the primary key. Without this index a tenant's page would scan every job.
CREATE INDEX jobs_owner_id_idx ON jobs (owner, id DESC);
