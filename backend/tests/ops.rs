#![allow(clippy::result_large_err)]
//! Operating the backend: the binary's flags and environment, its first stdout line, logs on
//! stderr, graceful shutdown, and how it serves a built app (compression, types, caching).

mod drivers;

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use drivers::{agent, start_backend};
use handover_backend::Config;

const BIN: &str = env!("CARGO_BIN_EXE_handover-backend");

/// The binary with a clean environment as far as our variables go.
fn command() -> Command {
    let mut c = Command::new(BIN);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("HANDOVER_") || k == "RUST_LOG" {
            c.env_remove(k);
        }
    }
    // Not the default sqlite://handover.db in the working folder.
    c.env("HANDOVER_DATABASE", "memory");
    c
}

struct Running {
    child: Child,
    base: String,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary and reads the address from its first stdout line, which must be exactly
/// `handover-backend listening on http://ADDR`.
fn run(mut c: Command) -> Running {
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the backend");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    stdout.read_line(&mut line).expect("first line");
    let base = line
        .trim_end()
        .strip_prefix("handover-backend listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    Running {
        child,
        base,
        stdout,
    }
}

fn session_status(base: &str) -> u16 {
    agent()
        .get(&format!("{base}/api/session"))
        .header("Authorization", "Bearer admin-token")
        .call()
        .expect("answer")
        .status()
        .as_u16()
}

#[test]
fn version_and_help_go_to_stdout_and_exit_0() {
    let out = command().arg("--version").output().expect("run");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("handover-backend {}", env!("CARGO_PKG_VERSION"))
    );
    let out = command().arg("--help").output().expect("run");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("--fault-repeat-ids"));
    let out = command().arg("--bogus").output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn flags_take_equals_values_and_env_vars_configure_the_rest() {
    let mut c = command();
    c.arg("--addr=127.0.0.1:0")
        .env("HANDOVER_TOKEN", "env-token=admin-1,other=admin-2")
        .env("HANDOVER_FAULT_NO_TOTAL", "1")
        .env("HANDOVER_ITEMS_PER_BATCH", "7");
    let b = run(c);
    let a = agent();
    let get = |path: &str, token: &str| {
        let mut r = a
            .get(&format!("{}/api{path}", b.base))
            .header("Authorization", &format!("Bearer {token}"))
            .call()
            .expect("answer");
        let status = r.status().as_u16();
        let v: serde_json::Value = r.body_mut().read_json().unwrap_or_default();
        (status, v)
    };
    assert_eq!(get("/session", "admin-token").0, 401, "defaults replaced");
    let (status, session) = get("/session", "env-token");
    assert_eq!(status, 200);
    assert_eq!(session["admin"]["id"], "admin-1");
    assert_eq!(session["limits"]["items_per_batch"], 7);
    assert_eq!(get("/session", "other").1["admin"]["id"], "admin-2");
    let (_, page) = get("/departed-members", "env-token");
    assert!(page.get("total").is_none(), "{page}");
}

#[test]
fn a_flag_wins_over_its_env_var() {
    let mut c = command();
    c.args(["--addr", "127.0.0.1:0", "--seed", "7"])
        .env("HANDOVER_ADDR", "127.0.0.1:1")
        .env("HANDOVER_SEED", "not a number");
    let b = run(c);
    assert_eq!(session_status(&b.base), 200);
}

/// SIGTERM while a request is in flight: the request still completes, the process exits 0,
/// stdout holds nothing but the address line, and the request log went to stderr.
#[cfg(unix)]
#[test]
fn sigterm_shuts_down_gracefully() {
    let mut c = command();
    c.args(["--addr", "127.0.0.1:0", "--fault-header"])
        .env("RUST_LOG", "info");
    let mut b = run(c);
    assert_eq!(session_status(&b.base), 200);
    let base = b.base.clone();
    let slow = std::thread::spawn(move || {
        agent()
            .get(&format!("{base}/api/session"))
            .header("Authorization", "Bearer admin-token")
            .header("X-Fault", "delay=700")
            .call()
            .map(|r| r.status().as_u16())
    });
    std::thread::sleep(Duration::from_millis(250));
    let killed = Command::new("kill")
        .args(["-TERM", &b.child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    assert_eq!(
        slow.join().expect("thread").expect("in-flight answer"),
        200,
        "the in-flight request finished"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = b.child.try_wait().expect("wait") {
            break s;
        }
        assert!(Instant::now() < deadline, "did not exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let mut rest = String::new();
    b.stdout.read_to_string(&mut rest).expect("stdout");
    assert_eq!(rest, "", "nothing after the address line on stdout");
    let mut logs = String::new();
    b.child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut logs)
        .expect("stderr");
    assert!(
        logs.contains("answered") && logs.contains("status=200"),
        "{logs}"
    );
    assert!(logs.contains("shutting down"), "{logs}");
}

struct Dist(PathBuf);

impl Drop for Dist {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const WASM: &str = "handover-console-1a2b3c4d5e6f7a8b_bg.wasm";
const CSS: &str = "app-0123456789abcdef.css";

fn dist(tag: &str) -> Dist {
    let dir = std::env::temp_dir().join(format!("hoc-ops-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("index.html"),
        format!(
            "<!doctype html><html><head><title>t</title><link rel=stylesheet href=/{CSS}></head>\
             <body>{}</body></html>",
            "<p>filler</p>".repeat(50)
        ),
    )
    .expect("write");
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend(std::iter::repeat_n(0u8, 4096));
    std::fs::write(dir.join(WASM), wasm).expect("write");
    std::fs::write(dir.join(CSS), "body { margin: 0 }\n".repeat(100)).expect("write");
    std::fs::write(dir.join("app.js"), "console.log(1);\n".repeat(100)).expect("write");
    // A build step may have compressed ahead of time: that copy is served as is.
    std::fs::write(dir.join("pre.js"), "console.log(2);\n".repeat(100)).expect("write");
    std::fs::write(dir.join("pre.js.gz"), "precompressed gzip").expect("write");
    Dist(dir)
}

struct Answer {
    status: u16,
    header: std::collections::HashMap<String, String>,
    body: Vec<u8>,
}

fn fetch(base: &str, path: &str, encoding: Option<&str>) -> Answer {
    fetch_with(base, path, encoding, None)
}

fn fetch_with(
    base: &str,
    path: &str,
    encoding: Option<&str>,
    if_modified_since: Option<&str>,
) -> Answer {
    let mut req = agent().get(&format!("{base}{path}"));
    if let Some(e) = encoding {
        req = req.header("Accept-Encoding", e);
    }
    if let Some(t) = if_modified_since {
        req = req.header("If-Modified-Since", t);
    }
    let mut r = req.call().expect("answer");
    let header = r
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                v.to_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    Answer {
        status: r.status().as_u16(),
        header,
        body: r
            .body_mut()
            .with_config()
            .limit(1 << 20)
            .read_to_vec()
            .expect("body"),
    }
}

#[test]
fn dist_files_are_compressed_typed_and_cached_by_name() {
    let d = dist("serve");
    let base = start_backend(Config {
        dist: Some(d.0.clone()),
        ..Config::default()
    });
    let h = |a: &Answer, k: &str| a.header.get(k).cloned().unwrap_or_default();

    let wasm = fetch(&base, &format!("/{WASM}"), Some("br"));
    assert_eq!(wasm.status, 200);
    assert_eq!(h(&wasm, "content-type"), "application/wasm");
    assert_eq!(h(&wasm, "content-encoding"), "br");
    assert!(wasm.body.len() < 4096, "compressed: {}", wasm.body.len());
    assert_eq!(
        h(&wasm, "cache-control"),
        "public, max-age=31536000, immutable"
    );

    let css = fetch(&base, &format!("/{CSS}"), Some("gzip"));
    assert_eq!(h(&css, "content-encoding"), "gzip");
    assert!(h(&css, "content-type").starts_with("text/css"));
    assert_eq!(
        h(&css, "cache-control"),
        "public, max-age=31536000, immutable"
    );

    let since = h(&wasm, "last-modified");
    let again = fetch_with(&base, &format!("/{WASM}"), Some("br"), Some(&since));
    assert_eq!(again.status, 304);
    assert_eq!(
        h(&again, "cache-control"),
        "public, max-age=31536000, immutable",
        "a revalidation keeps the year"
    );

    let plain = fetch(&base, &format!("/{WASM}"), None);
    assert_eq!(h(&plain, "content-encoding"), "");
    assert_eq!(plain.body.len(), 4096 + 8);

    for path in ["/", "/index.html", "/handovers/h-1"] {
        let index = fetch(&base, path, Some("br"));
        assert_eq!(index.status, 200, "{path}");
        assert_eq!(h(&index, "cache-control"), "no-cache", "{path}");
        assert_eq!(h(&index, "content-encoding"), "br", "{path}");
    }
    let js = fetch(&base, "/app.js", Some("br"));
    assert_eq!(h(&js, "cache-control"), "no-cache");

    // A hashed name that does not exist gets the index page, which must not be kept a year.
    let missing = fetch(&base, "/app-fedcba9876543210.css", None);
    assert!(h(&missing, "content-type").starts_with("text/html"));
    assert_eq!(h(&missing, "cache-control"), "no-cache");

    let pre = fetch(&base, "/pre.js", Some("gzip"));
    assert_eq!(h(&pre, "content-encoding"), "gzip");
    assert_eq!(pre.body, b"precompressed gzip");
}
