//! End-to-end, issue #10: a handover's page that agrees with itself during and after a run,
//! times in the admin's zone (the browser runs in Asia/Shanghai), no wire tag or Debug name on
//! screen, the created page's links, "Awaiting my approval", withdrawing on both backends,
//! handing the rejected items over again, and the audit timeline as CSV. In Chinese and English.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use handover_console::api::types::{HandoverState, StatusCounts};
use handover_console::domain::snapshot::{caption, Caption};
use handover_console::domain::time::{parse_rfc3339, to_rfc3339, DAY, HOUR};
use handover_console::i18n::{Locale, Messages};
use serde_json::{json, Value};
use support::assert_no_raw_tags;
use support::backend::BackendProcess;
use support::seed::{name_of, roomy};
use support::server::StaticServer;
use support::webdriver::Browser;

const ZONE: &str = "Asia/Shanghai";
/// Asia/Shanghai is UTC+8 all year.
const OFFSET: i64 = 8 * HOUR;

fn zh() -> &'static Messages {
    Locale::ZhCn.messages()
}

fn en() -> &'static Messages {
    Locale::En.messages()
}

/// `(YYYY-MM-DD, HH:MM:SS)` of a UTC instant on a Shanghai wall clock.
fn shanghai(iso: &str) -> (String, String) {
    let ms = parse_rfc3339(iso).unwrap_or_else(|| panic!("an instant: {iso}"));
    let local = to_rfc3339(ms + OFFSET);
    (local[..10].to_string(), local[11..19].to_string())
}

/// Creates a handover of `departed` in the wizard (Chinese), everything transferable except,
/// with `plain`, the important customers (so no approval is needed).
fn create(b: &Browser, departed: &str, plain: bool) {
    b.click(&b.by_role("radio", &name_of(departed)));
    b.click(&b.by_role("button", "下一步"));
    b.wait_until("lists", |b| !b.css_all(".hoc-count").is_empty());
    if plain {
        let important = b.by_role("checkbox", "仅重要客户");
        b.click(&important);
        b.click(&b.by_role("button", "清空 客户"));
        b.click(&important);
    }
    b.click(&b.by_role("button", "下一步"));
    b.click(&b.by_role("radio", &roomy(departed).name));
    b.click(&b.by_role("button", "下一步"));
    b.click(&b.by_role("button", "下一步"));
    b.click(&b.by_role("button", "确认交接"));
    b.type_text(&b.by_role("textbox", "验证码"), "246810");
    b.click(&b.by_role("button", "验证并确认交接"));
    b.by_role("heading", "交接已创建");
}

/// A JSON call to the backend's API as `token`.
fn api(backend: &BackendProcess, token: &str, method: &str, path: &str, body: Value) -> Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{}/api{path}", backend.base_url);
    let auth = format!("Bearer {token}");
    let resp = if method == "GET" {
        agent.get(&url).header("Authorization", &auth).call()
    } else {
        agent
            .post(&url)
            .header("Authorization", &auth)
            .send_json(&body)
    };
    resp.expect("api answer")
        .body_mut()
        .read_json()
        .unwrap_or(Value::Null)
}

/// Creates, as the default admin, a handover of every transferable customer of `departed`
/// without important ones (ready, no approval) and every group; its id and its customer ids.
fn create_via_api(backend: &BackendProcess, departed: &str, id: &str) -> Vec<String> {
    let customers = backend.get(&format!(
        "/departed-members/{departed}/customers?limit=1000"
    ));
    let ids: Vec<String> = customers["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c["transferable"] == true && c["important"] == false)
        .filter_map(|c| c["id"].as_str().map(str::to_string))
        .collect();
    let token = api(
        backend,
        "admin-token",
        "POST",
        "/session/verification",
        json!({ "method": "sms_code", "code": "246810" }),
    )["token"]
        .clone();
    let created = api(
        backend,
        "admin-token",
        "POST",
        "/handovers",
        json!({
            "id": id,
            "departed_member": departed,
            "assignments": [{
                "successor": roomy(departed).id,
                "customer_ids": ids,
                "group_ids": [],
            }],
            "chat_history": { "scope": "none" },
            "verification_token": token,
        }),
    );
    assert_eq!(created["state"], "ready", "{created}");
    ids
}

/// What the handover page shows, read in one go (one script: nothing can change in between).
#[derive(Debug)]
struct Shot {
    counts: HashMap<String, u32>,
    rows: Vec<String>,
    caption: String,
    state: String,
    /// The run panel's "submitted" count and its status line, when the run is on this page.
    submitted: Option<u32>,
    run_status: Option<String>,
    /// When a waiting item on the page is taken over, as it says it.
    countdown: Option<String>,
}

fn shot(b: &Browser) -> Option<Shot> {
    let v = b.exec(
        "const q = (s) => [...document.querySelectorAll(s)];
         const text = (s) => { const e = document.querySelector(s); return e ? e.textContent.trim() : null; };
         const counts = {};
         q('.hoc-bars [data-count]').forEach(e => counts[e.dataset.count] = e.textContent.trim());
         const state = document.querySelector('.hoc-summary [data-state]');
         return {
           counts,
           rows: q('table.hoc-items tbody tr').map(r => r.dataset.status),
           caption: text('#hoc-bar-caption'),
           state: state ? state.dataset.state : null,
           submitted: text('.hoc-run [data-count=submitted]'),
           run_status: text('.hoc-run .hoc-status'),
           countdown: text('tr[data-status=waiting] .hoc-item-takeover'),
         };",
        vec![],
    );
    let num = |s: &str| s.replace([',', ' '], "").parse::<u32>().ok();
    Some(Shot {
        counts: v["counts"]
            .as_object()?
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().and_then(num).unwrap_or(u32::MAX)))
            .collect(),
        rows: v["rows"]
            .as_array()?
            .iter()
            .map(|r| r.as_str().unwrap_or_default().to_string())
            .collect(),
        caption: v["caption"].as_str()?.to_string(),
        state: v["state"].as_str()?.to_string(),
        submitted: v["submitted"].as_str().and_then(num),
        run_status: v["run_status"].as_str().map(str::to_string),
        countdown: v["countdown"].as_str().map(str::to_string),
    })
}

/// The caption the page must show for these counts, in `m`'s words.
fn expected_caption(m: &Messages, state: &str, c: &HashMap<String, u32>) -> String {
    let get = |k: &str| c.get(k).copied().unwrap_or(0);
    let counts = StatusCounts {
        unsent: get("unsent"),
        waiting: get("waiting"),
        taken_over: get("taken_over"),
        refused: get("refused"),
        limit_exceeded: get("limit_exceeded"),
        failed: get("failed"),
    };
    let state = HandoverState::from_tag(state).expect("a known state");
    let n = |v: u32| v.to_string();
    match caption(state, &counts) {
        Caption::AwaitingApproval { total } => (m.cap_awaiting)(&n(total)),
        Caption::Rejected { total } => (m.cap_rejected)(&n(total)),
        Caption::Withdrawn { total } => (m.cap_withdrawn)(&n(total)),
        Caption::NotSent { total } => (m.cap_not_sent)(&n(total)),
        Caption::Sending { sent, total } => (m.cap_sending)(&n(sent), &n(total)),
        Caption::Waiting { waiting, total } => (m.cap_waiting)(&n(waiting), &n(total)),
        Caption::Done { taken_over, total } => (m.cap_done)(&n(taken_over), &n(total)),
    }
}

/// Counts, caption, item statuses and the run panel tell one story. (With more than a page of
/// items, the rows are the first page.)
fn assert_consistent(m: &Messages, s: &Shot) {
    let total: u32 = s.counts.values().sum();
    assert_eq!(
        (total as usize).min(50),
        s.rows.len(),
        "every item is one row: {s:?}"
    );
    if total <= 50 {
        for (status, n) in &s.counts {
            let rows = s.rows.iter().filter(|r| *r == status).count();
            assert_eq!(*n as usize, rows, "{status}: counts and rows agree: {s:?}");
        }
    }
    assert_eq!(
        s.caption,
        expected_caption(m, &s.state, &s.counts),
        "the caption says what the bar shows: {s:?}"
    );
    let sent = total - s.counts.get("unsent").copied().unwrap_or(0);
    if let Some(n) = s.submitted {
        assert!(sent >= n, "{n} answered, {sent} items sent: {s:?}");
    }
    if s.run_status.as_deref() == Some(m.run_done_all) {
        assert!(
            !s.rows.iter().any(|r| r == "unsent") && s.counts.get("unsent") == Some(&0),
            "done, so no item is still unsent: {s:?}"
        );
    }
}

/// Samples the page until `done`, checking every sample; the samples.
fn watch(b: &Browser, m: &Messages, what: &str, done: impl Fn(&Shot) -> bool) -> Vec<Shot> {
    let start = Instant::now();
    let mut seen = Vec::new();
    loop {
        if let Some(s) = shot(b) {
            assert_consistent(m, &s);
            let finished = done(&s);
            seen.push(s);
            if finished {
                return seen;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(40),
            "timed out waiting for {what}; last: {:?}",
            seen.last()
        );
        std::thread::sleep(Duration::from_millis(40));
    }
}

fn heading(b: &Browser) -> String {
    b.css_all("#hoc-page-heading")
        .first()
        .map(|h| b.text(h))
        .unwrap_or_default()
}

/// The first timeline entry's instant (its `datetime`) and what the page says for it.
fn first_event_time(b: &Browser) -> (String, String) {
    let t = b.css_all(".hoc-timeline time");
    let t = t.first().expect("a timeline entry");
    (b.attr(t, "datetime").unwrap_or_default(), b.text(t))
}

fn set_date(b: &Browser, name: &str, date: &str) {
    b.exec(
        "const i = document.querySelector(`input[name=${arguments[0]}]`);
         i.value = arguments[1];
         i.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![json!(name), json!(date)],
    );
}

fn record_rows(b: &Browser) -> usize {
    b.css_all("table.hoc-table tbody tr").len()
}

#[test]
fn chinese_page_agrees_with_itself_during_and_after_a_run_in_shanghai() {
    let server = StaticServer::start(support::dist_dir());
    let b = Browser::launch_in(ZONE, "zh-CN,zh");
    b.goto(&format!("{}/?demo=1", server.base_url));
    assert_eq!(
        b.exec(
            "return Intl.DateTimeFormat().resolvedOptions().timeZone",
            vec![]
        ),
        json!(ZONE)
    );
    create(&b, "d002", false);
    b.wait_text("状态: 待执行");
    assert_no_raw_tags(&b, true);

    // The created page links to the handover's page, whose heading names the handover.
    b.click(&b.by_role("link", "打开此交接"));
    b.wait_until("the handover's name", |b| heading(b).contains("→"));
    let title = heading(&b);
    assert!(title.contains(&name_of("d002")), "{title}");
    assert!(title.contains(&roomy("d002").name), "{title}");
    assert_eq!(
        b.exec(
            "return document.activeElement && document.activeElement.id",
            vec![]
        ),
        json!("hoc-page-heading"),
        "focus moves to the page's heading"
    );
    let m = zh();
    let before = watch(&b, m, "the items", |s| !s.rows.is_empty());
    assert!(before
        .last()
        .is_some_and(|s| s.rows.iter().all(|r| r == "unsent")));

    // During the run and after it, every sample agrees with itself.
    b.click(&b.by_role("button", "开始执行"));
    let samples = watch(&b, m, "the run and the takeover", |s| {
        s.run_status.as_deref() == Some(m.run_done_all)
            && s.counts.get("taken_over").copied().unwrap_or(0) > 0
    });
    assert!(samples
        .iter()
        .any(|s| s.rows.iter().any(|r| r == "waiting")));
    // The countdown is said relatively, through Intl ("8秒钟后"), not in raw seconds.
    let countdowns: Vec<&String> = samples
        .iter()
        .filter_map(|s| s.countdown.as_ref())
        .collect();
    assert!(!countdowns.is_empty());
    for c in countdowns {
        assert!(
            (c.contains("后接替") || c.contains("现在接替") || c.contains("即将接替"))
                && !c.contains(" 秒后"),
            "{c}"
        );
    }

    // Times in the admin's zone, the zone named.
    b.wait_text("时间均为 Asia/Shanghai 时区。");
    let (at, shown) = first_event_time(&b);
    let (day, time) = shanghai(&at);
    assert!(shown.contains(&time), "{shown} shows {time} (from {at})");
    assert!(shown.contains(&day.replace('-', "/")), "{shown} on {day}");
    assert!(shown.contains("GMT+8"), "{shown}");
    b.wait_text("接替结果更新");
    for words in ["创建交接", "身份验证通过", "提交批次"] {
        b.wait_text(words);
    }
    assert_no_raw_tags(&b, true);

    // The audit timeline as evidence: local times, the zone in the header, words not tags.
    b.capture_downloads();
    b.click(&b.by_role("button", "导出操作记录 CSV"));
    let doc = b.last_download();
    assert!(
        doc.starts_with(
            "\u{feff}时间（Asia/Shanghai）,事件,操作人,详情,时间点（UTC，RFC 3339）,链式哈希（SHA-256）\r\n"
        ),
        "{doc}"
    );
    assert!(doc.contains(&time) && doc.contains("GMT+8"), "{doc}");
    assert!(doc.contains(&at), "the exact instant too: {doc}");
    assert!(
        doc.contains("提交批次") && doc.contains("项被接受"),
        "{doc}"
    );
    assert!(!doc.contains("batch_submitted") && !doc.contains("outcome_changed"));

    // Records: local times, the zone in the CSV header, filter days as the admin's days.
    b.click(&b.by_role("link", "分配记录"));
    b.by_role("heading", "分配记录");
    b.wait_until("one record", |b| record_rows(b) == 1);
    let cell = &b.css_all("table.hoc-table tbody time")[0];
    let created = b.attr(cell, "datetime").unwrap_or_default();
    let (day, time) = shanghai(&created);
    assert!(
        b.text(cell).contains(&time[..5]),
        "{} at {time}",
        b.text(cell)
    );
    b.capture_downloads();
    b.click(&b.by_role("button", "导出 CSV"));
    let doc = b.last_download();
    assert!(doc.contains(",创建时间（Asia/Shanghai）,"), "{doc}");
    assert!(doc.contains(&time), "{doc}");
    set_date(&b, "created_from", &day);
    set_date(&b, "created_to", &day);
    b.wait_until("the day's record", |b| record_rows(b) == 1);
    let yesterday = to_rfc3339(parse_rfc3339(&day).unwrap_or(0) - DAY);
    set_date(&b, "created_to", &yesterday[..10]);
    b.wait_text("还没有交接记录。");
    assert_eq!(record_rows(&b), 0);
    assert_no_raw_tags(&b, true);
    b.assert_no_console_errors();
}

#[test]
fn english_page_agrees_with_itself_on_the_reference_backend_in_shanghai() {
    let backend = BackendProcess::start(&["--takeover-delay-ms", "3000"]);
    create_via_api(&backend, "d002", "ho-e2e-en");
    let b = Browser::launch_in(ZONE, "en-US,en");
    // Record the URLs the app asks for, to read the filter bounds it sends.
    b.goto(&format!("{}/?handover=ho-e2e-en", backend.base_url));
    let m = en();
    b.wait_until("the handover's name", |b| heading(b).contains("→"));
    let h = backend.get("/handovers/ho-e2e-en");
    let (day, _) = shanghai(h["created_at"].as_str().unwrap_or_default());
    let us_day = format!("{}/{}/{}", &day[5..7], &day[8..10], &day[..4]);
    let title = heading(&b);
    assert_eq!(
        title,
        format!("{} → {}, {us_day}", name_of("d002"), roomy("d002").name)
    );
    watch(&b, m, "the items", |s| !s.rows.is_empty());
    b.click(&b.by_role("button", "Start the run"));
    let samples = watch(&b, m, "the run and the takeover", |s| {
        s.run_status.as_deref() == Some(m.run_done_all)
            && s.counts.get("waiting").copied().unwrap_or(1) == 0
    });
    assert!(samples
        .iter()
        .any(|s| s.rows.iter().any(|r| r == "waiting")));
    for c in samples.iter().filter_map(|s| s.countdown.as_ref()) {
        assert!(
            c.contains("takes over in ")
                || c.contains("takes over now")
                || c.contains("takeover due now"),
            "{c}"
        );
    }
    let said: Vec<String> = samples
        .iter()
        .map(|s| s.caption.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(
        said.iter().any(|c| c.starts_with("Finished:")),
        "captions seen: {said:?}"
    );
    b.wait_text("Times are in Asia/Shanghai.");
    let (at, shown) = first_event_time(&b);
    let (day, time) = shanghai(&at);
    assert!(shown.contains(&time) && shown.contains("GMT+8"), "{shown}");
    assert!(
        shown.contains(&format!("{}/{}/{}", &day[5..7], &day[8..10], &day[..4])),
        "{shown}"
    );
    b.wait_text("Outcomes arrived");
    b.wait_text("Batch 1: ");
    assert_no_raw_tags(&b, false);

    // The exported timeline carries the backend's audit chain: each recorded event's SHA-256,
    // the first linked to the genesis, each later one to the one before.
    b.capture_downloads();
    b.click(&b.by_role("button", "Export timeline (CSV)"));
    let doc = b.last_download();
    assert!(
        doc.lines()
            .next()
            .unwrap_or("")
            .ends_with(",Chain hash (SHA-256)"),
        "{doc}"
    );
    let hashes: Vec<&str> = doc
        .lines()
        .skip(1)
        .filter_map(|l| l.rsplit(',').next())
        .filter(|h| h.len() == 64 && h.bytes().all(|c| c.is_ascii_hexdigit()))
        .collect();
    assert!(
        hashes.len() >= 3,
        "created, verified, batch submitted: {doc}"
    );

    // Records: the filter days go out as the admin's day bounds, with the +08:00 offset.
    b.click(&b.by_role("link", "Handover records"));
    b.by_role("heading", "Handover records");
    b.wait_until("one record", |b| record_rows(b) == 1);
    b.exec(
        "window.__urls = []; const f = window.fetch;
         window.fetch = (u, o) => { window.__urls.push(String(u && u.url || u)); return f(u, o); };",
        vec![],
    );
    set_date(&b, "created_from", &day);
    set_date(&b, "created_to", &day);
    b.wait_until("the filtered request", |b| {
        b.exec("return window.__urls.join(' ')", vec![])
            .as_str()
            .unwrap_or_default()
            .contains("created_to=")
    });
    let urls = b.exec("return window.__urls.join(' ')", vec![]);
    let urls = urls.as_str().unwrap_or_default();
    assert!(
        urls.contains(&format!("created_from={day}T00%3A00%3A00.000%2B08%3A00")),
        "{urls}"
    );
    assert!(
        urls.contains(&format!("created_to={day}T23%3A59%3A59.999%2B08%3A00")),
        "{urls}"
    );
    b.wait_until("the day's record", |b| record_rows(b) == 1);
    b.capture_downloads();
    b.click(&b.by_role("button", "Export CSV"));
    let doc = b.last_download();
    assert!(doc.contains(",Created at (Asia/Shanghai),"), "{doc}");
    assert_no_raw_tags(&b, false);
    b.assert_no_console_errors();
    backend.assert_contract();
}

#[test]
fn the_approver_gets_a_link_a_count_and_a_timeline_in_words() {
    let server = StaticServer::start(support::dist_dir());
    let b = Browser::launch_in(ZONE, "zh-CN,zh");
    b.goto(&format!("{}/?demo=1", server.base_url));
    // d001 has an important customer: a second admin must approve.
    create(&b, "d001", false);
    b.wait_text("状态: 待审批");
    assert_no_raw_tags(&b, true);

    // The clipboard answers: the link is copied, with a visible confirmation.
    b.exec(
        "window.__copied = null;
         Object.defineProperty(navigator, 'clipboard', { configurable: true, value: {
           writeText: (t) => { window.__copied = t; return Promise.resolve(); } } });",
        vec![],
    );
    b.click(&b.by_role("button", "复制链接给审批人"));
    b.wait_text("链接已复制，请发送给有审批权限的管理员。");
    let link = b
        .exec("return window.__copied", vec![])
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(link.starts_with(&server.base_url), "{link}");
    assert!(
        link.contains("handover=ho-") && link.contains("demo=1"),
        "{link}"
    );
    assert!(!link.contains("as="), "not the creator's identity: {link}");
    // The clipboard refuses: the link is offered selected in a field.
    b.exec(
        "Object.defineProperty(navigator, 'clipboard', { configurable: true, value: {
           writeText: () => Promise.reject(new Error('denied')) } });",
        vec![],
    );
    b.click(&b.by_role("button", "复制链接给审批人"));
    let field = b.by_role("textbox", "给审批人的链接");
    assert_eq!(
        b.exec("return arguments[0].value", vec![Browser::as_arg(&field)]),
        json!(link)
    );
    b.wait_until("the link selected", |b| {
        b.exec(
            "const e = document.activeElement;
             return e && e.tagName === 'INPUT' && e.selectionStart === 0 && e.selectionEnd === e.value.length",
            vec![],
        ) == json!(true)
    });

    // The approver opens the link: the navigation counts what awaits them.
    b.goto(&format!("{link}&as=admin-2"));
    let nav = b.by_role("link", "待我审批（1 项待审批）");
    b.click(&nav);
    b.by_role("heading", "待我审批");
    b.wait_until("one record to approve", |b| record_rows(b) == 1);
    assert_no_raw_tags(&b, true);
    b.click(&b.css_all("table.hoc-table tbody a")[0]);
    b.wait_until("the handover's name", |b| heading(b).contains("→"));
    b.wait_text("包含重要客户");
    b.wait_text("提交审批 · 周静 · 包含重要客户");
    b.type_text(&b.by_role("textbox", "驳回原因"), "=1+1 客户需要单独沟通");
    b.click(&b.by_role("button", "驳回"));
    b.wait_text("已驳回：");
    b.wait_text("审批驳回 · 郑海涛 · =1+1 客户需要单独沟通");
    assert_no_raw_tags(&b, true);
    b.capture_downloads();
    b.click(&b.by_role("button", "导出操作记录 CSV"));
    let doc = b.last_download();
    assert!(
        doc.contains(",审批驳回,郑海涛,'=1+1 客户需要单独沟通,"),
        "{doc}"
    );
    assert!(doc.contains(",提交审批,周静,包含重要客户,"), "{doc}");
    // Nothing awaits the approver any more: no count.
    b.click(&b.by_role("link", "待我审批"));
    b.wait_text("没有待您审批的交接。");
    assert!(b.css_all(".hoc-nav-count").is_empty());
    b.assert_no_console_errors();
}

#[test]
fn the_creator_withdraws_in_demo_mode_and_on_the_reference_backend() {
    // Demo mode: a handover waiting for approval.
    let server = StaticServer::start(support::dist_dir());
    let b = Browser::launch_in(ZONE, "zh-CN,zh");
    b.goto(&format!("{}/?demo=1", server.base_url));
    create(&b, "d001", false);
    b.click(&b.by_role("link", "打开此交接"));
    b.wait_text("待审批：");
    b.click(&b.by_role("button", "撤回交接"));
    b.by_role("dialog", "撤回此交接？");
    b.click(&b.by_role("button", "确认撤回"));
    b.wait_text("交接已撤回。");
    b.wait_text("已撤回：");
    b.wait_text("撤回交接 · 周静");
    b.wait_until("the state", |b| {
        !b.css_all("[data-state=cancelled]").is_empty()
    });
    assert!(b.all_by_role("button", "撤回交接").is_empty());
    assert_no_raw_tags(&b, true);
    b.assert_no_console_errors();
    drop(b);

    // The reference backend: a ready handover is withdrawn; one that started running is not.
    let backend = BackendProcess::start(&[]);
    create_via_api(&backend, "d002", "ho-e2e-wd");
    let b = Browser::launch_in(ZONE, "zh-CN,zh");
    b.goto(&format!("{}/?handover=ho-e2e-wd", backend.base_url));
    b.click(&b.by_role("button", "撤回交接"));
    b.click(&b.by_role("button", "确认撤回"));
    b.wait_text("交接已撤回。");
    assert_eq!(backend.get("/handovers/ho-e2e-wd")["state"], "cancelled");
    let events = backend.get("/handovers/ho-e2e-wd/events");
    assert!(events["items"]
        .as_array()
        .is_some_and(|e| e.iter().any(|e| e["kind"] == "withdrawn")));

    let ids = create_via_api(&backend, "d009", "ho-e2e-late");
    b.goto(&format!("{}/?handover=ho-e2e-late", backend.base_url));
    let button = b.by_role("button", "撤回交接");
    // Meanwhile a batch goes out (another tab, another admin's run).
    let answer = api(
        &backend,
        "admin-token",
        "POST",
        "/handovers/ho-e2e-late/batches",
        json!({ "seq": 1, "successor": roomy("d009").id, "customer_ids": ids[..1] }),
    );
    assert_eq!(answer["seq"], 1, "{answer}");
    b.click(&button);
    b.click(&b.by_role("button", "确认撤回"));
    b.wait_text("已有批次提交，此交接无法再撤回。");
    assert_eq!(backend.get("/handovers/ho-e2e-late")["state"], "running");
    b.wait_until("the button goes", |b| {
        b.all_by_role("button", "撤回交接").is_empty()
    });
    // The browser logs the 409 answer itself; nothing else may appear.
    let errors: Vec<String> = b
        .console_errors()
        .into_iter()
        .filter(|e| !e.contains("/withdraw") || !e.contains("409"))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    backend.assert_contract();
}

#[test]
fn rejected_items_are_handed_over_again_from_the_handover_page() {
    let server = StaticServer::start(support::dist_dir());
    let b = Browser::launch_in(ZONE, "zh-CN,zh");
    b.goto(&format!("{}/?demo=1", server.base_url));
    // d004: 260 customers; a few refuse once the demo clock takes over.
    create(&b, "d004", true);
    b.click(&b.by_role("button", "开始执行"));
    b.wait_text("全部已提交并被接受");
    b.click(&b.by_role("link", "打开此交接"));
    let m = zh();
    let done = watch(&b, m, "the takeover", |s| {
        s.counts.get("waiting").copied().unwrap_or(1) == 0 && s.state == "completed"
    });
    let last = done.last().expect("a sample");
    let again = ["refused", "limit_exceeded", "failed"]
        .iter()
        .map(|k| last.counts.get(*k).copied().unwrap_or(0))
        .sum::<u32>();
    assert!(again > 0, "some customers refused: {last:?}");
    b.wait_text(&(m.again_help)(&again.to_string()));
    b.click(&b.by_role("button", "重新交接未成功的项"));
    // The wizard opens on the customers step with exactly those chosen (customers and groups).
    b.by_role("heading", "客户和客户群");
    let chosen = |b: &Browser| -> Option<u32> {
        let counts = b.css_all(".hoc-count");
        let mut sum = 0;
        for c in &counts {
            let t = b.text(c);
            sum += t
                .strip_prefix("已选 ")?
                .split(" / ")
                .next()?
                .parse::<u32>()
                .ok()?;
        }
        (!counts.is_empty()).then_some(sum)
    };
    b.wait_until("exactly the rejected items chosen", |b| {
        chosen(b) == Some(again)
    });
    let draft = b.exec(
        "return sessionStorage.getItem('handover-console.wizard')",
        vec![],
    );
    assert!(
        draft.as_str().is_some_and(|d| d.contains("\"d004\"")),
        "a draft for the same departed member: {draft}"
    );
    b.assert_no_console_errors();
}

/// Every event of a handover, following the API's cursors.
fn all_events(backend: &BackendProcess, id: &str) -> usize {
    let mut n = 0;
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let path = match &cursor {
            Some(c) => format!("/handovers/{id}/events?cursor={c}"),
            None => format!("/handovers/{id}/events"),
        };
        let page = backend.get(&path);
        n += page["items"].as_array().map_or(0, Vec::len);
        cursor = page["next_cursor"].as_str().map(str::to_string);
        if cursor.is_none() {
            break;
        }
    }
    n
}

#[test]
fn the_timeline_is_whole_when_the_backend_pages_it() {
    // Two entries a page: the timeline spans several pages and must show every one of them.
    let backend = BackendProcess::start(&["--max-page-size", "2"]);
    let ids = create_via_api(&backend, "d009", "ho-e2e-pages");
    for (seq, id) in ids.iter().enumerate() {
        let answer = api(
            &backend,
            "admin-token",
            "POST",
            "/handovers/ho-e2e-pages/batches",
            json!({ "seq": seq + 1, "successor": roomy("d009").id, "customer_ids": [id] }),
        );
        assert_eq!(answer["seq"], seq + 1, "{answer}");
    }
    let expected = all_events(&backend, "ho-e2e-pages");
    assert!(expected > 2, "more than one page of events: {expected}");
    let b = Browser::launch_in(ZONE, "zh-CN,zh");
    b.goto(&format!("{}/?handover=ho-e2e-pages", backend.base_url));
    b.wait_until("every event", |b| {
        b.css_all(".hoc-timeline time").len() >= expected
    });
    assert_eq!(
        b.css_all(".hoc-timeline time").len(),
        all_events(&backend, "ho-e2e-pages")
    );
    b.assert_no_console_errors();
}
