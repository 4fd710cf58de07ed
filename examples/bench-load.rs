//! Benchmark (not a test): navigation → the first step's content visible, in headless Chromium
//! on the release build served uncompressed from loopback with `Cache-Control: no-store` (so
//! every navigation downloads and compiles everything again). Seven navigations to the demo
//! with empty storage; the median and each run go to target/bench/load.json. "Visible" is the
//! app's User Timing mark `content-visible` (step 1's first answer rendered: rows, the empty
//! message or an error); first contentful paint (the loading placeholder from index.html) and
//! when the wasm finished downloading are recorded beside it. Then seven more with a saved demo
//! (a returning demo visitor): its first call waits for the later module, which reads the save
//! (`returning_demo_*`). Run: `make bench-load`.

#[path = "../tests/support/mod.rs"]
mod support;

use serde_json::{json, Value};
use support::server::StaticServer;
use support::webdriver::Browser;

const RUNS: usize = 7;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Storage as the navigation finds it: empty, or with a saved demo (no handovers: what the
/// navigation waits for is the later module that reads it).
const EMPTY: &str = "localStorage.clear(); sessionStorage.clear()";
const SAVED_DEMO: &str = "localStorage.clear(); sessionStorage.clear();
    const hour = 3600000, anchor = Date.now() - Date.now() % hour;
    localStorage.setItem('handover-console.demo-state', JSON.stringify(
      { anchor, handovers: [], tokens: [], group_days: {}, next_token: 0 }));";

fn navigations(b: &Browser, url: &str, storage: &str) -> Vec<Value> {
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        b.goto(url);
        b.exec(storage, vec![]);
        b.goto("about:blank");
        b.goto(url);
        b.wait_until("step 1's content", |b| {
            b.exec(
                "return performance.getEntriesByName('content-visible').length",
                vec![],
            ) != json!(0)
        });
        let run = b.exec(
            "const at = (n) => { const e = performance.getEntriesByName(n)[0]; return e ? e.startTime : null; };
             const wasm = performance.getEntriesByType('resource').find(r => r.name.endsWith('.wasm'));
             return {
               content_visible_ms: at('content-visible'),
               first_contentful_paint_ms: at('first-contentful-paint'),
               wasm_downloaded_ms: wasm ? wasm.responseEnd : null,
               requests: performance.getEntriesByType('resource').length + 1,
             };",
            vec![],
        );
        runs.push(run);
    }
    runs
}

fn main() {
    let server = StaticServer::start(support::dist_dir());
    let b = Browser::launch("zh-CN,zh");
    let url = format!("{}/?demo=1", server.base_url);
    let runs = navigations(&b, &url, EMPTY);
    let returning = navigations(&b, &url, SAVED_DEMO);
    let field = |runs: &[Value], k: &str| -> Vec<f64> {
        runs.iter().filter_map(|r| r[k].as_f64()).collect()
    };
    let report = json!({
        "runs": RUNS,
        "content_visible_median_ms": median(field(&runs, "content_visible_ms")),
        "first_contentful_paint_median_ms": median(field(&runs, "first_contentful_paint_ms")),
        "wasm_downloaded_median_ms": median(field(&runs, "wasm_downloaded_ms")),
        "returning_demo_content_visible_median_ms": median(field(&returning, "content_visible_ms")),
        "returning_demo_requests": returning.first().map(|r| r["requests"].clone()),
        "each": Value::Array(runs),
        "goal_ms": 200,
    });
    let text = serde_json::to_string_pretty(&report).expect("json");
    std::fs::create_dir_all("target/bench").expect("target/bench");
    std::fs::write("target/bench/load.json", &text).expect("write");
    println!("{text}\nwritten: target/bench/load.json");
}
