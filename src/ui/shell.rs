//! The frame around every step: header, language switch, demo banner, stepper, Back/Next.

use leptos::html::H2;
use leptos::prelude::*;

use super::browser;
use super::format;
use super::later::{Later, Part};
use super::records::awaiting_count;
use super::state::use_ctx;
use super::steps::StepBody;
use super::use_lang;
use super::widgets::error::ErrorNotice;
use super::widgets::stepper::Stepper;
use crate::api::Backend;
use crate::config::{Config, Route};
use crate::domain::wizard::{Blocker, Step, Wizard};
use crate::i18n::errors::blocker_text;
use crate::i18n::Locale;

#[component]
pub fn Shell() -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let config = expect_context::<Config>();
    let wizard = ctx.wizard;
    let step = Memo::new(move |_| wizard.with(Wizard::step));
    let heading = NodeRef::<H2>::new();
    let done = move || ctx.created.with(Option::is_some);

    // Each step change moves focus to the new step's heading, so keyboard and screen-reader
    // users land at the top of what changed.
    Effect::watch(
        move || (step.get(), done()),
        move |(s, _), _, _| {
            if let Some(h) = heading.get() {
                let _ = h.focus();
            }
            let slug = s.slug();
            request_animation_frame(move || {
                browser::measure(&format!("step:{slug}:ready"), "step-start")
            });
        },
        false,
    );
    // Set when Next was pressed on an incomplete step; the summary shows what is still missing
    // (and disappears once nothing is).
    let tried = RwSignal::new(false);
    let go = move |forward: bool| {
        browser::mark("step-start");
        let mut blocked = false;
        wizard.update(|w| {
            if forward {
                blocked = w.try_next().is_err();
            } else {
                w.go_back();
            }
        });
        tried.set(blocked);
    };
    let missing = move || {
        tried
            .get()
            .then(|| wizard.with(|w| w.blocker(w.step())))
            .flatten()
    };

    // The navigation's count of what awaits this admin's approval.
    let awaiting = awaiting_count(ctx);
    provide_context(awaiting);
    let may_approve = move || {
        ctx.session
            .get()
            .and_then(Result::ok)
            .is_some_and(|s| s.permissions.may_approve)
    };

    view! {
        <div class="hoc-shell">
            <header class="hoc-header">
                <h1 class="hoc-title">{move || lang.t().app_title}</h1>
                <nav class="hoc-nav" aria-label=move || lang.t().app_title>
                    <NavLink route=Route::Wizard label=|m| m.nav_wizard />
                    <NavLink route=Route::Records label=|m| m.nav_records />
                    <Show when=may_approve>
                        <NavLink route=Route::Approvals label=|m| m.nav_approvals count=awaiting.count />
                    </Show>
                </nav>
                <LanguageSwitch />
            </header>
            {config.is_demo().then(|| view! { <DemoBanner /> })}
            <ErrorNotice
                error=Signal::derive(move || ctx.session.get().and_then(Result::err))
                on_retry=move |_| ctx.session.refetch()
            />
            {move || match ctx.route.get() {
                Route::Wizard => None,
                Route::Records => Some(view! {
                    <main class="hoc-main">
                        <h2 class="hoc-step-heading" tabindex="-1" id="hoc-page-heading">{move || lang.t().records_title}</h2>
                        <Later part={Part::Records { approvals: false }} />
                    </main>
                }.into_any()),
                Route::Approvals => Some(view! {
                    <main class="hoc-main">
                        <h2 class="hoc-step-heading" tabindex="-1" id="hoc-page-heading">{move || lang.t().nav_approvals}</h2>
                        <Later part={Part::Records { approvals: true }} />
                    </main>
                }.into_any()),
                // The page names the handover in its own heading (#hoc-page-heading).
                Route::Handover(id) => Some(view! {
                    <main class="hoc-main">
                        <Later part=Part::Handover(id) />
                    </main>
                }.into_any()),
            }}
            <Show when=move || ctx.route.get() == Route::Wizard>
            <Stepper current=step />
            <main class="hoc-main">
                <section class="hoc-step" aria-labelledby="hoc-step-heading">
                    <Show when=move || !done()>
                        <p class="hoc-step-position">
                            {move || (lang.t().step_position)(step.get().index() + 1, Step::ALL.len())}
                        </p>
                    </Show>
                    <h2 id="hoc-step-heading" class="hoc-step-heading" tabindex="-1" node_ref=heading>
                        {move || if done() { lang.t().handover_created } else { lang.t().step_title(step.get()) }}
                    </h2>
                    {move || match ctx.created.get() {
                        Some(h) => view! { <Later part=Part::Created(Box::new(h)) /> }.into_any(),
                        None => view! {
                            <ErrorSummary missing=Signal::derive(missing) />
                            <p class="hoc-step-intro">{move || lang.t().step_intro(step.get())}</p>
                            <StepBody step=step />
                        }
                        .into_any(),
                    }}
                </section>
                <Show when=move || !done()>
                    <nav class="hoc-step-nav">
                        <button
                            type="button"
                            class="hoc-button"
                            disabled=move || !wizard.with(Wizard::can_go_back)
                            on:click=move |_| go(false)
                        >
                            {move || lang.t().back}
                        </button>
                        <Show when=move || step.get() != Step::Confirm>
                            <div class="hoc-next">
                                <button
                                    type="button"
                                    class="hoc-button hoc-button-primary"
                                    on:click=move |_| go(true)
                                >
                                    {move || lang.t().next}
                                </button>
                            </div>
                        </Show>
                    </nav>
                </Show>
            </main>
            </Show>
        </div>
    }
}

/// What stops Next, at the top of the step (the GOV.UK error summary): announced at once, and
/// its link takes the admin to the field that needs them.
#[component]
fn ErrorSummary(missing: Signal<Option<Blocker>>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div role="alert" class="hoc-alert-region">
            {move || missing.get().map(|b| {
                let (anchor, focus) = blocker_field(b);
                view! {
                    <div class="hoc-error-summary">
                        <h3 class="hoc-error-summary-title">{move || lang.t().error_summary_title}</h3>
                        <ul>
                            <li>
                                <a
                                    href=format!("#{anchor}")
                                    on:click=move |ev| {
                                        ev.prevent_default();
                                        browser::focus(focus);
                                    }
                                >
                                    {move || blocker_text(lang.t(), b)}
                                </a>
                            </li>
                        </ul>
                    </div>
                }
            })}
        </div>
    }
}

/// Where each blocker's field is: the element the link names, and what takes focus.
fn blocker_field(b: Blocker) -> (&'static str, &'static str) {
    match b {
        Blocker::NoMember | Blocker::MemberIneligible => (
            "hoc-departed-field",
            "input[name=hoc-departed]:not([disabled])",
        ),
        Blocker::NothingSelected => (
            "hoc-customers-h",
            ".hoc-pick-section input[type=checkbox]:not([disabled])",
        ),
        Blocker::NoSuccessor
        | Blocker::SuccessorIneligible
        | Blocker::TooFewSuccessors
        | Blocker::ListsLoading => (
            "hoc-successor-field",
            "input[name=hoc-successor]:not([disabled])",
        ),
        Blocker::DaysInvalid => ("hoc-days-input", "#hoc-days-input"),
    }
}

/// A link to one of the app's pages; `aria-current="page"` on the one shown. With `count`, a
/// badge says how many things wait there (none when nothing does).
#[component]
fn NavLink(
    route: Route,
    label: fn(&crate::i18n::Messages) -> &'static str,
    #[prop(optional, into)] count: Option<Signal<Option<usize>>>,
) -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let href = ctx.router().href(&route);
    let here = {
        let route = route.clone();
        move || {
            let current = ctx.route.get();
            (current == route || (route == Route::Records && matches!(current, Route::Handover(_))))
                .then_some("page")
        }
    };
    let counted = move || count.and_then(|c| c.get()).filter(|n| *n > 0);
    view! {
        <a
            class="hoc-nav-link"
            href=href
            aria-current=here
            // With a count, the link's name says it in words ("… (2 awaiting)").
            aria-label=move || counted().map(|n| format!("{}{}", label(lang.t()), (lang.t().approvals_n)(n)))
            on:click=move |ev| {
                ev.prevent_default();
                ctx.navigate(route.clone());
                // After the new page has rendered.
                request_animation_frame(|| browser::focus("#hoc-page-heading, #hoc-step-heading"));
            }
        >
            {move || label(lang.t())}
            {move || counted().map(|n| view! {
                <span class="hoc-nav-count" aria-hidden="true">{format::number(lang.locale(), n as u32)}</span>
            })}
        </a>
    }
}

#[component]
fn DemoBanner() -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let said = RwSignal::new(false);
    // Set while the browser refuses to keep the demo (its words come with the later module:
    // a demo whose saves are kept never shows them).
    let unsaved = RwSignal::new(false);
    if let Backend::Demo(d) = ctx.backend() {
        d.on_saved(move |kept| {
            unsaved.set(!kept);
        });
    }
    view! {
        {move || unsaved.get().then(|| view! { <Later part=Part::DemoUnsaved quiet=true /> })}
        <div class="hoc-demo-banner" role="note">
            <span>{move || lang.t().demo_banner}</span>
            <button
                type="button"
                class="hoc-button"
                on:click=move |_| {
                    ctx.reset_demo();
                    said.set(true);
                }
            >
                {move || lang.t().reset_demo}
            </button>
            <span role="status">{move || said.get().then(|| lang.t().demo_was_reset)}</span>
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
