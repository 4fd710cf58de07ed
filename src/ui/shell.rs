//! The frame around every step: header, language switch, demo banner, stepper, Back/Next.

use leptos::html::H2;
use leptos::prelude::*;

use super::widgets::stepper::Stepper;
use super::{steps::StepBody, use_lang};
use crate::config::Config;
use crate::domain::wizard::{Step, Wizard};
use crate::i18n::Locale;

#[component]
pub fn Shell() -> impl IntoView {
    let lang = use_lang();
    let config = expect_context::<Config>();
    let wizard = RwSignal::new(Wizard::default());
    let step = Memo::new(move |_| wizard.with(Wizard::step));
    let heading = NodeRef::<H2>::new();

    // Each step change moves focus to the new step's heading, so keyboard and screen-reader
    // users land at the top of what changed.
    Effect::watch(
        move || step.get(),
        move |_, _, _| {
            if let Some(h) = heading.get() {
                let _ = h.focus();
            }
        },
        false,
    );

    view! {
        <div class="hoc-app">
            <header class="hoc-header">
                <h1 class="hoc-title">{move || lang.t().app_title}</h1>
                <LanguageSwitch />
            </header>
            {config
                .is_demo()
                .then(|| {
                    view! {
                        <p class="hoc-demo-banner" role="note">
                            {move || lang.t().demo_banner}
                        </p>
                    }
                })}
            <Stepper current=step />
            <main class="hoc-main">
                <section class="hoc-step" aria-labelledby="hoc-step-heading">
                    <p class="hoc-step-position">
                        {move || (lang.t().step_position)(step.get().index() + 1, Step::ALL.len())}
                    </p>
                    <h2 id="hoc-step-heading" class="hoc-step-heading" tabindex="-1" node_ref=heading>
                        {move || lang.t().step_title(step.get())}
                    </h2>
                    <StepBody step=step />
                </section>
                <nav class="hoc-step-nav">
                    <button
                        type="button"
                        class="hoc-button"
                        disabled=move || !wizard.with(Wizard::can_go_back)
                        on:click=move |_| {
                            wizard.update(|w| {
                                w.go_back();
                            })
                        }
                    >
                        {move || lang.t().back}
                    </button>
                    <Show when=move || wizard.with(Wizard::can_go_next)>
                        <button
                            type="button"
                            class="hoc-button hoc-button-primary"
                            on:click=move |_| {
                                wizard.update(|w| {
                                    w.go_next();
                                })
                            }
                        >
                            {move || lang.t().next}
                        </button>
                    </Show>
                </nav>
            </main>
        </div>
    }
}

#[component]
fn LanguageSwitch() -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="hoc-lang">
            <label for="hoc-lang-select">{move || lang.t().language}</label>
            <select
                id="hoc-lang-select"
                on:change:target=move |ev| {
                    if let Some(l) = Locale::from_tag(&ev.target().value()) {
                        lang.set(l);
                    }
                }
            >
                {Locale::ALL
                    .into_iter()
                    .map(|l| {
                        view! {
                            <option value=l.tag() lang=l.tag() selected=move || lang.locale() == l>
                                {l.native_name()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
