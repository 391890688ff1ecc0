-- The main content of a page (the `main` format): {"text": ..., "markdown": ...}, null when not asked for.
ALTER TABLE pages ADD COLUMN main jsonb;
