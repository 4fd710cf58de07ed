//! The page around the app: events dispatched on the mount element (bubbling, composed), the
//! same events posted to an embedding parent window (only to its configured origin), and the
//! one message a parent may send back (a new token, only from that origin).

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::domain::host_events::HostEvent;

/// Where events go. Lives in context for the mount's lifetime.
#[derive(Clone)]
pub struct Host {
    element: web_sys::HtmlElement,
    parent_origin: Option<String>,
}

/// The parent's message that hands the app a token: `{type: "handover:set-token", token}`.
pub const SET_TOKEN: &str = "handover:set-token";

impl Host {
    pub fn new(element: web_sys::HtmlElement, parent_origin: Option<String>) -> Host {
        Host {
            element,
            parent_origin,
        }
    }

    /// Dispatches `event` on the host element and, inside an iframe with a configured parent
    /// origin, posts it to the parent.
    pub fn emit(&self, event: &HostEvent) {
        let detail = to_js(&event.detail());
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&detail);
        if let Ok(e) = web_sys::CustomEvent::new_with_event_init_dict(event.name(), &init) {
            let _ = self.element.dispatch_event(&e);
        }
        if let (Some(origin), Some(parent)) = (&self.parent_origin, parent_window()) {
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"type".into(), &event.name().into());
            let _ = js_sys::Reflect::set(&message, &"detail".into(), &detail);
            let _ = parent.post_message(&message, origin);
        }
    }

    /// Listens for the parent's token (see `SET_TOKEN`) while the app is mounted; a message from
    /// any other origin or window, or of any other shape, is ignored.
    pub fn on_parent_token(&self, accept: impl Fn(String) + 'static) {
        let (Some(origin), Some(parent)) = (self.parent_origin.clone(), parent_window()) else {
            return;
        };
        super::lifetime::on_window(leptos::ev::message, move |e: web_sys::MessageEvent| {
            // Compared as plain values: the parent is usually of another origin, and a
            // cross-origin window is no `instanceof Window` (a `dyn_into` would always fail).
            let from_parent = e
                .source()
                .is_some_and(|s| JsValue::from(s) == JsValue::from(parent.clone()));
            if e.origin() != origin || !from_parent {
                return;
            }
            let data = e.data();
            let field = |k: &str| {
                js_sys::Reflect::get(&data, &k.into())
                    .ok()
                    .and_then(|v| v.as_string())
            };
            if field("type").as_deref() == Some(SET_TOKEN) {
                if let Some(token) = field("token").filter(|t| !t.trim().is_empty()) {
                    accept(token);
                }
            }
        });
    }
}

/// The embedding window, when the app runs inside an iframe.
fn parent_window() -> Option<web_sys::Window> {
    let w = web_sys::window()?;
    let parent = w.parent().ok()??;
    (JsValue::from(&parent) != JsValue::from(&w)).then_some(parent)
}

fn to_js(v: &serde_json::Value) -> JsValue {
    serde_json::to_string(v)
        .ok()
        .and_then(|s| js_sys::JSON::parse(&s).ok())
        .unwrap_or(JsValue::NULL)
}

/// The mount's host, if there is one (component tests have none).
pub fn current() -> Option<StoredValue<Host, LocalStorage>> {
    use_context::<StoredValue<Host, LocalStorage>>()
}

thread_local! {
    /// The token the host handed over last (`setToken`, or the parent's message): later
    /// requests carry it, before any `<meta>` token.
    static TOKEN: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

pub fn token() -> Option<String> {
    TOKEN.with_borrow(Clone::clone)
}

pub fn set_token(token: Option<String>) {
    TOKEN.set(token);
}
