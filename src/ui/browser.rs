//! The few browser facts the app reads or writes, each failing soft: a blocked storage or a
//! missing API degrades a feature, never the page.

use web_sys::window;

/// `location.search`, or empty.
pub fn query() -> String {
    window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// Replaces the query string without a navigation or a history entry.
pub fn replace_query(query: &str) {
    let Some(w) = window() else { return };
    let path = w.location().pathname().unwrap_or_default();
    let hash = w.location().hash().unwrap_or_default();
    if let Ok(history) = w.history() {
        let url = format!("{path}{query}{hash}");
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

pub fn local_get(key: &str) -> Option<String> {
    window()?.local_storage().ok()??.get_item(key).ok()?
}

pub fn local_remove(key: &str) {
    if let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.remove_item(key);
    }
}

pub fn local_set(key: &str, value: &str) {
    if let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
}

/// `navigator.languages`, most preferred first.
pub fn languages() -> Vec<String> {
    window()
        .map(|w| {
            w.navigator()
                .languages()
                .iter()
                .filter_map(|v| v.as_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Content of `<meta name=…>` in the host page, for settings a portal team sets.
pub fn meta_content(name: &str) -> Option<String> {
    let doc = window()?.document()?;
    let el = doc
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()??;
    el.get_attribute("content")
}

/// Keeps `<html lang>` and the tab title in the UI's language.
pub fn set_document_language(tag: &str, title: &str) {
    if let Some(doc) = window().and_then(|w| w.document()) {
        if let Some(html) = doc.document_element() {
            let _ = html.set_attribute("lang", tag);
        }
        doc.set_title(title);
    }
}

pub fn session_get(key: &str) -> Option<String> {
    window()?.session_storage().ok()??.get_item(key).ok()?
}

pub fn session_set(key: &str, value: &str) {
    if let Some(s) = window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.set_item(key, value);
    }
}

/// A User Timing mark, for benchmarks to read.
pub fn mark(name: &str) {
    if let Some(p) = window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// A User Timing measure from the mark `start` (or from navigation when it is missing) to now.
pub fn measure(name: &str, start: &str) {
    if let Some(p) = window().and_then(|w| w.performance()) {
        if p.measure_with_start_mark(name, start).is_err() {
            let _ = p.measure(name);
        }
    }
}

/// Focuses the first element matching `selector`, if any.
pub fn focus(selector: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(selector).ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// Moves to `query` as a new history entry (the page stays; the app re-renders).
pub fn push_query(query: &str) {
    let Some(w) = window() else { return };
    let path = w.location().pathname().unwrap_or_default();
    if let Ok(history) = w.history() {
        let url = format!("{path}{query}");
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

pub fn page_visible() -> bool {
    window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

/// Offers `text` as a file download.
pub fn download(filename: &str, mime: &str, text: &str) {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let props = web_sys::BlobPropertyBag::new();
    props.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &props) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(filename);
        a.click();
    }
    // Revoking at once can cancel the download in some browsers.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(30),
    );
}

/// Milliseconds since the epoch, from the browser's clock.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
