//! `cargo xtask bench`: prints figures; asserts nothing.

use crate::setup::{self, CHROMEDRIVER};
use crate::sh::Cmd;
use crate::{build_app, root};
use std::io::Write;

/// The native core benchmark, the browser benchmark, then the sync
/// benchmark.
pub fn all(quick: bool) -> Result<(), String> {
    core(quick)?;
    browser(quick)?;
    sync(quick)
}

/// The native core benchmark alone (`--core`): import planning, search and
/// dashboard figures over 100,000 records (10,000 with `--quick`), release
/// build, no browser.
pub fn core(quick: bool) -> Result<(), String> {
    let mut args = vec!["bench", "-p", "coffer-core", "--bench", "core"];
    if quick {
        args.extend(["--", "--quick"]);
    }
    Cmd::new("cargo").args(args).cwd(root()).run()
}

/// The sync benchmark alone (`--sync`): the release-built server over HTTP
/// on SQLite and on PostgreSQL, next to the peers' figures.
pub fn sync(quick: bool) -> Result<(), String> {
    // PostgreSQL's server binaries come from Debian.
    setup::debian_packages()?;
    let mut args = vec!["bench", "-p", "coffer-server", "--bench", "sync"];
    if quick {
        args.extend(["--", "--quick"]);
    }
    Cmd::new("cargo").args(args).cwd(root()).run()
}

fn browser(quick: bool) -> Result<(), String> {
    setup::all()?;
    build_app()?;
    wasm_size()?;
    let sizes = if quick { "1000,10000" } else { "10000,100000" };
    println!(
        "xtask: browser benchmark over {sizes} contacts (shipped wasm profile, headless Chromium)"
    );
    Cmd::new("cargo")
        .args([
            "test",
            "--profile",
            "wasm-release",
            "-p",
            "coffer-app",
            "--target",
            "wasm32-unknown-unknown",
            "--features",
            "bench",
            "--test",
            "bench",
            "--",
            "--nocapture",
        ])
        .env("COFFER_BENCH_SIZES", sizes)
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "3600")
        .cwd(root())
        .run()
}

/// The size a browser downloads: the optimised wasm, gzipped.
fn wasm_size() -> Result<(), String> {
    let dist = root().join("dist");
    let entries =
        std::fs::read_dir(&dist).map_err(|e| format!("cannot read {}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            gz.write_all(&bytes).map_err(|e| e.to_string())?;
            let gzipped = gz.finish().map_err(|e| e.to_string())?;
            println!(
                "bench: wasm size {} = {} KiB raw, {} KiB gzipped",
                path.file_name().unwrap_or_default().to_string_lossy(),
                bytes.len() / 1024,
                gzipped.len() / 1024
            );
        }
    }
    Ok(())
}
