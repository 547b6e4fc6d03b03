//! Installs what the build and the tests need, skipping what is already there.
//!
//! Sources: rustup (wasm target), crates.io (Trunk, wasm-bindgen-cli), Debian
//! (Chromium, chromedriver, Node.js, PostgreSQL for the server's tests), npm with package-lock.json (binaryen's
//! wasm-opt, playwright-core, axe-core). Nothing downloads a browser build.

use crate::root;
use crate::sh::Cmd;
use std::path::{Path, PathBuf};

/// Trunk 0.22 needs a newer rustc than the machines have; 0.21.14 is verified.
const TRUNK_VERSION: &str = "0.21.14";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub fn all() -> Result<(), String> {
    wasm_target()?;
    debian_packages()?;
    trunk()?;
    wasm_bindgen()?;
    npm_packages()?;
    Ok(())
}

/// `node_modules/.bin`, put first on PATH so Trunk finds binaryen 132's
/// wasm-opt (Debian's binaryen 108 breaks wasm-bindgen 0.2.130 output).
pub fn node_bin() -> PathBuf {
    root().join("node_modules/.bin")
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}

fn wasm_target() -> Result<(), String> {
    let installed = Cmd::new("rustup")
        .args(["target", "list", "--installed"])
        .read()
        .unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    Cmd::new("rustup")
        .args(["target", "add", "wasm32-unknown-unknown"])
        .run()
}

pub fn debian_packages() -> Result<(), String> {
    let mut missing = Vec::new();
    if !Path::new(CHROMIUM).exists() {
        missing.push("chromium");
    }
    if !Path::new(CHROMEDRIVER).exists() {
        missing.push("chromium-driver");
    }
    if !on_path("npm") || !on_path("node") {
        missing.extend(["nodejs", "npm"]);
    }
    if !on_path("cc") {
        missing.push("gcc");
    }
    // The server's tests start their own PostgreSQL cluster from these binaries.
    if !postgres_installed() {
        missing.push("postgresql");
    }
    if missing.is_empty() {
        return Ok(());
    }
    println!("xtask: installing Debian packages: {}", missing.join(" "));
    let sudo = Cmd::new("id").arg("-u").read().as_deref() != Some("0");
    let apt = |args: &[&str]| {
        let cmd = if sudo {
            Cmd::new("sudo").arg("apt-get").args(args)
        } else {
            Cmd::new("apt-get").args(args)
        };
        cmd.env("DEBIAN_FRONTEND", "noninteractive").run()
    };
    apt(&["update"])?;
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend(missing);
    apt(&install)
}

fn postgres_installed() -> bool {
    std::fs::read_dir("/usr/lib/postgresql")
        .map(|versions| {
            versions.flatten().any(|v| {
                v.path().join("bin/initdb").is_file() && v.path().join("bin/postgres").is_file()
            })
        })
        .unwrap_or(false)
}

fn cargo_bin(name: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin").join(name)
}

fn installed_version(program: &str) -> Option<String> {
    let path = if on_path(program) {
        PathBuf::from(program)
    } else {
        cargo_bin(program)
    };
    let out = Cmd::new(path).arg("--version").read()?;
    out.split_whitespace().nth(1).map(str::to_string)
}

fn trunk() -> Result<(), String> {
    if installed_version("trunk").as_deref() == Some(TRUNK_VERSION) {
        return Ok(());
    }
    Cmd::new("cargo")
        .args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"])
        .run()
}

/// wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock exactly.
pub fn wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
        {
            return Ok(v.trim_matches('"').to_string());
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

fn wasm_bindgen() -> Result<(), String> {
    let wanted = wasm_bindgen_version()?;
    if installed_version("wasm-bindgen").as_deref() == Some(wanted.as_str())
        && installed_version("wasm-bindgen-test-runner").as_deref() == Some(wanted.as_str())
    {
        return Ok(());
    }
    // `--locked` fails here: the CLI's lock names a crate version the registry lacks.
    Cmd::new("cargo")
        .args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &wanted,
            "--force",
        ])
        .run()
}

fn npm_packages() -> Result<(), String> {
    let stamp = root().join("node_modules/.package-lock.json");
    let lock = root().join("package-lock.json");
    let fresh = match (std::fs::metadata(&stamp), std::fs::metadata(&lock)) {
        (Ok(s), Ok(l)) => match (s.modified(), l.modified()) {
            (Ok(s), Ok(l)) => s >= l,
            _ => false,
        },
        _ => false,
    };
    if fresh && node_bin().join("wasm-opt").exists() {
        return Ok(());
    }
    Cmd::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .cwd(root())
        .run()
}
