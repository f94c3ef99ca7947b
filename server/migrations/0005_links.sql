-- Share links (issue 17): an item snapshot for someone without an account. The Vault holds
-- the ciphertext (sealed under a key only the URL fragment holds), hashes of the access key and
-- of the passphrase proof, the options it enforces, and the sender's record sealed under their
-- KEK. The ciphertext is set to NULL once the link expires or runs out of views; revoking
-- deletes the row. Wrong passphrases are counted in login_limits under "link:<id>".
CREATE TABLE links (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ciphertext      TEXT,
    access_hash     TEXT NOT NULL,
    passphrase_hash TEXT,
    expires_at      BIGINT NOT NULL,
    max_views       BIGINT,
    views           BIGINT NOT NULL DEFAULT 0,
    sender_record   TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX links_user ON links(user_id, created_at);
CREATE INDEX links_expiry ON links(expires_at);
