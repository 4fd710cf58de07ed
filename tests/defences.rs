//! End-to-end: the client defends itself against a backend that misbehaves (issue: any
//! compatible backend): a session that fails, lists that repeat entries or loop while the
//! admin pages through them with "load more".
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::collections::HashSet;

use support::backend::BackendProcess;
use support::flows::to_confirm;
use support::seed::{name_of, pending_departed_names};
use support::webdriver::Browser;

fn alert_text(b: &Browser) -> String {
    b.css_all("[role=alert]")
        .iter()
        .map(|e| b.text(e))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_session_that_fails_once_is_retried_without_the_admin_noticing() {
    let backend = BackendProcess::start(&["--fault-session-503", "1"]);
    let b = Browser::launch("zh-CN,zh");
    b.goto(&backend.base_url);
    to_confirm(&b, "d004", true);
    b.wait_text("无需审批");
    assert!(
        alert_text(&b).trim().is_empty(),
        "no error left: {}",
        alert_text(&b)
    );
    // The browser itself logs the failed request; nothing else may reach the console.
    let errors = b.console_errors();
    assert!(
        errors.iter().all(|e| e.contains("503")),
        "only the injected 503: {errors:?}"
    );
}

#[test]
fn a_session_that_keeps_failing_says_so_and_retries_on_demand() {
    // Four tries at start-up (all 503), then the admin's Retry gets through on its second try.
    let backend = BackendProcess::start(&["--fault-session-503", "5", "--retry-after", "0"]);
    let b = Browser::launch("zh-CN,zh");
    b.goto(&backend.base_url);
    b.by_role("button", "重试");
    assert!(!alert_text(&b).trim().is_empty(), "the failure is said");
    // What a support desk needs, folded under the notice.
    let details = b.css_all(".hoc-tech");
    assert_eq!(details.len(), 1, "one disclosure");
    b.click(&b.css_all(".hoc-tech summary")[0]);
    let facts = b.text(&details[0]);
    for want in ["技术详情", "503", "unavailable", "请求 ID", "req-"] {
        assert!(facts.contains(want), "{want} in {facts}");
    }
    to_confirm(&b, "d004", true);
    b.wait_text("暂不确定：会话未能加载");
    // The notice and its Retry are still there (drawn anew once the whole app took over from
    // the first screen).
    b.click(&b.by_role("button", "重试"));
    b.wait_text("无需审批");
    b.wait_until("the notice goes", |b| {
        b.all_by_role("button", "重试").is_empty()
    });
}

/// Clicks "load more" until it is gone or an error shows; the names of the listed members.
fn load_everything(b: &Browser) -> Vec<String> {
    b.wait_until("the first page", |b| {
        !b.css_all("input[name=hoc-departed]").is_empty()
    });
    loop {
        b.wait_until("no page loading", |b| !b.page_text().contains("正在加载"));
        let more = b.all_by_role("button", "加载更多");
        if more.is_empty() {
            break;
        }
        let before = b.css_all("input[name=hoc-departed]").len();
        b.click(&more[0]);
        b.wait_until("the next page or an error", |b| {
            b.css_all("input[name=hoc-departed]").len() > before
                || !alert_text(b).trim().is_empty()
                || b.all_by_role("button", "加载更多").is_empty()
        });
    }
    b.css_all("input[name=hoc-departed]")
        .iter()
        .map(|radio| b.label(radio))
        .collect()
}

#[test]
fn load_more_lists_each_departed_member_once_when_pages_repeat_entries() {
    let backend = BackendProcess::start(&["--max-page-size", "4", "--fault-repeat-ids", "2"]);
    let b = Browser::launch("zh-CN,zh");
    b.goto(&backend.base_url);
    let names = load_everything(&b);
    let unique: HashSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "each member once: {names:?}");
    let mut expected = pending_departed_names();
    let mut got = names.clone();
    expected.sort();
    got.sort();
    assert_eq!(got, expected, "every member can be picked");
    b.wait_text("后端返回了");
    b.assert_no_console_errors();
}

#[test]
fn a_departed_list_whose_cursor_loops_stops_with_a_clear_error() {
    let backend = BackendProcess::start(&["--max-page-size", "4", "--fault-loop-cursor"]);
    let b = Browser::launch("zh-CN,zh");
    b.goto(&backend.base_url);
    let names = load_everything(&b);
    b.wait_text("后端分页出现循环");
    let unique: HashSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "nothing listed twice: {names:?}");
    assert_eq!(names.len(), pending_departed_names().len(), "nothing lost");
    b.by_role("button", "重试");
}

/// Counts the requests the page makes to paths containing `path` from now on.
fn count_requests(b: &Browser, path: &str) {
    b.exec(
        "window.__calls = []; const f = window.fetch; const p = arguments[0]; \
         window.fetch = (r, o) => { const u = String((r && r.url) || r); \
         if (u.includes(p)) window.__calls.push(u); return f(r, o); };",
        vec![serde_json::json!(path)],
    );
}

fn requests(b: &Browser) -> Vec<String> {
    b.exec("return window.__calls", vec![])
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_pinyin_composition_sends_one_search_and_never_flashes_no_match() {
    let backend = BackendProcess::start(&[]);
    let b = Browser::launch("zh-CN,zh");
    b.goto(&backend.base_url);
    let search = b.by_role("searchbox", "搜索");
    b.wait_until("the worklist", |b| {
        !b.css_all("input[name=hoc-departed]").is_empty()
    });
    count_requests(&b, "/departed-members");
    let name = name_of("d004");
    let first: String = name.chars().take(1).collect();
    // What an IME does: a composition of latin keystrokes, each an `input` while composing,
    // then the chosen character; Firefox adds one more `input` after `compositionend`.
    b.exec(
        "const el = arguments[0]; el.focus(); \
         el.dispatchEvent(new CompositionEvent('compositionstart', {data: ''})); \
         for (const typed of ['w', 'wa', 'wan', 'wang']) { el.value = typed; \
           el.dispatchEvent(new InputEvent('input', {data: typed, isComposing: true, bubbles: true})); }",
        vec![Browser::as_arg(&search)],
    );
    // Longer than the debounce: a composing box must still have sent nothing.
    let during = b.exec(
        "return new Promise(r => setTimeout(() => r([window.__calls.length, \
         document.body.innerText.includes('没有符合条件')]), 600))",
        vec![],
    );
    assert_eq!(
        during,
        serde_json::json!([0, false]),
        "nothing sent while composing"
    );
    b.exec(
        "const el = arguments[0], word = arguments[1]; el.value = word; \
         el.dispatchEvent(new CompositionEvent('compositionend', {data: word, bubbles: true})); \
         el.dispatchEvent(new InputEvent('input', {data: word, isComposing: false, bubbles: true}));",
        vec![Browser::as_arg(&search), serde_json::json!(first)],
    );
    b.wait_until("the search answered", |b| {
        !requests(b).is_empty() && !b.page_text().contains("正在加载")
    });
    b.by_role("radio", &name);
    let sent = requests(&b);
    assert_eq!(sent.len(), 1, "one request for the composed word: {sent:?}");
    assert!(sent[0].contains("q="), "{sent:?}");
    assert!(!b.page_text().contains("没有符合条件"));
    b.assert_no_console_errors();
}
