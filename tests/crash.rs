//! End-to-end crash safety (issue 14): the reference backend keeps its ledger in SQLite, is
//! killed with SIGKILL while the browser's run is sending batches, and is started again on the
//! same address and database. The browser's run finishes by itself (it retries), and the
//! database shows every item sent exactly once: nothing acknowledged lost, nothing applied twice,
//! the audit chain intact.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use support::flows::create;
use support::runs::count;
use support::webdriver::Browser;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/debug/handover-backend")
}

/// The backend on `addr` with its ledger in `db`, slow enough that a run takes a few seconds.
fn backend(addr: &str, db: &str) -> Child {
    let mut child = Command::new(bin())
        .args(["--addr", addr, "--database", db, "--dist"])
        .arg(support::dist_dir())
        .args(["--items-per-batch", "10", "--latency-ms", "300"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the backend (cargo build -p handover-backend)");
    let mut line = String::new();
    if let Some(out) = child.stdout.take() {
        let _ = BufReader::new(out).read_line(&mut line);
    }
    assert!(line.contains("listening on http://"), "{line:?}");
    child
}

/// Rows of the ledger, read with Python's sqlite3 (no SQLite client needed on the machine).
fn query(db: &Path, sql: &str) -> String {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); \
             print('\\n'.join('|'.join(map(str,r)) for r in c.execute(sys.argv[2])))",
        ])
        .arg(db)
        .arg(sql)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn a_backend_killed_mid_run_loses_nothing_and_the_run_finishes_by_itself() {
    let dir = std::env::temp_dir().join(format!("hoc-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("ledger.db");
    let db = format!("sqlite://{}", file.display());
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let addr = format!("127.0.0.1:{port}");
    let mut first = backend(&addr, &db);

    let b = Browser::launch("zh-CN,zh");
    b.goto(&format!("http://{addr}/"));
    create(&b, "d004", true);
    b.click(&b.by_role("button", "开始执行"));
    b.wait_until("some batches acknowledged", |b| {
        let n = count(b, "submitted");
        n != usize::MAX && n >= 30
    });
    // SIGKILL: no shutdown, no flush beyond what was committed before each answer.
    first.kill().expect("SIGKILL");
    let _ = first.wait();
    assert!(count(&b, "remaining") > 0, "killed mid-run");
    let mut second = backend(&addr, &db);

    b.wait_text("全部已提交并被接受");
    let total = count(&b, "submitted");
    assert_eq!(count(&b, "remaining"), 0);

    // In the database: each planned item once, each with an answer (0 lost); every batch's
    // items together are exactly the items (0 applied twice).
    let handovers = query(&file, "SELECT id FROM handovers");
    let id = handovers.lines().next().expect("the handover").to_string();
    let items = query(
        &file,
        &format!(
            "SELECT COUNT(*), COUNT(DISTINCT kind || ':' || item_id), COUNT(result) \
             FROM handover_items WHERE handover_id = '{id}'"
        ),
    );
    assert_eq!(
        items,
        format!("{total}|{total}|{total}"),
        "items, distinct, answered"
    );
    let sent = query(
        &file,
        &format!(
            "SELECT SUM(json_array_length(COALESCE(json_extract(request_json, '$.customer_ids'), '[]')) \
             + json_array_length(COALESCE(json_extract(request_json, '$.group_ids'), '[]'))), \
             COUNT(*), COUNT(DISTINCT seq) FROM batches WHERE handover_id = '{id}'"
        ),
    );
    let parts: Vec<&str> = sent.split('|').collect();
    assert_eq!(
        parts.first().copied(),
        Some(total.to_string().as_str()),
        "{sent}"
    );
    assert_eq!(parts.get(1), parts.get(2), "one row per seq: {sent}");

    second.kill().expect("stop");
    let _ = second.wait();
    let verify = Command::new(bin())
        .args(["--database", &db, "audit", "verify"])
        .output()
        .expect("audit verify");
    assert!(
        verify.status.success(),
        "the audit chain survives the crash: {}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
    // Only the requests the crash cut off may have failed.
    let errors: Vec<String> = b
        .console_errors()
        .into_iter()
        .filter(|e| {
            ![
                "ERR_CONNECTION_REFUSED",
                "ERR_CONNECTION_RESET",
                "ERR_EMPTY_RESPONSE",
                "ERR_SOCKET_NOT_CONNECTED",
                "ERR_CONNECTION_CLOSED",
                "ERR_CONNECTION_ABORTED",
            ]
            .iter()
            .any(|cut| e.contains(cut))
        })
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let _ = std::fs::remove_dir_all(&dir);
}
