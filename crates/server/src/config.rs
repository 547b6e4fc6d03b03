//! Command-line and environment configuration.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

/// Runs the Coffer server: serves the built web app and its API.
#[derive(Parser)]
#[command(name = "coffer-server", version, about)]
pub struct Config {
    /// What to do instead of serving (operator commands).
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address to listen on.
    #[arg(long, env = "COFFER_HOST", default_value = "127.0.0.1")]
    pub host: String,

    /// Port to listen on; 0 picks a free port.
    #[arg(long, env = "COFFER_PORT", default_value_t = 8080)]
    pub port: u16,

    /// Directory for the server's data [default: $XDG_DATA_HOME/coffer, else
    /// $HOME/.local/share/coffer].
    #[arg(long, env = "COFFER_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,

    /// Directory of the built web app (Trunk's output).
    #[arg(long, env = "COFFER_DIST", default_value = "dist")]
    pub dist: PathBuf,

    /// Database URL, sqlite: or postgres: [default: the SQLite file
    /// <data-dir>/coffer.sqlite3].
    #[arg(
        long,
        env = "COFFER_DATABASE_URL",
        hide_env_values = true,
        global = true
    )]
    pub database_url: Option<DatabaseUrl>,

    /// Log line format (logs go to stderr).
    #[arg(long, env = "COFFER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Requests per minute one client IP may make to /api/* (all of them
    /// at once, if it likes); 0 turns the limit off.
    #[arg(long, env = "COFFER_API_RATE_PER_MINUTE", default_value_t = 600)]
    pub api_rate_per_minute: u32,

    /// Take the client's IP from the last X-Forwarded-For entry. Only behind
    /// a reverse proxy that sets it: otherwise clients choose their own IP
    /// and escape every per-IP limit.
    /// Pushes per account per minute (burst of the same size); 0 turns the
    /// limit off.
    #[arg(long, env = "COFFER_WRITE_RATE_PER_MINUTE", default_value_t = 600)]
    pub write_rate_per_minute: u32,

    #[arg(long, env = "COFFER_TRUST_PROXY")]
    pub trust_proxy: bool,

    /// Login attempts per minute per account; 0 turns the limit off.
    #[arg(long, env = "COFFER_LOGIN_RATE_PER_MINUTE", default_value_t = 10)]
    pub login_rate_per_minute: u32,

    /// Login and sign-up attempts per minute per client IP; 0 turns the
    /// limit off.
    #[arg(long, env = "COFFER_LOGIN_IP_RATE_PER_MINUTE", default_value_t = 30)]
    pub login_ip_rate_per_minute: u32,

    /// Failed logins in a row that lock an account for
    /// --login-lockout-minutes; 0 never locks.
    #[arg(long, env = "COFFER_LOGIN_LOCKOUT_FAILURES", default_value_t = 10)]
    pub login_lockout_failures: u32,

    /// How long a locked account stays locked.
    #[arg(long, env = "COFFER_LOGIN_LOCKOUT_MINUTES", default_value_t = 15)]
    pub login_lockout_minutes: u32,

    /// How long a session lasts after login.
    #[arg(long, env = "COFFER_SESSION_TTL_HOURS", default_value_t = 720)]
    pub session_ttl_hours: u32,

    /// Seconds between keep-alive comments on an idle /api/events stream,
    /// so proxies and browsers keep it open.
    #[arg(long, env = "COFFER_SSE_KEEPALIVE_SECONDS", default_value_t = 15,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub sse_keepalive_seconds: u64,

    /// Session lifetime in seconds, overriding --session-ttl-hours (for
    /// tests).
    #[arg(long, env = "COFFER_SESSION_TTL_SECONDS", hide = true)]
    pub session_ttl_seconds: Option<u64>,
}

/// Operator commands on the database --data-dir / --database-url name.
#[derive(Clone, Debug, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Writes a consistent, portable snapshot of the whole store (ciphertext
    /// and the server's own secrets) to a new file; safe while the server
    /// runs.
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(long)]
        out: PathBuf,
    },
    /// Checks a backup file and loads it into the database, all or
    /// nothing. Stop the server first.
    Restore {
        /// The backup file to read.
        #[arg(long)]
        from: PathBuf,
        /// Replace everything in a database that is not empty.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "no data directory: set --data-dir or COFFER_DATA_DIR (neither XDG_DATA_HOME nor HOME is set)"
    )]
    NoDataDir,
}

/// Where the server keeps its records.
#[derive(Debug, Clone)]
pub enum Database {
    /// A SQLite file at this path (the default, under the data dir).
    SqliteFile(PathBuf),
    /// A URL given by the operator; the store decides which schemes it serves.
    Url(DatabaseUrl),
}

/// A database URL. It may carry a password, so `Debug` shows only its scheme
/// and nothing prints it whole.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the first `:`, lowercased (`sqlite`, `postgres`, …).
    pub fn scheme(&self) -> String {
        self.0
            .split_once(':')
            .map_or("", |(scheme, _)| scheme)
            .to_ascii_lowercase()
    }
}

impl FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.contains(':') {
            Ok(Self(s.to_owned()))
        } else {
            Err(
                "expected a URL such as sqlite:///var/lib/coffer/coffer.sqlite3 or \
                 postgres://coffer@db.example/coffer"
                    .to_owned(),
            )
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({}:…)", self.scheme())
    }
}

impl Config {
    /// How long a session lasts after login.
    pub fn session_ttl(&self) -> Duration {
        Duration::from_secs(
            self.session_ttl_seconds
                .unwrap_or(u64::from(self.session_ttl_hours) * 3600),
        )
    }

    /// The data directory: the flag, else the XDG default.
    pub fn data_dir(&self) -> Result<PathBuf, ConfigError> {
        match &self.data_dir {
            Some(dir) => Ok(dir.clone()),
            None => default_data_dir(std::env::var_os("XDG_DATA_HOME"), std::env::var_os("HOME"))
                .ok_or(ConfigError::NoDataDir),
        }
    }

    /// The database: the URL if one was given, else the SQLite file in
    /// `data_dir`.
    pub fn database(&self, data_dir: &Path) -> Database {
        match &self.database_url {
            Some(url) => Database::Url(url.clone()),
            None => Database::SqliteFile(data_dir.join("coffer.sqlite3")),
        }
    }
}

/// `$XDG_DATA_HOME/coffer`, else `$HOME/.local/share/coffer`. The XDG spec
/// says a relative or empty `XDG_DATA_HOME` is to be ignored.
fn default_data_dir(xdg_data_home: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    let xdg = xdg_data_home
        .map(PathBuf::from)
        .filter(|path| path.is_absolute());
    let base = match xdg {
        Some(xdg) => xdg,
        None => PathBuf::from(home.filter(|home| !home.is_empty())?).join(".local/share"),
    };
    Some(base.join("coffer"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_dir_prefers_xdg_data_home() {
        assert_eq!(
            default_data_dir(Some("/xdg".into()), Some("/home/ann".into())),
            Some(PathBuf::from("/xdg/coffer"))
        );
    }

    #[test]
    fn data_dir_falls_back_to_home_when_xdg_is_unset_or_relative() {
        let expected = Some(PathBuf::from("/home/ann/.local/share/coffer"));
        assert_eq!(default_data_dir(None, Some("/home/ann".into())), expected);
        assert_eq!(
            default_data_dir(Some("rel".into()), Some("/home/ann".into())),
            expected
        );
        assert_eq!(
            default_data_dir(Some("".into()), Some("/home/ann".into())),
            expected
        );
    }

    #[test]
    fn no_data_dir_without_xdg_or_home() {
        assert_eq!(default_data_dir(None, None), None);
        assert_eq!(default_data_dir(None, Some("".into())), None);
    }

    #[test]
    fn flags_have_the_documented_defaults() {
        // Clap reads COFFER_* from the environment, which would override the
        // defaults under test (e.g. when run from a configured shell).
        if std::env::vars_os().any(|(name, _)| name.to_string_lossy().starts_with("COFFER_")) {
            eprintln!("skipped: COFFER_* variables are set");
            return;
        }
        let config = Config::try_parse_from(["coffer-server"]).unwrap();
        assert_eq!(config.host, "127.0.0.1");
        assert_eq!(config.port, 8080);
        assert_eq!(config.dist, PathBuf::from("dist"));
        assert_eq!(config.log_format, LogFormat::Text);
        assert!(config.database_url.is_none());
        assert_eq!(config.api_rate_per_minute, 600);
        assert_eq!(config.write_rate_per_minute, 600);
        assert!(!config.trust_proxy);
        assert_eq!(config.login_rate_per_minute, 10);
        assert_eq!(config.login_ip_rate_per_minute, 30);
        assert_eq!(config.login_lockout_failures, 10);
        assert_eq!(config.login_lockout_minutes, 15);
        assert_eq!(config.session_ttl(), Duration::from_secs(720 * 3600));
        assert_eq!(config.sse_keepalive_seconds, 15);
        let database = config.database(Path::new("/data"));
        assert!(
            matches!(&database, Database::SqliteFile(path) if path == Path::new("/data/coffer.sqlite3")),
            "{database:?}"
        );
    }

    #[test]
    fn database_url_debug_hides_credentials() {
        let url: DatabaseUrl = "postgres://coffer:hunter2@db/coffer".parse().unwrap();
        assert_eq!(url.scheme(), "postgres");
        assert!(!format!("{url:?}").contains("hunter2"));
    }

    #[test]
    fn database_url_must_look_like_a_url() {
        assert!(Config::try_parse_from(["coffer-server", "--database-url", "coffer.db"]).is_err());
    }

    #[test]
    fn rate_limit_flags_parse() {
        let config = Config::try_parse_from([
            "coffer-server",
            "--api-rate-per-minute",
            "5",
            "--trust-proxy",
        ])
        .unwrap();
        assert_eq!(config.api_rate_per_minute, 5);
        assert!(config.trust_proxy);
        assert!(Config::try_parse_from(["coffer-server", "--api-rate-per-minute", "-1"]).is_err());
    }

    #[test]
    fn sse_keepalive_must_be_at_least_a_second() {
        let config =
            Config::try_parse_from(["coffer-server", "--sse-keepalive-seconds", "2"]).unwrap();
        assert_eq!(config.sse_keepalive_seconds, 2);
        assert!(Config::try_parse_from(["coffer-server", "--sse-keepalive-seconds", "0"]).is_err());
    }

    #[test]
    fn backup_and_restore_take_the_database_flags_before_or_after() {
        let config = Config::try_parse_from([
            "coffer-server",
            "backup",
            "--out",
            "/tmp/b.jsonl",
            "--database-url",
            "postgres://db/coffer",
        ])
        .unwrap();
        assert_eq!(
            config.command,
            Some(Command::Backup {
                out: "/tmp/b.jsonl".into()
            })
        );
        assert_eq!(config.database_url.unwrap().scheme(), "postgres");
        let config = Config::try_parse_from([
            "coffer-server",
            "--data-dir",
            "/data",
            "restore",
            "--from",
            "b.jsonl",
            "--force",
        ])
        .unwrap();
        assert_eq!(
            config.command,
            Some(Command::Restore {
                from: "b.jsonl".into(),
                force: true
            })
        );
        assert_eq!(config.data_dir, Some(PathBuf::from("/data")));
        assert!(Config::try_parse_from(["coffer-server", "restore"]).is_err());
        assert!(Config::try_parse_from(["coffer-server", "backup"]).is_err());
    }

    #[test]
    fn log_format_accepts_json() {
        let config = Config::try_parse_from(["coffer-server", "--log-format", "json"]).unwrap();
        assert_eq!(config.log_format, LogFormat::Json);
        assert!(Config::try_parse_from(["coffer-server", "--log-format", "xml"]).is_err());
    }
}
