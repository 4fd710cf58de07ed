//! The reference backend as a separate process serving the built app, on a free port.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub struct BackendProcess {
    pub base_url: String,
    child: Child,
}

impl BackendProcess {
    /// Starts `target/debug/handover-backend` (built by `make test-e2e`) with extra flags.
    pub fn start(extra: &[&str]) -> BackendProcess {
        let bin =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/debug/handover-backend");
        assert!(
            bin.is_file(),
            "build the backend first: cargo build -p handover-backend"
        );
        let mut child = Command::new(bin)
            .args(["--addr", "127.0.0.1:0", "--dist"])
            .arg(super::dist_dir())
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the backend");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("backend prints its address");
        let base_url = line
            .trim()
            .rsplit(' ')
            .next()
            .unwrap_or_default()
            .to_string();
        assert!(base_url.starts_with("http://"), "unexpected: {line}");
        BackendProcess { base_url, child }
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
}

impl Drop for BackendProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
