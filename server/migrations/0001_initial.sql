-- covault schema v1: portable SQL that SQLite and PostgreSQL both run unchanged (TEXT ids,
-- BIGINT millisecond timestamps and 0/1 flags). If the backends ever need different SQL, split
-- this folder into one per backend and pick it in src/db.rs.
-- Never edit a migration once released: sqlx checks each one's checksum; add a new file instead.
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id              TEXT PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    kdf_memory_kib  BIGINT NOT NULL,
    kdf_iterations  BIGINT NOT NULL,
    kdf_parallelism BIGINT NOT NULL,
    salt            TEXT NOT NULL,
    auth_key_hash   TEXT NOT NULL,
    wrapped_kek     TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE login_failures (
    email        TEXT PRIMARY KEY,
    failures     BIGINT NOT NULL,
    window_start BIGINT NOT NULL
);

CREATE TABLE keypairs (
    id                  TEXT PRIMARY KEY,
    user_id             TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    public_key          TEXT NOT NULL,
    wrapped_private_key TEXT NOT NULL,
    created_at          BIGINT NOT NULL
);
CREATE INDEX keypairs_user ON keypairs(user_id, created_at);

CREATE TABLE deks (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    wrapped_key TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX deks_user ON deks(user_id, created_at);

CREATE TABLE items (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    dek_id     TEXT NOT NULL REFERENCES deks(id),
    label      TEXT NOT NULL,
    slots      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX items_user ON items(user_id, created_at);

CREATE TABLE invitations (
    id          TEXT PRIMARY KEY,
    inviter_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    keypair_id  TEXT NOT NULL REFERENCES keypairs(id),
    token_hash  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    accepted_at BIGINT
);
CREATE INDEX invitations_inviter ON invitations(inviter_id, created_at);

CREATE TABLE connections (
    id            TEXT PRIMARY KEY,
    invitation_id TEXT NOT NULL UNIQUE,
    a_user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    a_keypair_id  TEXT NOT NULL,
    a_public_key  TEXT NOT NULL,
    b_user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    b_keypair_id  TEXT NOT NULL,
    b_public_key  TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX connections_a ON connections(a_user_id, created_at);
CREATE INDEX connections_b ON connections(b_user_id, created_at);

CREATE TABLE shares (
    id                  TEXT PRIMARY KEY,
    connection_id       TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
    sender_id           TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    recipient_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    label               TEXT NOT NULL,
    slots               TEXT NOT NULL,
    sealed_dek          TEXT NOT NULL,
    expires_at          BIGINT,
    terms               TEXT,
    acceptance_required BIGINT NOT NULL,
    accepted_at         BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX shares_recipient ON shares(recipient_id, created_at, id);
CREATE INDEX shares_sender ON shares(sender_id, created_at, id);
