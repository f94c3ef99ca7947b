-- covault schema v2: what the untrusted-Vault client needs the Vault to store for it.
-- Versions of items and shared copies (the client seals them into the ciphertext; the Vault
-- accepts an update only as the next version), the recipient's acceptance receipt, and each
-- user's sealed account record with its version.
ALTER TABLE items ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE shares ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE shares ADD COLUMN acceptance TEXT;

CREATE TABLE account_states (
    user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    version    BIGINT NOT NULL,
    sealed     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
