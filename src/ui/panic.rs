//! What the admin sees when the app panics: with `panic = "abort"` the page cannot go on, and a
//! frozen page would lie. An overlay says so, shows the panic text, and links to a reload.

use wasm_bindgen::JsCast;

/// Installs the hook: the console gets the text, the page gets the overlay.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        web_sys::console::error_1(&text.as_str().into());
        show_panic(&text);
    }));
}

/// Built with the DOM API alone: the reactive system may be what broke. Text goes in as text,
/// never as HTML.
pub fn show_panic(text: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let english = doc
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .is_some_and(|l| l.starts_with("en"));
    let (title, help, reload) = if english {
        (
            "Something went wrong",
            "The page stopped because of an error in the app. Nothing you sent was lost: runs resume from their ledger after a reload.",
            "Reload the page",
        )
    } else {
        (
            "页面出错了",
            "应用内部出错，页面已停止。已提交的内容不会丢失：重新加载后，执行会从记录处继续。",
            "重新加载页面",
        )
    };
    let el = |tag: &str, content: Option<&str>| {
        let e = doc.create_element(tag).ok()?;
        e.set_text_content(content);
        Some(e)
    };
    let (Some(overlay), Some(h), Some(p), Some(pre), Some(button)) = (
        el("div", None),
        el("h2", Some(title)),
        el("p", Some(help)),
        el("pre", Some(text)),
        el("a", Some(reload)),
    ) else {
        return;
    };
    let _ = overlay.set_attribute("class", "hoc-panic");
    let _ = overlay.set_attribute("role", "alertdialog");
    let _ = overlay.set_attribute("aria-modal", "true");
    let _ = overlay.set_attribute("aria-label", title);
    // A link to this very page: reloads without running any code (the module has aborted)
    // and without inline script (strict CSP).
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    let _ = button.set_attribute("href", &href);
    let _ = button.set_attribute("class", "hoc-button hoc-button-primary");
    for child in [&h, &p, &pre, &button] {
        let _ = overlay.append_child(child);
    }
    if let Some(body) = doc.body() {
        let _ = body.append_child(&overlay);
    }
    if let Ok(b) = button.dyn_into::<web_sys::HtmlElement>() {
        let _ = b.focus();
    }
}
