//! `cargo xtask test`: every test, in the order that fails fastest.

use crate::setup::{self, CHROMEDRIVER};
use crate::sh::Cmd;
use crate::{build_app, root};

/// The pure crates, the server and xtask run natively; the app crate only in
/// the browser.
const NATIVE_PACKAGES: &[&str] = &[
    "coffer-core",
    "coffer-crypto",
    "coffer-sync",
    "coffer-account",
    "coffer-server",
    "xtask",
];

pub fn all() -> Result<(), String> {
    setup::all()?;
    let mut failures = Vec::new();
    let mut step = |name: &str, result: Result<(), String>| {
        if let Err(e) = result {
            eprintln!("xtask: {name} failed: {e}");
            failures.push(name.to_string());
        }
    };

    step(
        "formatting",
        Cmd::new("cargo")
            .args(["fmt", "--all", "--check"])
            .cwd(root())
            .run(),
    );

    let mut native = Cmd::new("cargo").arg("test").cwd(root());
    for p in NATIVE_PACKAGES {
        native = native.args(["-p", p]);
    }
    step("native tests", native.run());

    step(
        "browser tests (wasm-bindgen, headless Chromium)",
        Cmd::new("cargo")
            .args([
                "test",
                "-p",
                "coffer-app",
                "--target",
                "wasm32-unknown-unknown",
            ])
            .env("CHROMEDRIVER", CHROMEDRIVER)
            .cwd(root())
            .run(),
    );

    // The end-to-end tests drive the shipped app; the server is built in the
    // dev profile, reusing what the native tests compiled.
    let build = build_app().and_then(|()| {
        Cmd::new("cargo")
            .args(["build", "-p", "coffer-server"])
            .cwd(root())
            .run()
    });
    match build {
        Ok(()) => step(
            "end-to-end tests (Playwright, Chromium, real server)",
            e2e(),
        ),
        Err(e) => step("build for the end-to-end tests", Err(e)),
    }

    if failures.is_empty() {
        println!("xtask: all test suites passed");
        Ok(())
    } else {
        Err(format!("failing suites: {}", failures.join(", ")))
    }
}

fn e2e() -> Result<(), String> {
    Cmd::new("node")
        .args(["--test", "--test-concurrency=1", "tests/e2e/"])
        .env(
            "COFFER_SERVER_BIN",
            root().join("target/debug/coffer-server"),
        )
        .env("COFFER_DIST", root().join("dist"))
        .env("CHROMIUM", setup::CHROMIUM)
        .cwd(root())
        .run()
}
