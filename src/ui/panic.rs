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

thread_local! {
    /// Mounted apps' host elements: the overlay goes inside each (not over the host's page).
    static HOSTS: std::cell::RefCell<Vec<web_sys::HtmlElement>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Shows the overlay inside `host` should the app panic.
pub fn watch(host: &web_sys::HtmlElement) {
    HOSTS.with_borrow_mut(|h| {
        h.retain(|e| e.is_connected());
        if !h.contains(host) {
            h.push(host.clone());
        }
    });
}

/// Built with the DOM API alone: the reactive system may be what broke. Text goes in as text,
/// never as HTML.
pub fn show_panic(text: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let lang = doc
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .unwrap_or_default();
    let (title, help, reload) = if lang.starts_with("en") {
        (
            "Something went wrong",
            "The page stopped because of an error in the app. Nothing you sent was lost: runs resume from their ledger after a reload.",
            "Reload the page",
        )
    } else if lang.eq_ignore_ascii_case("zh-TW") {
        (
            "頁面發生錯誤",
            "應用程式內部發生錯誤，頁面已停止。已送出的內容不會遺失：重新載入後，執行會從記錄處繼續。",
            "重新載入頁面",
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
    // `hoc-app` too: the stylesheet scopes every rule (theme included) under that class.
    let _ = overlay.set_attribute("class", "hoc-app hoc-panic");
    let scheme = doc
        .query_selector(".hoc-app[data-scheme]")
        .ok()
        .flatten()
        .and_then(|e| e.get_attribute("data-scheme"));
    if let Some(scheme) = scheme {
        let _ = overlay.set_attribute("data-scheme", &scheme);
    }
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
    let hosts: Vec<_> =
        HOSTS.with_borrow(|h| h.iter().filter(|e| e.is_connected()).cloned().collect());
    match hosts.split_first() {
        Some((first, rest)) => {
            for other in rest {
                if let Ok(copy) = overlay.clone_node_with_deep(true) {
                    let _ = other.append_child(&copy);
                }
            }
            let _ = first.append_child(&overlay);
        }
        None => {
            if let Some(body) = doc.body() {
                let _ = body.append_child(&overlay);
            }
        }
    }
    if let Ok(b) = button.dyn_into::<web_sys::HtmlElement>() {
        let _ = b.focus();
    }
}
