-- Attached files (issue 14). A file belongs to one item of one user; its chunks are opaque
-- ciphertext, stored here by the default blob store (server/src/store/blobs.rs). Chunks are
-- always 0..stored_chunks; `finished_at` is set once the client declares the upload complete.
-- Deleting the item (or the user) deletes the file and its chunks. BYTEA is PostgreSQL's
-- binary type; SQLite stores blobs in a column of any declared type, so one file serves both.
CREATE TABLE files (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    item_id       TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    stored_chunks BIGINT NOT NULL,
    bytes         BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    finished_at   BIGINT
);
CREATE INDEX files_item ON files(item_id, created_at);
CREATE INDEX files_user ON files(user_id);

CREATE TABLE file_chunks (
    file_id TEXT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    n       BIGINT NOT NULL,
    data    BYTEA NOT NULL,
    PRIMARY KEY (file_id, n)
);
