//! A search box that speaks to IMEs and servers politely: while a pinyin (or any IME)
//! composition is open nothing is searched, the finished word is; server searches wait for a
//! pause in typing, so one word costs one request.

use std::time::Duration;

use leptos::prelude::*;

/// `on_search` receives the text once it is final: at once (`debounce_ms` 0, for filters over
/// loaded rows) or after `debounce_ms` without typing (for server searches).
#[component]
pub fn SearchBox(
    #[prop(into)] label: Signal<&'static str>,
    #[prop(into)] on_search: Callback<String>,
    #[prop(optional)] debounce_ms: u64,
) -> impl IntoView {
    let composing = StoredValue::new(false);
    let last = StoredValue::new(String::new());
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let cancel = move || {
        if let Some(h) = pending.try_update_value(Option::take).flatten() {
            h.clear();
        }
    };
    on_cleanup(cancel);
    let fire = move |text: String| {
        cancel();
        if text == last.get_value() {
            return;
        }
        let send = move || {
            last.set_value(text.clone());
            on_search.run(text);
        };
        if debounce_ms == 0 {
            send();
        } else if let Ok(h) = set_timeout_with_handle(send, Duration::from_millis(debounce_ms)) {
            pending.set_value(Some(h));
        }
    };
    view! {
        <label class="hoc-field">
            <span>{label}</span>
            <input
                type="search"
                on:compositionstart=move |_| composing.set_value(true)
                on:compositionend:target=move |e| {
                    composing.set_value(false);
                    fire(e.target().value());
                }
                on:input:target=move |e| {
                    if !composing.get_value() {
                        fire(e.target().value());
                    }
                }
            />
        </label>
    }
}
