-- Facts about this database itself, the same as in the SQLite schema:
-- `schema_version` is bumped by every later migration, `created_at` is set
-- once when the database is created and never changes (a restore or a
-- swapped database shows up as a different value).
CREATE TABLE server_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

INSERT INTO server_meta (key, value) VALUES
    ('schema_version', '1'),
    ('created_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));
