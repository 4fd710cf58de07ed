//! Mounting into a host page: the configuration layers read from the page, the element and the
//! `options` object; and the handle `mountHandover` returns (`unmount`, `setToken`,
//! `setLocale`). `src/main.rs` exports it to JavaScript; `js/entry.js` wraps it.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::first::{App, Intent, Seed};
use super::lifetime::Lifetime;
use super::state::Ctx;
use super::{browser, host, later, run, Console, Lang};
use crate::api::types::DepartedMember;
use crate::config::{Layer, Raw, Resolved, Source};
use crate::i18n::Locale;

/// `<meta name="handover-console:KEY" content="…">` tags of the page.
pub fn meta_layer() -> Layer {
    const PREFIX: &str = "handover-console:";
    let mut pairs = Vec::new();
    if let Some(list) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector_all("meta[name^='handover-console:']").ok())
    {
        for i in 0..list.length() {
            let Some(el) = list
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let name = el.get_attribute("name").unwrap_or_default();
            if let Some(key) = name.strip_prefix(PREFIX) {
                pairs.push((
                    key.to_string(),
                    el.get_attribute("content").unwrap_or_default(),
                ));
            }
        }
    }
    Layer::text(Source::Meta, pairs)
}

/// Attributes every element may carry: never configuration.
const GLOBAL_ATTRIBUTES: [&str; 12] = [
    "id", "class", "style", "hidden", "lang", "dir", "title", "slot", "part", "role", "tabindex",
    "inert",
];

/// The mount element's `data-*` attributes; for `<handover-console>`, every attribute that is
/// not a global one. Framework markers (`data-v-…` of Vue's scoped styles) and the standalone
/// page's own marker are not settings.
pub fn element_layer(el: &web_sys::Element, custom: bool) -> Layer {
    let names = el.get_attribute_names();
    let mut pairs = Vec::new();
    for name in names.iter().filter_map(|n| n.as_string()) {
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("data-v-") || lower == "data-handover-console" {
            continue;
        }
        let key = match lower.strip_prefix("data-") {
            Some(k) => k.to_string(),
            None if custom
                && !GLOBAL_ATTRIBUTES.contains(&lower.as_str())
                && !lower.starts_with("aria-") =>
            {
                lower.clone()
            }
            None => continue,
        };
        pairs.push((key, el.get_attribute(&name).unwrap_or_default()));
    }
    Layer::text(Source::Element, pairs)
}

fn raw(v: &JsValue) -> Raw {
    if let Some(s) = v.as_string() {
        Raw::Text(s)
    } else if let Some(b) = v.as_bool() {
        Raw::Bool(b)
    } else if let Some(n) = v.as_f64() {
        Raw::Number(n)
    } else if v.is_null() || v.is_undefined() {
        Raw::Other("null")
    } else if js_sys::Array::is_array(v) {
        Raw::Other("[…]")
    } else if v.is_function() {
        Raw::Other("function")
    } else if v.is_object() {
        Raw::Map(entries(v))
    } else {
        Raw::Other("?")
    }
}

fn entries(v: &JsValue) -> Vec<(String, Raw)> {
    let Ok(obj) = v.clone().dyn_into::<js_sys::Object>() else {
        return Vec::new();
    };
    js_sys::Object::entries(&obj)
        .iter()
        .filter_map(|pair| {
            let pair = pair.dyn_into::<js_sys::Array>().ok()?;
            let value = pair.get(1);
            // `{token: maybeToken}` with nothing in it: not given, as in JavaScript habit.
            if value.is_null() || value.is_undefined() {
                return None;
            }
            Some((pair.get(0).as_string()?, raw(&value)))
        })
        .collect()
}

/// The `options` object (or nothing); anything else is reported, not ignored.
pub fn options_layer(v: &JsValue) -> Layer {
    if v.is_undefined() || v.is_null() {
        return Layer::new(Source::Options, Vec::new());
    }
    if v.is_object() && !js_sys::Array::is_array(v) && !v.is_function() {
        return Layer::new(Source::Options, entries(v));
    }
    Layer::unreadable(Source::Options, "not an object")
}

/// `config.json`'s text, when the file exists.
pub fn file_layer(text: Option<String>) -> Layer {
    let Some(text) = text else {
        return Layer::new(Source::File, Vec::new());
    };
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(o)) => Layer::new(
            Source::File,
            o.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, json_raw(v)))
                .collect(),
        ),
        Ok(_) => Layer::unreadable(Source::File, "not an object"),
        Err(_) => Layer::unreadable(Source::File, "not JSON"),
    }
}

fn json_raw(v: serde_json::Value) -> Raw {
    use serde_json::Value as V;
    match v {
        V::String(s) => Raw::Text(s),
        V::Bool(b) => Raw::Bool(b),
        V::Number(n) => n.as_f64().map(Raw::Number).unwrap_or(Raw::Other("number")),
        V::Object(o) => Raw::Map(o.into_iter().map(|(k, v)| (k, json_raw(v))).collect()),
        V::Array(_) => Raw::Other("[…]"),
        V::Null => Raw::Other("null"),
    }
}

/// What the handle reaches inside a mounted app.
#[derive(Clone)]
struct Controls {
    ctx: Ctx,
    lang: Lang,
}

type Slot = Rc<RefCell<Option<Controls>>>;

/// Called by `Console`: hands the mount's handle what it controls.
pub fn publish(ctx: Ctx, lang: Lang) {
    if let Some(slot) = use_context::<StoredValue<Slot, LocalStorage>>() {
        slot.with_value(|s| *s.borrow_mut() = Some(Controls { ctx, lang }));
    }
}

/// A mounted app. Dropping it without `unmount` leaves the app running (like `forget`).
pub struct Mounted {
    life: Lifetime,
    view: Option<Box<dyn std::any::Any>>,
    slot: Slot,
}

/// Mounts the whole app into `into` (through `ui::first`, which resolved the configuration),
/// telling `host` what happens: `into` is `host`, or an element off the page that `ui::first`
/// moves into `host` later. `seed`: the first screen was there before, and hands over what the
/// admin chose; the token the host gave it stays.
pub fn mount(
    into: web_sys::HtmlElement,
    host: web_sys::HtmlElement,
    resolved: Resolved,
    seed: Option<Seed>,
) -> Mounted {
    browser::set_storage_prefix(&resolved.config.storage_prefix);
    if seed.is_none() {
        host::set_token(None);
        crate::api::Backend::forget_renewal();
    }
    let life = Lifetime::default();
    let slot: Slot = Rc::new(RefCell::new(None));
    let (l, s, el) = (life.clone(), slot.clone(), host.clone());
    let handle = leptos::mount::mount_to(into, move || {
        provide_context(StoredValue::new_local(l));
        provide_context(StoredValue::new_local(s));
        view! { <Console resolved=resolved host=Some(el) seed=seed /> }
    });
    Mounted {
        life,
        view: Some(Box::new(handle)),
        slot,
    }
}

/// A handle JavaScript's garbage collector frees (the host dropped its reference) must not
/// take the app down with it: only `unmount` does.
impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(view) = self.view.take() {
            std::mem::forget(view);
        }
    }
}

impl Mounted {
    /// Stops everything the app runs (a run in progress is saved and resumes from its ledger
    /// on the next mount), then removes it from the page.
    pub fn unmount(&mut self) {
        if let Some(c) = self.slot.borrow_mut().take() {
            later::with_run(c.ctx, run::Task::Suspend);
        }
        self.life.end();
        self.view.take();
    }

    /// A new bearer token from the host (after `handover:unauthenticated`): later requests
    /// carry it, and what waited for the session tries again.
    pub fn set_token(&self, token: &str) -> bool {
        let token = token.trim();
        let Some(c) = self.slot.borrow().clone() else {
            return false;
        };
        if token.is_empty() || token.chars().any(char::is_control) {
            return false;
        }
        renew(&c.ctx, &c.lang, token);
        true
    }

    /// Switches the UI language; `false` (and nothing changes) for a tag the app does not speak.
    pub fn set_locale(&self, tag: &str) -> bool {
        let Some(c) = self.slot.borrow().clone() else {
            return false;
        };
        match Locale::from_tag(tag) {
            Some(l) => {
                c.lang.set(l);
                true
            }
            None => false,
        }
    }
}

impl App for Mounted {
    fn unmount(&mut self) {
        Mounted::unmount(self);
    }

    fn set_token(&self, token: &str) -> bool {
        Mounted::set_token(self, token)
    }

    fn set_locale(&self, tag: &str) -> bool {
        Mounted::set_locale(self, tag)
    }

    fn choose(&self, member: DepartedMember) {
        if let Some(c) = self.slot.borrow().clone() {
            super::adopt(c.ctx, member);
        }
    }

    fn go(&self, intent: Intent) {
        if let Some(c) = self.slot.borrow().clone() {
            super::go_on(c.ctx, intent, true);
        }
    }
}

/// Swaps the client for one with `token` and retries what a 401 stopped.
pub fn renew(ctx: &Ctx, lang: &Lang, token: &str) {
    host::set_token(Some(token.to_string()));
    run::token_renewed(*ctx, *lang);
}
