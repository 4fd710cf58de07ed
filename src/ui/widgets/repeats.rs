//! Says once, politely, that the backend sent some entries more than once (each is listed once):
//! the admin's list is right, and the backend's operators may want to know.

use leptos::prelude::*;

use crate::ui::use_lang;

#[component]
pub fn RepeatsNotice(#[prop(into)] count: Signal<usize>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Show when=move || { count.get() > 0 }>
            <p class="hoc-notice" role="status">{move || (lang.t().repeated_entries)(count.get())}</p>
        </Show>
    }
}
