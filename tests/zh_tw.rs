//! End-to-end: Traditional Chinese (zh-TW) on the release build in headless Chromium. A browser
//! that prefers Taiwan's or Hong Kong's Chinese gets the Traditional table, every wizard step,
//! the run and the records read in Traditional Chinese with the glossary's zh-TW terms, no
//! Simplified heading or sentence of the UI shows up, and no raw tag reaches the page.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use handover_console::i18n::{Locale, Messages};
use serde_json::json;
use support::assert_no_raw_tags;
use support::seed::{departed, roomy};
use support::server::StaticServer;
use support::webdriver::Browser;

fn app() -> StaticServer {
    StaticServer::start(support::dist_dir())
}

fn tw() -> &'static Messages {
    Locale::ZhTw.messages()
}

fn cn() -> &'static Messages {
    Locale::ZhCn.messages()
}

fn html_lang(b: &Browser) -> String {
    b.exec("return document.documentElement.lang", vec![])
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The texts of every heading on the page.
fn headings(b: &Browser) -> Vec<String> {
    b.exec(
        "return [...document.querySelectorAll('h1,h2,h3,h4,h5,h6,[role=heading]')]
           .map(h => h.textContent.trim());",
        vec![],
    )
    .as_array()
    .into_iter()
    .flatten()
    .filter_map(|v| v.as_str().map(str::to_string))
    .collect()
}

/// The interface's own words (headings, labels, buttons, sentences) of one table, in a fixed
/// order so two tables pair up field by field.
fn chrome(m: &Messages) -> Vec<&'static str> {
    vec![
        m.app_title,
        m.demo_banner,
        m.language,
        m.steps_nav,
        m.step_member,
        m.step_customers,
        m.step_successor,
        m.step_chat_history,
        m.step_confirm,
        m.intro_member,
        m.intro_customers,
        m.intro_successor,
        m.intro_chat_history,
        m.intro_confirm,
        m.nav_wizard,
        m.nav_records,
        m.records_title,
        m.all_states,
        m.created_from,
        m.created_to,
        m.departed_member_id,
        m.export_csv,
        m.created_at,
        m.created_by,
        m.successors,
        m.items,
        m.timeline,
        m.all_statuses,
        m.back_to_records,
        m.is_taken_over,
        m.is_refused,
        m.is_limit,
        m.takeover_at,
        m.start_run,
        m.run_title,
        m.run_done_all,
        m.reset_demo,
        m.load_more,
        m.all_departments,
        m.departed_from,
        m.departed_to,
        m.sort_recent,
        m.sort_oldest,
        m.sort_pending,
        m.departed_members_list,
        m.departed_on,
        m.pending_customers,
        m.pending_groups,
        m.account_active_warning,
        m.reason_over_a_year,
        m.reason_no_permission,
        m.filter_tag,
        m.all_tags,
        m.important_only,
        m.select_all_matching,
        m.invert_selection,
        m.successor_search,
        m.current_customers,
        m.spare_capacity,
        m.successors_list,
        m.scope_none,
        m.scope_none_help,
        m.scope_recent_help,
        m.scope_all_help,
        m.custom_days,
        m.no_archive,
        m.note,
        m.approval_needed,
        m.approval_not_needed,
        m.error_summary_title,
        m.export_backup,
        m.backup_help,
        m.capacity_after,
        m.confirm_handover,
        m.verification,
        m.verification_code,
        m.verify,
        m.handover_created,
        m.handover_ready,
        m.handover_id,
        m.blocker_no_member,
        m.handover_heading,
        m.export_timeline,
        m.ev_created,
        m.ev_verified,
        m.ev_batch_submitted,
        m.ev_outcome_changed,
        m.open_handover,
        m.copy_link,
        m.nav_approvals,
        m.page_prev,
        m.page_next,
    ]
}

/// The page is in Traditional Chinese: `<html lang>` says so, no heading is a Simplified one,
/// and no sentence of the Simplified table that Traditional writes otherwise is on the page (4
/// characters and up: the demo data, Simplified itself, holds short words like 客户).
fn assert_traditional(b: &Browser) {
    assert_eq!(html_lang(b), "zh-TW");
    let (cn, tw) = (chrome(cn()), chrome(tw()));
    let simplified: Vec<&str> = cn
        .iter()
        .zip(&tw)
        .filter(|(c, t)| c != t)
        .map(|(c, _)| *c)
        .collect();
    assert!(simplified.len() > cn.len() * 3 / 4, "{simplified:?}");
    for h in headings(b) {
        assert!(
            !simplified.contains(&h.as_str()),
            "a Simplified heading: {h:?}"
        );
    }
    let text = b.page_text();
    for c in simplified.iter().filter(|c| c.chars().count() >= 4) {
        assert!(
            !text.contains(c),
            "Simplified text {c:?} on the page: {text}"
        );
    }
    assert_no_raw_tags(b, true);
}

/// Waits until the customers step has loaded every page and shows its lists.
fn wait_loaded(b: &Browser) {
    b.wait_until("the customers are loaded", |b| {
        !b.css_all(".hoc-count").is_empty()
    });
}

/// Walks every step of the wizard for `departed_id` in Traditional Chinese, handing over the
/// customers that are not important (no approval needed) and every group, and creates the
/// handover.
fn walk(b: &Browser, departed_id: &str) {
    let t = tw();
    let d = departed(departed_id);
    let s = roomy(departed_id);

    // Member.
    b.by_role("heading", "離職繼承");
    b.by_role("navigation", "交接步驟");
    b.by_role("heading", "離職成員");
    assert_eq!(t.step_member, "離職成員");
    b.wait_text(t.intro_member);
    b.by_role("radio", &d.name);
    b.wait_text(t.pending_customers);
    assert_traditional(b);
    // Next on an empty step says what is missing, in Traditional.
    b.click(&b.by_role("button", t.next));
    b.by_role("heading", t.error_summary_title);
    b.by_role("link", "請先選擇一位離職成員。");
    b.click(&b.by_role("radio", &d.name));
    b.click(&b.by_role("button", t.next));

    // Customers and groups.
    b.by_role("heading", "客戶和客戶群");
    wait_loaded(b);
    b.by_role("heading", "客戶");
    b.by_role("heading", "客戶群");
    b.wait_text("已選取 ");
    b.wait_text(t.export_backup);
    assert_traditional(b);
    let important = b.by_role("checkbox", t.important_only);
    b.click(&important);
    b.click(&b.by_role("button", &format!("{} 客戶", t.clear_selection)));
    b.click(&important);
    b.click(&b.by_role("button", t.next));

    // Successor.
    b.by_role("heading", "接替成員");
    b.wait_text(t.spare_capacity);
    b.click(&b.by_role("radio", &s.name));
    assert_traditional(b);
    b.click(&b.by_role("button", t.next));

    // Chat history.
    b.by_role("heading", "聊天記錄");
    b.by_role("radio", t.scope_none);
    b.by_role("radio", t.scope_all);
    assert_traditional(b);
    b.click(&b.by_role("button", t.next));

    // Confirm.
    b.by_role("heading", "確認交接");
    b.wait_text(t.approval_not_needed);
    b.by_role("button", &format!("{} 接替成員", t.change));
    assert_traditional(b);
    b.click(&b.by_role("button", "確認交接"));
    b.by_role("heading", "身份驗證");
    b.type_text(&b.by_role("textbox", "驗證碼"), "246810");
    b.click(&b.by_role("button", "驗證並確認交接"));

    // Created.
    b.by_role("heading", "交接已建立");
    b.wait_text(t.handover_ready);
    b.wait_text("ho-");
    assert_traditional(b);
}

#[test]
fn a_taiwan_browser_walks_every_step_and_the_records_in_traditional_chinese() {
    let server = app();
    let b = Browser::launch("zh-TW,zh");
    b.goto(&format!("{}/?demo=1", server.base_url));
    assert_eq!(html_lang(&b), "zh-TW");
    assert_eq!(b.exec("return document.title", vec![]), "離職繼承");
    let banner = b.css_all("[role=note]");
    assert_eq!(banner.len(), 1, "demo-mode banner shown");
    assert!(b.text(&banner[0]).starts_with("演示模式"));

    walk(&b, "d002");

    // The run.
    let t = tw();
    b.click(&b.by_role("button", "開始執行"));
    b.wait_text(t.run_done_all);
    assert!(t.run_done_all.contains("接替成員"));
    assert_traditional(&b);

    // The records.
    b.click(&b.by_role("link", "分配記錄"));
    b.by_role("heading", "分配記錄");
    for th in [
        t.created_at,
        t.created_by,
        "離職成員",
        "接替成員",
        "等待接替",
        "接替完畢",
        "客戶拒絕",
    ] {
        assert!(
            b.css_all("th").iter().any(|e| b.text(e).trim() == th),
            "a column {th:?}"
        );
    }
    assert_traditional(&b);

    // A handover's page: outcomes arrive on the demo clock, worded in Traditional.
    let open = b.css_all("table a");
    assert_eq!(open.len(), 1);
    b.click(&open[0]);
    b.by_role("heading", t.timeline);
    b.by_role("heading", t.items);
    b.wait_until("outcomes on the demo clock", |b| {
        b.css_all("[data-count=taken_over]")
            .first()
            .is_some_and(|e| b.text(e).trim() != "0")
    });
    b.wait_text("接替結果更新");
    b.wait_text("接替完畢");
    b.wait_text("身份驗證通過");
    // Dates and times go through Intl in zh-TW.
    let time = b.css_all(".hoc-timeline time");
    assert!(!time.is_empty(), "a timeline");
    let at = b.attr(&time[0], "datetime").unwrap_or_default();
    let expected = b.exec(
        "return new Intl.DateTimeFormat('zh-TW', {year: 'numeric', month: '2-digit',
           day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
           second: '2-digit', timeZoneName: 'short'}).format(new Date(arguments[0]))",
        vec![json!(at)],
    );
    assert_eq!(json!(b.text(&time[0]).trim()), expected, "{at}");
    let created = b.css_all(".hoc-summary time");
    assert!(!created.is_empty(), "the creation time");
    let at = b.attr(&created[0], "datetime").unwrap_or_default();
    let expected = b.exec(
        "return new Intl.DateTimeFormat('zh-TW', {year: 'numeric', month: '2-digit',
           day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'})
           .format(new Date(arguments[0]))",
        vec![json!(at)],
    );
    assert_eq!(json!(b.text(&created[0]).trim()), expected, "{at}");
    // Simplified only appears in the demo data (names, and the demo's name for WeCom as an
    // actor), never in the interface's own words.
    assert_traditional(&b);
    b.click(&b.by_role("link", "返回分配記錄"));
    b.by_role("heading", "分配記錄");
    b.assert_no_console_errors();
}

#[test]
fn hong_kong_and_macau_browsers_get_traditional_chinese_too() {
    let server = app();
    for langs in ["zh-HK,zh", "zh-MO,zh", "zh-Hant,zh"] {
        let b = Browser::launch(langs);
        b.goto(&format!("{}/", server.base_url));
        b.by_role("heading", "離職繼承");
        assert_eq!(html_lang(&b), "zh-TW", "{langs}");
        b.by_role("heading", "離職成員");
        b.by_role("button", "下一步");
        assert_traditional(&b);
        b.assert_no_console_errors();
    }
    // Chinese of the mainland or Singapore stays Simplified.
    let b = Browser::launch("zh-SG,zh");
    b.goto(&format!("{}/", server.base_url));
    b.by_role("heading", "离职继承");
    assert_eq!(html_lang(&b), "zh-CN");
}

#[test]
fn a_hong_kong_browser_walks_the_wizard_in_traditional_chinese() {
    let server = app();
    let b = Browser::launch("zh-HK,zh");
    b.goto(&format!("{}/?demo=1", server.base_url));
    walk(&b, "d001");
    b.assert_no_console_errors();
}

#[test]
fn lang_query_and_the_switcher_choose_traditional_exactly() {
    let server = app();
    let b = Browser::launch("en-US,en");
    b.goto(&format!("{}/?lang=zh-TW", server.base_url));
    b.by_role("heading", "離職繼承");
    assert_eq!(html_lang(&b), "zh-TW");
    b.by_role("heading", "離職成員");

    // The switcher offers each language by its own name.
    let select = b.by_role("combobox", "語言");
    let options: Vec<String> = b
        .css_all("#hoc-lang-select option")
        .iter()
        .map(|o| b.text(o).trim().to_string())
        .collect();
    assert_eq!(options, ["简体中文", "繁體中文", "English"]);
    assert_eq!(
        b.exec(
            "return document.getElementById('hoc-lang-select').value",
            vec![]
        ),
        "zh-TW"
    );
    b.select_option(&select, "English");
    b.by_role("heading", "Departed-member handover");
    assert_eq!(html_lang(&b), "en");
    b.select_option(&b.by_role("combobox", "Language"), "繁體中文");
    b.by_role("heading", "離職繼承");
    assert_eq!(html_lang(&b), "zh-TW");

    // The saved choice wins over the browser's English without a query.
    b.goto(&format!("{}/", server.base_url));
    b.by_role("heading", "離職繼承");
    assert_eq!(html_lang(&b), "zh-TW");
    b.refresh();
    b.by_role("heading", "離職繼承");
    assert_traditional(&b);

    // `?lang=` beats the saved choice, by its exact tag (any case).
    b.select_option(&b.by_role("combobox", "語言"), "简体中文");
    b.by_role("heading", "离职继承");
    b.goto(&format!("{}/", server.base_url));
    b.by_role("heading", "离职继承");
    assert_eq!(html_lang(&b), "zh-CN");
    b.goto(&format!("{}/?lang=zh-tw", server.base_url));
    b.by_role("heading", "離職繼承");
    assert_eq!(html_lang(&b), "zh-TW");
    b.assert_no_console_errors();
}
