//! One module per wizard step.

mod chat_history;
mod confirm;
mod customers;
pub(crate) mod member;
mod split;
mod successor;

use leptos::prelude::*;

use super::later::{Later, Part};
use crate::domain::wizard::Step;

pub use confirm::Created;

/// Step 1 is in the first download; the others come with the later module (`ui::later`).
#[component]
pub fn StepBody(step: Memo<Step>) -> impl IntoView {
    move || match step.get() {
        Step::Member => view! { <member::MemberStep /> }.into_any(),
        later => view! { <Later part=Part::Step(later) /> }.into_any(),
    }
}

/// A step's body, as the later module renders it.
pub fn later_step(step: Step) -> AnyView {
    match step {
        Step::Member => view! { <member::MemberStep /> }.into_any(),
        Step::Customers => view! { <customers::CustomersStep /> }.into_any(),
        Step::Successor => view! { <successor::SuccessorStep /> }.into_any(),
        Step::ChatHistory => view! { <chat_history::ChatHistoryStep /> }.into_any(),
        Step::Confirm => view! { <confirm::ConfirmStep /> }.into_any(),
    }
}
