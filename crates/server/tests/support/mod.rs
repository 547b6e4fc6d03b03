//! Runs the real `coffer-server` binary the way an operator would and talks
//! to it over HTTP.

use std::fs;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest as _, Sha256};
use sqlx::Connection as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use tempfile::TempDir;

const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// A `coffer-server` command with no inherited `COFFER_*` settings and its
/// stderr going to `stderr_path`.
pub fn command(stderr_path: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_coffer-server"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("COFFER_") {
            command.env_remove(name);
        }
    }
    let stderr = fs::File::create(stderr_path).expect("create the stderr log");
    command.stdout(Stdio::piped()).stderr(stderr);
    command
}

/// A running server; killed when dropped, so a failing test leaves nothing
/// behind.
pub struct Server {
    child: Child,
    pub url: String,
    stderr_path: PathBuf,
    http: reqwest::Client,
}

impl Server {
    /// Starts the server on a free port with this dist and data dir.
    pub fn start(dist: &Path, data_dir: &Path, stderr_path: &Path) -> Self {
        let mut command = command(stderr_path);
        command
            .args(["--port", "0", "--data-dir"])
            .arg(data_dir)
            .arg("--dist")
            .arg(dist);
        Self::spawn(command, stderr_path).unwrap_or_else(|stderr| panic!("{stderr}"))
    }

    /// Spawns `command` and waits for its listening line; on failure, the
    /// server's stderr.
    pub fn spawn(mut command: Command, stderr_path: &Path) -> Result<Self, String> {
        let mut child = command.spawn().expect("spawn coffer-server");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let read = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(read.map(|_| line));
        });
        let mut server = Self {
            child,
            url: String::new(),
            stderr_path: stderr_path.to_owned(),
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("HTTP client"),
        };
        let line = receiver
            .recv_timeout(STARTUP_TIMEOUT)
            .map_err(|_| format!("no listening line within {STARTUP_TIMEOUT:?}"))?
            .map_err(|error| format!("reading stdout: {error}"))?;
        match line.trim_end().strip_prefix("coffer-server listening on ") {
            Some(url) if url.starts_with("http://") => {
                server.url = url.to_owned();
                Ok(server)
            }
            _ => {
                let status = server.wait_for_exit();
                Err(format!(
                    "unexpected stdout {line:?}, exit {status:?}, stderr:\n{}",
                    server.stderr()
                ))
            }
        }
    }

    pub fn stderr(&self) -> String {
        fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .unwrap_or_else(|error| panic!("GET {path}: {error}"))
    }

    /// Sends only the head of a POST that declares a `length`-byte body and
    /// returns the status and body of the answer. An HTTP client that
    /// streams the whole body can see the connection reset when the server
    /// answers early, so this checks what the server decides from headers.
    pub fn post_declaring(&self, path: &str, length: usize) -> (u16, String) {
        let address = self.url.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/octet-stream\r\n\
             Content-Length: {length}\r\nConnection: close\r\n\r\n"
        )
        .expect("send the request head");
        let mut response = String::new();
        stream
            .read_to_string(&mut response)
            .expect("read the answer");
        let (head, body) = response
            .split_once("\r\n\r\n")
            .expect("a full HTTP response");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status in {head:?}"));
        (status, body.to_owned())
    }

    /// A request to be finished by the caller (headers, body) and sent.
    #[allow(dead_code)] // tests/server.rs sends only fixed requests
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, format!("{}{path}", self.url))
    }

    pub async fn post(&self, path: &str, body: Vec<u8>) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.url))
            .body(body)
            .send()
            .await
            .unwrap_or_else(|error| panic!("POST {path}: {error}"))
    }

    /// Sends SIGTERM, as systemd or Docker would, and waits for the exit.
    pub fn stop(mut self) -> ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM failed");
        self.wait_for_exit()
            .unwrap_or_else(|| panic!("no exit within 10 s of SIGTERM; stderr:\n{}", self.stderr()))
    }

    fn wait_for_exit(&mut self) -> Option<ExitStatus> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("poll the child") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the app's inline module script says; the test knows it, so it can
/// hash it without the server's parser.
pub const INLINE_SCRIPT: &str = "\nimport init, * as bindings from '/coffer-app-0123456789abcdef.js';\n\
const wasm = await init({ module_or_path: '/coffer-app-0123456789abcdef_bg.wasm' });\n\
window.wasmBindings = bindings;\n";

pub const WASM_FILE: &str = "coffer-app-0123456789abcdef_bg.wasm";
pub const JS_FILE: &str = "coffer-app-0123456789abcdef.js";
pub const CSS_FILE: &str = "style-fedcba9876543210.css";

/// A small stand-in for Trunk's `dist/`.
pub fn write_fake_app(dist: &Path) -> String {
    write_index(dist, INLINE_SCRIPT)
}

/// Writes `dist/index.html` with this inline script and the usual files,
/// returning the HTML.
pub fn write_index(dist: &Path, inline_script: &str) -> String {
    fs::create_dir_all(dist).unwrap();
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head>\n<meta charset=\"utf-8\">\n<title>Coffer</title>\n\
<link rel=\"manifest\" href=\"/manifest.webmanifest\">\n\
<link rel=\"stylesheet\" href=\"/{CSS_FILE}\">\n\
<link rel=\"modulepreload\" href=\"/{JS_FILE}\" crossorigin=\"anonymous\" integrity=\"sha384-x\">\n\
<link rel=\"preload\" href=\"/{WASM_FILE}\" crossorigin=\"anonymous\" as=\"fetch\" type=\"application/wasm\"></head>\n\
<body>\n<script type=\"module\">{inline_script}</script></body></html>\n"
    );
    fs::write(dist.join("index.html"), &html).unwrap();
    fs::write(dist.join(WASM_FILE), b"\0asm\x01\0\0\0").unwrap();
    fs::write(
        dist.join(JS_FILE),
        "export default async function init() {}\n",
    )
    .unwrap();
    fs::write(dist.join(CSS_FILE), "body { margin: 0 }\n").unwrap();
    fs::write(
        dist.join("sw.js"),
        "self.addEventListener('fetch', () => {});\n",
    )
    .unwrap();
    fs::write(
        dist.join("manifest.webmanifest"),
        r#"{"name":"Coffer","start_url":"/"}"#,
    )
    .unwrap();
    html
}

/// `'sha256-…'` as a CSP source for this script text.
pub fn csp_hash(script: &str) -> String {
    format!("'sha256-{}'", BASE64.encode(Sha256::digest(script)))
}

/// A temp dir with `dist/` (a fake built app), `data/` and a stderr log.
pub struct Sandbox {
    pub root: TempDir,
}

impl Sandbox {
    pub fn with_app() -> Self {
        let sandbox = Self::empty();
        write_fake_app(&sandbox.dist());
        sandbox
    }

    pub fn empty() -> Self {
        Self {
            root: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn dist(&self) -> PathBuf {
        self.root.path().join("dist")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.root.path().join("data")
    }

    pub fn stderr_path(&self) -> PathBuf {
        self.root.path().join("stderr.log")
    }

    pub fn start(&self) -> Server {
        Server::start(&self.dist(), &self.data_dir(), &self.stderr_path())
    }
}

/// Opens the server's SQLite file directly, as an operator's tool would
/// (without asking for any journal mode, so it reports the file's own).
pub async fn open_database(path: &Path) -> SqliteConnection {
    assert!(path.is_file(), "{} does not exist", path.display());
    SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(path))
        .await
        .unwrap_or_else(|error| panic!("open {}: {error}", path.display()))
}

pub async fn server_meta(path: &Path, key: &str) -> Option<String> {
    let mut db = open_database(path).await;
    let value = sqlx::query_scalar("SELECT value FROM server_meta WHERE key = ?")
        .bind(key)
        .fetch_optional(&mut db)
        .await
        .expect("query server_meta");
    db.close().await.expect("close");
    value
}

pub fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().expect("ASCII header"))
        .unwrap_or_else(|| panic!("no {name} header on {}", response.url()))
}
