//! The body of each wizard step. Placeholders until each step gets its own module.

use leptos::prelude::*;

use crate::domain::wizard::Step;
use crate::ui::use_lang;

#[component]
pub fn StepBody(step: Memo<Step>) -> impl IntoView {
    let lang = use_lang();
    view! { <p class="hoc-step-intro">{move || lang.t().step_intro(step.get())}</p> }
}
