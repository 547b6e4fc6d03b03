//! A throwaway PostgreSQL cluster for the tests of one test binary: started
//! on first use from the server binaries of Debian's `postgresql` package
//! (`/usr/lib/postgresql/<version>/bin/{initdb,postgres}`), listening on
//! 127.0.0.1 at a free port, one fresh database per test.
//!
//! A cluster in a `static` is never dropped, so it is not stopped by `Drop`:
//! a small `sh` watchdog holds the read end of a pipe whose write end only
//! this process has. When the process exits, however it exits, the pipe
//! closes, and the watchdog stops PostgreSQL (fast shutdown) and deletes the
//! cluster's directory.
//!
//! PostgreSQL refuses to run as root; as root the cluster runs as `nobody`.

use std::fs;
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use sqlx::Connection as _;
use sqlx::postgres::PgConnection;

const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

pub struct Cluster {
    port: u16,
    // Kept open for the life of the process; see the module comment.
    _watchdog: Mutex<(Child, ChildStdin)>,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();
static DURABLE_CLUSTER: OnceLock<Cluster> = OnceLock::new();
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(1);

/// The cluster of this test binary, started on first use.
pub fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(|| Cluster::start(false))
}

/// A cluster with PostgreSQL's default durability (fsync, synchronous
/// commit, full page writes), for the sync benchmark: its figures must be
/// those of acknowledged writes that survive a power cut.
#[allow(dead_code)] // only the benchmark measures durable writes
pub fn durable_cluster() -> &'static Cluster {
    DURABLE_CLUSTER.get_or_init(|| Cluster::start(true))
}

impl Cluster {
    /// Creates an empty database and returns its URL (no password: the
    /// cluster trusts local connections).
    pub async fn create_database(&self) -> String {
        let name = format!(
            "coffer_test_{}",
            NEXT_DATABASE.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = PgConnection::connect(&self.url("postgres"))
            .await
            .unwrap_or_else(|error| panic!("connect to the test cluster: {error}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|error| panic!("CREATE DATABASE {name}: {error}"));
        admin.close().await.expect("close the admin connection");
        self.url(&name)
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    fn start(durable: bool) -> Self {
        let started = Instant::now();
        let bin = bin_dir();
        let as_root = is_root();
        let root = tempfile::Builder::new()
            .prefix("coffer-pg-")
            .tempdir()
            .expect("temp dir for the cluster")
            .keep();
        let data = root.join("data");
        let sockets = root.join("sockets");
        for dir in [&data, &sockets] {
            fs::create_dir(dir).expect("create a cluster directory");
        }
        if as_root {
            // `nobody` must reach its directories through the temp dir.
            fs::set_permissions(&root, fs::Permissions::from_mode(0o755))
                .expect("open the cluster dir to nobody");
            let status = Command::new("chown")
                .arg("nobody:")
                .args([&data, &sockets])
                .status()
                .expect("run chown");
            assert!(status.success(), "chown nobody: the cluster dirs failed");
        }

        let initdb_log = root.join("initdb.log");
        let status = as_cluster_user(as_root, &bin.join("initdb"))
            .args(["-U", "postgres", "--auth=trust", "--no-sync"])
            .args(["--encoding=UTF8", "--locale=C", "-D"])
            .arg(&data)
            .stdout(Stdio::null())
            .stderr(fs::File::create(&initdb_log).expect("initdb log"))
            .status()
            .expect("run initdb");
        assert!(
            status.success(),
            "initdb failed ({status}):\n{}",
            fs::read_to_string(&initdb_log).unwrap_or_default()
        );

        let port = free_port();
        let log = root.join("postgres.log");
        let mut postgres = as_cluster_user(as_root, &bin.join("postgres"));
        postgres
            .arg("-D")
            .arg(&data)
            .arg("-k")
            .arg(&sockets)
            .args(["-p", &port.to_string()])
            .args(["-c", "listen_addresses=127.0.0.1"]);
        if !durable {
            // Test data: speed over crash safety.
            postgres
                .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
                .args(["-c", "full_page_writes=off"]);
        }
        let mut watchdog = Command::new("sh")
            .args([
                "-c",
                r#"root="$1"; shift
"$@" >"$root/postgres.log" 2>&1 &
pid=$!
read _ignored
kill -INT "$pid"
wait "$pid"
rm -rf "$root""#,
                "coffer-pg-watchdog",
            ])
            .arg(&root)
            .arg(postgres.get_program())
            .args(postgres.get_args())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn sh");
        let stdin = watchdog.stdin.take().expect("stdin is piped");

        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            let text = fs::read_to_string(&log).unwrap_or_default();
            if text.contains("database system is ready to accept connections") {
                break;
            }
            if let Ok(Some(status)) = watchdog.try_wait() {
                panic!("PostgreSQL exited during start-up ({status}):\n{text}");
            }
            assert!(
                Instant::now() < deadline,
                "PostgreSQL not ready within {STARTUP_TIMEOUT:?}:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!(
            "test PostgreSQL from {} on 127.0.0.1:{port}{} started in {:?}",
            bin.display(),
            if as_root { " as nobody" } else { "" },
            started.elapsed()
        );
        Self {
            port,
            _watchdog: Mutex::new((watchdog, stdin)),
        }
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` with both server
/// binaries, else the directory `initdb` on `PATH` really lives in. A missing
/// PostgreSQL fails the tests: skipping would hide that the PostgreSQL
/// backend went untested.
fn bin_dir() -> PathBuf {
    let has_server = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, bin)| has_server(bin))
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return bin;
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .filter_map(|dir| fs::canonicalize(dir.join("initdb")).ok())
        .filter_map(|initdb| initdb.parent().map(Path::to_owned))
        .find(|dir| has_server(dir));
    on_path.unwrap_or_else(|| {
        panic!(
            "PostgreSQL server binaries not found (initdb and postgres in \
             /usr/lib/postgresql/<version>/bin or on PATH). Install Debian's \
             `postgresql` package (`apt-get install postgresql`), or run \
             `cargo xtask test`, which does."
        )
    })
}

fn is_root() -> bool {
    let output = Command::new("id").arg("-u").output().expect("run id -u");
    String::from_utf8_lossy(&output.stdout).trim() == "0"
}

/// `program` run as `nobody` when we are root (PostgreSQL refuses root),
/// else as ourselves. `setpriv` execs, so the PID is PostgreSQL's own.
fn as_cluster_user(as_root: bool, program: &Path) -> Command {
    if !as_root {
        return Command::new(program);
    }
    let id = |flag: &str| {
        let output = Command::new("id")
            .args([flag, "nobody"])
            .output()
            .expect("run id");
        assert!(output.status.success(), "there is no user nobody");
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    };
    let mut command = Command::new("setpriv");
    command
        .arg(format!("--reuid={}", id("-u")))
        .arg(format!("--regid={}", id("-g")))
        .arg("--clear-groups")
        .arg(program);
    command
}

/// A port nobody listens on right now. Another process could take it before
/// PostgreSQL binds it; start-up would then fail loudly, not silently.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .unwrap_or_else(|error| panic!("no free port on 127.0.0.1: {error}"))
}
