//! The reference backend as a separate process serving the built app, on a free port, behind
//! the contract proxy (`tools/contract-proxy.mjs`): every request the browser or a test sends,
//! and every answer, is checked against openapi.yaml, and a violation fails the test when the
//! `BackendProcess` is dropped (or at `assert_contract`), listing what did not match.
//!
//! Requests carrying `X-Fault` are not checked (their answers break the contract on purpose).
//! Fault flags (`--error-rate`, `--burst-429`, `--latency-ms`) are: their 429 and 503 answers
//! are the contract's. `HOC_CONTRACT_PROXY=off` talks to the backend directly (benchmarks).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Which build of the backend runs.
#[derive(Clone, Copy)]
enum Profile {
    Debug,
    Release,
}

pub struct BackendProcess {
    /// Where the browser and `get` go: the contract proxy, or the backend without it.
    pub base_url: String,
    /// The backend itself, bypassing the proxy.
    pub backend_url: String,
    child: Child,
    proxy: Option<ContractProxy>,
}

struct ContractProxy {
    child: Child,
    violations: PathBuf,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Starts `command`, waits for its first stdout line, and answers the URL at its end.
fn start_and_read_url(mut command: Command, what: &str) -> (Child, String) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("start {what}: {e}"));
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap_or_else(|e| panic!("{what} prints its address: {e}"));
    let url = line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_string();
    if !url.starts_with("http://") {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{what} did not print `… listening on http://ADDR` but {line:?}");
    }
    (child, url)
}

fn proxy_enabled() -> bool {
    !matches!(
        std::env::var("HOC_CONTRACT_PROXY").as_deref(),
        Ok("off" | "0" | "false")
    )
}

impl ContractProxy {
    fn start(upstream: &str) -> (ContractProxy, String) {
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let dir = root().join("target/contract-proxy");
        std::fs::create_dir_all(&dir).expect("create target/contract-proxy");
        let violations = dir.join(format!(
            "{}-{}.jsonl",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_file(&violations);
        let mut command = Command::new("node");
        command
            .arg(root().join("tools/contract-proxy.mjs"))
            .arg("--spec")
            .arg(root().join("openapi.yaml"))
            .args(["--upstream", upstream, "--violations"])
            .arg(&violations);
        let (child, url) = start_and_read_url(
            command,
            "the contract proxy (node tools/contract-proxy.mjs; `make setup` installs Node.js \
             and its npm packages; HOC_CONTRACT_PROXY=off skips it)",
        );
        (ContractProxy { child, violations }, url)
    }

    /// The violations recorded so far, one line each.
    fn violations(&self) -> Vec<String> {
        std::fs::read_to_string(&self.violations)
            .map(|s| s.lines().map(str::to_string).collect())
            .unwrap_or_default()
    }
}

impl BackendProcess {
    /// Starts `target/debug/handover-backend` (built by `make test-e2e`) with extra flags,
    /// behind the contract proxy.
    pub fn start(extra: &[&str]) -> BackendProcess {
        BackendProcess::start_serving(&super::dist_dir(), extra)
    }

    /// Like `start`, serving the site in `dist` (e.g. a build plus example pages,
    /// `support::site`) instead of `dist/`.
    pub fn start_serving(dist: &Path, extra: &[&str]) -> BackendProcess {
        BackendProcess::spawn(Profile::Debug, dist, extra, &[])
    }

    /// Like `start`, with variables added to the backend's environment (the WeCom credentials
    /// of `--source wecom`, which it takes from there only).
    pub fn start_with_env(extra: &[&str], env: &[(&str, &str)]) -> BackendProcess {
        BackendProcess::spawn(Profile::Debug, &super::dist_dir(), extra, env)
    }

    /// `start_serving` and `start_with_env` together.
    pub fn start_serving_with_env(
        dist: &Path,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> BackendProcess {
        BackendProcess::spawn(Profile::Debug, dist, extra, env)
    }

    /// Like `start`, with `target/release/handover-backend` (benchmarks: a debug build's own
    /// time per request would be measured instead of the client's).
    pub fn start_release(extra: &[&str]) -> BackendProcess {
        BackendProcess::spawn(Profile::Release, &super::dist_dir(), extra, &[])
    }

    fn spawn(
        profile: Profile,
        dist: &Path,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> BackendProcess {
        let (bin, build) = match profile {
            Profile::Debug => (
                "target/debug/handover-backend",
                "cargo build -p handover-backend",
            ),
            Profile::Release => (
                "target/release/handover-backend",
                "cargo build --release -p handover-backend",
            ),
        };
        let bin = root().join(bin);
        assert!(bin.is_file(), "build the backend first: {build}");
        let mut command = Command::new(bin);
        command
            .args(["--addr", "127.0.0.1:0", "--dist"])
            .arg(dist)
            .args(extra)
            .envs(env.iter().copied())
            // A request log per request would drown the test output; warnings still show.
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()),
            );
        let (child, backend_url) = start_and_read_url(command, "the backend");
        let mut backend = BackendProcess {
            base_url: backend_url.clone(),
            backend_url,
            child,
            proxy: None,
        };
        if proxy_enabled() {
            let (proxy, url) = ContractProxy::start(&backend.backend_url);
            backend.base_url = url;
            backend.proxy = Some(proxy);
        }
        backend
    }

    /// GET an API path as the default admin; the JSON answer.
    pub fn get(&self, path: &str) -> serde_json::Value {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        agent
            .get(&format!("{}/api{path}", self.base_url))
            .header("Authorization", "Bearer admin-token")
            .call()
            .expect("api answer")
            .body_mut()
            .read_json()
            .expect("json")
    }

    /// Ends the `--fault-401-after` 401s, as signing in again would.
    pub fn reauth(&self) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let answer = agent
            .post(&format!("{}/api/__test/reauth", self.backend_url))
            .send_empty()
            .expect("reauth");
        assert_eq!(answer.status(), 204, "reauth");
    }

    /// What the contract proxy found so far that does not match openapi.yaml.
    pub fn contract_violations(&self) -> Vec<String> {
        self.proxy
            .as_ref()
            .map(ContractProxy::violations)
            .unwrap_or_default()
    }

    /// Panics with every request or answer so far that does not match openapi.yaml.
    pub fn assert_contract(&self) {
        let found = self.contract_violations();
        assert!(found.is_empty(), "{}", violation_report(&found));
    }
}

fn violation_report(found: &[String]) -> String {
    format!(
        "{} request(s) or answer(s) did not match openapi.yaml (contract proxy):\n  {}",
        found.len(),
        found.join("\n  ")
    )
}

impl Drop for BackendProcess {
    fn drop(&mut self) {
        let found = self.contract_violations();
        if let Some(p) = &mut self.proxy {
            let _ = p.child.kill();
            let _ = p.child.wait();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !found.is_empty() {
            if std::thread::panicking() {
                eprintln!("{}", violation_report(&found));
            } else {
                panic!("{}", violation_report(&found));
            }
        }
    }
}
