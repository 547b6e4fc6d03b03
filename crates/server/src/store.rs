//! Where the server keeps what clients send it. Today that is only its own
//! metadata; the sync issue adds accounts and ciphertext revisions.
//!
//! Handlers talk to [`Store`] and never to a database driver, so a second
//! backend (PostgreSQL) is one more [`Backend`] variant and one more match
//! arm per method, not a change to any handler.

mod sqlite;

use std::path::PathBuf;

use crate::config::Database;

/// A handle to the database; cheap to clone (it wraps a connection pool).
#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
}

#[derive(Clone, Debug)]
enum Backend {
    Sqlite(sqlite::SqliteStore),
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    // The URL is deliberately not repeated: it may hold a password.
    #[error(
        "PostgreSQL support arrives with sync; for now leave --database-url unset \
         (SQLite file in the data dir) or give a sqlite: URL"
    )]
    PostgresNotYetSupported,
    #[error("unsupported database URL scheme `{0}:`; use a sqlite: URL")]
    UnsupportedScheme(String),
    #[error("invalid sqlite URL: {0}")]
    InvalidUrl(sqlx::Error),
    #[error("cannot create directory {path}: {error}")]
    CreateDir {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Open(sqlx::Error),
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(sqlx::migrate::MigrateError),
    #[error("database query failed: {0}")]
    Query(sqlx::Error),
}

impl Store {
    /// Opens (creating if needed) the database and migrates it to the schema
    /// this build expects.
    pub async fn open(database: &Database) -> Result<Self, StoreError> {
        let backend = match database {
            Database::SqliteFile(path) => {
                Backend::Sqlite(sqlite::SqliteStore::open_file(path).await?)
            }
            Database::Url(url) => match url.scheme().as_str() {
                "sqlite" => Backend::Sqlite(sqlite::SqliteStore::open_url(url.as_str()).await?),
                "postgres" | "postgresql" => return Err(StoreError::PostgresNotYetSupported),
                other => return Err(StoreError::UnsupportedScheme(other.to_owned())),
            },
        };
        Ok(Self { backend })
    }

    /// A round trip to the database, for health checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(store) => store.ping().await,
        }
    }

    /// Closes every connection and waits for that to finish; for SQLite the
    /// last close checkpoints the WAL into the main file.
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(store) => store.close().await,
        }
    }
}
