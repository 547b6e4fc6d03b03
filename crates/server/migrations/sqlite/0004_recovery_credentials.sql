-- An account's optional second credential: an OPAQUE password file whose
-- password is the account's recovery code (its own credential identifier),
-- and the same key bundle wrapped under that credential's export key. Both
-- are as opaque to the server as the passphrase's.
CREATE TABLE recovery_credentials (
    account        TEXT PRIMARY KEY NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    password_file  BLOB NOT NULL,
    wrapped_bundle BLOB NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;

UPDATE server_meta SET value = '4' WHERE key = 'schema_version';
