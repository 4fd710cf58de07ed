//! The two filters every customer list offers beside its search box: one tag, and important
//! customers only (step 2's pickers and the by-hand move list of several successors).

use leptos::prelude::*;

use crate::ui::use_lang;

#[component]
pub fn TagFilter(
    /// The tags to offer, from the loaded list.
    #[prop(into)]
    tags: Signal<Vec<String>>,
    /// The chosen tag ("" for all).
    tag: RwSignal<String>,
    important_only: RwSignal<bool>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <label class="hoc-field">
            <span>{move || lang.t().filter_tag}</span>
            <select on:change:target=move |e| tag.set(e.target().value())>
                <option value="">{move || lang.t().all_tags}</option>
                {move || tags.get().into_iter().map(|t| { let v = t.clone(); view! { <option value=v>{t}</option> } }).collect_view()}
            </select>
        </label>
        <label class="hoc-check">
            <input type="checkbox" prop:checked=important_only on:change:target=move |e| important_only.set(e.target().checked()) />
            <span>{move || lang.t().important_only}</span>
        </label>
    }
}
