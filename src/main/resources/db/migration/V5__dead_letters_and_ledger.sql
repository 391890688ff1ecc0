-- Effects that must happen once are recorded here first: the op key (SHA-256 of kind, job and
-- context) is inserted with ON CONFLICT DO NOTHING in the statement that makes the effect, so a
-- second try of the same effect finds the key taken and does nothing.
CREATE TABLE op_ledger (
    op_key     text        PRIMARY KEY,
    job_id     uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    kind       text        NOT NULL,
    context    text,
    outcome    jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX op_ledger_job_idx ON op_ledger (job_id, created_at);
