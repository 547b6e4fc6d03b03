-- Accounts and sessions. The server keeps what OPAQUE needs (its own setup
-- and one password file per account), the client-wrapped key bundle as
-- opaque ciphertext, and sessions by the SHA-256 of their token only.

-- The server's long-term secrets, written once (`opaque_setup`).
CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY NOT NULL,
    value BLOB NOT NULL
) STRICT;

-- `name` is the normalised account name, OPAQUE's credential identifier.
CREATE TABLE accounts (
    name           TEXT PRIMARY KEY NOT NULL,
    password_file  BLOB NOT NULL,
    wrapped_bundle BLOB NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;

-- Times are Unix seconds. The token itself is never stored.
CREATE TABLE sessions (
    session_id   TEXT PRIMARY KEY NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    account      TEXT NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    user_agent   TEXT
) STRICT;

CREATE INDEX sessions_by_account ON sessions (account);

UPDATE server_meta SET value = '3' WHERE key = 'schema_version';
