#![allow(clippy::result_large_err)]
//! Records that survive: restarts, SIGKILL in the middle of a run, two instances on one
//! PostgreSQL database, the audit chain (`audit verify` after a row is edited), backups and
//! health. Each check reads the database itself, not only the API.

mod drivers;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use drivers::{agent, start_backend, Contract, Http, TempDb};
use handover_backend::Config;
use handover_console::api::types::*;
use sqlx::Row;

const BIN: &str = env!("CARGO_BIN_EXE_handover-backend");
const ME: &str = "admin-1";
const BIG: &str = "d005";

struct Running {
    child: Child,
    base: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn command() -> Command {
    let mut c = Command::new(BIN);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("HANDOVER_") {
            c.env_remove(k);
        }
    }
    c.env("RUST_LOG", "warn");
    c
}

/// The binary on a free port with its ledger at `database`.
fn run(database: &str) -> Running {
    let mut child = command()
        .args(["--addr", "127.0.0.1:0", "--database", database])
        .args(["--takeover-delay-ms", "60000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn the backend");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let base = line
        .trim_end()
        .strip_prefix("handover-backend listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    Running { child, base }
}

fn cli(args: &[&str]) -> (i32, String) {
    let out = command().args(args).output().expect("run the binary");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// Runs `sql` (no parameters) against `url` and answers the first column of each row as text.
fn sql(url: &str, statement: &str) -> Vec<String> {
    let url = url.to_string();
    let statement = statement.to_string();
    block_on(async move {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.expect("connect");
        let rows = sqlx::query(&statement)
            .fetch_all(&pool)
            .await
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
        pool.close().await;
        rows.iter()
            .map(|r| {
                r.try_get::<String, _>(0)
                    .or_else(|_| r.try_get::<i64, _>(0).map(|n| n.to_string()))
                    .unwrap_or_default()
            })
            .collect()
    })
}

/// A verified handover of `n` transferable customers of the big departed member to a roomy
/// successor, created through `c`; its id and batches of 100.
fn big_handover(c: &mut dyn Contract, id: &str, n: usize) -> (String, Vec<NewBatch>) {
    let mut ids = Vec::new();
    let mut cursor = None;
    while ids.len() < n {
        let page = c
            .customers(
                ME,
                BIG,
                &PageQuery {
                    cursor: cursor.take(),
                    limit: None,
                },
            )
            .unwrap();
        ids.extend(
            page.items
                .into_iter()
                .filter(|x| x.transferable && !x.important)
                .map(|x| x.id),
        );
        cursor = page.next_cursor;
    }
    ids.truncate(n);
    let succ = c
        .members(
            ME,
            &MembersQuery {
                for_departed: Some(BIG.into()),
                limit: Some(200),
                ..Default::default()
            },
        )
        .unwrap()
        .items
        .into_iter()
        .filter(|m| m.eligible == Some(true))
        .max_by_key(|m| m.customer_limit - m.customer_count)
        .expect("a roomy successor")
        .id;
    let token = c
        .verify(
            ME,
            &VerificationRequest {
                method: VerificationMethod::SmsCode,
                code: "246810".into(),
            },
        )
        .unwrap()
        .token;
    let req = NewHandover {
        id: id.into(),
        departed_member: BIG.into(),
        assignments: vec![Assignment {
            successor: succ.clone(),
            customer_ids: ids.clone(),
            group_ids: vec![],
        }],
        chat_history: ChatHistory {
            scope: ChatScope::None,
            days: None,
        },
        note: None,
        verification_token: Some(token),
    };
    let (h, _) = c.create(ME, &req).unwrap();
    let batches = ids
        .chunks(100)
        .enumerate()
        .map(|(k, chunk)| NewBatch {
            seq: k as u32 + 1,
            successor: succ.clone(),
            customer_ids: chunk.to_vec(),
            group_ids: vec![],
        })
        .collect();
    (h.id, batches)
}

/// Every item of `handover` is accepted exactly once across every stored batch result, and
/// the item rows agree: 0 duplicate, 0 lost.
fn assert_each_item_accepted_once(url: &str, handover: &str, items: usize) {
    let results = sql(
        url,
        &format!("SELECT result_json FROM batches WHERE handover_id = '{handover}'"),
    );
    let mut accepted: HashMap<String, usize> = HashMap::new();
    for r in &results {
        let v: serde_json::Value = serde_json::from_str(r).unwrap();
        for o in v["outcomes"].as_array().unwrap() {
            if o["result"] == "accepted" {
                *accepted
                    .entry(o["id"].as_str().unwrap().to_string())
                    .or_default() += 1;
            }
        }
    }
    assert_eq!(accepted.len(), items, "every item accepted (0 lost)");
    assert!(
        accepted.values().all(|&n| n == 1),
        "no item accepted twice (0 duplicate)"
    );
    let rows = sql(
        url,
        &format!(
            "SELECT COUNT(*) FROM handover_items WHERE handover_id = '{handover}' \
             AND result = 'accepted'"
        ),
    );
    assert_eq!(rows, vec![items.to_string()]);
}

#[test]
fn records_and_the_audit_chain_survive_a_restart() {
    let db = TempDb::new("restart");
    let (id, batches, first) = {
        let b = run(&db.url());
        let mut c = Http::at(&b.base);
        let (id, batches) = big_handover(&mut c, "h-restart", 200);
        let first = c.batch(ME, &id, &batches[0]).unwrap();
        (id, batches, first)
    };
    let b = run(&db.url());
    let mut c = Http::at(&b.base);
    let h = c.handover(ME, &id).unwrap();
    assert_eq!((h.counts.waiting, h.counts.unsent), (100, 100));
    assert_eq!(
        c.batch(ME, &id, &batches[0]).unwrap(),
        first,
        "a replay after the restart answers the stored result"
    );
    let clash = NewBatch {
        customer_ids: batches[1].customer_ids.clone(),
        ..batches[0].clone()
    };
    let p = c.batch(ME, &id, &clash).unwrap_err();
    assert_eq!((p.status, p.code.as_str()), (409, "seq_conflict"));
    // The same id again answers the existing handover.
    let (status, v) = c.raw(
        ME,
        "POST",
        "/handovers",
        None,
        Some(serde_json::json!({
            "id": id, "departed_member": BIG,
            "assignments": [{"successor": batches[0].successor,
                             "customer_ids": batches.iter().flat_map(|b| b.customer_ids.clone()).collect::<Vec<_>>(),
                             "group_ids": []}],
            "chat_history": {"scope": "none"}
        })),
    );
    assert_eq!((status, v["id"].as_str()), (200, Some(id.as_str())));
    let (status, v) = c.raw(ME, "GET", &format!("/handovers/{id}/events"), None, None);
    assert_eq!(status, 200);
    let events = v["items"].as_array().unwrap();
    assert_eq!(events.len(), 3, "created, verified, batch_submitted: {v}");
    assert_eq!(events[0]["prev_hash"], "0".repeat(64));
    for w in events.windows(2) {
        assert_eq!(w[1]["prev_hash"], w[0]["hash"], "a chain: {v}");
    }
    let stored = sql(
        &db.url(),
        &format!("SELECT hash FROM audit_events WHERE handover_id = '{id}' ORDER BY n"),
    );
    let served: Vec<String> = events
        .iter()
        .map(|e| e["hash"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(served, stored, "the API serves the stored chain");
    let journal = sql(&db.url(), "PRAGMA journal_mode");
    assert_eq!(journal, vec!["wal".to_string()]);
}

/// The backend is killed with SIGKILL while batches are being accepted; after a restart the
/// client sends everything again (as the app's run does): what was acknowledged before the
/// kill is answered the same, and in the database every item is accepted exactly once.
#[test]
fn sigkill_mid_run_loses_nothing_and_applies_nothing_twice() {
    let db = TempDb::new("sigkill");
    let mut b = run(&db.url());
    let mut c = Http::at(&b.base);
    // At most 1000 customers: larger handovers await approval.
    let (id, batches) = big_handover(&mut c, "h-sigkill", 1000);
    let acked: Arc<Mutex<HashMap<u32, BatchResult>>> = Arc::default();
    let sender = {
        let (base, id, batches, acked) =
            (b.base.clone(), id.clone(), batches.clone(), acked.clone());
        std::thread::spawn(move || {
            let url = format!("{base}/api/handovers/{id}/batches");
            let agent = agent();
            for batch in &batches {
                let r = agent
                    .post(&url)
                    .header("Authorization", "Bearer admin-token")
                    .send_json(batch);
                match r {
                    Ok(mut r) if r.status() == 200 => {
                        let result: BatchResult = r.body_mut().read_json().unwrap();
                        acked.lock().unwrap().insert(batch.seq, result);
                    }
                    _ => return, // the backend is gone
                }
            }
        })
    };
    let start = std::time::Instant::now();
    while acked.lock().unwrap().len() < 4 {
        assert!(
            !sender.is_finished() && start.elapsed() < Duration::from_secs(60),
            "the run stopped before the kill"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    b.child.kill().expect("SIGKILL"); // std's kill is SIGKILL on Unix
    b.child.wait().unwrap();
    sender.join().unwrap();
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 4 && acked.len() < batches.len(),
        "killed mid-run"
    );

    let b = run(&db.url());
    let mut c = Http::at(&b.base);
    for batch in &batches {
        let r = c.batch(ME, &id, batch).unwrap();
        if let Some(before) = acked.get(&batch.seq) {
            assert_eq!(&r, before, "acknowledged batch {} kept", batch.seq);
        }
    }
    let h = c.handover(ME, &id).unwrap();
    assert_eq!(h.counts.waiting, 1000);
    assert_each_item_accepted_once(&db.url(), &id, 1000);
    let (code, out) = cli(&["audit", "verify", "--database", &db.url()]);
    assert_eq!(code, 0, "{out}");
}

/// Two backends on one PostgreSQL database; 50 concurrent duplicate posts of the same batches
/// through both: each item accepted exactly once, every answer for a seq the same.
#[test]
fn two_instances_on_postgres_accept_each_item_once() {
    let url = drivers::pg::server().new_database();
    let config = || Config {
        takeover_delay_ms: 60_000,
        database: url.clone(),
        ..Config::default()
    };
    let bases = [start_backend(config()), start_backend(config())];
    // Verified on one instance, created on the other: tokens are shared records too.
    let (id, batches) = big_handover(&mut Http::at(&bases[1]), "h-two", 500);
    let answers: Arc<Mutex<HashMap<u32, Vec<BatchResult>>>> = Arc::default();
    let threads: Vec<_> = (0..50)
        .map(|i| {
            let base = bases[i % 2].clone();
            let batch = batches[i % batches.len()].clone();
            let (id, answers) = (id.clone(), answers.clone());
            std::thread::spawn(move || {
                let r = Http::at(&base)
                    .batch(ME, &id, &batch)
                    .unwrap_or_else(|p| panic!("batch {}: {p:?}", batch.seq));
                answers
                    .lock()
                    .unwrap()
                    .entry(batch.seq)
                    .or_default()
                    .push(r);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let answers = answers.lock().unwrap();
    assert_eq!(answers.len(), batches.len());
    for (seq, rs) in answers.iter() {
        assert_eq!(rs.len(), 10);
        assert!(rs.windows(2).all(|w| w[0] == w[1]), "seq {seq}: one answer");
    }
    assert_each_item_accepted_once(&url, &id, 500);
    assert_eq!(
        sql(&url, "SELECT COUNT(*) FROM batches"),
        vec![batches.len().to_string()]
    );
    for base in &bases {
        let h = Http::at(base).handover(ME, &id).unwrap();
        assert_eq!(h.counts.waiting, 500, "{base} sees every acceptance");
    }
    let (code, out) = cli(&["audit", "verify", "--database", &url]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn audit_verify_names_an_edited_event_and_backup_copies_the_ledger() {
    let db = TempDb::new("audit");
    let b = run(&db.url());
    let mut c = Http::at(&b.base);
    let (one, batches) = big_handover(&mut c, "h-audit-1", 100);
    c.batch(ME, &one, &batches[0]).unwrap();
    let (two, _) = big_handover(&mut c, "h-audit-2", 100);
    let (code, out) = cli(&["audit", "verify", "--database", &db.url()]);
    assert_eq!(
        (code, out.trim()),
        (0, "audit chain intact: 2 handover(s), 5 event(s)")
    );

    // An online backup while the backend runs: a complete, separate ledger.
    let copy = TempDb::new("backup");
    let (code, out) = cli(&[
        "backup",
        "--database",
        &db.url(),
        "--to",
        copy.0.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    let (code, _) = cli(&[
        "backup",
        "--database",
        &db.url(),
        "--to",
        copy.0.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "never overwrites");
    assert_eq!(
        sql(&copy.url(), "SELECT COUNT(*) FROM audit_events"),
        vec!["5".to_string()]
    );

    sql(
        &db.url(),
        &format!(
            "UPDATE audit_events SET detail = 'batch 1: 0 accepted' \
             WHERE handover_id = '{one}' AND n = 2"
        ),
    );
    let (code, out) = cli(&["audit", "verify", "--database", &db.url()]);
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!("handover {one}")) && out.contains("event 2 (batch_submitted)"),
        "{out}"
    );
    let (code, out) = cli(&[
        "audit",
        "verify",
        "--handover",
        &two,
        "--database",
        &db.url(),
    ]);
    assert_eq!(code, 0, "untouched chains verify: {out}");
    sql(
        &db.url(),
        &format!("DELETE FROM audit_events WHERE handover_id = '{two}' AND n = 1"),
    );
    let (code, out) = cli(&[
        "audit",
        "verify",
        "--handover",
        &two,
        "--database",
        &db.url(),
    ]);
    assert_eq!(code, 1);
    assert!(
        out.contains("event 1"),
        "a deleted row breaks the chain: {out}"
    );
    // The backup still verifies.
    let (code, out) = cli(&["audit", "verify", "--database", &copy.url()]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn health_and_liveness() {
    let db = TempDb::new("health");
    let b = run(&db.url());
    for path in ["/healthz", "/api/healthz"] {
        let mut r = agent().get(&format!("{}{path}", b.base)).call().unwrap();
        assert_eq!(r.status(), 200);
        let v: serde_json::Value = r.body_mut().read_json().unwrap();
        assert_eq!(v, serde_json::json!({"status": "ok", "database": "sqlite"}));
    }
    for path in ["/livez", "/api/livez"] {
        let r = agent().get(&format!("{}{path}", b.base)).call().unwrap();
        assert_eq!(r.status(), 200);
    }
    // A database that cannot be opened stops start-up with a message, before "listening".
    let out = command()
        .args([
            "--addr",
            "127.0.0.1:0",
            "--database",
            "sqlite:///nonexistent-dir/x.db",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open the database"));
}
