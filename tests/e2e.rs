//! End-to-end: the release build in headless Chromium, driven as an admin would drive it.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::path::PathBuf;

use handover_console::domain::wizard::{Blocker, Step};
use handover_console::i18n::errors::blocker_text;
use handover_console::i18n::Locale;
use support::server::StaticServer;
use support::webdriver::{Browser, Element};

fn app() -> StaticServer {
    StaticServer::start(support::dist_dir())
}

/// A copy of the release build in a temporary folder without the files `held_back` names
/// (by file name), to serve a site that lacks them; returns the folder and the files held back.
fn partial_dist(tag: &str, held_back: impl Fn(&str) -> bool) -> (PathBuf, Vec<PathBuf>) {
    let dir = std::env::temp_dir().join(format!("hoc-e2e-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut kept_back = Vec::new();
    for entry in std::fs::read_dir(support::dist_dir()).expect("dist") {
        let path = entry.expect("dist entry").path();
        if !path.is_file() {
            continue;
        }
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        if held_back(&name) {
            kept_back.push(path);
        } else {
            std::fs::copy(&path, dir.join(&name)).expect("copy");
        }
    }
    (dir, kept_back)
}

fn html_lang(b: &Browser) -> String {
    b.exec("return document.documentElement.lang", vec![])
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The stepper's items, and which one is current.
fn current_step(b: &Browser) -> Vec<bool> {
    b.css_all(".hoc-stepper li")
        .iter()
        .map(|li| b.attr(li, "aria-current").as_deref() == Some("step"))
        .collect()
}

fn focused_is(b: &Browser, el: &Element) -> bool {
    b.exec(
        "return document.activeElement === arguments[0]",
        vec![Browser::as_arg(el)],
    ) == true
}

#[test]
fn shell_speaks_chinese_by_default_and_walks_the_steps() {
    let server = app();
    // A browser with no language we ship falls back to the default, Simplified Chinese.
    let b = Browser::launch("fr-FR,fr");
    b.goto(&format!("{}/", server.base_url));

    b.by_role("heading", "离职继承");
    assert_eq!(html_lang(&b), "zh-CN");
    let banner = b.css_all("[role=note]");
    assert_eq!(banner.len(), 1, "demo-mode banner shown");
    assert!(b.text(&banner[0]).contains("演示模式"));
    b.by_role("navigation", "交接步骤");
    assert_eq!(current_step(&b), vec![true, false, false, false, false]);
    b.by_role("heading", "离职成员");
    let back = b.by_role("button", "上一步");
    assert!(!b.is_enabled(&back), "no step before the first");
    // Next on an incomplete step stays, keeps focus on Next, and says what is missing at the
    // top, with a link to the field.
    let next = b.by_role("button", "下一步");
    b.click(&next);
    let link = b.by_role("link", "请先选择一位离职成员。");
    assert_eq!(b.active(), next, "focus stays on Next");
    b.by_role("heading", "请先处理以下问题");
    b.by_role("heading", "离职成员");
    b.click(&link);
    assert_eq!(
        b.attr(&b.active(), "name").as_deref(),
        Some("hoc-departed"),
        "the link takes focus to the list of members"
    );

    let first = b.css_all("input[name=hoc-departed]:not([disabled])");
    b.click(&first[0]);
    b.click(&b.by_role("button", "下一步"));
    let heading = b.by_role("heading", "客户和客户群");
    assert_eq!(current_step(&b), vec![false, true, false, false, false]);
    assert!(
        focused_is(&b, &heading),
        "focus moves to the new step's heading"
    );

    b.click(&b.by_role("button", "上一步"));
    let heading = b.by_role("heading", "离职成员");
    assert!(focused_is(&b, &heading));
    assert_eq!(current_step(&b), vec![true, false, false, false, false]);
    b.assert_no_console_errors();
}

#[test]
fn lang_query_shows_english() {
    let server = app();
    let b = Browser::launch("zh-CN,zh");
    b.goto(&format!("{}/?lang=en", server.base_url));
    b.by_role("heading", "Departed-member handover");
    assert_eq!(html_lang(&b), "en");
    b.by_role("heading", "Departed member");
    b.by_role("button", "Next");
    let banner = b.css_all("[role=note]");
    assert!(b.text(&banner[0]).starts_with("Demo mode"));
    let title = b.exec("return document.title", vec![]);
    assert_eq!(title, "Departed-member handover");
    b.assert_no_console_errors();
}

#[test]
fn browser_language_then_saved_choice_decide_without_a_query() {
    let server = app();
    let b = Browser::launch("en-US,en");
    b.goto(&format!("{}/", server.base_url));
    b.by_role("heading", "Departed-member handover");

    // Switching keeps the current step and survives a reload. (The heading comes before the
    // list's first answer.)
    let choosable = |b: &Browser| b.css_all("input[name=hoc-departed]:not([disabled])");
    b.wait_until("the departed members", |b| !choosable(b).is_empty());
    b.click(&choosable(&b)[0]);
    b.click(&b.by_role("button", "Next"));
    b.by_role("heading", "Customers and groups");
    let select = b.by_role("combobox", "Language");
    b.select_option(&select, "简体中文");
    b.by_role("heading", "客户和客户群");
    assert_eq!(html_lang(&b), "zh-CN");

    b.refresh();
    b.by_role("heading", "离职继承");
    b.by_role("heading", "客户和客户群");
    assert_eq!(html_lang(&b), "zh-CN");

    // An explicit ?lang wins over the saved choice.
    b.goto(&format!("{}/?lang=en", server.base_url));
    b.by_role("heading", "Departed-member handover");
    b.assert_no_console_errors();
}

/// Guards the guard: the console check must see an error when there is one.
#[test]
fn console_check_sees_console_errors() {
    let server = app();
    let b = Browser::launch("en-US,en");
    b.goto(&format!("{}/", server.base_url));
    b.by_role("heading", "Departed-member handover");
    b.exec("console.error('planted by the test')", vec![]);
    let errors = b.console_errors();
    assert!(
        errors.iter().any(|e| e.contains("planted by the test")),
        "{errors:?}"
    );
}

/// The page says what it is from the first byte: index.html, as served and before any script
/// runs, holds the app's shape with a loading status and a `<noscript>` message; and when the
/// module cannot load, the page says so in the admin's language instead of staying blank.
#[test]
fn the_first_byte_shows_the_app_loading_and_a_failed_load_says_so() {
    let (dir, _) = partial_dist("nowasm", |name| name.ends_with(".wasm"));
    let server = StaticServer::start(dir.clone());
    let b = Browser::launch("zh-CN,zh");
    b.goto(&format!("{}/", server.base_url));
    let served = b.exec(
        "return fetch('index.html').then(r => r.text()).then(t => {
           const d = new DOMParser().parseFromString(t, 'text/html');
           const root = d.querySelector('[data-handover-console]');
           return {
             status: root.querySelector('[role=status]')?.textContent ?? '',
             steps: root.querySelectorAll('.hoc-boot-steps li').length,
             noscript: d.querySelector('noscript')?.textContent ?? '',
           };
         })",
        vec![],
    );
    assert!(
        served["status"]
            .as_str()
            .unwrap_or_default()
            .contains("正在加载"),
        "{served}"
    );
    assert_eq!(served["steps"], 6, "{served}");
    assert!(
        served["noscript"]
            .as_str()
            .unwrap_or_default()
            .contains("JavaScript"),
        "{served}"
    );
    b.wait_until("the failed load is said", |b| {
        b.css_all("[role=alert]")
            .iter()
            .any(|a| b.text(a).contains("离职继承控制台未能加载"))
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// The whole app (steps 2–5, the records) comes in a second module, downloaded when first
/// needed. When it cannot be downloaded, step 1 stays and says so in the admin's language with
/// Retry, and nothing the admin chose is lost; Retry, once the module can be had, shows step 2.
#[test]
fn a_later_module_that_does_not_load_says_so_and_retry_brings_it() {
    let (dir, held_back) = partial_dist("nolater", |name| {
        name.starts_with("split_") && name.ends_with(".wasm")
    });
    assert!(!held_back.is_empty(), "the build splits off a later module");
    let server = StaticServer::start(dir.clone());
    let b = Browser::launch("zh-CN,zh");
    b.goto(&format!("{}/", server.base_url));

    let eligible = "input[name=hoc-departed]:not([disabled])";
    b.wait_until("members listed", |b| !b.css_all(eligible).is_empty());
    let first = b.css_all(eligible);
    let chosen = b.attr(&first[0], "id");
    b.click(&first[0]);
    b.click(&b.by_role("button", "下一步"));
    // The first screen stays, says why, and keeps the choice.
    b.wait_until("the failed download is said", |b| {
        b.css_all("[role=alert]")
            .iter()
            .any(|a| b.text(a).contains("无法连接服务器"))
    });
    b.by_role("heading", "离职成员");
    assert_eq!(
        b.attr(&b.css_all("input[name=hoc-departed]:checked")[0], "id"),
        chosen
    );
    let retry = b.by_role("button", "重试");

    for path in &held_back {
        std::fs::copy(path, dir.join(path.file_name().expect("name"))).expect("copy");
    }
    b.click(&retry);
    b.by_role("checkbox", "仅重要客户");
    assert!(
        b.css_all("[role=alert]")
            .iter()
            .all(|a| !b.text(a).contains("无法连接服务器")),
        "the error is gone once the step shows"
    );
    // The choice made before the failure is still there.
    b.click(&b.by_role("button", "上一步"));
    b.by_role("heading", "离职成员");
    b.wait_until("the list is back", |b| !b.css_all(eligible).is_empty());
    let again = b.css_all("input[name=hoc-departed]:checked");
    assert_eq!(again.len(), 1, "one member is still chosen");
    assert_eq!(b.attr(&again[0], "id"), chosen);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The first screen does not download the later module; pointing at a link to another page
/// does, so that page opens without a wait; and it then opens.
#[test]
fn pointing_at_a_page_link_fetches_the_later_module() {
    let server = app();
    let b = Browser::launch("zh-CN,zh");
    b.goto(&format!("{}/", server.base_url));
    b.wait_until("members listed", |b| {
        !b.css_all("input[name=hoc-departed]").is_empty()
    });
    assert!(!later_fetched(&b), "step 1 runs without the later module");
    let records = b.by_role("link", "分配记录");
    b.hover(&records);
    b.wait_until("the later module is fetched", later_fetched);
    b.click(&records);
    b.by_role("heading", "分配记录");
    b.wait_until("the records page shows", |b| {
        !b.page_text().contains("正在加载…")
    });
    b.assert_no_console_errors();
}

fn later_fetched(b: &Browser) -> bool {
    b.exec(
        "return performance.getEntriesByType('resource').some(r => r.name.includes('split_later'))",
        vec![],
    ) == true
}

/// A fresh visit's step 1 is the first screen (`ui::first`), which the first download holds
/// without the whole app: the search, the demo's reset and Next's summary work before the
/// later module comes, which focus in the list starts fetching. The language switch redraws the
/// screen; choosing a member and Next open step 2 with focus on its heading, in the language
/// chosen, and Back shows the member still chosen.
#[test]
fn step_1_works_before_the_whole_app_is_downloaded() {
    let server = app();
    let b = Browser::launch("zh-CN,zh");
    b.goto(&format!("{}/", server.base_url));
    let eligible = "input[name=hoc-departed]:not([disabled])";
    b.wait_until("members listed", |b| !b.css_all(eligible).is_empty());
    let zh = Locale::ZhCn.messages();

    let name = support::seed::name_of("d002");
    let all = b.css_all("input[name=hoc-departed]").len();
    b.type_text(&b.by_role("searchbox", zh.search), &name);
    b.wait_until("one match", |b| {
        b.css_all("input[name=hoc-departed]").len() == 1
    });
    assert!(b.page_text().contains(&name));
    let erase = "\u{E003}".repeat(name.chars().count());
    b.type_text(&b.by_role("searchbox", zh.search), &erase);
    b.wait_until("every member again", |b| {
        b.css_all("input[name=hoc-departed]").len() == all
    });

    b.click(&b.by_role("button", zh.reset_demo));
    b.wait_text(zh.demo_was_reset);
    assert!(!later_fetched(&b), "step 1 ran without the later module");

    let next = b.by_role("button", zh.next);
    b.click(&next);
    let link = b.by_role("link", blocker_text(zh, Blocker::NoMember));
    assert_eq!(b.active(), next, "focus stays on Next");
    b.click(&link);
    assert_eq!(
        b.attr(&b.active(), "name").as_deref(),
        Some("hoc-departed"),
        "the summary's link takes focus to the list"
    );
    // Tabbing into the list (or pointing at it) starts the download: a member is about to be
    // chosen.
    b.wait_until("the later module is fetched", later_fetched);

    let en = Locale::En.messages();
    b.select_option(&b.by_role("combobox", zh.language), "English");
    b.by_role("heading", en.step_title(Step::Member));
    assert_eq!(html_lang(&b), "en");
    assert_eq!(
        b.active(),
        b.by_role("combobox", en.language),
        "focus stays on the language switch"
    );
    b.wait_until("the cards in English", |b| {
        b.page_text().contains(en.pending_customers)
    });

    let first = b.css_all(eligible);
    let chosen = b.attr(&first[0], "id");
    b.click(&first[0]);
    b.click(&b.by_role("button", en.next));
    let heading = b.by_role("heading", en.step_title(Step::Customers));
    assert!(later_fetched(&b));
    b.wait_until("focus on step 2's heading", |b| b.active() == heading);
    assert!(b
        .all_by_role("link", blocker_text(en, Blocker::NoMember))
        .is_empty());

    b.click(&b.by_role("button", en.back));
    b.by_role("heading", en.step_title(Step::Member));
    b.wait_until("the list is back", |b| !b.css_all(eligible).is_empty());
    let again = b.css_all("input[name=hoc-departed]:checked");
    assert_eq!(again.len(), 1, "one member is still chosen");
    assert_eq!(b.attr(&again[0], "id"), chosen);
    b.assert_no_console_errors();
}
