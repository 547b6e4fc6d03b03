-- An account's optional TOTP second factor (RFC 6238). The server must
-- check codes, so it keeps the secret itself; `enabled_at` is NULL until
-- the user confirmed a first code, and `last_step` is the 30-second step of
-- the last code accepted, so no code is accepted twice.
CREATE TABLE totp_factors (
    account    TEXT PRIMARY KEY NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    secret     BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    enabled_at INTEGER,
    last_step  INTEGER
) STRICT;

-- An account's IP allowlist: CIDR networks, one per line, canonical form.
-- No row (or an empty list) means any address.
CREATE TABLE ip_allowlists (
    account    TEXT PRIMARY KEY NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    networks   TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

UPDATE server_meta SET value = '6' WHERE key = 'schema_version';
