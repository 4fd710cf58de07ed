//! How far a list has loaded: a caption and a bar that always agree, determinate only when the
//! backend gave a total (never "of 0").

use leptos::prelude::*;

use crate::domain::paging::{Caption, Progress};
use crate::ui::use_lang;

/// The caption and bar; `children` go beside them (e.g. a Cancel button).
#[component]
pub fn LoadProgress(
    id: &'static str,
    #[prop(into)] progress: Signal<Progress>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="hoc-progress-block">
            <label for=id>
                {move || match progress.get().caption() {
                    Caption::Starting => lang.t().loading.to_string(),
                    Caption::Loaded(n) => (lang.t().loaded_n)(n),
                    Caption::LoadedOf(n, total) => (lang.t().loaded_of)(n, total),
                }}
            </label>
            {move || match progress.get().bar() {
                Some((n, total)) => view! { <progress id=id max=total value=n></progress> }.into_any(),
                None => view! { <progress id=id></progress> }.into_any(),
            }}
            {children.map(|c| c())}
        </div>
    }
}
