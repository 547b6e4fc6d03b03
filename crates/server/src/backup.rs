//! Operator backups: `coffer-server backup --out FILE` and `coffer-server
//! restore --from FILE [--force]`.
//!
//! A backup is a portable snapshot of every table the server keeps (the
//! OPAQUE server setup, accounts and their OPAQUE password files and wrapped
//! bundles, recovery credentials, TOTP factors, IP allowlists, sessions,
//! login failure counts, chain heads and every revision), read in one
//! transaction so it is consistent: a SQLite read transaction sees one WAL
//! snapshot, a PostgreSQL one is `REPEATABLE READ, READ ONLY`. The format is
//! the same whichever database wrote it, so a backup restores into SQLite or
//! PostgreSQL alike (SQLite to PostgreSQL to move up, and back).
//!
//! Format, version 1: UTF-8 JSON lines.
//!
//! ```text
//! {"format":"coffer-server-backup","version":1,"schema_version":6,"source":"sqlite","taken_at":1764000000}
//! {"table":"accounts","row":["alice@example.com","<base64>","<base64>",1764000000,1764000000]}
//! …one line per row, tables in the order of [`TABLES`]…
//! {"end":{"rows":{"accounts":1,…},"sha256":"<hex>"}}
//! ```
//!
//! A row lists its table's columns in [`TABLES`] order: text as a string,
//! integers as numbers, bytes as standard base64, NULL as `null`. The
//! `sha256` is the hex SHA-256 of every byte before the end line; a backup
//! without its end line, with a changed byte or with row counts that do not
//! match is refused before anything is written. The checksum finds damage,
//! not forgery: anyone who can edit the file can recompute it.
//!
//! The customer data in a backup is what the server holds: ciphertext. But
//! the file also holds the server's own secrets (the OPAQUE server setup, TOTP
//! seeds) and session token hashes, so it is written readable by its owner
//! only and must be kept like the database itself.
//!
//! `server_meta` is not copied: a restored database keeps its own schema
//! version, and its `created_at` becomes the time of the restore (with
//! `restored_at` beside it), so a restore shows up as a new database.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead as _, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use futures_util::TryStreamExt as _;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::config::{Config, ConfigError, Database};
use crate::store::{Pool, Store, StoreError};

/// The first line's `format`.
pub const FORMAT: &str = "coffer-server-backup";
/// The format version this build writes and reads.
pub const VERSION: u64 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Int,
    Bytes,
}

/// One table: its columns (name, kind) and the columns it is ordered by.
pub struct Table {
    pub name: &'static str,
    columns: &'static [(&'static str, Kind)],
    order_by: &'static str,
}

use Kind::{Bytes, Int, Text};

/// Every table a backup holds, parents before the tables that refer to them
/// (restore inserts in this order and deletes in the reverse one).
pub const TABLES: &[Table] = &[
    Table {
        name: "server_secrets",
        columns: &[("name", Text), ("value", Bytes)],
        order_by: "name",
    },
    Table {
        name: "accounts",
        columns: &[
            ("name", Text),
            ("password_file", Bytes),
            ("wrapped_bundle", Bytes),
            ("created_at", Int),
            ("updated_at", Int),
        ],
        order_by: "name",
    },
    Table {
        name: "recovery_credentials",
        columns: &[
            ("account", Text),
            ("password_file", Bytes),
            ("wrapped_bundle", Bytes),
            ("created_at", Int),
            ("updated_at", Int),
        ],
        order_by: "account",
    },
    Table {
        name: "totp_factors",
        columns: &[
            ("account", Text),
            ("secret", Bytes),
            ("created_at", Int),
            ("enabled_at", Int),
            ("last_step", Int),
        ],
        order_by: "account",
    },
    Table {
        name: "ip_allowlists",
        columns: &[("account", Text), ("networks", Text), ("updated_at", Int)],
        order_by: "account",
    },
    // Wrapped keys: a backup taken before an erasure still holds the
    // erased record's key. Devices delete erased keys again when they
    // accept a restored server; keep backups only as long as needed.
    Table {
        name: "record_keys",
        columns: &[
            ("account", Text),
            ("kind", Int),
            ("id", Bytes),
            ("entry", Bytes),
            ("updated_at", Int),
        ],
        order_by: "account, kind, id",
    },
    Table {
        name: "sessions",
        columns: &[
            ("session_id", Text),
            ("token_hash", Bytes),
            ("account", Text),
            ("created_at", Int),
            ("last_seen_at", Int),
            ("expires_at", Int),
            ("user_agent", Text),
        ],
        order_by: "session_id",
    },
    Table {
        name: "login_failures",
        columns: &[
            ("account_hash", Bytes),
            ("failures", Int),
            ("last_failed_at", Int),
            ("locked_until", Int),
        ],
        order_by: "account_hash",
    },
    Table {
        name: "collections",
        columns: &[
            ("account", Text),
            ("collection", Text),
            ("head_seq", Int),
            ("head_link", Bytes),
        ],
        order_by: "account, collection",
    },
    Table {
        name: "revisions",
        columns: &[
            ("account", Text),
            ("collection", Text),
            ("seq", Int),
            ("record_id", Bytes),
            ("revision", Int),
            ("parent_hash", Bytes),
            ("blob", Bytes),
            ("blob_hash", Bytes),
            ("link", Bytes),
        ],
        order_by: "account, collection, seq",
    },
];

/// Tables that are not copied (see the module comment), and those of the
/// migration tool.
pub const NOT_COPIED: &[&str] = &["server_meta", "_sqlx_migrations"];

impl Table {
    fn column_list(&self) -> String {
        let names: Vec<&str> = self.columns.iter().map(|(name, _)| *name).collect();
        names.join(", ")
    }

    fn select(&self) -> String {
        format!(
            "SELECT {} FROM {} ORDER BY {}",
            self.column_list(),
            self.name,
            self.order_by
        )
    }

    /// The INSERT with `?` (SQLite) or `$n` (PostgreSQL) placeholders.
    fn insert(&self, numbered: bool) -> String {
        let marks: Vec<String> = (1..=self.columns.len())
            .map(|n| {
                if numbered {
                    format!("${n}")
                } else {
                    "?".into()
                }
            })
            .collect();
        format!(
            "INSERT INTO {} ({}) VALUES ({})",
            self.name,
            self.column_list(),
            marks.join(", ")
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("database query failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("{path}: {error}")]
    Io { path: PathBuf, error: io::Error },
    #[error("{0} already exists; choose a new file name (a backup never overwrites a file)")]
    Exists(PathBuf),
    #[error("there is no database at {0}; check --data-dir or --database-url")]
    NoDatabase(PathBuf),
    #[error("{0} is not a Coffer server backup")]
    NotABackup(PathBuf),
    #[error("backup format version {0} is not supported (this build reads version {VERSION})")]
    UnsupportedVersion(u64),
    #[error(
        "the backup is truncated: it does not end with its checksum line (an interrupted copy or backup?)"
    )]
    Truncated,
    #[error("the backup's checksum does not match: the file was changed or damaged")]
    ChecksumMismatch,
    #[error("the backup is damaged at line {line}: {reason}")]
    Malformed { line: u64, reason: String },
    #[error(
        "the backup has schema version {backup} but this server's database has {server}: restore with the server version that wrote it"
    )]
    SchemaMismatch { backup: u64, server: u64 },
    #[error(
        "the target database is not empty ({rows} rows); restore into an empty database, or pass --force to replace everything in it"
    )]
    NotEmpty { rows: u64 },
    #[error("the database holds a value a backup cannot carry: {0}")]
    Unsupported(String),
}

/// What a backup or restore did: rows per table, in [`TABLES`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub rows: Vec<(&'static str, u64)>,
    /// Hex SHA-256 of the file's body (its end line's `sha256`).
    pub sha256: String,
}

impl Summary {
    pub fn total(&self) -> u64 {
        self.rows.iter().map(|(_, n)| n).sum()
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} rows, sha256 {}", self.total(), self.sha256)?;
        for (table, n) in &self.rows {
            writeln!(f, "  {table:<22} {n:>10}")?;
        }
        Ok(())
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> BackupError + '_ {
    move |error| BackupError::Io {
        path: path.to_owned(),
        error,
    }
}

/// Opens the database `config` names. `must_exist`: refuse a default SQLite
/// file that is not there rather than create an empty one.
async fn open(config: &Config, must_exist: bool) -> Result<Store, BackupError> {
    let data_dir = config.data_dir()?;
    let database = config.database(&data_dir);
    if let Database::SqliteFile(path) = &database {
        if must_exist && !path.is_file() {
            return Err(BackupError::NoDatabase(path.clone()));
        }
        crate::server::create_private_dir(&data_dir).map_err(io_error(&data_dir))?;
    }
    Ok(Store::open(&database).await?)
}

/// `coffer-server backup --out FILE`.
pub async fn backup_command(config: &Config, out: &Path) -> Result<Summary, BackupError> {
    let store = open(config, true).await?;
    let result = backup(&store, out, unix_now()).await;
    store.close().await;
    result
}

/// `coffer-server restore --from FILE [--force]`.
pub async fn restore_command(
    config: &Config,
    from: &Path,
    force: bool,
) -> Result<Summary, BackupError> {
    // Check the file before touching (or creating) any database.
    let checked = verify(from)?;
    let store = open(config, false).await?;
    let result = restore_checked(&store, from, &checked, force).await;
    store.close().await;
    result
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

// ---- writing ----

/// The database's schema version, on a `&mut` connection of either backend.
macro_rules! schema_version {
    ($conn:expr) => {{
        let value: String =
            sqlx::query_scalar("SELECT value FROM server_meta WHERE key = 'schema_version'")
                .fetch_one($conn)
                .await?;
        value
            .parse::<u64>()
            .map_err(|_| BackupError::Unsupported(format!("schema_version {value:?}")))?
    }};
}

/// A writer that hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes a backup of `store` to `out`, which must not exist yet. On error
/// the partial file is removed.
pub async fn backup(store: &Store, out: &Path, taken_at: i64) -> Result<Summary, BackupError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = match options.open(out) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            return Err(BackupError::Exists(out.to_owned()));
        }
        Err(error) => return Err(io_error(out)(error)),
    };
    let mut writer = Hashing {
        inner: BufWriter::new(file),
        hash: Sha256::new(),
    };
    let result = write_backup(store, &mut writer, taken_at, out).await;
    if result.is_err() {
        let _ = std::fs::remove_file(out);
    }
    result
}

/// Writes every table's rows, counting them into `$counts`, from a `&mut`
/// connection of either backend.
macro_rules! dump_tables {
    ($conn:expr, $writer:expr, $out:expr, $counts:expr) => {
        let conn = $conn;
        for table in TABLES {
            let select = table.select();
            let mut rows = sqlx::query(&select).fetch(&mut *conn);
            let mut n = 0u64;
            while let Some(row) = rows.try_next().await? {
                write_line($writer, &row_line(table, &decode(&row, table)?), $out)?;
                n += 1;
            }
            $counts.push((table.name, n));
        }
    };
}

async fn write_backup(
    store: &Store,
    writer: &mut Hashing<BufWriter<File>>,
    taken_at: i64,
    out: &Path,
) -> Result<Summary, BackupError> {
    let mut counts = Vec::new();
    match store.pool() {
        Pool::Sqlite(pool) => {
            // A deferred transaction: its first read fixes the WAL snapshot
            // every later read sees, while the server goes on writing.
            let mut tx = pool.begin().await?;
            let schema = schema_version!(&mut *tx);
            write_line(writer, &header(schema, "sqlite", taken_at), out)?;
            dump_tables!(&mut *tx, writer, out, counts);
            tx.rollback().await?;
        }
        Pool::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut *tx)
                .await?;
            let schema = schema_version!(&mut *tx);
            write_line(writer, &header(schema, "postgres", taken_at), out)?;
            dump_tables!(&mut *tx, writer, out, counts);
            tx.rollback().await?;
        }
    }
    let sha256 = hex(&writer.hash.clone().finalize());
    let rows: BTreeMap<&str, u64> = counts.iter().copied().collect();
    write_line(
        writer,
        &json!({ "end": { "rows": rows, "sha256": sha256 } }),
        out,
    )?;
    writer.flush().map_err(io_error(out))?;
    writer.inner.get_ref().sync_all().map_err(io_error(out))?;
    Ok(Summary {
        rows: counts,
        sha256,
    })
}

fn header(schema_version: u64, source: &str, taken_at: i64) -> Value {
    json!({
        "format": FORMAT,
        "version": VERSION,
        "schema_version": schema_version,
        "source": source,
        "taken_at": taken_at,
    })
}

fn row_line(table: &Table, cells: &[Value]) -> Value {
    json!({ "table": table.name, "row": cells })
}

fn write_line(writer: &mut impl Write, value: &Value, out: &Path) -> Result<(), BackupError> {
    let mut line = serde_json::to_vec(value).map_err(|e| BackupError::Io {
        path: out.to_owned(),
        error: io::Error::other(e),
    })?;
    line.push(b'\n');
    writer.write_all(&line).map_err(io_error(out))
}

/// A row's cells as JSON, by column kind.
fn decode<R>(row: &R, table: &Table) -> Result<Vec<Value>, BackupError>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<Vec<u8>>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut cells = Vec::with_capacity(table.columns.len());
    for (i, (_, kind)) in table.columns.iter().enumerate() {
        let cell = match kind {
            Text => row.try_get::<Option<String>, _>(i)?.map(Value::from),
            Int => row.try_get::<Option<i64>, _>(i)?.map(Value::from),
            Bytes => row
                .try_get::<Option<Vec<u8>>, _>(i)?
                .map(|b| Value::from(BASE64.encode(b))),
        };
        cells.push(cell.unwrap_or(Value::Null));
    }
    Ok(cells)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---- reading ----

/// What [`verify`] learnt from a backup file whose checksum is right.
#[derive(Debug, Clone)]
pub struct Checked {
    pub schema_version: u64,
    pub rows: BTreeMap<String, u64>,
    pub sha256: String,
}

/// Reads `path` once: the header must be a version-1 backup, the last line
/// its end line, the checksum right and the row counts those of the lines.
pub fn verify(path: &Path) -> Result<Checked, BackupError> {
    let file = File::open(path).map_err(io_error(path))?;
    let mut reader = BufReader::new(file);
    let mut hash = Sha256::new();
    let mut line = Vec::new();
    let mut pending: Option<Vec<u8>> = None;
    let mut header: Option<Value> = None;
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut number = 0u64;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(io_error(path))?;
        if n == 0 {
            break;
        }
        number += 1;
        if let Some(previous) = pending.take() {
            hash.update(&previous);
        }
        if number == 1 {
            header = Some(read_header(&line, path)?);
        } else if let Ok(Value::Object(row)) = serde_json::from_slice::<Value>(&line)
            && let Some(Value::String(table)) = row.get("table")
        {
            *seen.entry(table.clone()).or_default() += 1;
        }
        pending = Some(line.clone());
    }
    let header = header.ok_or_else(|| BackupError::NotABackup(path.to_owned()))?;
    let last = pending.ok_or(BackupError::Truncated)?;
    if number < 2 || !last.ends_with(b"\n") {
        return Err(BackupError::Truncated);
    }
    let end: Value = serde_json::from_slice(&last).map_err(|_| BackupError::Truncated)?;
    let Some(end) = end.get("end") else {
        return Err(BackupError::Truncated);
    };
    let sha256 = end["sha256"].as_str().unwrap_or_default().to_owned();
    if sha256 != hex(&hash.finalize()) {
        return Err(BackupError::ChecksumMismatch);
    }
    let rows: BTreeMap<String, u64> =
        serde_json::from_value(end["rows"].clone()).map_err(|e| BackupError::Malformed {
            line: number,
            reason: format!("row counts: {e}"),
        })?;
    let counted: BTreeMap<String, u64> = rows
        .keys()
        .map(|t| (t.clone(), seen.get(t).copied().unwrap_or(0)))
        .collect();
    if counted != rows || seen.keys().any(|t| !rows.contains_key(t)) {
        return Err(BackupError::Malformed {
            line: number,
            reason: "the row counts do not match the rows".into(),
        });
    }
    let schema_version = header["schema_version"]
        .as_u64()
        .ok_or_else(|| BackupError::NotABackup(path.to_owned()))?;
    Ok(Checked {
        schema_version,
        rows,
        sha256,
    })
}

fn read_header(line: &[u8], path: &Path) -> Result<Value, BackupError> {
    let header: Value =
        serde_json::from_slice(line).map_err(|_| BackupError::NotABackup(path.to_owned()))?;
    if header["format"] != FORMAT {
        return Err(BackupError::NotABackup(path.to_owned()));
    }
    match header["version"].as_u64() {
        Some(VERSION) => Ok(header),
        Some(other) => Err(BackupError::UnsupportedVersion(other)),
        None => Err(BackupError::NotABackup(path.to_owned())),
    }
}

/// One cell ready to bind.
enum Cell {
    Text(Option<String>),
    Int(Option<i64>),
    Bytes(Option<Vec<u8>>),
}

/// Parses a row line into its table's index in [`TABLES`] and its cells.
fn parse_row(value: Value, number: u64) -> Result<(usize, Vec<Cell>), BackupError> {
    let bad = |reason: String| BackupError::Malformed {
        line: number,
        reason,
    };
    let name = value["table"].as_str().unwrap_or_default();
    let index = TABLES
        .iter()
        .position(|t| t.name == name)
        .ok_or_else(|| bad(format!("unknown table {name:?}")))?;
    let table = &TABLES[index];
    let cells = value["row"]
        .as_array()
        .filter(|cells| cells.len() == table.columns.len())
        .ok_or_else(|| bad(format!("a {name} row needs {} cells", table.columns.len())))?;
    let mut out = Vec::with_capacity(cells.len());
    for ((column, kind), cell) in table.columns.iter().zip(cells) {
        let wrong = || bad(format!("{name}.{column} has the wrong type"));
        out.push(match (kind, cell) {
            (Text, Value::Null) => Cell::Text(None),
            (Int, Value::Null) => Cell::Int(None),
            (Bytes, Value::Null) => Cell::Bytes(None),
            (Text, Value::String(s)) => Cell::Text(Some(s.clone())),
            (Int, Value::Number(n)) => Cell::Int(Some(n.as_i64().ok_or_else(wrong)?)),
            (Bytes, Value::String(s)) => Cell::Bytes(Some(BASE64.decode(s).map_err(|_| wrong())?)),
            _ => return Err(wrong()),
        });
    }
    Ok((index, out))
}

/// Restores the backup at `path` into `store`: checks it, then replaces
/// everything in one transaction (refusing a non-empty database without
/// `force`). On any error nothing is changed.
pub async fn restore(store: &Store, path: &Path, force: bool) -> Result<Summary, BackupError> {
    let checked = verify(path)?;
    restore_checked(store, path, &checked, force).await
}

/// The body of a restore on a `&mut` connection inside a transaction:
/// `$numbered` chooses PostgreSQL's `$n` placeholders, `$now` is the SQL
/// expression for the current time as server_meta writes it.
macro_rules! restore_rows {
    ($conn:expr, $checked:expr, $path:expr, $force:expr, $numbered:expr, $now:expr) => {
        async {
            let conn = $conn;
            let schema = schema_version!(&mut *conn);
            if schema != $checked.schema_version {
                return Err(BackupError::SchemaMismatch {
                    backup: $checked.schema_version,
                    server: schema,
                });
            }
            let mut existing = 0u64;
            for table in TABLES {
                let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", table.name))
                    .fetch_one(&mut *conn)
                    .await?;
                existing += u64::try_from(n).unwrap_or(0);
            }
            if existing > 0 {
                if !$force {
                    return Err(BackupError::NotEmpty { rows: existing });
                }
                for table in TABLES.iter().rev() {
                    sqlx::query(&format!("DELETE FROM {}", table.name))
                        .execute(&mut *conn)
                        .await?;
                }
            }
            let inserts: Vec<String> = TABLES.iter().map(|t| t.insert($numbered)).collect();
            let mut counts: Vec<(&'static str, u64)> = TABLES.iter().map(|t| (t.name, 0)).collect();
            let mut lines = Lines::open($path)?;
            // The header was checked by `verify`.
            lines.next()?;
            while let Some((number, value)) = lines.next()? {
                if value.get("end").is_some() {
                    break;
                }
                let (i, cells) = parse_row(value, number)?;
                let mut query = sqlx::query(&inserts[i]);
                for cell in cells {
                    query = match cell {
                        Cell::Text(v) => query.bind(v),
                        Cell::Int(v) => query.bind(v),
                        Cell::Bytes(v) => query.bind(v),
                    };
                }
                query.execute(&mut *conn).await?;
                counts[i].1 += 1;
            }
            // The file may have changed since it was verified.
            if lines.sha256_before_last() != $checked.sha256 {
                return Err(BackupError::ChecksumMismatch);
            }
            let expected = |name: &str| $checked.rows.get(name).copied().unwrap_or(0);
            if counts.iter().any(|(name, n)| expected(name) != *n) {
                return Err(BackupError::Malformed {
                    line: lines.number,
                    reason: "the row counts do not match the rows".into(),
                });
            }
            sqlx::query(&format!(
                "UPDATE server_meta SET value = {} WHERE key = 'created_at'",
                $now
            ))
            .execute(&mut *conn)
            .await?;
            sqlx::query(&format!(
                "INSERT INTO server_meta (key, value) VALUES ('restored_at', {}) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                $now
            ))
            .execute(&mut *conn)
            .await?;
            Ok::<_, BackupError>(counts)
        }
        .await
    };
}

const SQLITE_NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
const POSTGRES_NOW: &str = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";

async fn restore_checked(
    store: &Store,
    path: &Path,
    checked: &Checked,
    force: bool,
) -> Result<Summary, BackupError> {
    let counts = match store.pool() {
        Pool::Sqlite(pool) => {
            // IMMEDIATE: the write lock from the start, so nothing writes
            // between the emptiness check and the commit.
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
            let counts = restore_rows!(&mut *tx, checked, path, force, false, SQLITE_NOW)?;
            tx.commit().await?;
            counts
        }
        Pool::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            // Keeps a running server's pushes and logins out until the
            // restore commits.
            let tables: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
            sqlx::query(&format!(
                "LOCK TABLE {} IN ACCESS EXCLUSIVE MODE",
                tables.join(", ")
            ))
            .execute(&mut *tx)
            .await?;
            let counts = restore_rows!(&mut *tx, checked, path, force, true, POSTGRES_NOW)?;
            tx.commit().await?;
            counts
        }
    };
    Ok(Summary {
        rows: counts,
        sha256: checked.sha256.clone(),
    })
}

/// A backup file read line by line, hashing every line but the latest.
struct Lines {
    reader: BufReader<File>,
    path: PathBuf,
    hash: Sha256,
    pending: Vec<u8>,
    number: u64,
}

impl Lines {
    fn open(path: &Path) -> Result<Lines, BackupError> {
        let file = File::open(path).map_err(io_error(path))?;
        Ok(Lines {
            reader: BufReader::new(file),
            path: path.to_owned(),
            hash: Sha256::new(),
            pending: Vec::new(),
            number: 0,
        })
    }

    fn next(&mut self) -> Result<Option<(u64, Value)>, BackupError> {
        self.hash.update(&self.pending);
        self.pending.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.pending)
            .map_err(io_error(&self.path))?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        let value = serde_json::from_slice(&self.pending).map_err(|e| BackupError::Malformed {
            line: self.number,
            reason: e.to_string(),
        })?;
        Ok(Some((self.number, value)))
    }

    /// The SHA-256 of every line before the one read last.
    fn sha256_before_last(&self) -> String {
        hex(&self.hash.clone().finalize())
    }
}
