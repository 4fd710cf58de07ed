//! End-to-end in Firefox ESR (geckodriver): the main path once, against the reference backend,
//! to prove the app is not Chromium-only. The other e2e files drive Chromium.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use serde_json::Value;
use support::backend::BackendProcess;
use support::flows::create;
use support::runs::{self, count};
use support::seed::{name_of, roomy};
use support::webdriver::{Browser, Element};

/// Has customers under and over the approval threshold, and groups: four batches.
const DEPARTED: &str = "d004";

fn page_counts(b: &Browser) -> Vec<(String, String)> {
    b.css_all(".hoc-bars [data-count]")
        .iter()
        .map(|e| {
            (
                b.attr(e, "data-count").unwrap_or_default(),
                b.text(e).trim().to_string(),
            )
        })
        .collect()
}

/// The handover's counts as the backend has them, in the page's terms.
fn backend_counts(h: &Value) -> Vec<(String, String)> {
    [
        "waiting",
        "taken_over",
        "refused",
        "limit_exceeded",
        "failed",
        "unsent",
    ]
    .iter()
    .map(|k| {
        (
            k.to_string(),
            h["counts"][k].as_u64().unwrap_or(0).to_string(),
        )
    })
    .collect()
}

/// The records table's link to the handover of `departed` → `successor` (its accessible name
/// is "查看 <title>", the title holding a date Firefox formats through Intl).
fn record_link(b: &Browser, departed: &str, successor: &str) -> Option<(Element, String)> {
    let prefix = format!("查看 {departed} → {successor}");
    b.css_all("table a")
        .into_iter()
        .filter(|a| b.role(a) == "link")
        .map(|a| {
            let name = b.label(&a).trim().to_string();
            (a, name)
        })
        .find(|(_, name)| name.starts_with(&prefix))
}

#[test]
fn the_main_path_runs_in_firefox_esr() {
    // Outcomes 2 s after a batch, so the record shows them settle while the test watches.
    let backend = BackendProcess::start(&["--takeover-delay-ms", "2000"]);
    let b = Browser::launch_firefox("zh-CN,zh");
    b.goto(&backend.base_url);
    b.by_role("heading", "离职继承");
    assert_eq!(
        b.exec("return document.documentElement.lang", vec![]),
        "zh-CN",
        "Firefox's accept-languages choose the language"
    );
    assert!(
        b.css_all("[role=note]").is_empty(),
        "against the backend, not in demo mode"
    );
    b.by_role("navigation", "交接步骤");

    // The wizard: departed member, customers (none important), successor, chat history,
    // confirmation re-verified with the code.
    let departed = name_of(DEPARTED);
    let successor = roomy(DEPARTED).name;
    create(&b, DEPARTED, true);
    b.wait_text("状态: 待执行");
    let list = backend.get("/handovers");
    let items = list["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "one handover created: {list}");
    let h = &items[0];
    let id = h["id"].as_str().expect("an id").to_string();
    assert_eq!(h["departed_member"]["id"], DEPARTED, "{h}");
    assert_eq!(h["successors"][0]["name"], successor.as_str(), "{h}");
    assert_eq!(h["approval_required"], false, "{h}");
    assert_eq!(h["state"], "ready", "{h}");
    assert!(h["customer_count"].as_u64().unwrap_or(0) > 0, "{h}");
    assert!(h["group_count"].as_u64().unwrap_or(0) > 0, "{h}");

    // The run, to the end: every item once, nothing lost.
    b.click(&b.by_role("button", "开始执行"));
    b.wait_text("全部已提交并被接受");
    assert!(count(&b, "submitted") > 0);
    runs::assert_accounted(&b, &backend);

    // Its record: from the records list to the handover's page.
    b.click(&b.by_role("link", "分配记录"));
    b.by_role("heading", "分配记录");
    b.wait_until("the handover's record", |b| {
        record_link(b, &departed, &successor).is_some()
    });
    let (link, name) = record_link(&b, &departed, &successor).expect("the record");
    b.click(&link);
    let title = name
        .strip_prefix("查看 ")
        .expect("the link names the handover");
    b.by_role("heading", title);
    let search = b.exec("return location.search", vec![]);
    assert!(
        search.as_str().unwrap_or_default().contains(&id),
        "the page's address names {id}: {search}"
    );
    b.wait_text(&id);
    // The page polls the outcomes until the handover completes, as the backend has it.
    b.wait_until("the handover to complete", |b| {
        b.css_all("dd[data-state=completed]").len() == 1
    });
    let h = backend.get(&format!("/handovers/{id}"));
    assert_eq!(h["state"], "completed", "{h}");
    assert_eq!(h["counts"]["unsent"], 0, "{h}");
    assert_eq!(h["counts"]["waiting"], 0, "{h}");
    b.wait_until("the page's counts to match the backend's", |b| {
        page_counts(b) == backend_counts(&h)
    });
    let state = &b.css_all("dd[data-state]")[0];
    assert_eq!(b.text(state).trim(), "已完成");
    for words in ["创建交接", "身份验证通过", "提交批次", "接替结果更新"] {
        b.wait_text(words);
    }
    support::assert_no_raw_tags(&b, true);
    b.assert_no_console_errors();
    backend.assert_contract();

    // Guards the guard: Firefox's console check sees an error when there is one.
    b.exec("console.error('planted by the test')", vec![]);
    b.wait_until("the planted error", |b| {
        b.console_errors()
            .iter()
            .any(|e| e.contains("planted by the test"))
    });
}
