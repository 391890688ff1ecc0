-- How many times a job's worker was lost while it ran (its lease ran out and another worker took
-- the job over). A lost worker does not spend the job's attempts; this count alone ends a job
-- that keeps taking its workers down.
ALTER TABLE jobs ADD COLUMN takeovers integer NOT NULL DEFAULT 0;
