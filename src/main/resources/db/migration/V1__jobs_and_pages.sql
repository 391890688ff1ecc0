-- The job is the system of record; Redis only carries work and events.
CREATE TABLE jobs (
    id               uuid        PRIMARY KEY,
    state            text        NOT NULL
        CHECK (state IN ('queued', 'running', 'retrying', 'succeeded', 'failed',
                         'cancelled', 'aborted', 'duplicate')),
    priority         text        NOT NULL CHECK (priority IN ('high', 'normal', 'low')),
    request          jsonb       NOT NULL,
    job_key          text        NOT NULL,
    attempt          integer     NOT NULL DEFAULT 0,
    max_attempts     integer     NOT NULL DEFAULT 3,
    cancel_requested boolean     NOT NULL DEFAULT false,
    lease_owner      text,
    lease_expires_at timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    error            jsonb,
    page_count       integer     NOT NULL DEFAULT 0,
    result_location  text
);

-- Maintenance scans only look at live jobs, so the index stays small.
CREATE INDEX jobs_live_idx ON jobs (state, updated_at)
    WHERE state IN ('queued', 'running', 'retrying');
CREATE INDEX jobs_job_key_idx ON jobs (job_key, created_at DESC);

CREATE TABLE pages (
    id          bigserial   PRIMARY KEY,
    job_id      uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    url         text        NOT NULL,
    final_url   text,
    status_code integer     NOT NULL,
    content_type text,
    title       text,
    description text,
    text        text,
    links       text[]      NOT NULL DEFAULT '{}',
    fetched_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_id, url)
);
