-- Where a crawl stood: its visited pages and its frontier, saved every N pages or T seconds by
-- the worker that holds the lease, so a worker that takes the job over resumes instead of
-- starting again. One row per job, written only by the lease holder; within one attempt only a
-- later sequence replaces it.
-- The payload is kept as the exact text its SHA-256 checksum was computed over.
CREATE TABLE crawl_checkpoints (
    job_id     uuid        PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    attempt    integer     NOT NULL,
    sequence   bigint      NOT NULL,
    format     integer     NOT NULL,
    payload    text        NOT NULL,
    checksum   text        NOT NULL,
    pages_done integer     NOT NULL,
    saved_at   timestamptz NOT NULL DEFAULT now()
);
