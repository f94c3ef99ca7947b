-- Attached files (issue 14). A file belongs to one user and was attached to one item; its
-- chunks are opaque ciphertext, stored here by the default blob store (server/src/store/blobs.rs).
-- Chunks are always 0..stored_chunks; `finished_at` is set once the client declares the upload
-- complete. A share may reference files (`share_files`) so that its recipient can download
-- them. Deleting the item deletes its files that no share references; the others lose their
-- item (`item_id` NULL) and are deleted with their last share (the Vault's routes do both,
-- through the blob store). BYTEA is PostgreSQL's binary type; SQLite stores blobs in a column
-- of any declared type, so one file serves both backends.
CREATE TABLE files (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    item_id       TEXT REFERENCES items(id) ON DELETE SET NULL,
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

CREATE TABLE share_files (
    share_id TEXT NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
    file_id  TEXT NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    PRIMARY KEY (share_id, file_id)
);
CREATE INDEX share_files_file ON share_files(file_id);
