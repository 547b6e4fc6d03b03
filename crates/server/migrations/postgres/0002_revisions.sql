-- The revision store; see migrations/sqlite/0002_revisions.sql, which this
-- mirrors column for column.

-- The end of each (account, collection) hash chain. A push inserts the row
-- if missing and then locks it (SELECT … FOR UPDATE) before reading any
-- record head, so pushes to one collection run one after another.
CREATE TABLE collections (
    account    TEXT NOT NULL,
    collection TEXT NOT NULL,
    head_seq   BIGINT NOT NULL CHECK (head_seq >= 0),
    head_link  BYTEA NOT NULL CHECK (octet_length(head_link) = 32),
    PRIMARY KEY (account, collection)
);

CREATE TABLE revisions (
    account     TEXT NOT NULL,
    collection  TEXT NOT NULL,
    seq         BIGINT NOT NULL CHECK (seq >= 1),
    record_id   BYTEA NOT NULL CHECK (octet_length(record_id) = 16),
    revision    BIGINT NOT NULL CHECK (revision >= 1),
    parent_hash BYTEA CHECK (octet_length(parent_hash) = 32),
    blob        BYTEA NOT NULL,
    blob_hash   BYTEA NOT NULL CHECK (octet_length(blob_hash) = 32),
    link        BYTEA NOT NULL CHECK (octet_length(link) = 32),
    PRIMARY KEY (account, collection, seq),
    UNIQUE (account, collection, record_id, revision),
    FOREIGN KEY (account, collection) REFERENCES collections (account, collection)
);

UPDATE server_meta SET value = '2' WHERE key = 'schema_version';
