-- Keyring entries (record keys and backup keys, each wrapped by a key the
-- server never sees), one row per entry and no history: deleting a row is
-- how an erasure reaches the server (crypto-shredding). `kind` is 1 for a
-- record key (id = record id) and 2 for a backup key (id = backup id).
CREATE TABLE record_keys (
    account    TEXT NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
    kind       INTEGER NOT NULL,
    id         BLOB NOT NULL,
    entry      BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account, kind, id)
) STRICT;

UPDATE server_meta SET value = '7' WHERE key = 'schema_version';
