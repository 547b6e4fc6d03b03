-- Accounts and sessions. The server keeps what OPAQUE needs (its own setup
-- and one password file per account), the client-wrapped key bundle as
-- opaque ciphertext, and sessions by the SHA-256 of their token only.

-- The server's long-term secrets, written once (`opaque_setup`).
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);

-- `name` is the normalised account name, OPAQUE's credential identifier.
CREATE TABLE accounts (
    name           TEXT PRIMARY KEY,
    password_file  BYTEA NOT NULL,
    wrapped_bundle BYTEA NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

-- Times are Unix seconds. The token itself is never stored.
CREATE TABLE sessions (
    session_id   TEXT PRIMARY KEY,
    token_hash   BYTEA NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    account      TEXT NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    user_agent   TEXT
);

CREATE INDEX sessions_by_account ON sessions (account);

UPDATE server_meta SET value = '3' WHERE key = 'schema_version';
