//! End-to-end: the handover wizard on the release build, in demo mode and against the reference
//! backend over HTTP, driven by role and accessible name as an admin would drive it.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use handover_console::api::types::DepartedMember;
use handover_console::i18n::grouped;
use support::assert_no_raw_tags;
use support::backend::BackendProcess;
use support::seed::{departed, many_groups, roomy, successors};
use support::server::StaticServer;
use support::webdriver::Browser;

struct Words {
    next: &'static str,
    confirm: &'static str,
    code: &'static str,
    verify: &'static str,
    created: &'static str,
    customers_h: &'static str,
    successor_h: &'static str,
    chat_h: &'static str,
    confirm_h: &'static str,
}

const ZH: Words = Words {
    next: "下一步",
    confirm: "确认交接",
    code: "验证码",
    verify: "验证并确认交接",
    created: "交接已创建",
    customers_h: "客户和客户群",
    successor_h: "接替成员",
    chat_h: "聊天记录",
    confirm_h: "确认交接",
};

const EN: Words = Words {
    next: "Next",
    confirm: "Confirm handover",
    code: "Verification code",
    verify: "Verify and confirm",
    created: "Handover created",
    customers_h: "Customers and groups",
    successor_h: "Successor",
    chat_h: "Chat history",
    confirm_h: "Confirm handover",
};

/// Waits until the customers step has loaded every page and shows its lists.
fn wait_loaded(b: &Browser) {
    b.wait_until("the customers are loaded", |b| {
        !b.css_all(".hoc-count").is_empty()
    });
}

/// Picks `departed_id` on step 1 and opens its customers, every page loaded.
fn open_customers(b: &Browser, departed_id: &str) -> DepartedMember {
    let d = departed(departed_id);
    b.click(&b.by_role("radio", &d.name));
    b.click(&b.by_role("button", "下一步"));
    wait_loaded(b);
    d
}

/// A fresh page in demo mode with `departed_id`'s customers open (the server must outlive the
/// browser's use of it).
fn demo_customers(departed_id: &str) -> (StaticServer, Browser, DepartedMember) {
    let server = StaticServer::start(support::dist_dir());
    let b = Browser::launch("zh-CN,zh");
    b.goto(&format!("{}/?demo=1", server.base_url));
    let d = open_customers(&b, departed_id);
    (server, b, d)
}

/// Walks the whole wizard for a departed member with everything selected.
fn walk(b: &Browser, w: &Words, departed_id: &str, double_click: bool) {
    let d = departed(departed_id);
    let s = roomy(departed_id);
    // No wire tag or Debug name on any step, in either language.
    let chinese = w.next == ZH.next;
    assert_no_raw_tags(b, chinese);
    b.click(&b.by_role("radio", &d.name));
    b.click(&b.by_role("button", w.next));
    b.by_role("heading", w.customers_h);
    wait_loaded(b);
    assert_no_raw_tags(b, chinese);
    b.click(&b.by_role("button", w.next));
    b.by_role("heading", w.successor_h);
    b.click(&b.by_role("radio", &s.name));
    assert_no_raw_tags(b, chinese);
    b.click(&b.by_role("button", w.next));
    b.by_role("heading", w.chat_h);
    assert_no_raw_tags(b, chinese);
    b.click(&b.by_role("button", w.next));
    b.by_role("heading", w.confirm_h);
    assert_no_raw_tags(b, chinese);
    b.click(&b.by_role("button", w.confirm));
    let code = b.by_role("textbox", w.code);
    b.type_text(&code, "246810");
    let verify = b.by_role("button", w.verify);
    b.click(&verify);
    if double_click {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| b.click(&verify)));
    }
    b.by_role("heading", w.created);
    assert_no_raw_tags(b, chinese);
}

#[test]
fn demo_small_member_full_path_in_chinese() {
    let server = StaticServer::start(support::dist_dir());
    let b = Browser::launch("zh-CN,zh");
    b.goto(&format!("{}/?demo=1", server.base_url));
    walk(&b, &ZH, "d001", false);
    b.wait_text("ho-");
    b.assert_no_console_errors();
}

#[test]
fn backend_full_path_in_english_and_a_double_click_creates_one_handover() {
    let backend = BackendProcess::start(&[]);
    let b = Browser::launch("en-US,en");
    b.goto(&format!("{}/?lang=en", backend.base_url));
    assert!(
        b.css_all("[role=note]").is_empty(),
        "no demo banner against a real backend"
    );
    walk(&b, &EN, "d002", true);
    let list = backend.get("/handovers");
    let items = list["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "one handover: {list}");
    assert_eq!(items[0]["departed_member"]["id"], "d002");
    b.assert_no_console_errors();
}

fn an_ineligible_member_cannot_be_chosen(start: &str) {
    let b = Browser::launch("zh-CN,zh");
    b.goto(start);
    let old = departed("d014");
    let radio = b.by_role("radio", &old.name);
    assert!(!b.is_enabled(&radio));
    b.wait_text("离职超过一年，无法继承");
    // Next says what is missing instead of moving on.
    b.click(&b.by_role("button", "下一步"));
    b.by_role("link", "请先选择一位离职成员。");
    b.by_role("heading", "离职成员");
    b.assert_no_console_errors();
}

#[test]
fn a_successor_near_capacity_warns_and_trim_fits_the_selection() {
    let (_server, b, _) = demo_customers("d004");
    b.click(&b.by_role("button", "下一步"));
    let near = successors("d004")
        .into_iter()
        .find(|m| m.customer_limit - m.customer_count < 100)
        .expect("a successor near the limit");
    let spare = near.customer_limit - near.customer_count;
    b.click(&b.by_role("radio", &near.name));
    b.wait_text("超出接替成员的客户上限");
    b.click(&b.by_role("button", "减少所选客户至容量以内"));
    b.wait_until("the warning goes away", |b| {
        !b.page_text().contains("超出接替成员的客户上限")
    });
    b.click(&b.by_role("button", "下一步"));
    b.click(&b.by_role("button", "下一步"));
    b.wait_text(&format!("{} 位客户", grouped(spare as usize)));
    b.assert_no_console_errors();
}

#[test]
fn groups_beyond_the_daily_limit_warn_and_trim_to_it() {
    let server = StaticServer::start(support::dist_dir());
    let b = Browser::launch("zh-CN,zh");
    b.goto(&format!("{}/?demo=1", server.base_url));
    let d = many_groups();
    b.click(&b.by_role("radio", &d.name));
    b.click(&b.by_role("button", "下一步"));
    wait_loaded(&b);
    b.wait_text(&format!(
        "所选客户群中有 {} 个今天会被拒绝",
        d.pending_groups - 300
    ));
    b.click(&b.by_role("button", "只保留今天可以交接的客户群"));
    b.wait_text(&format!(
        "已选 300 / {}",
        grouped(d.pending_groups as usize)
    ));
    assert!(!b.page_text().contains("今天会被拒绝"));
    b.assert_no_console_errors();
}

fn a_reload_in_the_middle_keeps_the_choices(start: &str) {
    let b = Browser::launch("zh-CN,zh");
    b.goto(start);
    let d = departed("d003");
    b.click(&b.by_role("radio", &d.name));
    b.wait_text("账号仍可登录：访问权限尚未收回");
    b.click(&b.by_role("button", "下一步"));
    wait_loaded(&b);
    // Deselect one customer, then reload.
    let boxes = b.css_all(".hoc-vrow input[type=checkbox]:not([disabled])");
    b.click(&boxes[0]);
    let expected = format!(
        "已选 {} / {}",
        grouped(d.pending_customers as usize - 1),
        grouped(d.pending_customers as usize)
    );
    b.wait_text(&expected);
    b.refresh();
    b.by_role("heading", "客户和客户群");
    b.wait_text(&expected);
    // The backup holds the member's whole list, not only the selection.
    b.capture_downloads();
    b.click(&b.by_role("button", "导出该成员的全部客户和客户群（CSV）"));
    let doc = b.last_download();
    let rows = doc
        .trim_start_matches('\u{feff}')
        .trim_end()
        .split("\r\n")
        .count();
    assert_eq!(
        rows,
        1 + d.pending_customers as usize + d.pending_groups as usize,
        "a header, then every customer and group: {doc}"
    );
    assert!(doc.starts_with("\u{feff}类型,ID,名称"), "{doc}");
    b.click(&b.by_role("button", "上一步"));
    let radio = b.by_role("radio", &d.name);
    assert_eq!(
        b.exec("return arguments[0].checked", vec![Browser::as_arg(&radio)]),
        true
    );
    b.assert_no_console_errors();
}

fn twenty_thousand_customers_filter_select_and_confirm(start: &str) {
    let b = Browser::launch("zh-CN,zh");
    b.goto(start);
    open_customers(&b, "d005");
    let rows = b.css_all(".hoc-vrow").len();
    assert!(rows <= 100, "virtualised: {rows} rows in the DOM");
    // Start from nothing, then select all VIP customers matching a name.
    b.click(&b.by_role("button", "清空 客户"));
    let search = b.by_role("searchbox", "搜索");
    b.type_text(&search, "王");
    b.select_option(&b.by_role("combobox", "标签"), "VIP");
    b.click(&b.by_role("button", "全选筛选结果 客户"));
    b.wait_until("a selection", |b| {
        !b.page_text().contains("已选 0 / 20,000")
    });
    let text = b.page_text();
    let picked: usize = text
        .split("已选 ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.replace(',', "").parse().ok())
        .expect("a count");
    assert!(picked > 10, "{picked}");
    let boxes = b.css_all(".hoc-vrow input[type=checkbox]:checked");
    for cb in boxes.iter().take(3) {
        b.click(cb);
    }
    b.wait_text(&format!("已选 {} / 20,000", grouped(picked - 3)));
    b.click(&b.by_role("button", "下一步"));
    let s = roomy("d005");
    b.click(&b.by_role("radio", &s.name));
    b.click(&b.by_role("button", "下一步"));
    b.click(&b.by_role("button", "下一步"));
    b.wait_text(&format!("{} 位客户", grouped(picked - 3)));
    b.click(&b.by_role("button", "确认交接"));
    b.type_text(&b.by_role("textbox", "验证码"), "246810");
    b.click(&b.by_role("button", "验证并确认交接"));
    b.by_role("heading", "交接已创建");
    b.assert_no_console_errors();
}

/// Tab and Shift+Tab through a list far longer than its window: focus goes row by row (locked
/// rows, which cannot be chosen, are skipped), never leaves the list, and the focused row is
/// always in view while the window's slots move under it.
#[test]
fn tab_goes_row_by_row_through_the_virtualised_list_and_back() {
    let (_server, b, _) = demo_customers("d005");
    let list = b.by_role("list", "客户");
    b.exec(
        "arguments[0].querySelector('.hoc-vrow input:not(:disabled)').focus()",
        vec![Browser::as_arg(&list)],
    );
    // The focused row's position, if focus is on a row of this list, and whether it is in view.
    let focused = |b: &Browser| -> Option<(u64, bool)> {
        let v = b.exec(
            "const a = document.activeElement, l = arguments[0];
             const row = l.contains(a) ? a.closest('[data-pos]') : null;
             if (!row) return null;
             const r = a.getBoundingClientRect(), c = l.getBoundingClientRect();
             return [Number(row.dataset.pos), r.top >= c.top - 1 && r.bottom <= c.bottom + 1];",
            vec![Browser::as_arg(&list)],
        );
        Some((v[0].as_u64()?, v[1].as_bool()?))
    };
    let (start, _) = focused(&b).expect("focus on the list's first row");
    let at = std::cell::Cell::new(start);
    let step = |key: &str, forward: bool| {
        let before = at.get();
        b.type_text(&b.active(), key);
        b.wait_until("focus on another row", |b| {
            focused(b).map(|(p, _)| p) != Some(before)
        });
        let (now, in_view) = focused(&b).expect("focus stays in the list");
        assert!(
            if forward { now > before } else { now < before },
            "from row {before} to {now}"
        );
        assert!(in_view, "row {now} is out of view");
        at.set(now);
    };
    // 40 rows: more than twice what the window holds (17 in view and 6 either side).
    for _ in 0..40 {
        step("\u{E004}", true);
    }
    assert!(at.get() >= start + 40, "{}", at.get());
    for _ in 0..40 {
        step("\u{E008}\u{E004}", false);
    }
    assert_eq!(at.get(), start, "back where it started");
    b.assert_no_console_errors();
}

#[test]
fn keyboard_shift_click_and_change_links() {
    let (_server, b, d) = demo_customers("d004");
    b.click(&b.by_role("button", "清空 客户"));
    let total = grouped(d.pending_customers as usize);
    b.wait_text(&format!("已选 0 / {total}"));
    // Shift+click selects the range between two clicks.
    let row = |pos: usize| b.css_all(&format!(".hoc-vrow[data-pos=\"{pos}\"] input"))[0].clone();
    b.click(&row(0));
    b.shift_click(&row(4));
    let locked = (0..=4)
        .filter(|p| {
            b.exec(
                "return arguments[0].disabled",
                vec![Browser::as_arg(&row(*p))],
            ) == true
        })
        .count();
    b.wait_text(&format!("已选 {} / {total}", 5 - locked));
    // Arrow keys move between rows, Space toggles.
    b.click(&b.by_role("button", "清空 客户"));
    b.wait_text(&format!("已选 0 / {total}"));
    b.click(&row(0));
    b.type_text(&row(0), "\u{E015}");
    b.wait_until("focus on the next row", |b| {
        b.exec(
            "return document.activeElement.closest('[data-pos]').dataset.pos",
            vec![],
        ) == "1"
    });
    b.type_text(&row(1), " ");
    let expected = 2
        - (0..=1)
            .filter(|p| {
                b.exec(
                    "return arguments[0].disabled",
                    vec![Browser::as_arg(&row(*p))],
                ) == true
            })
            .count();
    b.wait_text(&format!("已选 {expected} / {total}"));
    // On the summary, "change" goes back to a step and keeps every choice.
    b.click(&b.by_role("button", "下一步"));
    let s = roomy("d004");
    b.click(&b.by_role("radio", &s.name));
    b.click(&b.by_role("button", "下一步"));
    b.click(&b.by_role("button", "下一步"));
    b.click(&b.by_role("button", "修改 接替成员"));
    let heading = b.by_role("heading", "接替成员");
    assert!(
        b.exec(
            "return document.activeElement === arguments[0]",
            vec![Browser::as_arg(&heading)]
        ) == true
    );
    let radio = b.by_role("radio", &s.name);
    assert_eq!(
        b.exec("return arguments[0].checked", vec![Browser::as_arg(&radio)]),
        true
    );
    // Once the changed step is valid, Next returns to the summary, not to the next step.
    b.click(&b.by_role("button", "下一步"));
    b.by_role("heading", "确认交接");
    b.by_role("button", "修改 接替成员");
    b.assert_no_console_errors();
}

/// A long list shows its first rows while the rest arrives, but nothing can be chosen until
/// every page has: "select all matching" then would leave out the rows still on their way.
#[test]
fn a_loading_list_shows_its_rows_and_offers_select_all_once_every_page_is_in() {
    // 20,000 customers in pages of at most 1000, each 300 ms late: seconds of loading.
    let backend = BackendProcess::start(&[
        "--latency-ms",
        "300",
        "--fault-path",
        "/customers",
        "--max-page-size",
        "1000",
    ]);
    let b = Browser::launch("zh-CN,zh");
    b.goto(&format!("{}/", backend.base_url));
    let d = departed("d005");
    b.click(&b.by_role("radio", &d.name));
    b.click(&b.by_role("button", "下一步"));
    b.by_role("heading", "客户和客户群");
    b.wait_until("the first rows", |b| !b.css_all(".hoc-vrow").is_empty());
    assert!(
        b.css_all(".hoc-count").is_empty(),
        "no counts while loading"
    );
    b.wait_text("全部加载完成后才能选择。");
    for name in ["全选筛选结果 客户", "清空 客户", "反选 客户"] {
        assert!(!b.is_enabled(&b.by_role("button", name)), "{name} waits");
    }
    let boxes = b.css_all(".hoc-vrow input[type=checkbox]");
    assert!(!boxes.is_empty() && boxes.iter().all(|c| !b.is_enabled(c)));
    // The search works on the rows so far.
    b.type_text(&b.by_role("searchbox", "搜索"), "王");
    b.click(&b.by_role("button", "下一步"));
    b.wait_text("正在加载客户列表，请稍候。");
    b.by_role("heading", "客户和客户群");

    b.wait_until("every page", |b| !b.css_all(".hoc-count").is_empty());
    let select_all = b.by_role("button", "全选筛选结果 客户");
    assert!(b.is_enabled(&select_all));
    assert!(!b.page_text().contains("全部加载完成后才能选择。"));
    b.type_text(&b.by_role("searchbox", "搜索"), "\u{E003}");
    b.wait_until("the whole list", |b| {
        !b.css_all(".hoc-vrow").is_empty() && !b.page_text().contains("没有可显示的项目")
    });
    let everything = b
        .page_text()
        .split("已选 ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .map(str::to_string)
        .expect("a count");
    b.click(&b.by_role("button", "清空 客户"));
    b.wait_text("已选 0 / 20,000");
    b.click(&select_all);
    b.wait_text(&format!("已选 {everything} / 20,000"));
    b.assert_no_console_errors();
}

/// Runs a scenario on the demo store and on the reference backend over HTTP.
macro_rules! both_backends {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            use super::*;
            #[test]
            fn demo() {
                let server = StaticServer::start(support::dist_dir());
                super::$scenario(&format!("{}/?demo=1", server.base_url));
            }
            #[test]
            fn backend() {
                let backend = BackendProcess::start(&[]);
                super::$scenario(&format!("{}/", backend.base_url));
            }
        }
    )*};
}

both_backends!(
    an_ineligible_member_cannot_be_chosen,
    a_reload_in_the_middle_keeps_the_choices,
    twenty_thousand_customers_filter_select_and_confirm,
);

/// Sets the date field labelled `label` the way the browser's picker does.
fn pick_date(b: &Browser, label: &str, date: &str) {
    let field = b
        .css_all("input[type=date]")
        .into_iter()
        .find(|f| b.label(f) == label)
        .expect("the date field");
    b.exec(
        "arguments[0].value = arguments[1]; \
         arguments[0].dispatchEvent(new Event('change', { bubbles: true }));",
        vec![Browser::as_arg(&field), serde_json::json!(date)],
    );
}

#[test]
fn departure_days_are_the_admins_own_days_in_new_york() {
    let backend = BackendProcess::start(&[]);
    let b = Browser::launch_in("America/New_York", "zh-CN,zh");
    b.goto(&backend.base_url);
    let d = departed("d004");
    b.by_role("radio", &d.name);
    // The instant as the backend sends it, and its calendar day on a New York wall clock.
    let at = backend.get("/departed-members?limit=200")["items"]
        .as_array()
        .and_then(|items| items.iter().find(|m| m["id"] == "d004").cloned())
        .and_then(|m| m["departed_at"].as_str().map(str::to_string))
        .expect("d004's departure");
    let day = b
        .exec(
            "return new Date(arguments[0]).toLocaleDateString('en-CA', {timeZone: 'America/New_York'})",
            vec![serde_json::json!(at)],
        )
        .as_str()
        .unwrap_or_default()
        .to_string();
    let card = b.exec(
        "return document.getElementById('hoc-dm-d004-info').innerText",
        vec![],
    );
    let shown = day.replace('-', "/");
    assert!(
        card.as_str().unwrap_or_default().contains(&shown),
        "the card shows the New York day {shown}: {card}"
    );
    b.exec(
        "window.__urls = []; const f = window.fetch; \
         window.fetch = (r, o) => { window.__urls.push(String((r && r.url) || r)); return f(r, o); };",
        vec![],
    );
    pick_date(&b, "离职日期从", &day);
    pick_date(&b, "离职日期至", &day);
    b.wait_until("the filtered request", |b| {
        b.exec("return window.__urls.join(' ')", vec![])
            .as_str()
            .unwrap_or_default()
            .contains("departed_to=")
    });
    let urls = b.exec("return window.__urls.join(' ')", vec![]);
    let urls = urls.as_str().unwrap_or_default();
    // New York is UTC-5 (UTC-4 in summer); the offset goes out percent-encoded.
    let offset = |t: &str| {
        ["%2D05%3A00", "-05%3A00", "%2D04%3A00", "-04%3A00"]
            .iter()
            .any(|enc| urls.contains(&format!("{t}{enc}")))
    };
    assert!(
        offset(&format!("departed_from={day}T00%3A00%3A00.000")),
        "{urls}"
    );
    assert!(
        offset(&format!("departed_to={day}T23%3A59%3A59.999")),
        "{urls}"
    );
    // The member who left that New York day is in the list.
    b.by_role("radio", &d.name);
    b.assert_no_console_errors();
}
