-- API keys. The key itself is shown once, at creation, and never stored: only its SHA-256.
CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    tier         text NOT NULL CHECK (tier IN ('api-key', 'premium', 'admin')),
    key_hash     text NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
