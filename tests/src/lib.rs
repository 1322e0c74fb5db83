//! Helpers for end-to-end tests: build and start the real `onemap` binary on a free port, find the
//! shared test data, and run the external clients (GDAL, Chromium through playwright-core).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Builds the `onemap` binary once (same profile as the tests) and returns its path.
pub fn onemap_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .current_dir(root())
            .args(["build", "--quiet", "-p", "onemap-server", "--bin", "onemap"])
            .status()
            .expect("run cargo build");
        assert!(status.success(), "building the onemap binary failed");
        let target = std::env::var("CARGO_TARGET_DIR").map_or_else(|_| root().join("target"), PathBuf::from);
        let bin = target.join("debug").join("onemap");
        assert!(bin.exists(), "no binary at {}", bin.display());
        bin
    })
}

/// The shared third-party data directory, if present. Missing data skips a test loudly, except
/// under `CI=true`, where it fails.
pub fn shared_data(file: &str) -> Option<PathBuf> {
    let dir = std::env::var("ONEMAP_TEST_DATA").map_or_else(|_| root().join("../shared/data"), PathBuf::from);
    let path = dir.join(file);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("test data {} is missing (CI=true requires it)", path.display());
    }
    eprintln!(
        "\n*** SKIPPED: test data {} is missing; set ONEMAP_TEST_DATA or put ../shared/data beside the repo ***\n",
        path.display()
    );
    None
}

/// Requires an external tool installed by scripts/setup.sh.
pub fn require_tool(name: &str) -> PathBuf {
    let found = std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|p| p.join(name)).find(|p| p.exists()));
    found.unwrap_or_else(|| panic!("`{name}` is not installed: run scripts/setup.sh"))
}

/// A running `onemap` server, killed when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
    /// The accounts `onemap demo` printed (none for `serve`).
    pub accounts: Vec<DemoAccount>,
}

/// An account `onemap demo` created and printed.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub name: String,
    pub role: String,
    pub password: String,
    pub key: String,
}

impl DemoAccount {
    /// Reads `onemap: demo account NAME role ROLE [township CODE] password PW key KEY`.
    fn parse(line: &str) -> Option<DemoAccount> {
        let rest = line.strip_prefix("onemap: demo account ")?;
        let words: Vec<&str> = rest.split_whitespace().collect();
        let after =
            |w: &str| words.iter().position(|x| *x == w).and_then(|i| words.get(i + 1)).map(|s| (*s).to_owned());
        Some(DemoAccount {
            name: (*words.first()?).to_owned(),
            role: after("role")?,
            password: after("password")?,
            key: after("key")?,
        })
    }
}

/// The key [`http`] sends to each server: the commander's of the demo it started.
static KEYS: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

impl Server {
    /// Starts `onemap <args…> --bind 127.0.0.1:0` and waits for the line that names its address.
    pub fn start(args: &[&str]) -> Server {
        let mut child = Command::new(onemap_bin())
            .current_dir(root())
            .args(args)
            .args(["--bind", "127.0.0.1:0"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start onemap");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut accounts = Vec::new();
        let url = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(url) = line.strip_prefix("onemap: listening on ") {
                        break url.trim().to_owned();
                    }
                    accounts.extend(DemoAccount::parse(&line));
                }
                _ => {
                    let status = child.wait().ok();
                    panic!("onemap exited before listening: {status:?}");
                }
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        if accounts.is_empty() {
            // `serve` on a store a demo built: the demo's accounts are kept beside it.
            let store = args.iter().position(|a| *a == "--store").and_then(|i| args.get(i + 1));
            if let Some(text) = store.and_then(|s| std::fs::read_to_string(format!("{s}.accounts.txt")).ok()) {
                accounts.extend(text.lines().filter_map(DemoAccount::parse));
            }
        }
        if let Some(a) = accounts.iter().find(|a| a.role == "commander") {
            KEYS.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((url.clone(), a.key.clone()));
        }
        Server { child, url, accounts }
    }

    /// The key of the demo account with `role`.
    pub fn key(&self, role: &str) -> &str {
        self.accounts.iter().find(|a| a.role == role).map_or_else(|| panic!("no demo {role} account"), |a| &a.key)
    }

    /// The demo account with `role`.
    pub fn account(&self, role: &str) -> &DemoAccount {
        self.accounts.iter().find(|a| a.role == role).unwrap_or_else(|| panic!("no demo {role} account"))
    }

    /// Kills the server with SIGKILL (no shutdown, no flush) and waits for it.
    pub fn kill_9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a command, returns stdout; panics with stderr when it fails or exceeds `limit`.
/// Both pipes are drained while it runs, so large outputs cannot stall it.
pub fn run(cmd: &mut Command, limit: Duration) -> String {
    use std::io::Read;
    let start = Instant::now();
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{cmd:?} took longer than {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = String::from_utf8_lossy(&out.join().expect("stdout reader")).into_owned();
    let stderr = String::from_utf8_lossy(&err.join().expect("stderr reader")).into_owned();
    assert!(status.success(), "{cmd:?} failed: {stderr}\n{stdout}");
    stdout
}

/// A minimal HTTP/1.1 client over a TCP socket (enough for tests; no keep-alive). Requests to a
/// demo server a test started carry its commander's key.
pub fn http(method: &str, url: &str, body: Option<&str>) -> (u16, String) {
    let (status, bytes) = http_bytes(method, url, body);
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Like [`http`], with this `Authorization` header instead of the commander's key.
pub fn http_as(method: &str, url: &str, body: Option<&str>, authorization: &str) -> (u16, String) {
    let (status, bytes) = request(method, url, body, Some(authorization));
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Like [`http`], with the body as bytes (tiles).
pub fn http_bytes(method: &str, url: &str, body: Option<&str>) -> (u16, Vec<u8>) {
    request(method, url, body, None)
}

fn request(method: &str, url: &str, body: Option<&str>, authorization: Option<&str>) -> (u16, Vec<u8>) {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").expect("http url");
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let mut s = std::net::TcpStream::connect(host).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let body = body.unwrap_or("");
    let key = match authorization {
        Some(a) => format!("Authorization: {a}\r\n"),
        None => KEYS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .rev()
            .find(|(server, _)| url.starts_with(server.as_str()))
            .map(|(_, k)| format!("Authorization: Bearer {k}\r\n"))
            .unwrap_or_default(),
    };
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n{key}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("write");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).expect("status line");
    let body = &raw[split + 4..];
    let body =
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(body) } else { body.to_vec() };
    (status, body)
}

fn dechunk(mut s: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = s.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(String::from_utf8_lossy(&s[..eol]).trim(), 16).unwrap_or(0);
        let rest = &s[eol + 2..];
        if n == 0 || rest.len() < n {
            break;
        }
        out.extend_from_slice(&rest[..n]);
        s = rest[n..].strip_prefix(b"\r\n").unwrap_or(&rest[n..]);
    }
    out
}

/// PostgreSQL databases of the tests' own (127.0.0.1:5432, user postgres, trust auth).
pub mod pg {
    use super::{require_tool, run};
    use std::process::Command;
    use std::time::Duration;

    /// Runs `sql` in database `db` with psql (unaligned, tab-separated, no headers); panics with
    /// psql's message when it fails.
    pub fn psql(db: &str, sql: &str) -> String {
        run(
            Command::new(require_tool("psql")).args([
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                db,
                "-v",
                "ON_ERROR_STOP=1",
                "-qAtX",
                "-F",
                "\t",
                "-c",
                sql,
            ]),
            Duration::from_secs(300),
        )
    }

    /// A database with a unique name and the given extensions, dropped at the end.
    pub struct Db {
        pub name: String,
    }

    impl Db {
        pub fn create(extensions: &[&str]) -> Db {
            let nanos =
                std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
            let name = format!("onemap_test_{}_{nanos}", std::process::id());
            psql("postgres", &format!("CREATE DATABASE {name}"));
            let db = Db { name };
            for e in extensions {
                psql(&db.name, &format!("CREATE EXTENSION IF NOT EXISTS {e} CASCADE"));
            }
            db
        }
    }

    impl Drop for Db {
        fn drop(&mut self) {
            let _ = Command::new("psql")
                .args([
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-d",
                    "postgres",
                    "-qAtX",
                    "-c",
                    &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
                ])
                .output();
        }
    }
}
