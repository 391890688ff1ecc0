-- Which job currently answers for a job key. One row per key, so concurrent identical submits
-- serialize on the primary key and at most one of them creates a job; the others are handed the
-- owner. Whether the owner still counts (live, or succeeded within the window) is decided at
-- claim time from the job's state, so a failed or cancelled job never blocks a resubmit.
CREATE TABLE job_keys (
    job_key    text        PRIMARY KEY,
    job_id     uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE
);
CREATE INDEX job_keys_job_id_idx ON job_keys (job_id);

-- A client's Idempotency-Key and the answer it got. client_hash is a SHA-256 (of the API key or
-- the remote address), never the value itself. status and response stay NULL while the first
-- request with the key is still being served. response is text, not jsonb, so a replay is the
-- original answer byte for byte (jsonb would reorder its members).
CREATE TABLE idempotency_keys (
    client_hash  text        NOT NULL,
    key          text        NOT NULL,
    request_hash text        NOT NULL,
    job_id       uuid        REFERENCES jobs (id) ON DELETE CASCADE,
    status       integer,
    response     text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (client_hash, key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
