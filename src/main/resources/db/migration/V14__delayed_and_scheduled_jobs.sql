-- A job submitted with runAt or delaySeconds waits in 'scheduled' until it is due; its due time is
-- next_attempt_at, like a retry's, so the delayed set and the recovery that rebuilds it serve both.
ALTER TABLE jobs DROP CONSTRAINT jobs_state_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_state_check
    CHECK (state IN ('queued', 'scheduled', 'running', 'retrying', 'succeeded', 'failed',
                     'cancelled', 'aborted', 'duplicate'));

DROP INDEX jobs_live_idx;
CREATE INDEX jobs_live_idx ON jobs (state, updated_at)
    WHERE state IN ('queued', 'scheduled', 'running', 'retrying');
DROP INDEX jobs_waiting_id_idx;
CREATE INDEX jobs_waiting_id_idx ON jobs (state, id) WHERE state IN ('queued', 'scheduled', 'retrying');

-- Recurring jobs. PostgreSQL is their system of record: the pod that moves next_run_at from one
-- tick to the next (a conditional UPDATE) inserts that tick's job in the same transaction.
-- owner is a tenant id (never a secret); owner_tier is the tier whose limits its jobs get.
CREATE TABLE schedules (
    id           uuid        PRIMARY KEY,
    owner        text        NOT NULL,
    owner_tier   text        NOT NULL,
    name         text,
    cron         text        NOT NULL,
    time_zone    text        NOT NULL,
    request      jsonb       NOT NULL,
    paused       boolean     NOT NULL DEFAULT false,
    next_run_at  timestamptz NOT NULL,
    last_tick_at timestamptz,
    last_job_id  uuid,
    last_skip    text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX schedules_owner_idx ON schedules (owner, created_at);
CREATE INDEX schedules_due_idx ON schedules (next_run_at) WHERE NOT paused;

-- A job a schedule submitted names the schedule and the tick; one job per tick, whatever races.
ALTER TABLE jobs ADD COLUMN schedule_id uuid;
ALTER TABLE jobs ADD COLUMN schedule_tick timestamptz;
CREATE UNIQUE INDEX jobs_schedule_tick_idx ON jobs (schedule_id, schedule_tick) WHERE schedule_id IS NOT NULL;
