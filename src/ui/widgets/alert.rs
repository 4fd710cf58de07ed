//! The one alert region: always in the DOM (so screen readers announce what appears in it),
//! showing an error in the admin's language when there is one.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::i18n::errors::error_text;
use crate::ui::use_lang;

/// An `role="alert"` region that shows `error` when it is `Some`.
#[component]
pub fn Alert(#[prop(into)] error: Signal<Option<ApiError>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div role="alert" class="hoc-alert-region">
            {move || error.get().map(|e| view! { <p class="hoc-error">{error_text(lang.t(), &e)}</p> })}
        </div>
    }
}
