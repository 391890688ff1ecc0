-- The scrape engine stores every requested format and where in a crawl a page was found.
ALTER TABLE pages
    ADD COLUMN depth       integer NOT NULL DEFAULT 0,
    ADD COLUMN metadata    jsonb,
    ADD COLUMN markdown    text,
    ADD COLUMN html        text,
    ADD COLUMN fields      jsonb,
    ADD COLUMN error       jsonb,
    ADD COLUMN skip_reason text;
