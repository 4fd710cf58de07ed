#![allow(clippy::result_large_err)]
//! `--source wecom` end to end over the WeCom simulator (seeded with the demo company): WeCom's
//! manners during a run (token expiry, a rate-limit burst, an outage), permission tiers and
//! TOTP from the permissions file, and the logs never carrying the secret or a customer name.

mod drivers;
mod wecom_driver;
mod wecom_sim;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use drivers::{Contract, TAKEOVER_MS};
use handover_console::api::types::*;
use wecom_driver::{demo_sim, permissions_toml, totp_code, TempFile, Wecom};

const ME: &str = "admin-1";
const LIMITED: &str = "admin-3";
/// The demo's departed member with 20 000 customers (src/demo/seed.rs).
const BIG: &str = "d005";

fn verified(c: &mut Wecom, who: &str) -> String {
    c.verify(
        who,
        &VerificationRequest {
            method: VerificationMethod::Totp,
            code: totp_code(who),
        },
    )
    .expect("verification")
    .token
}

/// An eligible successor of `departed`.
fn successor(c: &mut Wecom, departed: &str) -> String {
    c.members(
        ME,
        &MembersQuery {
            for_departed: Some(departed.into()),
            limit: Some(200),
            ..Default::default()
        },
    )
    .expect("members")
    .items
    .into_iter()
    .find(|m| m.eligible == Some(true))
    .expect("an eligible successor")
    .id
}

/// A ready handover of `n` ordinary customers of `departed` to one successor.
fn handover(c: &mut Wecom, id: &str, departed: &str, n: usize) -> (String, Vec<String>) {
    let succ = successor(c, departed);
    let ids: Vec<String> = c
        .customers(
            ME,
            departed,
            &PageQuery {
                cursor: None,
                limit: Some(1000),
            },
        )
        .expect("customers")
        .items
        .into_iter()
        .filter(|x| !x.important && x.transferable)
        .take(n)
        .map(|x| x.id)
        .collect();
    let t = verified(c, ME);
    let (h, _) = c
        .create(
            ME,
            &NewHandover {
                id: id.into(),
                departed_member: departed.into(),
                assignments: vec![Assignment {
                    successor: succ.clone(),
                    customer_ids: ids.clone(),
                    group_ids: vec![],
                }],
                chat_history: ChatHistory {
                    scope: ChatScope::Recent,
                    days: Some(30),
                },
                note: None,
                verification_token: Some(t),
            },
        )
        .expect("created");
    assert_eq!(h.state, HandoverState::Ready);
    (succ, ids)
}

fn batch(seq: u32, succ: &str, ids: &[String]) -> NewBatch {
    NewBatch {
        seq,
        successor: succ.into(),
        customer_ids: ids.to_vec(),
        group_ids: vec![],
    }
}

fn all_accepted(r: &BatchResult) -> bool {
    r.outcomes
        .iter()
        .all(|o| matches!(o, ItemOutcome::Accepted { .. }))
}

/// How many transfer calls the simulator started per customer of `ids`.
fn transfers_per_customer(c: &Wecom, ids: &[String]) -> HashMap<String, usize> {
    let sim = c.sim.sim();
    let mut n: HashMap<String, usize> = ids.iter().map(|i| (i.clone(), 0)).collect();
    for t in &sim.transfers {
        if let Some(k) = n.get_mut(&t.external_userid) {
            *k += 1;
        }
    }
    n
}

#[test]
fn token_expiry_mid_run_refreshes_once_and_fails_no_item() {
    let mut c = Wecom::new();
    let (succ, ids) = handover(&mut c, "h-expiry", BIG, 300);
    assert!(all_accepted(
        &c.batch(ME, "h-expiry", &batch(1, &succ, &ids[..100]))
            .unwrap()
    ));
    let issued = {
        let mut sim = c.sim.sim();
        sim.expire_tokens();
        sim.tokens_issued
    };
    for (k, chunk) in ids[100..].chunks(100).enumerate() {
        let r = c
            .batch(ME, "h-expiry", &batch(2 + k as u32, &succ, chunk))
            .unwrap();
        assert!(all_accepted(&r), "{r:?}");
    }
    let sim = c.sim.sim();
    assert_eq!(sim.tokens_issued, issued + 1, "exactly one refresh");
    assert!(sim.log.iter().any(|(_, code)| *code == 42001));
    drop(sim);
    let h = c.handover(ME, "h-expiry").unwrap();
    assert_eq!((h.counts.unsent, h.counts.failed), (0, 0));
}

#[test]
fn a_rate_limit_burst_slows_the_run_which_completes() {
    let mut c = Wecom::new();
    let (succ, ids) = handover(&mut c, "h-burst", BIG, 300);
    c.sim.sim().faults.queued = vec![45009; 6];
    let started = Instant::now();
    for (k, chunk) in ids.chunks(100).enumerate() {
        let r = c
            .batch(ME, "h-burst", &batch(1 + k as u32, &succ, chunk))
            .unwrap();
        assert!(all_accepted(&r), "{r:?}");
    }
    // 20 + 40 + 80 + 160 + 200 + 200 ms of backoff at least.
    assert!(started.elapsed() >= Duration::from_millis(700));
    let limited = c
        .sim
        .sim()
        .log
        .iter()
        .filter(|(_, code)| *code == 45009)
        .count();
    assert_eq!(limited, 6);
    assert!(transfers_per_customer(&c, &ids).values().all(|&n| n == 1));
    assert_eq!(c.handover(ME, "h-burst").unwrap().counts.failed, 0);
}

#[test]
fn an_outage_pauses_the_run_then_it_completes_with_nothing_lost_or_doubled() {
    let mut c = Wecom::new();
    let (succ, ids) = handover(&mut c, "h-outage", BIG, 300);
    let b1 = batch(1, &succ, &ids[..100]);
    assert!(all_accepted(&c.batch(ME, "h-outage", &b1).unwrap()));
    c.sim.sim().faults.outage = true;
    let b2 = batch(2, &succ, &ids[100..200]);
    let p = c.batch(ME, "h-outage", &b2).unwrap_err();
    assert_eq!((p.status, p.code.as_str()), (503, "wecom_unavailable"));
    // Outcome polling is paused too: past the takeover time, batch 1 still waits.
    std::thread::sleep(Duration::from_millis(TAKEOVER_MS as u64 + 300));
    let h = c.handover(ME, "h-outage").unwrap();
    assert_eq!((h.counts.waiting, h.counts.unsent), (100, 200));
    c.sim.sim().faults.outage = false;
    assert!(all_accepted(&c.batch(ME, "h-outage", &b2).unwrap()));
    assert_eq!(
        c.batch(ME, "h-outage", &b2).unwrap(),
        c.batch(ME, "h-outage", &b2).unwrap(),
        "a retry answers the stored result"
    );
    assert!(all_accepted(
        &c.batch(ME, "h-outage", &batch(3, &succ, &ids[200..]))
            .unwrap()
    ));
    c.advance(TAKEOVER_MS + 300);
    let per = transfers_per_customer(&c, &ids);
    assert_eq!(per.values().filter(|&&n| n == 0).count(), 0, "none lost");
    assert_eq!(per.values().filter(|&&n| n > 1).count(), 0, "none doubled");
    let h = c.handover(ME, "h-outage").unwrap();
    assert_eq!(h.state, HandoverState::Completed);
    assert_eq!(
        (h.counts.unsent, h.counts.waiting, h.counts.failed),
        (0, 0, 0)
    );
    assert_eq!(h.counts.taken_over + h.counts.refused, 300);
    assert!(
        h.counts.refused > 0,
        "the simulator's refusals came through"
    );
}

#[test]
fn permission_tiers_from_the_file() {
    let mut c = Wecom::new();
    let mine = ["1", "2"];
    let depts = c.departments(LIMITED).unwrap();
    assert!(!depts.is_empty() && depts.iter().all(|d| mine.contains(&d.id.as_str())));
    assert!(c.departments(ME).unwrap().len() > depts.len());
    let q = DepartedQuery {
        limit: Some(200),
        only_pending: Some(false),
        ..Default::default()
    };
    let seen = c.departed(LIMITED, &q).unwrap().items;
    assert!(seen
        .iter()
        .all(|m| mine.contains(&m.department.id.as_str())));
    // Successors too come from the admin's own departments only.
    let all = MembersQuery {
        limit: Some(200),
        ..Default::default()
    };
    let successors = c.members(LIMITED, &all).unwrap().items;
    assert!(!successors.is_empty());
    assert!(successors
        .iter()
        .all(|m| mine.contains(&m.department.id.as_str())));
    assert!(c.members(ME, &all).unwrap().items.len() > successors.len());
    let other = c
        .departed(ME, &q)
        .unwrap()
        .items
        .into_iter()
        .find(|m| !mine.contains(&m.department.id.as_str()) && m.pending_customers > 0)
        .expect("a departed member of a third department");
    let p = c
        .customers(LIMITED, &other.id, &PageQuery::default())
        .unwrap_err();
    assert_eq!((p.status, p.code.as_str()), (403, "forbidden"));
    let ids: Vec<String> = c
        .customers(ME, &other.id, &PageQuery::default())
        .unwrap()
        .items
        .into_iter()
        .filter(|x| !x.important)
        .take(2)
        .map(|x| x.id)
        .collect();
    let succ = successor(&mut c, &other.id);
    let t = verified(&mut c, LIMITED);
    let req = NewHandover {
        id: "h-third".into(),
        departed_member: other.id.clone(),
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
        verification_token: Some(t),
    };
    let p = c.create(LIMITED, &req).unwrap_err();
    assert_eq!((p.status, p.code.as_str()), (403, "forbidden"));
    // Someone allowed creates it; the limited admin neither sees it nor runs a batch of it.
    let t = verified(&mut c, ME);
    c.create(
        ME,
        &NewHandover {
            verification_token: Some(t),
            ..req
        },
    )
    .unwrap();
    let theirs = c.handovers(LIMITED, &HandoversQuery::default()).unwrap();
    assert!(theirs.items.iter().all(|h| h.id != "h-third"));
    assert_eq!(c.handover(LIMITED, "h-third").unwrap_err().status, 403);
    assert_eq!(
        c.items(LIMITED, "h-third", &ItemsQuery::default())
            .unwrap_err()
            .status,
        403
    );
    let p = c
        .batch(LIMITED, "h-third", &batch(1, &succ, &ids))
        .unwrap_err();
    assert_eq!(p.status, 403);
    assert!(c.sim.sim().transfers.is_empty(), "nothing reached WeCom");
}

#[test]
fn totp_refuses_a_wrong_code_and_accepts_the_right_one() {
    let mut c = Wecom::new();
    let s = c.session(ME).unwrap();
    assert_eq!(s.verification.methods, vec![VerificationMethod::Totp]);
    assert_eq!(s.verification.demo_code, None);
    assert!(
        !s.features.chat_archive,
        "WeCom's API cannot act on chat history"
    );
    let wrong = if totp_code(ME) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let p = c
        .verify(
            ME,
            &VerificationRequest {
                method: VerificationMethod::Totp,
                code: wrong.into(),
            },
        )
        .unwrap_err();
    assert_eq!(p.status, 422);
    assert_eq!(p.errors[0].code, "wrong_code");
    // Someone else's code is wrong for me too.
    let p = c
        .verify(
            ME,
            &VerificationRequest {
                method: VerificationMethod::Totp,
                code: totp_code("admin-2"),
            },
        )
        .unwrap_err();
    assert_eq!(p.status, 422);
    assert!(!verified(&mut c, ME).is_empty());
    // The chosen chat-history scope is still recorded with the handover.
    let (succ, ids) = handover(&mut c, "h-scope", BIG, 1);
    let h = c.handover(ME, "h-scope").unwrap();
    assert_eq!(h.chat_history.scope, ChatScope::Recent);
    assert!(c.batch(ME, "h-scope", &batch(1, &succ, &ids)).is_ok());
}

#[test]
fn the_logs_carry_neither_the_secret_nor_a_customer_name() {
    let sim = wecom_sim::serve(demo_sim(TAKEOVER_MS));
    let perms = TempFile::new("permissions.toml", &permissions_toml(&["1", "2"]));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_handover-backend"));
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("HANDOVER_") || k.to_string_lossy().starts_with("WECOM_")
        {
            cmd.env_remove(k);
        }
    }
    let mut child = cmd
        .args([
            "--source",
            "wecom",
            "--addr",
            "127.0.0.1:0",
            "--database",
            "memory",
        ])
        .args(["--wecom-base-url", &sim.base, "--wecom-poll-ms", "100"])
        .arg("--permissions")
        .arg(&perms.0)
        .env("WECOM_CORP_ID", wecom_sim::CORP_ID)
        .env("WECOM_SECRET", wecom_sim::SECRET)
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the backend");
    // Drained all along: a full pipe would stall the backend.
    let mut stderr = child.stderr.take().expect("stderr");
    let drain = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let base = line
        .trim_end()
        .strip_prefix("handover-backend listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    let mut c = drivers::Http::at(&base);
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
        .find(|m| m.eligible == Some(true))
        .unwrap()
        .id;
    let ids: Vec<String> = c
        .customers(ME, BIG, &PageQuery::default())
        .unwrap()
        .items
        .into_iter()
        .filter(|x| !x.important)
        .take(50)
        .map(|x| x.id)
        .collect();
    let t = c
        .verify(
            ME,
            &VerificationRequest {
                method: VerificationMethod::Totp,
                code: totp_code(ME),
            },
        )
        .unwrap()
        .token;
    c.create(
        ME,
        &NewHandover {
            id: "h-logs".into(),
            departed_member: BIG.into(),
            assignments: vec![Assignment {
                successor: succ.clone(),
                customer_ids: ids.clone(),
                group_ids: vec![],
            }],
            chat_history: ChatHistory {
                scope: ChatScope::All,
                days: None,
            },
            note: None,
            verification_token: Some(t),
        },
    )
    .unwrap();
    assert!(all_accepted(
        &c.batch(ME, "h-logs", &batch(1, &succ, &ids)).unwrap()
    ));
    sim.sim().expire_tokens();
    c.items(ME, "h-logs", &ItemsQuery::default()).unwrap();
    c.batch(ME, "h-logs", &batch(2, &succ, &ids[..1])).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let logs = drain.join().unwrap_or_default();
    assert!(logs.contains("wecom call"), "the calls are logged: {logs}");
    assert!(!logs.contains(wecom_sim::SECRET), "the secret leaked");
    assert!(!logs.contains("simtok"), "an access token leaked");
    let sim = sim.sim();
    let leaked: Vec<&str> = sim
        .customers
        .values()
        .map(|c| c.name.as_str())
        .filter(|n| logs.contains(n))
        .collect();
    assert!(leaked.is_empty(), "customer names in the logs: {leaked:?}");
}

/// The ledger is the memory WeCom lacks: after a restart the outcomes polled before are still
/// there, and an item already sent is answered from the ledger, never sent again.
#[test]
fn outcomes_and_sent_items_survive_a_restart() {
    let db = drivers::TempDb::new("wecom-restart");
    let url = db.url();
    let mut c = Wecom::with(demo_sim(TAKEOVER_MS), |cfg| handover_backend::Config {
        database: url.clone(),
        ..cfg
    });
    let (succ, ids) = handover(&mut c, "h-restart", BIG, 150);
    let b1 = batch(1, &succ, &ids[..100]);
    let first = c.batch(ME, "h-restart", &b1).unwrap();
    c.advance(TAKEOVER_MS + 300);
    let before = c.handover(ME, "h-restart").unwrap();
    assert_eq!(before.counts.waiting, 0);

    // The same ledger and the same WeCom, a new process's worth of state.
    let mut again = drivers::Http::with_config(handover_backend::Config {
        database: url,
        ..wecom_driver::config(&c.sim, &c.perms)
    });
    let after = again.handover(ME, "h-restart").unwrap();
    assert_eq!(after.counts, before.counts, "outcomes survive the restart");
    assert_eq!(again.batch(ME, "h-restart", &b1).unwrap(), first);
    let r = again
        .batch(ME, "h-restart", &batch(2, &succ, &ids[..1]))
        .unwrap();
    assert!(matches!(
        r.outcomes[0],
        ItemOutcome::Rejected { code: 40129, .. }
    ));
    let pending = again
        .departed(
            ME,
            &DepartedQuery {
                q: Some(BIG.into()),
                ..Default::default()
            },
        )
        .unwrap()
        .items;
    assert_eq!(
        pending[0].pending_customers,
        20_000 - after.counts.taken_over,
        "handed-over customers are not counted twice"
    );
    assert!(
        transfers_per_customer(&c, &ids[..100])
            .values()
            .all(|&n| n == 1),
        "nothing was sent twice"
    );
}

/// The SSO header signs an admin in only when the request comes from the listed proxy range.
#[test]
fn the_sso_header_counts_only_from_the_proxy() {
    for (proxies, user, expect) in [
        ("127.0.0.1/32", "zhou", 200),
        ("127.0.0.1/32", "somebody", 401),
        ("10.9.0.0/16", "zhou", 401),
    ] {
        let perms = TempFile::new(
            "sso.toml",
            &format!(
                "[sso]\nheader = \"X-Forwarded-User\"\nproxies = [\"{proxies}\"]\n\n\
                 [[admin]]\nid = \"admin-1\"\nname = \"周静\"\nsso_user = \"zhou\"\n\
                 departments = [\"*\"]\napprover = true\ntotp_secret = \"{}\"\n",
                wecom_driver::SECRETS[0].1
            ),
        );
        let dist = std::env::temp_dir().join(format!("hoc-sso-dist-{}", std::process::id()));
        std::fs::create_dir_all(&dist).expect("dist");
        std::fs::write(
            dist.join("index.html"),
            "<html><head></head><body></body></html>",
        )
        .expect("index.html");
        let config = handover_backend::Config {
            permissions: Some(perms.0.clone()),
            dist: Some(dist),
            ..handover_backend::Config::default()
        };
        let base = drivers::start_backend(config);
        let status = drivers::agent()
            .get(&format!("{base}/api/session"))
            .header("X-Forwarded-User", user)
            .call()
            .expect("answer")
            .status()
            .as_u16();
        assert_eq!(status, expect, "{proxies} {user}");
        if expect == 200 {
            // The browser sends the proxy's sign-in from any page: another site's counts not.
            let status = |site: &str, origin: &str| {
                drivers::agent()
                    .post(&format!("{base}/api/handovers/h-x/withdraw"))
                    .header("X-Forwarded-User", user)
                    .header("Sec-Fetch-Site", site)
                    .header("Origin", origin)
                    .send_empty()
                    .expect("answer")
                    .status()
                    .as_u16()
            };
            assert_eq!(status("cross-site", "http://evil.test"), 401);
            assert_eq!(status("same-origin", &base), 404, "the console's own page");
            // The page carries no token that would override the proxy's sign-in.
            let page = drivers::agent()
                .get(&format!("{base}/"))
                .call()
                .expect("answer")
                .body_mut()
                .read_to_string()
                .expect("page");
            assert!(page.contains("handover-console:api-base"), "{page}");
            assert!(!page.contains("handover-console:token"), "{page}");
        }
        drop(perms);
    }
}

/// Members who leave after start-up show once the directory is read again.
#[test]
fn the_directory_is_read_again() {
    let mut c = Wecom::with(demo_sim(TAKEOVER_MS), |cfg| handover_backend::Config {
        wecom_reload_ms: 500,
        ..cfg
    });
    {
        let mut sim = c.sim.sim();
        let now_s = wecom_driver::now_ms() / 1000;
        let mut m = sim.members["m0001"].clone();
        m.left_at = Some(now_s - 86_400);
        m.status = Some(5);
        sim.members.insert("m0001".into(), m);
        let mut x = sim.customers["wmd001000001"].clone();
        x.external_userid = "wm-late-1".into();
        x.owner = "m0001".into();
        sim.customers.insert("wm-late-1".into(), x);
    }
    let q = DepartedQuery {
        limit: Some(200),
        ..Default::default()
    };
    let start = Instant::now();
    loop {
        let found = c.departed(ME, &q).unwrap().items;
        if let Some(m) = found.iter().find(|m| m.id == "m0001") {
            assert_eq!(m.pending_customers, 1);
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "not reloaded");
        std::thread::sleep(Duration::from_millis(100));
    }
    let customers = c.customers(ME, "m0001", &PageQuery::default()).unwrap();
    assert_eq!(customers.items[0].id, "wm-late-1");
}

/// `--source wecom` without a permissions file, or without credentials, does not start; the
/// error names what is missing and never a secret.
#[test]
fn wecom_needs_permissions_and_credentials() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let e = rt
        .block_on(handover_backend::router(handover_backend::Config {
            source: handover_backend::Source::Wecom,
            ..handover_backend::Config::default()
        }))
        .err()
        .unwrap_or_default();
    assert!(e.contains("--permissions"), "{e}");
    let sim = wecom_sim::serve(demo_sim(TAKEOVER_MS));
    let perms = TempFile::new("permissions.toml", &permissions_toml(&["1"]));
    let mut config = wecom_driver::config(&sim, &perms);
    config.wecom_credentials = Some(handover_backend::wecom::Credentials::new(
        wecom_sim::CORP_ID,
        "a-wrong-secret-xyz",
    ));
    let e = rt
        .block_on(handover_backend::router(config))
        .err()
        .unwrap_or_default();
    assert!(
        e.contains("40001") && !e.contains("a-wrong-secret-xyz"),
        "{e}"
    );
}

/// While a batch waits out WeCom's rate limit the console keeps answering, the same departed
/// member's next batch waits its turn instead of bouncing, and nothing is sent twice.
#[test]
fn a_batch_in_backoff_blocks_neither_reads_nor_sends_twice() {
    let mut c = Wecom::new();
    let (succ, ids) = handover(&mut c, "h-slow", BIG, 200);
    c.sim.sim().faults.queued = vec![45009; 7];
    let (b1, b2) = (batch(1, &succ, &ids[..100]), batch(2, &succ, &ids[100..]));
    let (tx, rx) = std::sync::mpsc::channel();
    let send = |b: NewBatch, what: &'static str| {
        let (base, tx) = (c.http.base.clone(), tx.clone());
        std::thread::spawn(move || {
            let r = drivers::Http::at(&base).batch(ME, "h-slow", &b);
            let _ = tx.send(what);
            r
        })
    };
    let first = send(b1, "first");
    // The batch is on its way once WeCom has answered it a first 45009.
    let start = Instant::now();
    while !c.sim.sim().log.iter().any(|(_, code)| *code == 45009) {
        assert!(start.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(5));
    }
    let second = send(b2, "second");
    let p = c.withdraw(ME, "h-slow").unwrap_err();
    assert_eq!(p.status, 409);
    c.handover(ME, "h-slow").unwrap();
    let _ = tx.send("read");
    assert_eq!(
        rx.recv().ok(),
        Some("read"),
        "the read waited for WeCom, or a batch did not"
    );
    assert!(all_accepted(&first.join().expect("thread").unwrap()));
    assert!(all_accepted(&second.join().expect("thread").unwrap()));
    assert!(transfers_per_customer(&c, &ids).values().all(|&n| n == 1));
    assert_eq!(transfers_per_customer(&c, &ids).len(), 200);
}

/// A secret that may not read the address book still lists departed members and their
/// customers; successors are then known by id (whoever has customer contact enabled).
#[test]
fn without_the_address_book_members_are_known_by_id() {
    let mut sim = demo_sim(TAKEOVER_MS);
    sim.faults.denied = vec!["user/list".into()];
    let mut c = Wecom::with(sim, |cfg| cfg);
    let page = c.departed(ME, &DepartedQuery::default()).unwrap();
    assert!(page.items.iter().any(|m| m.id == BIG && m.name == BIG));
    let succ = successor(&mut c, BIG);
    let members = c.members(ME, &MembersQuery::default()).unwrap().items;
    assert!(members.iter().all(|m| m.name == m.id));
    let (s2, ids) = handover(&mut c, "h-no-book", BIG, 2);
    assert_eq!(succ, s2);
    assert!(all_accepted(
        &c.batch(ME, "h-no-book", &batch(1, &s2, &ids)).unwrap()
    ));
}
