-- Facts about this database itself, readable without knowing sqlx:
-- `schema_version` is bumped by every later migration, `created_at` is set
-- once when the file is created and never changes (a restore or a swapped
-- file shows up as a different value).
CREATE TABLE server_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

INSERT INTO server_meta (key, value) VALUES
    ('schema_version', '1'),
    ('created_at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
