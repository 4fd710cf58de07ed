//! An error the admin met, said in their language, with the way forward.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::ui::use_lang;
use crate::ui::widgets::alert::Alert;

/// Shows `error` (when there is one) in an alert region with a Retry button.
#[component]
pub fn ErrorNotice(
    #[prop(into)] error: Signal<Option<ApiError>>,
    #[prop(into)] on_retry: Callback<()>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <Alert error=error />
        <Show when=move || error.with(Option::is_some)>
            <button type="button" class="hoc-button" on:click=move |_| on_retry.run(())>
                {move || lang.t().retry}
            </button>
        </Show>
    }
}
