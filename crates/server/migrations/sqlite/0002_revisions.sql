-- The revision store. Everything a client pushes is ciphertext (`blob`);
-- the rest is the minimum needed to order it, detect lost updates and let
-- clients verify history: ids, counters and SHA-256 hashes.

-- The end of each (account, collection) hash chain. A push takes the write
-- lock first (BEGIN IMMEDIATE), reads this row and moves it forward in the
-- same transaction as the revisions it adds, so seqs have no gaps or twins.
CREATE TABLE collections (
    account    TEXT NOT NULL,
    collection TEXT NOT NULL,
    head_seq   INTEGER NOT NULL CHECK (head_seq >= 0),
    head_link  BLOB NOT NULL CHECK (length(head_link) = 32),
    PRIMARY KEY (account, collection)
) STRICT;

-- Every revision ever accepted, never updated. `link` chains each row to the
-- one before it in `seq` order; `blob_hash` is what the next revision of the
-- record must name as its parent.
CREATE TABLE revisions (
    account     TEXT NOT NULL,
    collection  TEXT NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    record_id   BLOB NOT NULL CHECK (length(record_id) = 16),
    revision    INTEGER NOT NULL CHECK (revision >= 1),
    parent_hash BLOB CHECK (length(parent_hash) = 32),
    blob        BLOB NOT NULL,
    blob_hash   BLOB NOT NULL CHECK (length(blob_hash) = 32),
    link        BLOB NOT NULL CHECK (length(link) = 32),
    PRIMARY KEY (account, collection, seq),
    UNIQUE (account, collection, record_id, revision),
    FOREIGN KEY (account, collection) REFERENCES collections (account, collection)
) STRICT;

UPDATE server_meta SET value = '2' WHERE key = 'schema_version';
