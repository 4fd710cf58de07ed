//! End-to-end: safe resume (issue #10 item 4). A saved run is offered only to the admin who
//! started it, one tab drives a run at a time, leaving mid-run asks first, and an expired
//! session asks the admin to sign in again, after which the run finishes with every item sent
//! exactly once.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::backend::BackendProcess;
use support::flows::{create, d004_created};
use support::runs::{assert_accounted, batch_events, count, status};
use support::seed::name_of;
use support::server::StaticServer;
use support::webdriver::Browser;

/// The run's status says it ended (all accepted, or with rejections).
fn ended(status: &str) -> bool {
    status.starts_with("执行完毕") || status.starts_with("全部已提交")
}

/// What the run saved in local storage: `(storage key, batch states)` per saved run.
fn saved_runs(b: &Browser) -> Vec<(String, Vec<String>)> {
    let v = b.exec(
        "return Object.keys(localStorage)
            .filter(k => k.startsWith('handover-console.run|'))
            .map(k => [k, JSON.parse(localStorage.getItem(k)).ledger.entries.map(e => e.state)]);",
        vec![],
    );
    v.as_array()
        .into_iter()
        .flatten()
        .map(|pair| {
            let key = pair[0].as_str().unwrap_or_default().to_string();
            let states = pair[1]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect();
            (key, states)
        })
        .collect()
}

/// A new tab of the same browser: same local storage, fresh session storage.
fn as_a_new_tab(b: &Browser, url: &str) {
    b.exec("sessionStorage.clear()", vec![]);
    b.goto(url);
}

/// Dispatches `beforeunload` as the browser would and says whether the page asked to stay.
fn asks_before_leaving(b: &Browser) -> bool {
    b.exec(
        "const e = new Event('beforeunload', { cancelable: true });
         window.dispatchEvent(e);
         return e.defaultPrevented;",
        vec![],
    ) == Value::Bool(true)
}

/// The host page's token, as a portal would swap it after its own sign-in.
fn set_host_token(b: &Browser, token: &str) {
    b.exec(
        "document.querySelector('meta[name=\"handover-console:token\"]').content = arguments[0]",
        vec![Value::from(token)],
    );
}

#[test]
fn a_saved_run_is_offered_only_to_the_admin_who_started_it() {
    let server = StaticServer::start(support::dist_dir());
    let b = Browser::launch("zh-CN,zh");
    // The demo's session expires after one batch: the run stops with work left, saved.
    b.goto(&format!("{}/?demo=1&expire_after=1", server.base_url));
    create(&b, "d007", false);
    b.click(&b.by_role("button", "开始执行"));
    b.wait_until("the session expires mid-run", |b| {
        status(b).starts_with("登录已过期")
    });
    // What was taken before the session expired (which batch answers first depends on the
    // demo's simulated latency).
    let submitted = count(&b, "submitted");
    assert!(submitted > 0 && submitted < 302, "{submitted}");
    let saved = saved_runs(&b);
    assert_eq!(saved.len(), 1, "{saved:?}");
    assert!(
        saved[0].0.contains("|demo|admin-1|"),
        "saved per backend and admin: {saved:?}"
    );
    let before = saved[0].1.clone();
    assert!(before.iter().any(|s| s == "Pending"), "{before:?}");

    // The next admin on this browser: not offered, named only, nothing sent.
    as_a_new_tab(&b, &format!("{}/?demo=1&as=admin-2", server.base_url));
    b.wait_text("此浏览器中保存着 周静 开始的一个未完成执行，只有 周静 本人登录后才能继续。");
    assert!(b.all_by_role("button", "继续执行").is_empty());
    assert!(b.css_all(".hoc-run").is_empty(), "no run panel");
    let offer_text = b
        .css_all(".hoc-resume")
        .first()
        .map(|e| b.text(e))
        .unwrap_or_default();
    assert!(
        !offer_text.contains(&name_of("d007")),
        "another admin's handover stays unnamed: {offer_text}"
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(saved_runs(&b)[0].1, before, "admin-2 sent nothing");

    // The admin who started it, in a new tab: offered, not resumed.
    as_a_new_tab(&b, &format!("{}/?demo=1", server.base_url));
    let offer = "是否继续执行 周静 于".to_string();
    b.wait_text(&offer);
    let text = b.page_text();
    assert!(text.contains(&format!("{} → ", name_of("d007"))), "{text}");
    assert!(
        text.contains(&format!("已提交 {submitted} / ")),
        "its progress: {text}"
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        saved_runs(&b)[0].1,
        before,
        "nothing sent before the admin says so"
    );
    b.click(&b.by_role("button", "暂不"));
    b.wait_until("the offer goes", |b| !b.page_text().contains(&offer));
    assert_eq!(saved_runs(&b).len(), 1, "\"not now\" keeps it");

    // Next start-up: offered again; Resume finishes it.
    as_a_new_tab(&b, &format!("{}/?demo=1", server.base_url));
    b.wait_text(&offer);
    b.click(&b.by_role("button", "继续执行"));
    b.by_role("heading", "交接已创建");
    b.wait_until("the run ends", |b| ended(&status(b)));
    assert_eq!(count(&b, "remaining"), 0);
    assert_eq!(
        count(&b, "accepted") + count(&b, "rejected"),
        count(&b, "submitted")
    );
    assert!(!b.page_text().contains(&offer), "nothing more to offer");
    b.assert_no_console_errors();
}

#[test]
fn a_second_tab_shows_the_run_and_sends_nothing() {
    let (backend, b) = d004_created(&["--fault-path", "/batches", "--latency-ms", "600"]);
    b.click(&b.by_role("button", "开始执行"));
    b.wait_until("batches in flight: leaving asks first", asks_before_leaving);

    // A second tab on the same run (same browser, same ledger).
    b.exec(
        "window.__tab2 = window.open(location.href, 'hoc-tab-2')",
        vec![],
    );
    let tab2 = |b: &Browser, script: &str| {
        b.exec(
            &format!("const w = window.__tab2; if (!w || !w.document || !w.document.body) return null; {script}"),
            vec![],
        )
    };
    let start = Instant::now();
    loop {
        let text = tab2(&b, "return w.document.body.innerText")
            .as_str()
            .unwrap_or_default()
            .to_string();
        if text.contains("此执行正在另一个标签页中进行") {
            break;
        }
        // A fresh tab is offered the run; resuming it there finds it driven here.
        if text.contains("继续执行") {
            tab2(
                &b,
                "const r = [...w.document.querySelectorAll('button')].find(x => x.innerText.trim() === '继续执行'); if (r) r.click(); return true",
            );
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the second tab shows the other-tab notice: {text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let tab2_batches = |b: &Browser| {
        tab2(
            b,
            "return w.performance.getEntriesByType('resource').filter(e => e.name.includes('/batches')).length",
        )
        .as_u64()
        .unwrap_or(u64::MAX)
    };
    let tab2_buttons = |b: &Browser| {
        tab2(
            b,
            "return [...w.document.querySelectorAll('.hoc-run button')].map(x => x.innerText.trim())",
        )
    };
    assert_eq!(tab2_batches(&b), 0, "the second tab sends nothing");
    assert_eq!(
        tab2_buttons(&b),
        Value::Array(vec![]),
        "and offers no control"
    );
    assert_eq!(
        tab2(
            &b,
            "const e = new Event('beforeunload', { cancelable: true }); w.dispatchEvent(e); return e.defaultPrevented"
        ),
        Value::Bool(false),
        "closing the tab that only shows the run asks nothing"
    );

    b.wait_text("全部已提交并被接受");
    assert_accounted(&b, &backend);
    assert!(!asks_before_leaving(&b), "finished: leaving asks nothing");
    // The second tab followed the run through storage, and still sent nothing.
    let start = Instant::now();
    while !tab2(&b, "return w.document.body.innerText")
        .as_str()
        .unwrap_or_default()
        .contains("全部已提交并被接受")
    {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the second tab shows the end"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(tab2_batches(&b), 0, "the second tab sent nothing");
    b.assert_no_console_errors();
}

/// The handover's counts on the backend, once nothing is unsent (the run finished).
fn wait_backend_finished(backend: &BackendProcess) {
    let start = Instant::now();
    loop {
        let h = &backend.get("/handovers")["items"][0];
        if h["counts"]["unsent"] == 0 {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(40),
            "the run never finished: {h}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_tab_that_goes_away_mid_run_hands_the_run_to_the_other_tab() {
    // Batches of 20 (14 of them), slow: most are still to send when the first tab goes.
    let (backend, b) = d004_created(&[
        "--items-per-batch",
        "20",
        "--fault-path",
        "/batches",
        "--latency-ms",
        "1500",
    ]);
    b.click(&b.by_role("button", "开始执行"));
    b.wait_until("batches in flight", asks_before_leaving);
    b.exec(
        "window.__tab2 = window.open(location.href, 'hoc-tab-2')",
        vec![],
    );
    b.wait_until("the second tab shows the run", |b| {
        b.exec(
            "const w = window.__tab2; return !!(w && w.document && w.document.body && w.document.body.innerText.includes('此执行正在另一个标签页中进行'))",
            vec![],
        ) == Value::Bool(true)
    });
    // The first tab leaves the app (as if closed); the second takes over and finishes:
    // nothing lost, nothing twice.
    b.goto("about:blank");
    wait_backend_finished(&backend);
    b.goto(&backend.base_url);
    let batches = batch_events(&backend);
    let seqs: HashSet<u32> = batches.iter().map(|(s, _, _)| *s).collect();
    assert_eq!(seqs.len(), batches.len(), "each batch once: {batches:?}");
    let h = &backend.get("/handovers")["items"][0];
    let planned =
        h["customer_count"].as_u64().unwrap_or(0) + h["group_count"].as_u64().unwrap_or(0);
    let outcomes: usize = batches.iter().map(|(_, a, r)| a + r).sum();
    assert_eq!(outcomes as u64, planned, "each item once: {batches:?}");
    // It was the second tab that sent the rest, and it says how the run ended.
    let tab2 = b.exec(
        "const w = window.open('', 'hoc-tab-2');
         return [w.performance.getEntriesByType('resource').filter(e => e.name.includes('/batches')).length,
                 w.document.body.innerText];",
        vec![],
    );
    assert!(
        tab2[0].as_u64().is_some_and(|n| n > 0),
        "the second tab sent: {tab2}"
    );
    assert!(
        tab2[1]
            .as_str()
            .unwrap_or_default()
            .contains("全部已提交并被接受"),
        "{tab2}"
    );
}

/// A host page without Web Locks (an older browser, or a page outside a secure context).
const NO_WEB_LOCKS: &str = "<script>delete Navigator.prototype.locks;</script>";

#[test]
fn without_web_locks_tabs_agree_over_a_broadcast_channel() {
    let dist = host_page(NO_WEB_LOCKS);
    let server = StaticServer::start(dist.clone());
    let b = Browser::launch("zh-CN,zh");
    // The demo's session expires after one batch, so the run waits with this tab driving it.
    b.goto(&format!("{}/?demo=1&expire_after=1", server.base_url));
    assert_eq!(
        b.exec("return 'locks' in navigator", vec![]),
        Value::Bool(false),
        "no Web Locks on this page"
    );
    create(&b, "d007", false);
    b.click(&b.by_role("button", "开始执行"));
    b.wait_until("the session expires mid-run", |b| {
        status(b).starts_with("登录已过期")
    });
    b.exec(
        "window.__tab2 = window.open(location.href, 'hoc-tab-2')",
        vec![],
    );
    let tab2_text = |b: &Browser| {
        b.exec(
            "const w = window.__tab2; return (w && w.document && w.document.body) ? w.document.body.innerText : ''",
            vec![],
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
    };
    let start = Instant::now();
    loop {
        let text = tab2_text(&b);
        if text.contains("此执行正在另一个标签页中进行") {
            break;
        }
        if text.contains("继续执行") {
            b.exec(
                "const r = [...window.__tab2.document.querySelectorAll('button')].find(x => x.innerText.trim() === '继续执行'); if (r) r.click();",
                vec![],
            );
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the second tab hears the first one drive: {text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // The first tab signs in again and finishes; the second one shows it.
    b.click(&b.by_role("button", "重新登录（演示）"));
    b.wait_until("the run ends", |b| ended(&status(b)));
    let done = status(&b);
    let start = Instant::now();
    while !tab2_text(&b).contains(&done) {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "the second tab shows the end: {}",
            tab2_text(&b)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    b.assert_no_console_errors();
    let _ = std::fs::remove_dir_all(dist);
}

#[test]
fn an_expired_session_asks_to_sign_in_and_the_run_finishes_with_nothing_lost() {
    // Batches of 20 (14 of them for d004), slow enough that the 401 lands mid-run.
    let (backend, b) = d004_created(&[
        "--items-per-batch",
        "20",
        "--fault-401-after",
        "5",
        "--latency-ms",
        "150",
        "--fault-path",
        "/batches",
    ]);
    b.click(&b.by_role("button", "开始执行"));
    let mut expired = 0;
    loop {
        b.wait_until("the run pauses or ends", |b| {
            let s = status(b);
            s.starts_with("登录已过期") || s.starts_with("全部已提交")
        });
        if status(&b).starts_with("全部已提交") {
            break;
        }
        expired += 1;
        assert!(expired < 5, "expired again and again");
        b.wait_until("paused: nothing in flight, leaving asks nothing", |b| {
            !asks_before_leaving(b)
        });
        // Someone else's token before the session is back: a quiet check of the session (the
        // tab regaining focus does one) then finds the wrong admin and does not resume, so the
        // run goes on only when this test says.
        set_host_token(&b, "approver-token");
        backend.reauth();
        if expired == 1 {
            // The portal signs in as someone else: the run waits for the admin who started it.
            b.click(&b.by_role("button", "继续"));
            b.wait_text(
                "当前登录的是 郑海涛，但此执行由 周静 开始。请以 周静 的身份登录后再继续。",
            );
            let remaining = count(&b, "remaining");
            std::thread::sleep(Duration::from_millis(600));
            assert_eq!(count(&b, "remaining"), remaining, "nothing sent as admin-2");
            assert!(status(&b).starts_with("登录已过期"));
        }
        // "Resume" re-reads the host's token and the session, then goes on. The right token and
        // the press in one script: no focus check can resume the run between them.
        let resume = b.by_role("button", "继续");
        b.exec(
            "document.querySelector('meta[name=\"handover-console:token\"]').content = arguments[0];
             arguments[1].click();",
            vec![Value::from("admin-token"), Browser::as_arg(&resume)],
        );
    }
    assert!(expired >= 1, "the session expired mid-run");
    // The last batches may have expired the session once more: the test's own reads sign in.
    backend.reauth();
    assert_accounted(&b, &backend);
    // Only admin-1 sent batches.
    let id = backend.get("/handovers")["items"][0]["id"]
        .as_str()
        .expect("a handover")
        .to_string();
    let events = backend.get(&format!("/handovers/{id}/events?limit=1000"));
    let actors: HashSet<String> = events["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["kind"] == "batch_submitted")
        .filter_map(|e| e["actor"]["id"].as_str().map(str::to_string))
        .collect();
    assert!(
        actors.iter().all(|a| a == "admin-1"),
        "batches only under the starting admin: {actors:?}"
    );
}

/// `dist/` copied with extra `<meta>` settings, as a host page would set them.
fn host_page(metas: &str) -> PathBuf {
    let from = support::dist_dir();
    static MADE: AtomicUsize = AtomicUsize::new(0);
    let to = std::env::temp_dir().join(format!(
        "hoc-resume-dist-{}-{}",
        std::process::id(),
        MADE.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&to);
    copy_dir(&from, &to);
    let index = to.join("index.html");
    let html = std::fs::read_to_string(&index).expect("index.html");
    std::fs::write(
        &index,
        html.replacen("</head>", &format!("{metas}</head>"), 1),
    )
    .expect("write index.html");
    to
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dist").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

#[test]
fn the_demo_simulates_an_expired_session_with_the_hosts_sign_in_link() {
    let dist = host_page("<meta name=\"handover-console:login-url\" content=\"/sso/login\" />");
    let server = StaticServer::start(dist.clone());
    let b = Browser::launch("zh-CN,zh");
    b.goto(&format!("{}/?demo=1&expire_after=2", server.base_url));
    create(&b, "d007", false);
    b.click(&b.by_role("button", "开始执行"));
    b.wait_until("the session expires mid-run", |b| {
        status(b).starts_with("登录已过期")
    });
    let link = b.by_role("link", "登录（在新标签页打开）");
    let href = b.attr(&link, "href").unwrap_or_default();
    assert!(href.ends_with("/sso/login"), "{href}");
    assert_eq!(b.attr(&link, "target").as_deref(), Some("_blank"));
    // Still signed out: Resume says so and sends nothing.
    let remaining = count(&b, "remaining");
    b.click(&b.by_role("button", "继续"));
    b.wait_text("仍未登录。请先登录，再点击“继续”。");
    assert_eq!(count(&b, "remaining"), remaining);
    b.click(&b.by_role("button", "重新登录（演示）"));
    b.wait_until("the run ends", |b| ended(&status(b)));
    assert_eq!(count(&b, "remaining"), 0);
    assert_eq!(
        count(&b, "accepted") + count(&b, "rejected"),
        count(&b, "submitted")
    );
    // Each group has one outcome on the handover's own page: none unsent, none twice.
    let id = b
        .exec(
            "return JSON.parse(localStorage.getItem(Object.keys(localStorage).find(k => k.startsWith('handover-console.run|')))).ledger.handover_id",
            vec![],
        )
        .as_str()
        .expect("the saved run")
        .to_string();
    b.goto(&format!("{}/?demo=1&handover={id}", server.base_url));
    b.wait_until("the bars", |b| {
        !b.css_all(".hoc-bars [data-count]").is_empty()
    });
    let bar = |s: &str| {
        b.css_all(&format!(".hoc-bar-n[data-count={s}]"))
            .first()
            .map(|e| b.text(e))
            .and_then(|t| t.trim().parse::<usize>().ok())
            .unwrap_or(usize::MAX)
    };
    assert_eq!(bar("unsent"), 0, "nothing lost");
    b.assert_no_console_errors();
    let _ = std::fs::remove_dir_all(dist);
}
