//! The ordered list of steps, with `aria-current="step"` on the current one.

use leptos::prelude::*;

use crate::domain::wizard::Step;
use crate::ui::use_lang;

#[component]
pub fn Stepper(current: Memo<Step>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <nav class="hoc-stepper" aria-label=move || lang.t().steps_nav>
            <ol>
                {Step::ALL
                    .into_iter()
                    .map(|s| {
                        let state = move || {
                            let c = current.get().index();
                            match s.index() {
                                i if i < c => "done",
                                i if i == c => "current",
                                _ => "todo",
                            }
                        };
                        view! {
                            <li
                                class="hoc-stepper-item"
                                data-state=state
                                aria-current=move || (current.get() == s).then_some("step")
                            >
                                <span class="hoc-stepper-num" aria-hidden="true">
                                    {s.index() + 1}
                                </span>
                                <span class="hoc-stepper-label">{move || lang.t().step_title(s)}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}
