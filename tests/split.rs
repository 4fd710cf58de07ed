//! End-to-end: splitting one departed member's customers across several successors (issue 13),
//! in Simplified Chinese and English: balanced across three successors against the reference
//! backend (behind the contract proxy), run to completion, per-successor counts checked on the
//! backend; a move by hand and the over-capacity warning in demo mode.
//!
//! The balanced run hands over d016, the seed's sales member with 3,000 customers.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use serde_json::Value;
use support::backend::BackendProcess;
use support::runs::count;
use support::seed::{departed, successors};
use support::server::StaticServer;
use support::webdriver::Browser;

struct Words {
    accept: &'static str,
    next: &'static str,
    several: &'static str,
    round_robin: &'static str,
    by_hand: &'static str,
    search: &'static str,
    move_to: &'static str,
    move_checked: &'static str,
    moved_one: &'static str,
    split_across_3: &'static str,
    approval: &'static str,
    confirm: &'static str,
    code: &'static str,
    verify: &'static str,
    created: &'static str,
    start: &'static str,
    over: &'static str,
}

const ZH: Words = Words {
    accept: "zh-CN,zh",
    next: "下一步",
    several: "多位接替成员",
    round_robin: "轮流分配",
    by_hand: "手动分配",
    search: "搜索",
    move_to: "移至",
    move_checked: "移动勾选的客户",
    moved_one: "已手动调整 1 位客户",
    split_across_3: "分配给 3 位接替成员",
    approval: "客户数量较多",
    confirm: "确认交接",
    code: "验证码",
    verify: "验证并确认交接",
    created: "交接已创建",
    start: "开始执行",
    over: "将超出客户上限",
};

const EN: Words = Words {
    accept: "en-US,en",
    next: "Next",
    several: "Several successors",
    round_robin: "Round robin",
    by_hand: "By hand",
    search: "Search",
    move_to: "Move to",
    move_checked: "Move the checked customers",
    moved_one: "1 customer moved by hand",
    split_across_3: "Split across 3 successors",
    approval: "it is a large handover",
    confirm: "Confirm handover",
    code: "Verification code",
    verify: "Verify and confirm",
    created: "Handover created",
    start: "Start the run",
    over: "over their limit",
};

/// A number as the page shows it (grouped with commas).
fn number(text: &str) -> u64 {
    text.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(u64::MAX)
}

/// The preview's rows: (successor id, customers).
fn preview(b: &Browser) -> Vec<(String, u64)> {
    b.css_all(".hoc-split-table tbody tr")
        .iter()
        .map(|r| {
            let id = b.attr(r, "data-successor").unwrap_or_default();
            let cell = b.exec(
                "return arguments[0].querySelector('[data-col=customers]').textContent",
                vec![Browser::as_arg(r)],
            );
            (id, number(cell.as_str().unwrap_or_default()))
        })
        .collect()
}

/// Steps 1–3 up to the split: `departed` chosen, every transferable item kept, several
/// successors on.
fn to_split(b: &Browser, w: &Words, departed_id: &str) {
    b.click(&b.by_role("radio", &departed(departed_id).name));
    b.click(&b.by_role("button", w.next));
    b.wait_until("lists", |b| !b.css_all(".hoc-count").is_empty());
    b.click(&b.by_role("button", w.next));
    b.click(&b.by_role("radio", w.several));
}

fn post(backend: &BackendProcess, token: &str, path: &str) -> Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    agent
        .post(&format!("{}/api{path}", backend.base_url))
        .header("Authorization", &format!("Bearer {token}"))
        .send_empty()
        .expect("api answer")
        .body_mut()
        .read_json()
        .expect("json")
}

fn balanced_across_three(w: &Words) {
    let backend = BackendProcess::start(&[]);
    let b = Browser::launch(w.accept);
    b.goto(&backend.base_url);
    to_split(&b, w, "d016");
    let total = departed("d016").pending_customers as u64;
    // Three successors with room for a third of the customers each.
    let chosen: Vec<_> = successors("d016")
        .into_iter()
        .filter(|m| m.customer_limit - m.customer_count > 500)
        .take(3)
        .collect();
    assert_eq!(chosen.len(), 3, "three roomy successors");
    for m in &chosen {
        b.click(&b.by_role("checkbox", &m.name));
    }
    b.wait_until("a row per successor", |b| preview(b).len() == 3);
    let rows = preview(&b);
    let transferable: u64 = rows.iter().map(|r| r.1).sum();
    assert!(transferable > 0 && transferable <= total, "{rows:?}");
    // Balanced by spare capacity: whoever takes customers ends with the same room left (to one),
    // and whoever takes none had no more room than that to begin with.
    let after: Vec<(u64, u64)> = b
        .css_all(".hoc-split-table tbody tr")
        .iter()
        .map(|r| {
            let cell = |col: &str| {
                let v = b.exec(
                    &format!("return arguments[0].querySelector('[data-col={col}]').textContent"),
                    vec![Browser::as_arg(r)],
                );
                number(v.as_str().unwrap_or_default())
            };
            (cell("customers"), cell("after"))
        })
        .collect();
    let level: Vec<u64> = after.iter().filter(|a| a.0 > 0).map(|a| a.1).collect();
    let (lo, hi) = (
        level.iter().min().copied().unwrap_or(0),
        level.iter().max().copied().unwrap_or(0),
    );
    assert!(hi - lo <= 1, "the same room left: {after:?}");
    assert!(
        after.iter().filter(|a| a.0 == 0).all(|a| a.1 <= hi),
        "{after:?}"
    );
    assert!(
        b.css_all(".hoc-split-table tr[data-over=true]").is_empty(),
        "nobody over their limit"
    );
    b.click(&b.by_role("button", w.next));
    b.click(&b.by_role("button", w.next));
    b.by_role("heading", w.confirm);
    b.wait_text(w.split_across_3);
    // More than 1,000 customers in all: approval, whoever takes them.
    b.wait_text(w.approval);
    b.click(&b.by_role("button", w.confirm));
    b.type_text(&b.by_role("textbox", w.code), "246810");
    b.click(&b.by_role("button", w.verify));
    b.by_role("heading", w.created);
    let list = backend.get("/handovers");
    let id = list["items"][0]["id"]
        .as_str()
        .expect("a handover")
        .to_string();
    let h = backend.get(&format!("/handovers/{id}"));
    assert_eq!(h["successors"].as_array().map(Vec::len), Some(3), "{h}");
    let approved = post(
        &backend,
        "approver-token",
        &format!("/handovers/{id}/approve"),
    );
    assert_eq!(approved["state"], "ready", "{approved}");

    b.goto(&format!("{}/?handover={id}", backend.base_url));
    b.click(&b.by_role("button", w.start));
    b.wait_until("a row per successor in the run", |b| {
        b.css_all(".hoc-run-successors tbody tr").len() == 3
    });
    b.wait_until("the run is done", |b| {
        count(b, "remaining") == 0 && b.css_all(".hoc-run .hoc-result").len() == 1
    });
    let h = backend.get(&format!("/handovers/{id}"));
    let parts = h["by_successor"].as_array().cloned().unwrap_or_default();
    assert_eq!(parts.len(), 3, "{h}");
    for (part, (successor, customers)) in parts.iter().zip(&rows) {
        assert_eq!(part["successor"]["id"].as_str(), Some(successor.as_str()));
        assert_eq!(part["customer_count"].as_u64(), Some(*customers), "{part}");
        assert_eq!(part["counts"]["unsent"], 0, "every item sent: {part}");
    }
    let groups: u64 = parts.iter().filter_map(|p| p["group_count"].as_u64()).sum();
    assert!(groups <= 300, "no more groups than WeCom moves a day");
    // Each successor's items were sent to that successor (the backend's items say so).
    let items = backend.get(&format!("/handovers/{id}/items?limit=1000"));
    for it in items["items"].as_array().cloned().unwrap_or_default() {
        assert!(
            rows.iter().any(|(s, _)| it["successor"] == s.as_str()),
            "{it}"
        );
    }
    // The handover's page shows each successor's outcomes.
    b.wait_until("outcomes by successor", |b| {
        b.css_all(".hoc-by-successor tbody tr").len() == 3
    });
    b.assert_no_console_errors();
    backend.assert_contract();
}

fn by_hand_and_over_capacity(w: &Words) {
    let server = StaticServer::start(support::dist_dir());
    let b = Browser::launch(w.accept);
    b.goto(&format!("{}/?demo=1", server.base_url));
    to_split(&b, w, "d004");
    let n = departed("d004").pending_customers;
    let mut all = successors("d004");
    all.sort_by_key(|m| m.customer_limit - m.customer_count);
    let tight = all.first().cloned().expect("a successor");
    let roomy = all.last().cloned().expect("a successor");
    assert!(
        tight.customer_limit - tight.customer_count < n / 2,
        "the tightest successor cannot take half of {n}"
    );
    b.click(&b.by_role("checkbox", &tight.name));
    b.click(&b.by_role("checkbox", &roomy.name));
    b.wait_until("two rows", |b| preview(b).len() == 2);
    // Round robin deals evenly, whatever the room: the tight successor is flagged.
    b.click(&b.by_role("radio", w.round_robin));
    b.wait_until("the over-capacity warning", |b| {
        b.css_all(".hoc-split-warnings li")
            .iter()
            .any(|l| b.text(l).contains(&tight.name) && b.text(l).contains(w.over))
    });
    let alert = b.css_all(".hoc-split-warnings");
    assert_eq!(
        alert.first().and_then(|a| b.attr(a, "role")).as_deref(),
        Some("alert")
    );
    assert_eq!(
        b.css_all(".hoc-split-table tr[data-over=true]").len(),
        1,
        "the row says it too"
    );

    // By hand: move one customer, found through the filter, to the tight successor. By hand
    // starts from the balanced split: nobody over their limit until the move.
    b.click(&b.by_role("radio", w.by_hand));
    b.wait_until("the balanced start", |b| {
        b.css_all(".hoc-split-table tr[data-over=true]").is_empty()
    });
    let before = preview(&b);
    let first = b
        .css_all(".hoc-by-hand-row label")
        .first()
        .map(|l| b.text(l))
        .expect("a row");
    let row_of_roomy = b
        .css_all(".hoc-by-hand-row")
        .into_iter()
        .find(|r| b.text(r).contains(&roomy.name))
        .expect("a customer of the roomy successor");
    let name = b.exec(
        "return arguments[0].querySelector('label').textContent",
        vec![Browser::as_arg(&row_of_roomy)],
    );
    let name = name.as_str().unwrap_or(&first).to_string();
    b.type_text(&b.by_role("searchbox", w.search), &name);
    b.wait_until("the filter", |b| {
        b.css_all(".hoc-by-hand-row label")
            .iter()
            .all(|l| b.text(l).contains(&name))
    });
    let check = b
        .css_all(".hoc-by-hand-row")
        .into_iter()
        .find(|r| b.text(r).contains(&roomy.name))
        .expect("the row");
    let input = b.exec(
        "return arguments[0].querySelector('input')",
        vec![Browser::as_arg(&check)],
    );
    assert!(!input.is_null());
    b.exec(
        "arguments[0].querySelector('input').click()",
        vec![Browser::as_arg(&check)],
    );
    b.select_option(&b.by_role("combobox", w.move_to), &tight.name);
    b.click(&b.by_role("button", w.move_checked));
    b.wait_text(w.moved_one);
    let after = preview(&b);
    let of = |rows: &[(String, u64)], id: &str| {
        rows.iter()
            .find(|r| r.0 == id)
            .map(|r| r.1)
            .unwrap_or_default()
    };
    assert_eq!(of(&after, &tight.id), of(&before, &tight.id) + 1);
    assert_eq!(of(&after, &roomy.id), of(&before, &roomy.id) - 1);
    b.assert_no_console_errors();
}

#[test]
fn balanced_across_three_successors_in_chinese() {
    balanced_across_three(&ZH);
}

#[test]
fn balanced_across_three_successors_in_english() {
    balanced_across_three(&EN);
}

#[test]
fn a_move_by_hand_and_the_over_capacity_warning_in_chinese() {
    by_hand_and_over_capacity(&ZH);
}

#[test]
fn a_move_by_hand_and_the_over_capacity_warning_in_english() {
    by_hand_and_over_capacity(&EN);
}
