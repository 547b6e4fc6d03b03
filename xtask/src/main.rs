//! `cargo xtask`: Coffer's set-up and orchestration.
//!
//! `run` installs what is missing, builds the app and the server in release
//! mode and starts the server; `test` installs what is missing and runs every
//! test (native, wasm in headless Chromium, Playwright end to end); `bench`
//! prints benchmark figures. Every tool comes from a package registry
//! (crates.io, Debian, npm); nothing downloads a browser or a binary.

mod bench;
mod setup;
mod sh;
mod test;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [args]

commands:
  run [SERVER ARGS]   install what is missing, build (release), start the server
                      (args go to coffer-server, e.g. -- --port 9000)
  test                install what is missing and run every test
  bench [--quick] [--core] [--sync]
                      print benchmark figures (native core import/search/dashboard,
                      browser unlock/list/search, wasm size, then server sync on
                      SQLite and PostgreSQL; --core or --sync: only that one)
  setup               only install the tools
  build               only build the app (dist/) and the server (release)
";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    let result = match command.as_str() {
        "run" => run(&rest),
        "test" => test::all(),
        "bench" => {
            let quick = rest.iter().any(|a| a == "--quick");
            if rest.iter().any(|a| a == "--sync") {
                bench::sync(quick)
            } else if rest.iter().any(|a| a == "--core") {
                bench::core(quick)
            } else {
                bench::all(quick)
            }
        }
        "setup" => setup::all(),
        "build" => setup::all().and_then(|()| build_release()),
        "" | "help" | "--help" | "-h" => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

fn run(server_args: &[String]) -> Result<(), String> {
    setup::all()?;
    build_release()?;
    let server = root().join("target/release/coffer-server");
    let mut args: Vec<String> = vec!["--dist".into(), root().join("dist").display().to_string()];
    args.extend(server_args.iter().filter(|a| *a != "--").cloned());
    println!("xtask: starting {} {}", server.display(), args.join(" "));
    sh::Cmd::new(&server).args(&args).run()
}

/// Builds the web app into `dist/` and the server binary, both optimised.
pub fn build_release() -> Result<(), String> {
    build_app()?;
    sh::Cmd::new("cargo")
        .args(["build", "--release", "-p", "coffer-server"])
        .cwd(root())
        .run()
}

/// Builds the shipped (optimised) web app into `dist/`.
pub fn build_app() -> Result<(), String> {
    sh::Cmd::new("cargo").arg("fetch").cwd(root()).run()?;
    sh::Cmd::new("trunk")
        .args(["build", "--release"])
        .cwd(root())
        .path_prepend(setup::node_bin())
        .run()
}
