//! The sync benchmark: the real release-built `coffer-server` over real
//! HTTP, once on its embedded SQLite (WAL, `synchronous = FULL`) and once on
//! a PostgreSQL cluster started here with its default durability (fsync and
//! synchronous commit on). Accounts sign up and log in with OPAQUE
//! (`coffer-account`); every simulated device is one keep-alive HTTP client
//! with its own session. Records are random 600-byte blobs: the server only
//! ever sees opaque envelopes.
//!
//! Prints figures next to the peers' (measured on the same machine) and
//! asserts nothing but that the server did what was asked.
//!
//! `cargo bench -p coffer-server --bench sync [-- --quick] [-- sqlite|postgres]`
//! (`cargo xtask bench --sync` runs exactly this).

#[path = "../tests/support/postgres.rs"]
#[allow(dead_code)]
mod postgres_cluster;
#[path = "../tests/support/mod.rs"]
#[allow(dead_code)]
mod support;
#[path = "sync/table.rs"]
mod table;
#[path = "sync/workload.rs"]
mod workload;

use support::{Sandbox, Server};
use workload::{Figures, Sizes};

/// Every limit that would throttle one busy benchmark client is turned off:
/// the figures are the server's, not its rate limiter's.
const NO_LIMITS: [&str; 8] = [
    "--api-rate-per-minute",
    "0",
    "--write-rate-per-minute",
    "0",
    "--login-rate-per-minute",
    "0",
    "--login-ip-rate-per-minute",
    "0",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let only = |name: &str| {
        let named: Vec<_> = args
            .iter()
            .filter(|a| *a == "sqlite" || *a == "postgres")
            .collect();
        named.is_empty() || named.iter().any(|a| *a == name)
    };
    let sizes = if quick { Sizes::QUICK } else { Sizes::FULL };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    println!(
        "sync bench: {}-byte records; server {}",
        workload::BLOB_BYTES,
        env!("CARGO_BIN_EXE_coffer-server")
    );
    // Client and server share the machine's cores: a busy machine shows.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "sync bench: {} cores, load average {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load.split(' ').take(3).collect::<Vec<_>>().join(" ")
    );
    if only("sqlite") {
        let sandbox = Sandbox::with_app();
        let figures = runtime.block_on(run_on(&sandbox, None, sizes));
        table::print_table("SQLite (WAL, synchronous=FULL)", &figures, sizes);
    }
    if only("postgres") {
        let sandbox = Sandbox::with_app();
        let url = runtime.block_on(postgres_cluster::durable_cluster().create_database());
        let figures = runtime.block_on(run_on(&sandbox, Some(&url), sizes));
        table::print_table(
            "PostgreSQL (fsync=on, synchronous_commit=on)",
            &figures,
            sizes,
        );
    }
}

async fn run_on(sandbox: &Sandbox, database_url: Option<&str>, sizes: Sizes) -> Figures {
    let mut command = support::command(&sandbox.stderr_path());
    command
        .args(["--port", "0", "--data-dir"])
        .arg(sandbox.data_dir())
        .arg("--dist")
        .arg(sandbox.dist())
        .args(NO_LIMITS);
    if let Some(url) = database_url {
        command.args(["--database-url", url]);
    }
    let server = Server::spawn(command, &sandbox.stderr_path()).unwrap_or_else(|e| panic!("{e}"));
    let figures = workload::run(&server.url, sizes).await;
    let status = server.stop();
    assert!(status.success(), "coffer-server exited with {status}");
    figures
}
