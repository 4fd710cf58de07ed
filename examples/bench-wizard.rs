//! Benchmark (not a test): the 20,000-customer member in headless Chromium on the release
//! build. Writes target/bench/wizard.json: first paint, list ready, filter keystroke → list
//! updated (median, p95 over 20 keystrokes), select-all, DOM rows; and target/bench/split.json:
//! the balanced split of the 20,000 customers across 20 successors (User Timing
//! `assign:balanced`, issue 13; median and max of the recomputations while successors are
//! added, and the one with all 20). Run: `make bench-wizard`.

#[path = "../tests/support/mod.rs"]
mod support;

use serde_json::{json, Value};
use support::server::StaticServer;
use support::webdriver::Browser;

fn measures(b: &Browser, name: &str) -> Vec<f64> {
    b.exec(
        "return performance.getEntriesByName(arguments[0]).map(e => e.duration)",
        vec![json!(name)],
    )
    .as_array()
    .cloned()
    .unwrap_or_default()
    .iter()
    .filter_map(Value::as_f64)
    .collect()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let server = StaticServer::start(support::dist_dir());
    let b = Browser::launch("zh-CN,zh");
    b.goto(&format!("{}/?demo=1", server.base_url));
    b.wait_until("the worklist", |b| {
        !b.css_all("input[name=hoc-departed]").is_empty()
    });
    let paint = b.exec(
        "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : null",
        vec![],
    );
    let big = b
        .css_all("input[name=hoc-departed]")
        .into_iter()
        .find(|r| {
            b.exec(
                "return arguments[0].closest('li').innerText.includes('待分配客户 20,000')",
                vec![Browser::as_arg(r)],
            ) == true
        })
        .expect("the 20,000-customer member");
    b.click(&big);
    b.click(&b.by_role("button", "下一步"));
    b.wait_until("the list", |b| !b.css_all(".hoc-count").is_empty());
    std::thread::sleep(std::time::Duration::from_millis(300));
    let ready = measures(&b, "customers:list-ready");

    let search = b.by_role("searchbox", "搜索");
    for i in 0..20 {
        let key = if i % 2 == 0 { "王" } else { "\u{E003}" };
        b.type_text(&search, key);
        std::thread::sleep(std::time::Duration::from_millis(60));
    }
    let mut filter = measures(&b, "customers:filter");
    filter.sort_by(|a, b| a.total_cmp(b));
    b.click(&b.by_role("button", "清空 客户"));
    b.click(&b.by_role("button", "全选筛选结果 客户"));
    std::thread::sleep(std::time::Duration::from_millis(200));
    let select_all = measures(&b, "customers:select-all");
    let rows = b.css_all(".hoc-vrow").len();
    let nodes = b.exec("return document.getElementsByTagName('*').length", vec![]);

    // The split: 20 successors, balanced by spare capacity, over every customer.
    b.click(&b.by_role("button", "全选筛选结果 客户"));
    b.click(&b.by_role("button", "下一步"));
    b.click(&b.by_role("radio", "多位接替成员"));
    let mut cards = Vec::new();
    b.wait_until("20 eligible successors", |b| {
        cards = b.css_all("input[name=hoc-successor]:not([disabled])");
        cards.len() >= 20
    });
    b.exec("performance.clearMeasures('assign:balanced')", vec![]);
    for card in cards.iter().take(20) {
        b.click(card);
    }
    b.wait_until("a preview row per successor", |b| {
        b.css_all(".hoc-split-table tbody tr").len() == 20
    });
    let all = measures(&b, "assign:balanced");
    let twenty = all.last().copied();
    let mut sorted = all.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let assigned = b
        .css_all(".hoc-split-table tfoot [data-col=customers]")
        .first()
        .map(|c| b.text(c))
        .unwrap_or_default();
    let split = json!({
        "customers_selected": 20_000,
        "successors": 20,
        "customers_assigned": assigned,
        "assign_balanced_ms": twenty,
        "assign_balanced_median_ms": percentile(&sorted, 0.5),
        "assign_balanced_max_ms": sorted.last(),
        "measures": all.len(),
        "goal_ms": 16,
    });

    let report = json!({
        "first_contentful_paint_ms": paint,
        "list_ready_ms": ready.last(),
        "filter_keystrokes": filter.len(),
        "filter_median_ms": percentile(&filter, 0.5),
        "filter_p95_ms": percentile(&filter, 0.95),
        "select_all_ms": select_all.last(),
        "dom_rows": rows,
        "dom_elements": nodes,
        "goals": { "list_ready_ms": 300, "filter_p95_ms": 16, "select_all_ms": 16, "dom_rows": 100 },
    });
    std::fs::create_dir_all("target/bench").expect("target/bench");
    std::fs::write(
        "target/bench/wizard.json",
        serde_json::to_string_pretty(&report).expect("json"),
    )
    .expect("write");
    println!("{}", serde_json::to_string_pretty(&report).expect("json"));
    println!("written: target/bench/wizard.json");
    std::fs::write(
        "target/bench/split.json",
        serde_json::to_string_pretty(&split).expect("json"),
    )
    .expect("write");
    println!("{}", serde_json::to_string_pretty(&split).expect("json"));
    println!("written: target/bench/split.json");
}
