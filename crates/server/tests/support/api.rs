//! Shared by the HTTP API tests: a server on SQLite or on a fresh
//! PostgreSQL database, and JSON requests with base64 fields.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqwest::Method;
use serde_json::Value;

use crate::postgres_cluster;
use crate::support::{self, Sandbox, Server};

pub struct Setup {
    pub sandbox: Sandbox,
    database_url: Option<String>,
}

impl Setup {
    pub fn sqlite() -> Self {
        Self {
            sandbox: Sandbox::with_app(),
            database_url: None,
        }
    }

    pub async fn postgres() -> Self {
        Self {
            sandbox: Sandbox::with_app(),
            database_url: Some(postgres_cluster::cluster().create_database().await),
        }
    }

    /// The flags that name this setup's database, for operator commands.
    #[allow(dead_code)] // only tests/backup.rs runs operator commands
    pub fn database_args(&self) -> Vec<std::ffi::OsString> {
        let mut args = vec!["--data-dir".into(), self.sandbox.data_dir().into()];
        if let Some(url) = &self.database_url {
            args.extend(["--database-url".into(), url.into()]);
        }
        args
    }

    pub fn start(&self, extra: &[&str]) -> Server {
        let mut command = support::command(&self.sandbox.stderr_path());
        command
            .args(["--port", "0", "--data-dir"])
            .arg(self.sandbox.data_dir())
            .arg("--dist")
            .arg(self.sandbox.dist());
        if let Some(url) = &self.database_url {
            command.args(["--database-url", url]);
        }
        command.args(extra);
        Server::spawn(command, &self.sandbox.stderr_path()).unwrap_or_else(|e| panic!("{e}"))
    }
}

pub fn b64(bytes: &[u8]) -> String {
    BASE64.encode(bytes)
}

pub fn unb64(value: &Value) -> Vec<u8> {
    BASE64
        .decode(value.as_str().expect("a base64 string"))
        .expect("standard base64")
}

pub fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

pub async fn send(
    server: &Server,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = server.request(method, path);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: not JSON: {text}"))
    };
    (status, value)
}
