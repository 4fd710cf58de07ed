//! End-to-end: running handovers against the reference backend (with fault injection) and the
//! demo store: batches, retries, resume after reload, offline pause, per-item rejections.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::collections::HashSet;

use support::backend::BackendProcess;
use support::flows::{create, d004_created};
use support::runs::{self, batch_events, count, status};
use support::seed::{name_of, roomy};
use support::server::StaticServer;
use support::webdriver::Browser;

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

/// After a run: every item accounted for once (see `support::runs`), and never "of 0".
fn assert_accounted(b: &Browser, backend: &BackendProcess) {
    runs::assert_accounted(b, backend);
    let text = b.page_text();
    assert!(!text.contains("/ 0"), "never \"of 0\": {text}");
}

#[test]
fn repeated_ids_across_pages_are_listed_once_and_each_item_is_sent_once() {
    // d007's customers take two pages; the second starts with the first page's last 3.
    let backend = BackendProcess::start(&["--fault-repeat-ids", "3"]);
    let b = Browser::launch("zh-CN,zh");
    b.goto(&backend.base_url);
    let d = support::seed::departed("d007");
    b.click(&b.by_role("radio", &d.name));
    b.click(&b.by_role("button", "下一步"));
    b.wait_until("lists", |b| !b.css_all(".hoc-count").is_empty());
    b.click(&b.by_role("button", "清空 客户"));
    // The count is right: each customer listed once.
    b.wait_text(&format!(
        "已选 0 / {}",
        handover_console::i18n::grouped(d.pending_customers as usize)
    ));
    // A few customers (under the approval threshold), no groups (over WeCom's 300 a day).
    let row = |pos: usize| b.css_all(&format!(".hoc-vrow[data-pos=\"{pos}\"] input"))[0].clone();
    b.click(&row(0));
    b.shift_click(&row(9));
    // Important customers would need approval: leave them out.
    let important = b.by_role("checkbox", "仅重要客户");
    b.click(&important);
    b.click(&b.by_role("button", "清空 客户"));
    b.click(&important);
    b.click(&b.by_role("button", "清空 客户群"));
    b.click(&b.by_role("button", "下一步"));
    b.click(&b.by_role("radio", &roomy("d007").name));
    b.click(&b.by_role("button", "下一步"));
    b.click(&b.by_role("button", "下一步"));
    b.wait_text("无需审批");
    b.click(&b.by_role("button", "确认交接"));
    b.type_text(&b.by_role("textbox", "验证码"), "246810");
    b.click(&b.by_role("button", "验证并确认交接"));
    b.by_role("heading", "交接已创建");
    b.click(&b.by_role("button", "开始执行"));
    b.wait_text("全部已提交并被接受");
    assert!(count(&b, "submitted") > 0);
    assert_accounted(&b, &backend);
    b.assert_no_console_errors();
}

#[test]
fn a_looping_cursor_stops_the_list_with_a_clear_error() {
    let backend = BackendProcess::start(&["--fault-loop-cursor"]);
    let b = Browser::launch("zh-CN,zh");
    b.goto(&backend.base_url);
    b.click(&b.by_role("radio", &name_of("d004")));
    b.click(&b.by_role("button", "下一步"));
    b.wait_text("后端分页出现循环，列表停在");
    // No endless loading: the progress is gone and stays gone.
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(b.css_all("#hoc-load-progress").is_empty(), "still loading");
    assert!(!b.page_text().contains("正在加载"));
}

#[test]
fn an_outcome_left_out_is_asked_again_before_the_run_says_accepted() {
    let (backend, b) = d004_created(&["--fault-drop-item"]);
    b.click(&b.by_role("button", "开始执行"));
    b.wait_text("全部已提交并被接受");
    assert_eq!(count(&b, "accepted"), count(&b, "submitted"));
    assert_accounted(&b, &backend);
    b.assert_no_console_errors();
}

#[test]
fn batches_follow_the_sessions_items_per_batch() {
    let (backend, b) = d004_created(&["--items-per-batch", "50"]);
    b.click(&b.by_role("button", "开始执行"));
    b.wait_text("全部已提交并被接受");
    assert_accounted(&b, &backend);
    let batches = batch_events(&backend);
    assert!(
        batches.iter().all(|(_, a, r)| a + r <= 50),
        "no batch above 50: {batches:?}"
    );
    assert!(
        batches.len() >= 6,
        "260 customers need 6 batches of 50: {batches:?}"
    );
    b.assert_no_console_errors();
}

#[test]
fn an_expired_session_pauses_the_run_and_resume_finishes_it() {
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
        // Paused at once: nothing moves while the session is gone (answers already on their
        // way settle first).
        std::thread::sleep(std::time::Duration::from_millis(300));
        let remaining = count(&b, "remaining");
        assert!(remaining > 0);
        std::thread::sleep(std::time::Duration::from_millis(600));
        assert_eq!(count(&b, "remaining"), remaining, "all workers stopped");
        assert!(b.all_by_role("button", "暂停").is_empty());
        backend.reauth();
        b.click(&b.by_role("button", "继续"));
    }
    assert!(expired >= 1, "the session expired mid-run");
    // The last batches may have expired the session once more: the test's own reads sign in.
    backend.reauth();
    assert_accounted(&b, &backend);
}

#[test]
fn without_totals_progress_is_indeterminate_never_of_zero() {
    // Item pages are slow, so the handover's page shows its loading progress for a while.
    let (backend, b) = d004_created(&[
        "--fault-no-total",
        "--latency-ms",
        "1500",
        "--fault-path",
        "/items",
    ]);
    b.click(&b.by_role("button", "开始执行"));
    b.wait_text("全部已提交并被接受");
    assert_accounted(&b, &backend);
    let id = backend.get("/handovers")["items"][0]["id"]
        .as_str()
        .expect("a handover")
        .to_string();
    b.goto(&format!("{}/?handover={id}", backend.base_url));
    b.wait_until("the items' progress", |b| {
        !b.css_all("#hoc-items-progress").is_empty()
    });
    let bar = &b.css_all("#hoc-items-progress")[0];
    assert_eq!(b.attr(bar, "value"), None, "indeterminate without a total");
    assert!(!b.page_text().contains("/ 0"));
    b.wait_until("the items", |b| b.css_all("#hoc-items-progress").is_empty());
    b.wait_until("the handover", |b| !b.css_all("[data-state]").is_empty());
    assert!(!b.page_text().contains("/ 0"));
    b.assert_no_console_errors();
}

#[test]
fn a_run_through_429_bursts_and_5xx_accounts_for_every_item() {
    // Batch requests 3 to 5, 8 to 10, … answer 429, and about one in ten 503: the four batches
    // cannot all get through without retries.
    let (backend, b) = d004_created(&[
        "--fault-path",
        "/batches",
        "--burst-429",
        "2",
        "--error-rate",
        "0.1",
        "--retry-after",
        "0",
    ]);
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
    let (backend, b) = d004_created(&["--fault-path", "/batches", "--latency-ms", "700"]);
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

#[test]
fn the_live_region_announces_progress_paced_while_the_visible_counts_follow_every_answer() {
    // 52 batches of 5 for d004's 260 customers: dozens of answers in under two seconds.
    let (backend, b) = d004_created(&[
        "--items-per-batch",
        "5",
        "--latency-ms",
        "30",
        "--fault-path",
        "/batches",
    ]);
    // Every text the run's live region and its visible sentence take, in order.
    b.exec(
        "window.__said = []; window.__shown = [];
         const note = (list, el) => {
           const t = el ? el.textContent : null;
           if (t && (list.length === 0 || list[list.length - 1][0] !== t)) list.push([t, performance.now()]);
         };
         new MutationObserver(() => {
           note(window.__said, document.querySelector('.hoc-run [role=status]'));
           note(window.__shown, document.querySelector('.hoc-run .hoc-status'));
         }).observe(document.body, { subtree: true, childList: true, characterData: true });",
        vec![],
    );
    b.click(&b.by_role("button", "开始执行"));
    b.wait_text("全部已提交并被接受");
    assert_accounted(&b, &backend);
    let texts = |name: &str| -> Vec<(String, f64)> {
        serde_json::from_value(b.exec(&format!("return window.{name}"), vec![])).unwrap_or_default()
    };
    let (said, shown) = (texts("__said"), texts("__shown"));
    assert!(
        shown.len() >= 10,
        "the visible sentence follows the answers: {shown:?}"
    );
    // The start, the end, and a count every five seconds between (the run takes well under
    // five seconds, unless the machine is very slow).
    let took = said.last().map_or(0.0, |s| s.1) - said.first().map_or(0.0, |s| s.1);
    let paced = 2 + (took / 5_000.0) as usize;
    assert!(
        (2..=paced).contains(&said.len()),
        "the live region says the start, the end and at most a count each five seconds: {said:?}"
    );
    assert!(said[0].0.starts_with("已提交 "), "{said:?}");
    assert!(
        said.last()
            .is_some_and(|s| s.0.starts_with("全部已提交并被接受")),
        "{said:?}"
    );
    b.assert_no_console_errors();
}

#[test]
fn a_ledger_the_browser_cannot_keep_is_said_and_the_run_still_finishes() {
    // Slow enough batches (14 of 20) that the admin reads the warning while the run goes on.
    let (backend, b) = d004_created(&[
        "--items-per-batch",
        "20",
        "--latency-ms",
        "150",
        "--fault-path",
        "/batches",
    ]);
    // The browser's storage is full for the run's ledger, as when its quota is used up.
    b.exec(
        "const set = Storage.prototype.setItem;
         Storage.prototype.setItem = function (key, value) {
           if (String(key).includes('.run|')) {
             throw new DOMException('the quota has been exceeded', 'QuotaExceededError');
           }
           return set.call(this, key, value);
         };",
        vec![],
    );
    b.click(&b.by_role("button", "开始执行"));
    b.wait_text("此浏览器未能保存执行进度");
    let alert = b.css_all(".hoc-run [role=alert]");
    assert!(
        alert
            .iter()
            .any(|a| b.text(a).contains("执行完毕前请勿关闭或刷新此页面")),
        "said as an alert, with what to do"
    );
    assert!(count(&b, "remaining") > 0, "said while the run goes on");
    b.wait_text("全部已提交并被接受");
    assert_accounted(&b, &backend);
    let kept = b.exec(
        "return Object.keys(localStorage).filter(k => k.includes('.run|')).length",
        vec![],
    );
    assert_eq!(kept, serde_json::json!(0), "nothing of the ledger was kept");
    b.assert_no_console_errors();
}
