//! End-to-end, issue #11: the console embedded in host pages (the example pages of `embed/`),
//! served by the reference backend with its strict Content-Security-Policy
//! (`support::site`). Mounting, unmounting and mounting again; configuration from every source
//! in merge order, and the panel for bad values; the portal's theme; every event with its
//! detail; a token from the host after a 401; hash and memory routing that leave the host's
//! address alone; the custom element; and the iframe, which talks only to its configured parent.
//! One browser per test; each test starts its own site.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::time::{Duration, Instant};

use handover_console::i18n::{Locale, Messages};
use serde_json::{json, Value};
use support::flows::create;
use support::runs::{self, count, status};
use support::site::EmbedSite;
use support::webdriver::Browser;

/// The portal's brand colour (`--hoc-primary` in embed/portal.css), as computed styles say it.
const PORTAL_PRIMARY: &str = "#8b1e3f";
const PORTAL_PRIMARY_RGB: &str = "rgb(139, 30, 63)";

fn zh() -> &'static Messages {
    Locale::ZhCn.messages()
}

// ---- reading the host page ----------------------------------------------------------------

/// `window.hocEvents`: every `handover:*` event the page received, `{type, detail, at}`.
fn events(b: &Browser) -> Vec<Value> {
    b.exec("return window.hocEvents || []", vec![])
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The details of the events of one type, in order.
fn details(b: &Browser, kind: &str) -> Vec<Value> {
    events(b)
        .into_iter()
        .filter(|e| e["type"] == kind)
        .map(|e| e["detail"].clone())
        .collect()
}

/// Waits until the page received at least `n` events of `kind`; their details.
fn wait_events(b: &Browser, kind: &str, n: usize) -> Vec<Value> {
    b.wait_until(&format!("{n} × {kind}"), |b| details(b, kind).len() >= n);
    details(b, kind)
}

/// `window.hocCspViolations`, collected by embed/csp-watch.js.
fn violations(b: &Browser) -> Vec<Value> {
    b.exec("return window.hocCspViolations || null", vec![])
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("embed/csp-watch.js did not run on {}", href(b)))
}

fn assert_no_violations(b: &Browser) {
    let found = violations(b);
    assert!(found.is_empty(), "CSP violations: {found:#?}");
}

fn href(b: &Browser) -> String {
    b.exec("return location.href", vec![])
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// What the host owns in its address: path and query string.
fn host_address(b: &Browser) -> String {
    b.exec("return location.pathname + location.search", vec![])
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn hash(b: &Browser) -> String {
    b.exec("return location.hash", vec![])
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The page's clock (`performance.now()`), to ask later what started since.
fn page_now(b: &Browser) -> f64 {
    b.exec("return performance.now()", vec![])
        .as_f64()
        .unwrap_or_default()
}

/// How many resources (fetches included) started loading after `since` on the page's clock. A
/// fetch aborted before `since` may get its timing entry later, with its earlier start.
fn resources_since(b: &Browser, since: f64) -> u64 {
    b.exec(
        "return performance.getEntriesByType('resource').filter(r => r.startTime > arguments[0]).length",
        vec![json!(since)],
    )
    .as_u64()
    .unwrap_or(u64::MAX)
}

/// How many resources (fetches included) the page has loaded so far.
fn resources(b: &Browser) -> u64 {
    b.exec(
        "return performance.getEntriesByType('resource').length",
        vec![],
    )
    .as_u64()
    .unwrap_or_default()
}

/// Watches the page's requests from now on (`window.__net`): each `fetch` started and how it
/// settled, and how many batch submissions were in flight at most.
fn watch_requests(b: &Browser) {
    b.exec(
        "if (window.__net) return;
         const net = window.__net = { started: [], settled: [], batches: 0, maxBatches: 0 };
         const f = window.fetch;
         window.fetch = function (r, o) {
           const u = String((r && r.url) || r);
           const batch = u.includes('/batches');
           net.started.push(u);
           if (batch) { net.batches += 1; net.maxBatches = Math.max(net.maxBatches, net.batches); }
           const done = (how) => { net.settled.push({ u, how }); if (batch) net.batches -= 1; };
           return f.call(this, r, o).then(
             (res) => { done('answered'); return res; },
             (e) => { done((e && e.name) || 'failed'); throw e; });
         };",
        vec![],
    );
}

fn net(b: &Browser) -> Value {
    b.exec("return window.__net", vec![])
}

/// Requests started and not settled, whose address contains `part`.
fn pending(b: &Browser, part: &str) -> usize {
    let n = net(b);
    let list = |k: &str| -> Vec<String> {
        n[k].as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().or_else(|| v["u"].as_str()).map(str::to_string))
            .filter(|u| u.contains(part))
            .collect()
    };
    list("started").len().saturating_sub(list("settled").len())
}

fn started(b: &Browser) -> usize {
    net(b)["started"].as_array().map_or(0, Vec::len)
}

/// Holds `check` for all of `window` (polling): what must not happen for a while.
fn stays(b: &Browser, what: &str, window: Duration, mut check: impl FnMut(&Browser) -> bool) {
    let start = Instant::now();
    while start.elapsed() < window {
        if !check(b) {
            let last = b.exec(
                "return { net: window.__net, resources: performance.getEntriesByType('resource')
                   .slice(-4).map(r => [r.name, Math.round(r.startTime), Math.round(r.responseEnd)]),
                   now: Math.round(performance.now()) }",
                vec![],
            );
            panic!("no longer true: {what}: {last}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn click_id(b: &Browser, id: &str) {
    let found = b.css_all(&format!("#{id}"));
    assert_eq!(found.len(), 1, "one #{id} on {}", href(b));
    b.click(&found[0]);
}

/// The heading of the page the app shows (a handover's names it).
fn heading(b: &Browser) -> String {
    b.css_all("#hoc-page-heading")
        .first()
        .map(|h| b.text(h))
        .unwrap_or_default()
}

fn app_count(b: &Browser) -> u64 {
    b.exec(
        "return document.querySelectorAll('.hoc-app').length",
        vec![],
    )
    .as_u64()
    .unwrap_or_default()
}

/// A computed style of the first element matching `selector`.
fn computed(b: &Browser, selector: &str, property: &str) -> String {
    b.exec(
        "const el = document.querySelector(arguments[0]);
         return el ? getComputedStyle(el).getPropertyValue(arguments[1]).trim() : null;",
        vec![json!(selector), json!(property)],
    )
    .as_str()
    .unwrap_or_else(|| panic!("no {selector}"))
    .to_string()
}

/// The Content-Security-Policy the page was served with.
fn page_policy(b: &Browser) -> String {
    b.exec(
        "return fetch(location.href, { cache: 'no-store' })
           .then(r => r.headers.get('content-security-policy'))",
        vec![],
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

fn assert_strict_policy(b: &Browser) {
    let policy = page_policy(b);
    for part in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "connect-src 'self'",
    ] {
        assert!(policy.contains(part), "{part} in {policy:?}");
    }
    assert!(!policy.contains("unsafe-inline"), "{policy}");
}

/// The handover the backend holds (the only one in these tests).
fn backend_handover(site: &EmbedSite) -> Value {
    site.backend.get("/handovers")["items"][0].clone()
}

/// Console errors other than the network lines of answers a fault flag injected.
fn errors_besides(b: &Browser, injected: &str) -> Vec<String> {
    b.console_errors()
        .into_iter()
        .filter(|e| !e.contains(injected))
        .collect()
}

// ---- the tests ------------------------------------------------------------------------------

#[test]
fn unmounting_drops_every_request_and_mounting_again_resumes_where_it_was() {
    // The handovers' API answers slowly: the records list and each batch are in flight for a
    // while, long enough to unmount in the middle.
    let site = EmbedSite::start(
        None,
        &[
            "--latency-ms",
            "700",
            "--fault-path",
            "/handovers",
            "--items-per-batch",
            "20",
        ],
    );
    let b = Browser::launch("zh-CN,zh");
    b.goto(&site.page("portal.html?token=admin-token"));
    wait_events(&b, "handover:ready", 1);
    let address = host_address(&b);
    watch_requests(&b);

    // A list loading: the records page asks for the handovers, and the host unmounts.
    b.click(&b.by_role("link", zh().nav_records));
    b.wait_until("the records list requested", |b| {
        pending(b, "/handovers") > 0
    });
    click_id(&b, "portal-unmount");
    assert_eq!(app_count(&b), 0, "the app left the page");
    assert_eq!(
        b.exec(
            "return document.getElementById('hoc-mount').childElementCount",
            vec![]
        ),
        json!(0),
        "nothing left in the mount element"
    );
    b.wait_until("the pending request ended", |b| {
        pending(b, "/handovers") == 0
    });
    let settled = net(&b)["settled"].clone();
    assert!(
        settled
            .as_array()
            .into_iter()
            .flatten()
            .any(|s| s["how"] == "AbortError"),
        "the list's request was aborted, not left to finish: {settled}"
    );
    let (requests, since) = (started(&b), page_now(&b));
    // Longer than the backend's latency: an answer still on its way would have arrived.
    stays(
        &b,
        "no request after unmount",
        Duration::from_millis(1500),
        |b| started(b) == requests && resources_since(b, since) == 0,
    );
    b.assert_no_console_errors();

    // Mounted again: the address still names the records page (hash routing), which loads.
    click_id(&b, "portal-mount");
    wait_events(&b, "handover:ready", 2);
    b.by_role("heading", zh().records_title);
    b.wait_text("还没有交接记录。");

    // A run in progress: unmounted while batches are in flight, it stops sending; mounted
    // again, it resumes from its ledger, and the backend takes each batch once.
    b.click(&b.by_role("link", zh().nav_wizard));
    create(&b, "d004", true);
    b.click(&b.by_role("button", "开始执行"));
    b.wait_until("a batch in flight", |b| pending(b, "/batches") > 0);
    click_id(&b, "portal-unmount");
    assert_eq!(app_count(&b), 0);
    b.wait_until("the batches' requests ended", |b| {
        pending(b, "/batches") == 0
    });
    let (requests, since) = (started(&b), page_now(&b));
    stays(
        &b,
        "no batch after unmount",
        Duration::from_millis(1500),
        |b| started(b) == requests && resources_since(b, since) == 0,
    );
    assert!(
        details(&b, "handover:completed").is_empty(),
        "not finished yet"
    );
    b.assert_no_console_errors();
    click_id(&b, "portal-mount");
    wait_events(&b, "handover:ready", 3);
    let completed = wait_events(&b, "handover:completed", 1);
    b.wait_text("全部已提交并被接受");
    runs::assert_accounted(&b, &site.backend);
    let total = completed[0]["counts"]["total"].as_u64().unwrap_or_default();
    assert_eq!(total as usize, count(&b, "submitted"), "{completed:?}");
    assert_eq!(
        host_address(&b),
        address,
        "the host's path and query are untouched"
    );
    b.assert_no_console_errors();
    assert_no_violations(&b);
}

#[test]
fn a_handover_is_told_created_and_completed_once_even_when_a_remount_restores_it() {
    let site = EmbedSite::start(None, &["--latency-ms", "500", "--fault-path", "/batches"]);
    let b = Browser::launch("zh-CN,zh");
    b.goto(&site.page("portal.html?token=admin-token"));
    wait_events(&b, "handover:ready", 1);
    create(&b, "d004", true);
    b.click(&b.by_role("button", "开始执行"));
    wait_events(&b, "handover:run-progress", 1);
    // Remounted mid-run, the run goes on from its ledger; remounted after it, the page shows it.
    click_id(&b, "portal-unmount");
    click_id(&b, "portal-mount");
    wait_events(&b, "handover:completed", 1);
    b.wait_text("全部已提交并被接受");
    click_id(&b, "portal-unmount");
    click_id(&b, "portal-mount");
    wait_events(&b, "handover:ready", 3);
    b.wait_text("全部已提交并被接受");
    let told = |kind: &str| details(&b, kind).len();
    assert_eq!(
        (told("handover:created"), told("handover:completed")),
        (1, 1),
        "a mount that restores a handover tells the host it was created (and completed) again: \
         {:#?}",
        events(&b)
    );
}

/// A 401 on step 1 is told once: the whole app, taking over from the first screen with that
/// failure, shows it (with Retry) without asking the host a second time.
#[test]
fn a_401_on_step_1_is_told_once_when_the_app_takes_over() {
    let site = EmbedSite::start(None, &[]);
    let b = Browser::launch("zh-CN,zh");
    b.goto(&site.page("portal.html"));
    wait_events(&b, "handover:unauthenticated", 1);
    b.click(&b.by_role("link", zh().nav_records));
    b.by_role("heading", zh().records_title);
    // The session's failure and the records list's, each with Retry.
    b.wait_until("the failures shown", |b| {
        b.all_by_role("button", zh().retry).len() == 2
    });
    stays(&b, "told once", Duration::from_millis(800), |b| {
        details(b, "handover:unauthenticated").len() == 1
    });
}

#[test]
fn a_token_from_the_host_after_a_failed_start_loads_what_failed() {
    // The portal mounts the console before it has a token: the first requests answer 401,
    // the console asks the host, and the host's setToken is to retry what waited.
    let site = EmbedSite::start(None, &[]);
    let b = Browser::launch("zh-CN,zh");
    b.goto(&site.page("portal.html"));
    let told = wait_events(&b, "handover:unauthenticated", 1);
    assert_eq!(told, vec![json!({"loginUrl": null})]);
    let input = &b.css_all("#portal-token")[0];
    b.type_text(input, "admin-token");
    click_id(&b, "portal-set-token");
    b.wait_until("the session", |b| {
        !b.all_by_role("link", "待我审批").is_empty()
    });
    b.wait_until("the departed members, loaded again after the token", |b| {
        !b.css_all("input[name=hoc-departed]").is_empty()
    });
    assert_no_violations(&b);
}

#[test]
fn configuration_merges_every_source_in_order_and_bad_values_are_listed() {
    // Each key is given by several sources; the later one wins (config.json < <meta> < the
    // element's data-* < options). Batches are slow, so the run's concurrency shows.
    let file = json!({
        "colorScheme": "dark",
        "locale": "zh-CN",
        "storagePrefix": "from-file",
        "inFlight": 1,
    });
    let site = EmbedSite::start(
        Some(&file.to_string()),
        &[
            "--latency-ms",
            "400",
            "--fault-path",
            "/batches",
            "--items-per-batch",
            "20",
        ],
    );
    let b = Browser::launch("zh-CN,zh");
    b.goto(&site.page("portal.html?token=admin-token&manual=1"));
    b.wait_until("the portal's script", |b| {
        b.exec("return !!window.hocPortal", vec![]) == json!(true)
    });
    watch_requests(&b);
    // portal.html itself: <meta api-base="/api">, data-hash-prefix="console" and
    // data-storage-prefix="portal-console" on the mount element.
    b.exec(
        "const meta = (k, v) => { const m = document.createElement('meta');
           m.name = 'handover-console:' + k; m.content = v; document.head.append(m); };
         meta('locale', 'en');
         meta('in-flight', '2');
         document.getElementById('hoc-mount').dataset.inFlight = '5';
         window.hocPortal.mount({ inFlight: 3, hashPrefix: 'opts' });",
        vec![],
    );
    let ready = wait_events(&b, "handover:ready", 1);
    assert_eq!(
        ready[0],
        json!({"demo": false, "locale": "en"}),
        "locale: <meta> over file"
    );
    assert_eq!(
        computed(&b, ".hoc-app", "color-scheme"),
        "dark",
        "colorScheme: file"
    );
    assert_eq!(
        b.exec(
            "return document.querySelector('.hoc-app').dataset.scheme",
            vec![]
        ),
        json!("dark")
    );
    assert_eq!(
        b.exec("return document.querySelector('.hoc-app').lang", vec![]),
        json!("en")
    );
    let en = Locale::En.messages();
    b.by_role("heading", en.app_title);
    let before = host_address(&b);
    b.click(&b.by_role("link", en.nav_records));
    b.by_role("heading", en.records_title);
    // The whole app keeps the wizard's draft (the first screen stores nothing).
    b.wait_until("the draft saved", |b| {
        b.exec("return sessionStorage.length", vec![]) != json!(0)
    });
    let stored = b.exec("return Object.keys(sessionStorage)", vec![]);
    let keys: Vec<&str> = stored
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        keys.iter().any(|k| k.starts_with("portal-console."))
            && !keys
                .iter()
                .any(|k| k.starts_with("from-file") || k.starts_with("handover-console")),
        "storagePrefix: element over file: {keys:?}"
    );
    assert_eq!(
        hash(&b),
        "#/opts/records",
        "hashPrefix: options over element"
    );
    assert_eq!(host_address(&b), before);

    // inFlight: options (3) over the element (5), <meta> (2) and the file (1).
    assert_eq!(
        b.exec("return window.hocPortal.setLocale('zh-CN')", vec![]),
        json!(true)
    );
    assert_eq!(
        b.exec("return window.hocPortal.setLocale('fr')", vec![]),
        json!(false),
        "a language the app does not speak"
    );
    b.click(&b.by_role("link", zh().nav_wizard));
    create(&b, "d004", true);
    b.click(&b.by_role("button", "开始执行"));
    wait_events(&b, "handover:completed", 1);
    assert_eq!(
        net(&b)["maxBatches"],
        json!(3),
        "batches in flight at most (inFlight from options)"
    );
    b.assert_no_console_errors();
    assert_no_violations(&b);

    // Bad values from every source: one panel lists them all, with key and source, in the
    // admin's language; the console says the same; nothing runs.
    click_id(&b, "portal-unmount");
    site.dir
        .write_config(&json!({ "inFlight": 99, "colour": "red" }).to_string());
    b.goto(&site.page("portal.html?token=admin-token&manual=1"));
    b.wait_until("the portal's script", |b| {
        b.exec("return !!window.hocPortal", vec![]) == json!(true)
    });
    let loaded = resources(&b);
    b.exec(
        "const m = document.createElement('meta');
         m.name = 'handover-console:timeout-ms'; m.content = '5'; document.head.append(m);
         document.getElementById('hoc-mount').dataset.colorScheme = 'purple';
         window.hocPortal.mount({ routing: 'query', locale: 'xx' });",
        vec![],
    );
    let panel = b.by_role("alert", "离职继承控制台的配置有误");
    let items: Vec<String> = b
        .css_all(".hoc-config-error li")
        .iter()
        .map(|li| b.text(li))
        .collect();
    let expect = [
        ("inFlight", "config.json", "99"),
        ("colour", "config.json", "不是控制台的设置项"),
        ("timeout-ms", "<meta> 标签", "\"5\""),
        ("color-scheme", "挂载元素的属性", "\"purple\""),
        ("routing", "mountHandover 的 options", "\"query\""),
        ("locale", "mountHandover 的 options", "\"xx\""),
    ];
    assert_eq!(
        items.len(),
        expect.len(),
        "every problem listed: {items:#?}"
    );
    for (key, source, said) in expect {
        assert!(
            items
                .iter()
                .any(|i| i.contains(&format!("“{key}”")) && i.contains(source) && i.contains(said)),
            "{key} from {source} ({said}) in {items:#?}"
        );
    }
    assert!(
        b.text(&panel).contains("README"),
        "points at the documentation"
    );
    let logged = b.console_errors();
    // Chrome logs `URL LINE:COL "text"`, the text as a JSON string.
    let said: String = logged
        .iter()
        .filter(|e| e.contains("离职继承控制台的配置有误"))
        .filter_map(|e| e.find('"').map(|at| &e[at..]))
        .map(|quoted| serde_json::from_str::<String>(quoted).unwrap_or_else(|_| quoted.into()))
        .collect();
    assert!(!said.is_empty(), "the console says it: {logged:#?}");
    for item in &items {
        assert!(
            said.contains(item.as_str()),
            "{item} in the console's {said}"
        );
    }
    assert_eq!(
        logged.len(),
        1,
        "one error, the configuration's: {logged:#?}"
    );
    assert!(b.css_all(".hoc-shell").is_empty(), "nothing runs");
    assert!(details(&b, "handover:ready").is_empty());
    let api: Value = b.exec(
        "return performance.getEntriesByType('resource').slice(arguments[0])
           .map(e => e.name).filter(n => n.includes('/api/'))",
        vec![json!(loaded)],
    );
    assert_eq!(api, json!([]), "no request on a half configuration");
    assert_no_violations(&b);
}

#[test]
fn the_portal_page_themes_the_app_and_hears_every_step_of_a_wizard_and_run() {
    let site = EmbedSite::start(
        None,
        &[
            "--latency-ms",
            "300",
            "--fault-path",
            "/batches",
            "--items-per-batch",
            "20",
        ],
    );
    let b = Browser::launch("zh-CN,zh");
    b.goto(&site.page("portal.html?token=admin-token"));
    let ready = wait_events(&b, "handover:ready", 1);
    assert_eq!(ready, vec![json!({"demo": false, "locale": "zh-CN"})]);
    assert_strict_policy(&b);
    let address = host_address(&b);

    // The hostile stylesheet is on (the portal's own buttons show it), and the portal's brand
    // colour reaches the app's primary button through --hoc-primary.
    assert_eq!(
        computed(&b, "#portal-mount", "background-color"),
        "rgb(255, 105, 180)"
    );
    assert_eq!(computed(&b, "#hoc-mount", "--hoc-primary"), PORTAL_PRIMARY);
    let next = b.by_role("button", zh().next);
    assert!(b
        .attr(&next, "class")
        .unwrap_or_default()
        .contains("hoc-button-primary"));
    let colour = b.exec(
        "return getComputedStyle(arguments[0]).backgroundColor",
        vec![Browser::as_arg(&next)],
    );
    assert_eq!(
        colour,
        json!(PORTAL_PRIMARY_RGB),
        "the primary button takes the portal's colour"
    );

    // The whole wizard, then a run.
    create(&b, "d004", true);
    let steps = details(&b, "handover:step");
    assert_eq!(
        steps,
        vec![
            json!({"step": "member", "index": 0}),
            json!({"step": "customers", "index": 1}),
            json!({"step": "successor", "index": 2}),
            json!({"step": "chat-history", "index": 3}),
            json!({"step": "confirm", "index": 4}),
        ],
        "one event per step"
    );
    let h = backend_handover(&site);
    let created = wait_events(&b, "handover:created", 1);
    assert_eq!(
        created,
        vec![json!({"id": h["id"], "customers": h["customer_count"], "groups": h["group_count"]})]
    );
    b.click(&b.by_role("button", "开始执行"));
    let completed = wait_events(&b, "handover:completed", 1);
    b.wait_text("全部已提交并被接受");
    runs::assert_accounted(&b, &site.backend);
    let total = h["customer_count"].as_u64().unwrap_or(0) + h["group_count"].as_u64().unwrap_or(0);
    let counts = json!({"total": total, "submitted": total, "accepted": total, "rejected": 0, "remaining": 0});
    assert_eq!(completed, vec![json!({"id": h["id"], "counts": counts})]);

    // Progress: several, throttled to at most 4 a second, never going back, the last one
    // the end's.
    let progress: Vec<Value> = events(&b)
        .into_iter()
        .filter(|e| e["type"] == "handover:run-progress")
        .collect();
    assert!(
        progress.len() >= 3,
        "progress told along the way: {progress:#?}"
    );
    let at: Vec<f64> = progress
        .iter()
        .map(|e| e["at"].as_f64().unwrap_or(0.0))
        .collect();
    // The last one goes out with the end, whatever the interval.
    for pair in at[..at.len() - 1].windows(2) {
        assert!(pair[1] - pair[0] >= 240.0, "at most 4 a second: {at:?}");
    }
    let submitted: Vec<u64> = progress
        .iter()
        .map(|e| e["detail"]["counts"]["submitted"].as_u64().unwrap_or(0))
        .collect();
    assert!(submitted.windows(2).all(|w| w[0] <= w[1]), "{submitted:?}");
    assert!(progress.iter().all(|e| e["detail"]["id"] == h["id"]));
    assert_eq!(
        progress.last().map(|e| e["detail"]["counts"].clone()),
        Some(counts)
    );
    // The page lists them too.
    let listed = b.css_all("#portal-events li").len();
    assert_eq!(listed, events(&b).len());

    assert!(details(&b, "handover:failed").is_empty());
    assert!(details(&b, "handover:unauthenticated").is_empty());
    assert_eq!(
        host_address(&b),
        address,
        "the host's path and query are untouched"
    );
    b.assert_no_console_errors();
    assert_no_violations(&b);
    // The watch works and the policy is enforced: an inline <style> is refused and collected.
    b.exec(
        "const s = document.createElement('style'); s.textContent = 'p { color: red }';
         document.head.append(s);",
        vec![],
    );
    b.wait_until("the violation collected", |b| violations(b).len() == 1);
    assert_eq!(violations(&b)[0]["directive"], "style-src-elem");
}

#[test]
fn a_401_asks_the_host_for_a_token_and_set_token_resumes_the_run() {
    // Every 3 accepted batches the session expires (all API requests answer 401) until the
    // backend is told the admin signed in again.
    let site = EmbedSite::start(
        None,
        &[
            "--items-per-batch",
            "20",
            "--fault-401-after",
            "3",
            "--latency-ms",
            "150",
            "--fault-path",
            "/batches",
        ],
    );
    let b = Browser::launch("zh-CN,zh");
    b.goto(&site.page("portal.html?token=admin-token&login=/sso/login"));
    wait_events(&b, "handover:ready", 1);
    create(&b, "d004", true);
    watch_requests(&b);
    b.click(&b.by_role("button", "开始执行"));
    let mut expired = 0;
    while details(&b, "handover:completed").is_empty() {
        b.wait_until("the run stops for the session, or ends", |b| {
            details(b, "handover:unauthenticated").len() > expired
                || !details(b, "handover:completed").is_empty()
        });
        let told = details(&b, "handover:unauthenticated");
        if told.len() == expired {
            break;
        }
        expired += 1;
        assert!(expired < 8, "expired again and again");
        assert_eq!(told[expired - 1], json!({"loginUrl": "/sso/login"}));
        b.wait_until("paused", |b| status(b).starts_with("登录已过期"));
        let link = b.by_role("link", zh().sign_in);
        assert_eq!(b.attr(&link, "href").as_deref(), Some("/sso/login"));
        assert!(count(&b, "remaining") > 0);
        // Batches on their way when the session expired settle first (the backend counts the
        // accepted ones towards its next expiry).
        b.wait_until("no batch in flight", |b| pending(b, "/batches") == 0);
        // The portal refreshes its session and hands the console the token.
        site.reauth();
        let input = b.css_all("#portal-token");
        b.clear(&input[0]);
        b.type_text(&input[0], "admin-token");
        click_id(&b, "portal-set-token");
    }
    assert!(expired >= 1, "the session expired mid-run");
    assert_eq!(
        details(&b, "handover:unauthenticated").len(),
        expired,
        "told once each time"
    );
    b.wait_text("全部已提交并被接受");
    // The last batches may have expired the session once more: the test's own reads sign in.
    site.reauth();
    runs::assert_accounted(&b, &site.backend);
    let errors = errors_besides(&b, "401");
    assert!(errors.is_empty(), "only the injected 401s: {errors:#?}");
    assert_no_violations(&b);
}

#[test]
fn a_run_that_stops_on_failed_batches_tells_the_host_it_failed() {
    // Every batch answers 503: each is retried (up to 6 attempts, a few seconds), then held
    // for the admin.
    let site = EmbedSite::start(
        None,
        &[
            "--error-rate",
            "1",
            "--fault-path",
            "/batches",
            "--retry-after",
            "0",
        ],
    );
    let b = Browser::launch("zh-CN,zh");
    b.goto(&site.page("portal.html?token=admin-token"));
    wait_events(&b, "handover:ready", 1);
    create(&b, "d004", true);
    b.click(&b.by_role("button", "开始执行"));
    let start = Instant::now();
    while details(&b, "handover:failed").is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(40),
            "no handover:failed: {:#?}",
            events(&b)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let failed = details(&b, "handover:failed");
    let h = backend_handover(&site);
    assert_eq!(failed.len(), 1, "{failed:?}");
    let f = &failed[0];
    assert_eq!(f["id"], h["id"]);
    let total = h["customer_count"].as_u64().unwrap_or(0) + h["group_count"].as_u64().unwrap_or(0);
    assert!(f["heldBatches"].as_u64().unwrap_or(0) >= 1, "{f}");
    assert_eq!(
        f["counts"],
        json!({"total": total, "submitted": 0, "accepted": 0, "rejected": 0, "remaining": total}),
        "{f}"
    );
    assert!(details(&b, "handover:completed").is_empty());
    let errors = errors_besides(&b, "503");
    assert!(errors.is_empty(), "only the injected 503s: {errors:#?}");
    assert_no_violations(&b);
}

#[test]
fn hash_routes_survive_a_reload_and_the_host_address_is_never_rewritten() {
    let site = EmbedSite::start(None, &[]);
    let b = Browser::launch("zh-CN,zh");
    // The portal uses the hash too: a hash that is not the console's is left alone.
    b.goto(&site.page("portal.html?token=admin-token&tab=people#/portal/home"));
    wait_events(&b, "handover:ready", 1);
    let address = host_address(&b);
    assert_eq!(address, "/embed/portal.html?token=admin-token&tab=people");
    b.by_role("heading", "离职成员");
    assert_eq!(
        hash(&b),
        "#/portal/home",
        "the portal's own hash is not the app's"
    );
    create(&b, "d004", true);
    let id = backend_handover(&site)["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    b.click(&b.by_role("link", "打开此交接"));
    // Its heading names the handover once it has loaded ("<departed> → <successor> (date)").
    b.wait_until("the handover's page", |b| heading(b).contains('→'));
    assert_eq!(hash(&b), format!("#/console/handover/{id}"));
    assert_eq!(host_address(&b), address);
    let title = heading(&b);

    // A deep link: the reload shows the same handover.
    b.refresh();
    wait_events(&b, "handover:ready", 1);
    b.wait_until("the handover's page after the reload", |b| {
        heading(b) == title
    });
    assert_eq!(hash(&b), format!("#/console/handover/{id}"));
    assert_eq!(host_address(&b), address);
    b.click(&b.by_role("link", zh().nav_records));
    b.by_role("heading", zh().records_title);
    assert_eq!(hash(&b), "#/console/records");
    assert_eq!(host_address(&b), address);
    b.exec("history.back()", vec![]);
    b.wait_until("back on the handover", |b| heading(b) == title);
    assert_eq!(host_address(&b), address);
    b.assert_no_console_errors();
    assert_no_violations(&b);

    // Memory routing: the address is never read or written, hash included.
    b.goto(&site.page("portal.html?token=admin-token&routing=memory#/portal/home"));
    wait_events(&b, "handover:ready", 1);
    let full = href(&b);
    let history = b.exec("return history.length", vec![]);
    b.click(&b.by_role("link", zh().nav_records));
    b.by_role("heading", zh().records_title);
    b.wait_until("the record", |b| {
        !b.css_all("table.hoc-table tbody a").is_empty()
    });
    b.click(&b.css_all("table.hoc-table tbody a")[0]);
    b.wait_until("the handover's page", |b| heading(b) == title);
    assert_eq!(href(&b), full, "memory routing leaves the address alone");
    assert_eq!(b.exec("return history.length", vec![]), history);
    b.assert_no_console_errors();
    assert_no_violations(&b);
}

#[test]
fn the_custom_element_takes_its_attributes_and_lives_as_long_as_the_element() {
    let site = EmbedSite::start(None, &[]);
    let b = Browser::launch("zh-CN,zh");
    b.goto(&site.page("custom-element.html?token=admin-token"));
    // Attributes: locale="en" (over the browser's Chinese), color-scheme="light",
    // storage-prefix, hash-prefix, api-base.
    let ready = wait_events(&b, "handover:ready", 1);
    assert_eq!(ready, vec![json!({"demo": false, "locale": "en"})]);
    assert_strict_policy(&b);
    let en = Locale::En.messages();
    b.by_role("heading", en.app_title);
    let root = "handover-console > .hoc-app";
    assert_eq!(
        b.exec(
            "const r = document.querySelector(arguments[0]); return [r.lang, r.dataset.scheme]",
            vec![json!(root)]
        ),
        json!(["en", "light"])
    );
    // Themed by the portal's stylesheet on the element.
    let next = b.by_role("button", en.next);
    let colour = b.exec(
        "return getComputedStyle(arguments[0]).backgroundColor",
        vec![Browser::as_arg(&next)],
    );
    assert_eq!(colour, json!(PORTAL_PRIMARY_RGB));
    // Events bubble out of the element and cross shadow roots (composed).
    b.exec(
        "window.__seen = [];
         document.addEventListener('handover:step',
           e => window.__seen.push([e.bubbles, e.composed, e.target.id, e.detail.step]));",
        vec![],
    );
    b.click(&b.css_all("input[name=hoc-departed]:not([disabled])")[0]);
    b.click(&next);
    b.wait_until("the step event at the document", |b| {
        b.exec("return window.__seen.length", vec![]) == json!(1)
    });
    assert_eq!(
        b.exec("return window.__seen[0]", vec![]),
        json!([true, true, "hoc-element", "customers"])
    );
    // The wizard's draft, under the element's storage prefix.
    b.wait_until("the draft saved", |b| {
        b.exec("return sessionStorage.length", vec![]) != json!(0)
    });
    let keys = b.exec("return Object.keys(sessionStorage)", vec![]);
    assert!(
        keys.as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .any(|k| k.starts_with("portal-element.")),
        "{keys}"
    );
    b.click(&b.by_role("link", en.nav_records));
    b.by_role("heading", en.records_title);
    assert_eq!(hash(&b), "#/handover/records", "hash-prefix=\"handover\"");

    // Removing the element unmounts the app; putting it back mounts it again.
    watch_requests(&b);
    click_id(&b, "portal-remove");
    assert_eq!(app_count(&b), 0);
    let (requests, since) = (started(&b), page_now(&b));
    stays(
        &b,
        "nothing after the element left",
        Duration::from_millis(800),
        |b| started(b) == requests && resources_since(b, since) == 0,
    );
    click_id(&b, "portal-add");
    wait_events(&b, "handover:ready", 2);
    b.by_role("heading", en.records_title);
    assert_eq!(app_count(&b), 1);
    b.assert_no_console_errors();
    assert_no_violations(&b);
}

#[test]
fn the_iframe_talks_only_to_its_configured_parent() {
    // config.json names the portal's origin (http://localhost:PORT) as the parent; batches
    // are slow and the session expires every 3 accepted batches.
    let site = EmbedSite::start_with_portal(
        |port| json!({ "parentOrigin": format!("http://localhost:{port}") }).to_string(),
        &[
            "--items-per-batch",
            "20",
            "--fault-401-after",
            "3",
            "--latency-ms",
            "150",
            "--fault-path",
            "/batches",
        ],
    );
    let portal = site.portal.as_ref().expect("a portal server");
    let framed = site.page("framed.html");
    let b = Browser::launch_for_frames("zh-CN,zh");

    // The console's events reach the portal on the configured origin.
    b.goto(&portal.page(&format!("iframe.html?app={framed}&token=admin-token")));
    let ready = wait_events(&b, "handover:ready", 1);
    assert_eq!(ready, vec![json!({"demo": false, "locale": "zh-CN"})]);
    let frame = b.css_all("#hoc-frame")[0].clone();
    let send_token = |b: &Browser| {
        let input = &b.css_all("#portal-token")[0];
        b.clear(input);
        b.type_text(input, "admin-token");
        click_id(b, "portal-set-token");
    };

    // The wizard and a run inside the frame; every event reaches the portal.
    b.enter_frame(&frame);
    create(&b, "d004", true);
    watch_requests(&b);
    b.click(&b.by_role("button", "开始执行"));
    b.leave_frames();
    let steps: Vec<Value> = details(&b, "handover:step")
        .iter()
        .map(|d| d["step"].clone())
        .collect();
    assert_eq!(
        steps,
        vec![
            json!("member"),
            json!("customers"),
            json!("successor"),
            json!("chat-history"),
            json!("confirm")
        ]
    );
    wait_events(&b, "handover:created", 1);
    let told = wait_events(&b, "handover:unauthenticated", 1);
    assert_eq!(told, vec![json!({"loginUrl": null})]);
    b.enter_frame(&frame);
    b.wait_until("paused", |b| status(b).starts_with("登录已过期"));
    // Batches that were on their way when the session expired settle first (the backend
    // counts the accepted ones towards its next expiry).
    b.wait_until("no batch in flight", |b| pending(b, "/batches") == 0);
    let remaining = count(&b, "remaining");
    // The session is back: a token the console accepted now would resume the run.
    site.reauth();

    // A token posted from the wrong window and origin (the frame itself) does nothing.
    b.exec(
        "window.postMessage({ type: 'handover:set-token', token: 'admin-token' }, '*')",
        vec![],
    );
    b.wait_until("the frame received it", |b| {
        b.exec(
            "return window.hocMessages.filter(m => m.type === 'handover:set-token' && !m.fromParent).length",
            vec![],
        ) == json!(1)
    });
    stays(&b, "still paused", Duration::from_millis(1500), |b| {
        status(b).starts_with("登录已过期") && count(b, "remaining") == remaining
    });
    b.leave_frames();
    assert!(details(&b, "handover:completed").is_empty());

    // The parent's token, from the configured origin: the run resumes (and each later expiry
    // is handled the same way) and completes.
    let mut expired = 1;
    loop {
        send_token(&b);
        b.wait_until("the run ends or stops again", |b| {
            !details(b, "handover:completed").is_empty()
                || details(b, "handover:unauthenticated").len() > expired
        });
        if !details(&b, "handover:completed").is_empty() {
            break;
        }
        expired += 1;
        assert!(expired < 8, "expired again and again");
        b.enter_frame(&frame);
        b.wait_until("no batch in flight", |b| pending(b, "/batches") == 0);
        b.leave_frames();
        site.reauth();
    }
    let completed = details(&b, "handover:completed");
    // The last batches may have expired the session once more: the test's own read signs in.
    site.reauth();
    let h = backend_handover(&site);
    assert_eq!(completed[0]["id"], h["id"]);
    assert_eq!(completed[0]["counts"]["remaining"], 0);
    assert_eq!(
        b.exec("return window.hocIgnored", vec![]),
        json!([]),
        "nothing else wrote to the portal"
    );
    assert_no_violations(&b);
    b.enter_frame(&frame);
    b.wait_text("全部已提交并被接受");
    assert_no_violations(&b);
    b.leave_frames();
    let errors = errors_besides(&b, "401");
    assert!(errors.is_empty(), "only the injected 401s: {errors:#?}");

    // The same portal page on another origin than the configured one: the console inside
    // does not talk to it, and its token is ignored.
    b.goto(&portal.page_elsewhere(&format!("iframe.html?app={framed}")));
    let frame = b.css_all("#hoc-frame")[0].clone();
    b.enter_frame(&frame);
    // Without a token, the console cannot load its session.
    b.wait_until("the console, signed out", |b| {
        b.exec(
            "return (window.hocEvents || []).filter(e => e.type === 'handover:unauthenticated').length",
            vec![],
        ) == json!(1)
    });
    b.leave_frames();
    b.exec("window.hocPortal.sendToken('admin-token')", vec![]);
    b.enter_frame(&frame);
    b.wait_until("the frame received it", |b| {
        b.exec(
            "return window.hocMessages.filter(m => m.type === 'handover:set-token' && m.fromParent).length",
            vec![],
        ) == json!(1)
    });
    stays(&b, "still signed out", Duration::from_millis(1500), |b| {
        b.css_all("input[name=hoc-departed]").is_empty()
    });
    assert_no_violations(&b);
    b.leave_frames();
    assert_eq!(
        b.exec("return window.hocEvents", vec![]),
        json!([]),
        "no event leaves for a wrong origin"
    );
    assert_eq!(b.exec("return window.hocIgnored", vec![]), json!([]));
    assert_no_violations(&b);
    // The browser refuses each post to the wrong origin (and says so); nothing else is logged.
    let errors: Vec<String> = errors_besides(&b, "401")
        .into_iter()
        .filter(|e| !e.contains("does not match the recipient window's origin"))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
