//! End-to-end: running handovers against the reference backend (with fault injection) and the
//! demo store: batches, retries, resume after reload, offline pause, per-item rejections.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::collections::HashSet;

use support::backend::BackendProcess;
use support::seed::{name_of, roomy};
use support::server::StaticServer;
use support::webdriver::Browser;

/// Creates a handover for `departed` without important customers (so no approval is needed);
/// `customers: false` hands over the groups only.
fn create(b: &Browser, departed: &str, customers: bool) {
    b.click(&b.by_role("radio", &name_of(departed)));
    b.click(&b.by_role("button", "下一步"));
    b.wait_until("lists", |b| !b.css_all(".hoc-count").is_empty());
    if customers {
        let important = b.by_role("checkbox", "仅重要客户");
        b.click(&important);
        b.click(&b.by_role("button", "清空 客户"));
        b.click(&important);
    } else {
        b.click(&b.by_role("button", "清空 客户"));
    }
    b.click(&b.by_role("button", "下一步"));
    b.click(&b.by_role("radio", &roomy(departed).name));
    b.click(&b.by_role("button", "下一步"));
    b.click(&b.by_role("button", "下一步"));
    b.wait_text("无需审批");
    b.click(&b.by_role("button", "确认交接"));
    b.type_text(&b.by_role("textbox", "验证码"), "246810");
    b.click(&b.by_role("button", "验证并确认交接"));
    b.by_role("heading", "交接已创建");
}

fn count(b: &Browser, which: &str) -> usize {
    b.css_all(&format!("[data-count={which}]"))
        .first()
        .map(|e| b.text(e))
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(usize::MAX)
}

/// Each batch sequence the backend accepted, from the handover's audit events.
fn accepted_seqs(backend: &BackendProcess) -> Vec<String> {
    let list = backend.get("/handovers");
    let id = list["items"][0]["id"]
        .as_str()
        .expect("a handover")
        .to_string();
    let events = backend.get(&format!("/handovers/{id}/events"));
    events["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|e| e["kind"] == "batch_submitted")
        .map(|e| {
            e["detail"]
                .as_str()
                .unwrap_or_default()
                .split(':')
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[test]
fn a_run_through_429_bursts_and_5xx_accounts_for_every_item() {
    // Batch requests 3 to 5, 8 to 10, … answer 429, and about one in ten 503: the four batches
    // cannot all get through without retries.
    let backend = BackendProcess::start(&[
        "--fault-path",
        "/batches",
        "--burst-429",
        "2",
        "--error-rate",
        "0.1",
        "--retry-after",
        "0",
    ]);
    let b = Browser::launch("zh-CN,zh");
    b.goto(&backend.base_url);
    create(&b, "d004", true);
    b.click(&b.by_role("button", "开始执行"));
    b.wait_text("全部已提交并被接受");
    let total = count(&b, "submitted");
    assert_eq!(count(&b, "remaining"), 0);
    assert_eq!(count(&b, "accepted"), total);
    let h = &backend.get("/handovers")["items"][0];
    assert_eq!(h["counts"]["unsent"], 0, "{h}");
    assert_eq!(h["counts"]["failed"], 0, "{h}");
    assert_eq!(
        h["customer_count"].as_u64().unwrap_or(0) + h["group_count"].as_u64().unwrap_or(0),
        total as u64
    );
    let seqs = accepted_seqs(&backend);
    let distinct: HashSet<_> = seqs.iter().collect();
    assert_eq!(
        distinct.len(),
        seqs.len(),
        "each batch accepted once: {seqs:?}"
    );
    // Console errors here are the injected 429/503 network log lines; nothing else may appear.
    let errors: Vec<String> = b
        .console_errors()
        .into_iter()
        .filter(|e| !e.contains("429") && !e.contains("503"))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn a_reload_in_the_middle_of_a_run_resumes_and_sends_no_batch_twice() {
    let backend = BackendProcess::start(&["--fault-path", "/batches", "--latency-ms", "700"]);
    let b = Browser::launch("zh-CN,zh");
    b.goto(&backend.base_url);
    create(&b, "d004", true);
    b.click(&b.by_role("button", "开始执行"));
    std::thread::sleep(std::time::Duration::from_millis(300));
    b.refresh();
    b.by_role("heading", "交接已创建");
    b.wait_text("全部已提交并被接受");
    let seqs = accepted_seqs(&backend);
    let distinct: HashSet<_> = seqs.iter().collect();
    assert_eq!(
        distinct.len(),
        seqs.len(),
        "each batch accepted once: {seqs:?}"
    );
    assert_eq!(seqs.len(), 4, "three customer batches and one group batch");
    assert_eq!(backend.get("/handovers")["items"][0]["counts"]["unsent"], 0);
}

#[test]
fn offline_pauses_and_rejections_show_their_reasons() {
    let server = StaticServer::start(support::dist_dir());
    let b = Browser::launch("zh-CN,zh");
    b.goto(&format!("{}/?demo=1", server.base_url));
    create(&b, "d007", false);
    b.exec("window.dispatchEvent(new Event('offline'))", vec![]);
    b.click(&b.by_role("button", "开始执行"));
    b.wait_text("网络已断开，执行已暂停");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(count(&b, "submitted"), 0, "nothing is sent while offline");
    b.exec("window.dispatchEvent(new Event('online'))", vec![]);
    b.wait_text("执行完毕：2 项被拒绝");
    b.wait_text("操作过于频繁，请稍后重试 (40128)");
    assert_eq!(count(&b, "accepted"), 300);
    b.click(&b.by_role("button", "重试可重试的项"));
    b.wait_text("执行完毕：2 项被拒绝");
    b.assert_no_console_errors();
}
