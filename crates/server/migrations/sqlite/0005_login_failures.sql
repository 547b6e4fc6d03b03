-- Failed logins in a row per account name, and the lockout they caused, so
-- a lockout survives a restart and holds for every server on the database.
-- Keyed by the SHA-256 of the normalised name, not the name: names that
-- were tried but do not exist (or were typos of a passphrase) are not kept.
-- Times are Unix seconds.
CREATE TABLE login_failures (
    account_hash   BLOB PRIMARY KEY NOT NULL CHECK (length(account_hash) = 32),
    failures       INTEGER NOT NULL,
    last_failed_at INTEGER NOT NULL,
    locked_until   INTEGER
) STRICT;

CREATE INDEX login_failures_by_time ON login_failures (last_failed_at);

UPDATE server_meta SET value = '5' WHERE key = 'schema_version';
