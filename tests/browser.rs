//! Component tests: the app mounted in headless Chromium by wasm-bindgen-test.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts the app into a fresh container and returns it; each test sees only its own app.
fn mount_app() -> HtmlElement {
    let doc = document();
    let root: HtmlElement = doc
        .create_element("div")
        .ok()
        .and_then(|e| e.dyn_into().ok())
        .expect("a div");
    doc.body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    leptos::mount::mount_to(root.clone(), handover_console::App).forget();
    root
}

fn button(root: &HtmlElement, name: &str) -> Option<HtmlElement> {
    let list = root.query_selector_all("button").expect("query");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .find(|b| b.text_content().unwrap_or_default().trim() == name)
}

fn text_of(root: &HtmlElement, selector: &str) -> String {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

fn current_index(root: &HtmlElement) -> Option<u32> {
    let items = root.query_selector_all(".hoc-stepper li").expect("query");
    (0..items.length()).find(|&i| {
        items
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.get_attribute("aria-current"))
            .as_deref()
            == Some("step")
    })
}

/// Waits (up to ~3 s) until `check` holds, yielding to the app between looks.
async fn eventually(mut check: impl FnMut() -> bool) -> bool {
    for _ in 0..60 {
        if check() {
            return true;
        }
        handover_console::ui::browser::sleep(50).await;
    }
    check()
}

#[wasm_bindgen_test]
async fn next_waits_for_a_choice_then_moves_the_current_step_and_focus() {
    let root = mount_app();
    // Force a known language regardless of the browser's.
    let select: HtmlSelectElement = root
        .query_selector("select")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into().ok())
        .expect("language select");
    select.set_value("en");
    select
        .dispatch_event(&web_sys::Event::new("change").expect("event"))
        .expect("dispatch");
    leptos::task::tick().await;

    assert_eq!(text_of(&root, "h1"), "Departed-member handover");
    assert_eq!(current_index(&root), Some(0));
    assert!(button(&root, "Back")
        .expect("Back")
        .has_attribute("disabled"));
    let next = button(&root, "Next").expect("Next button");
    next.click();
    leptos::task::tick().await;
    assert_eq!(
        current_index(&root),
        Some(0),
        "nothing chosen yet: Next stays"
    );
    assert!(text_of(&root, ".hoc-error-summary").contains("Pick a departed member"));

    // The demo store answers after its latency; then a member can be chosen.
    assert!(
        eventually(|| root
            .query_selector("input[name=hoc-departed]:not([disabled])")
            .ok()
            .flatten()
            .is_some())
        .await
    );
    let radio: HtmlElement = root
        .query_selector("input[name=hoc-departed]:not([disabled])")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into().ok())
        .expect("a member");
    radio.click();
    leptos::task::tick().await;
    let next = button(&root, "Next").expect("Next button");
    assert!(!next.has_attribute("disabled"));
    next.click();
    leptos::task::tick().await;
    assert_eq!(current_index(&root), Some(1));
    assert_eq!(text_of(&root, "h2"), "Customers and groups");
    let focused = document().active_element().expect("focus");
    assert_eq!(focused.id(), "hoc-step-heading");

    button(&root, "Back").expect("Back button").click();
    leptos::task::tick().await;
    assert_eq!(current_index(&root), Some(0));
    assert_eq!(text_of(&root, "h2"), "Departed member");
    root.remove();
}

#[wasm_bindgen_test]
async fn language_switch_translates_and_sets_html_lang() {
    let root = mount_app();
    let select: HtmlSelectElement = root
        .query_selector("select")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into().ok())
        .expect("language select");
    select.set_value("zh-CN");
    select
        .dispatch_event(&web_sys::Event::new("change").expect("event"))
        .expect("dispatch");
    leptos::task::tick().await;
    assert_eq!(text_of(&root, "h1"), "离职继承");
    assert!(button(&root, "下一步").is_some());
    let lang = document()
        .document_element()
        .and_then(|e| e.get_attribute("lang"));
    assert_eq!(lang.as_deref(), Some("zh-CN"));
    root.remove();
}

#[wasm_bindgen_test]
fn a_panic_shows_its_text_and_a_way_back_over_the_page() {
    handover_console::ui::panic::show_panic("index out of bounds <b>not markup</b>");
    let overlay = document()
        .query_selector(".hoc-panic[role=alertdialog]")
        .ok()
        .flatten()
        .expect("the overlay");
    let text = overlay.text_content().unwrap_or_default();
    assert!(
        text.contains("index out of bounds <b>not markup</b>"),
        "{text}"
    );
    assert!(
        overlay.query_selector("b").ok().flatten().is_none(),
        "text, never HTML"
    );
    let link = overlay
        .query_selector("a[href]")
        .ok()
        .flatten()
        .expect("a reload link");
    assert_eq!(
        link.get_attribute("href"),
        web_sys::window().and_then(|w| w.location().href().ok())
    );
    overlay.remove();
}

/// Formatted instants are remembered per language and kind: a date asked for again (a long list
/// filtered and scrolled) reads the same, another language gets its own, and instants that
/// share a slot never show each other's text.
#[wasm_bindgen_test]
fn remembered_dates_are_the_instants_own_in_each_language() {
    use handover_console::i18n::Locale;
    use handover_console::ui::format;
    let days: Vec<String> = (0..3_000)
        .map(|i| handover_console::domain::time::to_rfc3339(1_700_000_000_000 + i * 86_400_000))
        .collect();
    let first: Vec<String> = days.iter().map(|d| format::date(Locale::ZhCn, d)).collect();
    let english: Vec<String> = days.iter().map(|d| format::date(Locale::En, d)).collect();
    for (i, d) in days.iter().enumerate().rev() {
        assert_eq!(format::date(Locale::ZhCn, d), first[i], "{d}");
        assert_eq!(format::date(Locale::En, d), english[i], "{d}");
    }
    // Each day its own text: 3,000 distinct days in 1,024 slots.
    let distinct: std::collections::HashSet<&String> = first.iter().collect();
    assert_eq!(distinct.len(), days.len());
    assert_ne!(first[0], english[0]);
    // An instant that does not parse is shown as it came.
    assert_eq!(format::date(Locale::En, "not a date"), "not a date");
}
