-- When an unfinished upload last received a chunk (NULL: never; its created_at counts), so
-- that uploads abandoned mid-way can be swept (--upload-expiry-secs).
ALTER TABLE files ADD COLUMN touched_at BIGINT;
CREATE INDEX files_unfinished ON files(finished_at, user_id);
