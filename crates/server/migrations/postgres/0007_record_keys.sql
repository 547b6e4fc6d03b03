-- Keyring entries (record keys and backup keys, each wrapped by a key the
-- server never sees), one row per entry and no history: deleting a row is
-- how an erasure reaches the server (crypto-shredding). `kind` is 1 for a
-- record key (id = record id) and 2 for a backup key (id = backup id).
CREATE TABLE record_keys (
    account    TEXT REFERENCES accounts (name) ON DELETE CASCADE,
    kind       BIGINT NOT NULL,
    id         BYTEA NOT NULL,
    entry      BYTEA NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account, kind, id)
);

UPDATE server_meta SET value = '7' WHERE key = 'schema_version';
