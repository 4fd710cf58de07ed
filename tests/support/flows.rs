//! What several end-to-end files do the same way, written once: walking the wizard to the
//! summary and creating a handover that needs no approval.

use super::backend::BackendProcess;
use super::seed::{name_of, roomy};
use super::webdriver::Browser;

/// Walks `departed` to the summary choosing no important customers (so no approval is needed);
/// `customers: false` hands over the groups only.
pub fn to_confirm(b: &Browser, departed: &str, customers: bool) {
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
    b.by_role("heading", "确认交接");
}

/// Creates that handover (re-verifying with the demo code).
pub fn create(b: &Browser, departed: &str, customers: bool) {
    to_confirm(b, departed, customers);
    b.wait_text("无需审批");
    b.click(&b.by_role("button", "确认交接"));
    b.type_text(&b.by_role("textbox", "验证码"), "246810");
    b.click(&b.by_role("button", "验证并确认交接"));
    b.by_role("heading", "交接已创建");
}

/// A backend started with `extra` and a browser (zh-CN) on d004's created handover of its
/// customers, ready to start: what most run tests begin with.
pub fn d004_created(extra: &[&str]) -> (BackendProcess, Browser) {
    let backend = BackendProcess::start(extra);
    let b = Browser::launch("zh-CN,zh");
    b.goto(&backend.base_url);
    create(&b, "d004", true);
    (backend, b)
}
