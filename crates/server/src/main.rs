use std::io::IsTerminal as _;
use std::process::ExitCode;

use clap::Parser as _;
use coffer_server::config::{Command, Config, LogFormat};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let mut config = Config::parse();
    init_logging(config.log_format);
    let result = match config.command.take() {
        None => coffer_server::run(config).await.map_err(|e| e.to_string()),
        Some(Command::Backup { out }) => coffer_server::backup::backup_command(&config, &out)
            .await
            .map(|summary| println!("backup written to {}: {summary}", out.display()))
            .map_err(|e| e.to_string()),
        Some(Command::Restore { from, force }) => {
            coffer_server::backup::restore_command(&config, &from, force)
                .await
                .map(|summary| println!("restored {}: {summary}", from.display()))
                .map_err(|e| e.to_string())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Plain, whatever the log format: this is what an operator reads
            // when the server refuses to start or a command fails.
            eprintln!("coffer-server: error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr (stdout carries only the listening line); `RUST_LOG`
/// overrides the default level `info`.
fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
}
