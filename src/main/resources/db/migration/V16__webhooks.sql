-- Each tenant's webhook secret, sealed (AES-GCM, see WebhookSecretSealer), never in clear. A
-- rotation keeps the previous one until previous_until, so deliveries meanwhile carry both signatures.
CREATE TABLE webhook_secrets (
    tenant          text        PRIMARY KEY,
    sealed          text        NOT NULL,
    previous_sealed text,
    previous_until  timestamptz,
    rotated_at      timestamptz NOT NULL DEFAULT now()
);

-- Webhook deliveries that never succeeded: one row per event, kept with the job (and removed with it).
CREATE TABLE webhook_dead_letters (
    job_id     uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    event_id   text        NOT NULL,
    event_type text        NOT NULL,
    owner      text,
    url        text        NOT NULL,
    attempts   integer     NOT NULL,
    error      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, event_id)
);

CREATE INDEX webhook_dead_letters_created_idx ON webhook_dead_letters (created_at DESC);
