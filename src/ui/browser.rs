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

thread_local! {
    /// The configured storage prefix (`storagePrefix`), when it is not the default.
    static PREFIX: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Every storage key of the app starts with `handover-console`; a configured `storagePrefix`
/// replaces that word, so two consoles on one origin keep their drafts and runs apart.
pub fn set_storage_prefix(prefix: &str) {
    let custom = (prefix != crate::config::DEFAULT_STORAGE_PREFIX).then(|| prefix.to_string());
    PREFIX.set(custom);
}

const DEFAULT_PREFIX: &str = crate::config::DEFAULT_STORAGE_PREFIX;

/// The key as stored, for the app's own name of it.
pub fn stored_key(key: &str) -> String {
    PREFIX.with_borrow(|p| match (p, key.strip_prefix(DEFAULT_PREFIX)) {
        (Some(p), Some(rest)) => format!("{p}{rest}"),
        _ => key.to_string(),
    })
}

/// The app's name of a stored key; `None` for keys of another prefix (another console).
pub fn app_key(stored: &str) -> Option<String> {
    PREFIX.with_borrow(|p| match p {
        Some(p) => stored
            .strip_prefix(p.as_str())
            .filter(|rest| rest.starts_with(['.', '|']))
            .map(|rest| format!("{DEFAULT_PREFIX}{rest}")),
        None => stored
            .starts_with(DEFAULT_PREFIX)
            .then(|| stored.to_string()),
    })
}

/// `location.hash`, or empty.
pub fn hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Moves to `hash` as a new history entry, path and query untouched.
pub fn push_hash(hash: &str) {
    let Some(w) = window() else { return };
    if w.location().hash().ok().as_deref() == Some(hash) {
        return;
    }
    let path = w.location().pathname().unwrap_or_default();
    let query = w.location().search().unwrap_or_default();
    if let Ok(history) = w.history() {
        let url = format!("{path}{query}{hash}");
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// `location.origin` and `location.pathname`.
pub fn origin_and_path() -> Option<(String, String)> {
    let l = window()?.location();
    Some((l.origin().ok()?, l.pathname().ok()?))
}

pub fn local_get(key: &str) -> Option<String> {
    window()?
        .local_storage()
        .ok()??
        .get_item(&stored_key(key))
        .ok()?
}

pub fn local_remove(key: &str) {
    if let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.remove_item(&stored_key(key));
    }
}

pub fn local_set(key: &str, value: &str) {
    if let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(&stored_key(key), value);
    }
}

/// `local_set`, saying whether the browser kept it (storage can be full, or turned off): the
/// run's ledger and the demo's state, whose loss the page must tell the admin about.
pub fn local_keep(key: &str, value: &str) -> bool {
    window()
        .and_then(|w| w.local_storage().ok().flatten())
        .is_some_and(|s| s.set_item(&stored_key(key), value).is_ok())
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
    window()?
        .session_storage()
        .ok()??
        .get_item(&stored_key(key))
        .ok()?
}

pub fn session_set(key: &str, value: &str) {
    if let Some(s) = window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.set_item(&stored_key(key), value);
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

/// Like [`measure`], with numbers in the measure's `detail` (read by the benchmarks).
pub fn measure_with(name: &str, start: &str, detail: &[(&str, f64)]) {
    use js_sys::{Function, Object, Reflect};
    use wasm_bindgen::JsCast;
    let Some(p) = window().and_then(|w| w.performance()) else {
        return;
    };
    let numbers = Object::new();
    for (k, v) in detail {
        let _ = Reflect::set(&numbers, &(*k).into(), &(*v).into());
    }
    let options = Object::new();
    let _ = Reflect::set(&options, &"start".into(), &start.into());
    let _ = Reflect::set(&options, &"detail".into(), &numbers);
    let measured = Reflect::get(&p, &"measure".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .is_some_and(|f| f.call2(&p, &name.into(), &options).is_ok());
    if !measured {
        measure(name, start);
    }
}

/// Whether an element's subtree has changed (children, attributes or text) since the last
/// [`DomChanges::changed`]: for measures that end once the page shows an update.
pub struct DomChanges {
    observer: web_sys::MutationObserver,
    seen: std::rc::Rc<std::cell::Cell<bool>>,
    // Kept alive while the observer may call it.
    _callback: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

impl DomChanges {
    /// Starts watching `el`; `None` where the browser has no `MutationObserver`.
    pub fn watch(el: &web_sys::Element) -> Option<DomChanges> {
        use wasm_bindgen::JsCast;
        let seen = std::rc::Rc::new(std::cell::Cell::new(false));
        let flag = seen.clone();
        // The browser hands the records to this callback in a microtask of its own, which may
        // come before the next look: it only notes that there were some.
        let callback = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || flag.set(true));
        let observer = web_sys::MutationObserver::new(callback.as_ref().unchecked_ref()).ok()?;
        let options = web_sys::MutationObserverInit::new();
        options.set_subtree(true);
        options.set_child_list(true);
        options.set_attributes(true);
        options.set_character_data(true);
        observer.observe_with_options(el, &options).ok()?;
        Some(DomChanges {
            observer,
            seen,
            _callback: callback,
        })
    }

    /// Whether anything changed since the last look (or since [`DomChanges::watch`]).
    pub fn changed(&self) -> bool {
        let pending = self.observer.take_records().length() > 0;
        self.seen.replace(false) || pending
    }
}

impl Drop for DomChanges {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Resolves in the async executor's next tick: the effects a signal change sets off run in one
/// tick, the ones they set off in the next, and a task that yields runs after both.
pub async fn next_tick() {
    struct Yield(bool);
    impl std::future::Future for Yield {
        type Output = ();
        fn poll(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<()> {
            if self.0 {
                return std::task::Poll::Ready(());
            }
            self.0 = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    }
    Yield(false).await
}

/// The bytes of the app's wasm linear memory (it grows, and never shrinks).
pub fn wasm_memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        (core::arch::wasm32::memory_size(0) as f64) * 65_536.0
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
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

/// Every local-storage key (to list saved runs).
pub fn local_keys() -> Vec<String> {
    let Some(s) = window().and_then(|w| w.local_storage().ok().flatten()) else {
        return Vec::new();
    };
    let n = s.length().unwrap_or(0);
    (0..n)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter_map(|k| app_key(&k))
        .collect()
}

pub fn session_remove(key: &str) {
    if let Some(s) = window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.remove_item(&stored_key(key));
    }
}

/// Now, as an ISO 8601 instant (UTC).
pub fn now_iso() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

/// Asks before the page goes away (reload, close, another address) whenever `ask` gives a
/// text; browsers show their own sentence, older ones that text.
pub fn ask_before_unload(ask: impl Fn() -> Option<&'static str> + 'static) {
    super::lifetime::on_window(leptos::ev::beforeunload, move |e| {
        if let Some(text) = ask() {
            e.prevent_default();
            e.set_return_value(text);
        }
    });
}

/// A named lock this tab holds until `release` (or until the tab goes: browsers free Web Locks
/// of a closed tab themselves).
pub struct Claim {
    /// Resolves the promise a Web Locks callback returned, which frees the lock.
    release: Option<js_sys::Function>,
    /// Held through the BroadcastChannel fallback.
    beacon: Option<String>,
}

impl Claim {
    pub fn release(mut self) {
        self.free();
    }

    fn free(&mut self) {
        if let Some(f) = self.release.take() {
            let _ = f.call0(&wasm_bindgen::JsValue::NULL);
        }
        if let Some(name) = self.beacon.take() {
            CHANNEL.with_borrow_mut(|c| {
                if let Some(c) = c {
                    c.held.remove(&name);
                }
            });
        }
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        self.free();
    }
}

pub enum Claimed {
    Here(Claim),
    /// Another tab holds it.
    Elsewhere,
}

/// Takes the lock `name` if no other tab of this origin holds it, without waiting: Web Locks
/// (`navigator.locks.request(name, {ifAvailable: true}, cb)`, through `Reflect` since web-sys
/// has it only behind its unstable cfg), else the BroadcastChannel protocol of
/// `domain::run_owner`, else (neither API) this tab simply has it.
pub async fn claim(name: &str) -> Claimed {
    let locks = window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"locks".into()).ok())
        .filter(|l| l.is_object());
    if let Some(locks) = locks {
        if let Some(claimed) = web_lock(&locks, name).await {
            return claimed;
        }
    }
    channel_claim(name).await
}

/// `None` when the lock manager refuses to work here (then the fallback decides).
async fn web_lock(locks: &wasm_bindgen::JsValue, name: &str) -> Option<Claimed> {
    use js_sys::{Array, Function, Object, Promise, Reflect};
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    let request: Function = Reflect::get(locks, &"request".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let options = Object::new();
    Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE).ok()?;
    let mut release = None;
    let held = Promise::new(&mut |resolve, _| release = Some(resolve));
    let mut tell = None;
    let answer = Promise::new(&mut |resolve, _| tell = Some(resolve));
    let (release, tell) = (release?, tell?);
    // Called once with the lock, or with null when another tab holds it. Holding means
    // returning a promise that stays pending until `release` resolves it.
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let got = lock.is_object();
        let _ = tell.call1(&JsValue::NULL, &JsValue::from_bool(got));
        if got {
            held.into()
        } else {
            JsValue::UNDEFINED
        }
    });
    let pending = request
        .call3(locks, &JsValue::from_str(name), &options, &callback)
        .ok()?;
    // The callback's answer, or the request's rejection (no lock manager in this context).
    let first = Promise::race(&Array::of2(&answer, &pending));
    match wasm_bindgen_futures::JsFuture::from(first).await {
        Ok(v) if v.as_bool() == Some(true) => Some(Claimed::Here(Claim {
            release: Some(release),
            beacon: None,
        })),
        Ok(v) if v.as_bool() == Some(false) => Some(Claimed::Elsewhere),
        _ => None,
    }
}

/// The BroadcastChannel fallback's state: one channel per tab.
struct Channel {
    port: web_sys::BroadcastChannel,
    tab: u64,
    /// Locks this tab holds (it answers for them).
    held: std::collections::HashSet<String>,
    /// What claims in progress heard.
    heard: Vec<crate::domain::run_owner::Beacon>,
    _on_message: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::MessageEvent)>,
}

thread_local! {
    static CHANNEL: std::cell::RefCell<Option<Channel>> = const { std::cell::RefCell::new(None) };
}

const CHANNEL_NAME: &str = "handover-console.drivers";

fn post(port: &web_sys::BroadcastChannel, beacon: &crate::domain::run_owner::Beacon) {
    if let Ok(json) = serde_json::to_string(beacon) {
        let _ = port.post_message(&wasm_bindgen::JsValue::from_str(&json));
    }
}

/// Opens the channel once; false where BroadcastChannel is missing too.
fn open_channel() -> bool {
    use crate::domain::run_owner::Beacon;
    use wasm_bindgen::{closure::Closure, JsCast};
    if CHANNEL.with_borrow(Option::is_some) {
        return true;
    }
    let Ok(port) = web_sys::BroadcastChannel::new(CHANNEL_NAME) else {
        return false;
    };
    let tab = (js_sys::Math::random() * 9.0e15) as u64;
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let Some(b) = e
                .data()
                .as_string()
                .and_then(|j| serde_json::from_str::<Beacon>(&j).ok())
            else {
                return;
            };
            CHANNEL.with_borrow_mut(|c| {
                let Some(c) = c else { return };
                if let Some(says) = b.answer(c.tab, |l| c.held.contains(l)) {
                    let reply = Beacon {
                        lock: b.lock.clone(),
                        tab: c.tab,
                        says,
                    };
                    post(&c.port, &reply);
                }
                if c.heard.len() < 256 {
                    c.heard.push(b);
                }
            });
        });
    port.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    CHANNEL.set(Some(Channel {
        port,
        tab,
        held: Default::default(),
        heard: Vec::new(),
        _on_message: on_message,
    }));
    true
}

/// Ask, listen, claim, listen (see `domain::run_owner::claim_stands`).
async fn channel_claim(name: &str) -> Claimed {
    use crate::domain::run_owner::{claim_stands, Beacon, Says, CLAIM_LISTEN_MS};
    if !open_channel() {
        return Claimed::Here(Claim {
            release: None,
            beacon: None,
        });
    }
    for says in [Says::Ask, Says::Claim] {
        CHANNEL.with_borrow_mut(|c| {
            if let Some(c) = c {
                c.heard.clear();
                let b = Beacon {
                    lock: name.to_string(),
                    tab: c.tab,
                    says,
                };
                post(&c.port, &b);
            }
        });
        sleep(CLAIM_LISTEN_MS).await;
        let stands = CHANNEL.with_borrow(|c| {
            c.as_ref()
                .is_none_or(|c| !c.held.contains(name) && claim_stands(c.tab, name, &c.heard))
        });
        if !stands {
            return Claimed::Elsewhere;
        }
    }
    CHANNEL.with_borrow_mut(|c| {
        if let Some(c) = c {
            c.held.insert(name.to_string());
        }
    });
    Claimed::Here(Claim {
        release: None,
        beacon: Some(name.to_string()),
    })
}
