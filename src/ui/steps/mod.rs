//! One module per wizard step.

mod chat_history;
mod confirm;
mod customers;
mod member;
mod split;
mod successor;

use leptos::prelude::*;

use crate::domain::wizard::Step;

pub use confirm::Created;

#[component]
pub fn StepBody(step: Memo<Step>) -> impl IntoView {
    move || match step.get() {
        Step::Member => view! { <member::MemberStep /> }.into_any(),
        Step::Customers => view! { <customers::CustomersStep /> }.into_any(),
        Step::Successor => view! { <successor::SuccessorStep /> }.into_any(),
        Step::ChatHistory => view! { <chat_history::ChatHistoryStep /> }.into_any(),
        Step::Confirm => view! { <confirm::ConfirmStep /> }.into_any(),
    }
}
