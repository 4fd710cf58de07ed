//! The one alert region: always in the DOM (so screen readers announce what appears in it),
//! showing an error in the admin's language when there is one, with the "Technical details" a
//! support desk asks for (status, problem code, detail, instance, request id) folded away.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::errors::{error_text, tech_label};
use crate::ui::use_lang;

/// An `role="alert"` region that shows `error` when it is `Some`.
#[component]
pub fn Alert(#[prop(into)] error: Signal<Option<ApiError>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div role="alert" class="hoc-alert-region">
            {move || error.get().map(|e| {
                let facts = e.technical();
                view! {
                    <p class="hoc-error">{error_text(lang.t(), &e)}</p>
                    {(!facts.is_empty()).then(|| view! {
                        <details class="hoc-tech">
                            <summary>{move || lang.t().technical_details}</summary>
                            <dl>
                                {facts.into_iter().map(|(f, v)| view! {
                                    <div><dt>{move || tech_label(lang.t(), f)}</dt><dd><code>{v}</code></dd></div>
                                }).collect_view()}
                            </dl>
                        </details>
                    })}
                }
            })}
        </div>
    }
}
