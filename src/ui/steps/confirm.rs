//! Step 5: check your answers, re-verify, confirm. The handover id was generated when the draft
//! began, so a double click or a retry creates one handover, never two.

use leptos::html::{Dialog, Input};
use leptos::prelude::*;

use crate::api::types::{ChatScope, Handover, VerificationMethod, VerificationRequest};
use crate::api::ApiError;
use crate::config::Route;
use crate::domain::wizard::Step;
use crate::i18n::errors::reason_text;
use crate::ui::browser;
use crate::ui::handover::{copy_text, select_all, share_link};
use crate::ui::state::use_ctx;
use crate::ui::use_lang;
use crate::ui::widgets::alert::Alert;

#[component]
pub fn ConfirmStep() -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let session = move || ctx.session.get().and_then(Result::ok);
    let dialog = NodeRef::<Dialog>::new();
    let code_input = NodeRef::<Input>::new();
    let code = RwSignal::new(String::new());

    // The backend's preferred method decides what is asked for (SMS code, authenticator, password).
    let method = move || {
        session()
            .map(|s| s.verification.preferred())
            .unwrap_or(VerificationMethod::SmsCode)
    };
    let submit = Action::new_local(move |code: &Option<String>| {
        let b = ctx.backend();
        let code = code.clone();
        let method = method();
        async move {
            let token = match code {
                Some(code) => Some(b.verify(&VerificationRequest { method, code }).await?.token),
                None => None,
            };
            let req = ctx
                .wizard
                .with_untracked(|w| w.to_request(token))
                .ok_or_else(|| ApiError::Network("incomplete".into()))?;
            b.create_handover(&req).await
        }
    });
    let error = Memo::new(move |_| submit.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(h)) = submit.value().get() {
            if let Some(d) = dialog.get_untracked() {
                d.close();
            }
            crate::ui::events::created(&h);
            ctx.created.set(Some(h));
        }
    });
    let needs_verification = move || session().is_none_or(|s| s.verification.required);
    let confirm = move |_| {
        if submit.pending().get_untracked() {
            return;
        }
        if needs_verification() {
            if let Some(d) = dialog.get_untracked() {
                let _ = d.show_modal();
            }
            if let Some(i) = code_input.get_untracked() {
                let _ = i.focus();
            }
        } else {
            submit.dispatch_local(None);
        }
    };
    let change = move |step: Step, label: fn(&crate::i18n::Messages) -> &'static str| {
        view! {
            <button
                type="button"
                class="hoc-link"
                on:click=move |_| ctx.wizard.update(|w| { w.go_to(step); })
            >
                {move || lang.t().change}
                <span class="hoc-visually-hidden">" " {move || label(lang.t())}</span>
            </button>
        }
    };
    let several = move || ctx.wizard.with(|w| w.several());
    Effect::new(move |_| {
        if several() {
            crate::ui::lists::ensure_loaded(ctx);
        }
    });
    super::split::keep_group_limit(ctx);
    let planned = super::split::planned(ctx);
    let approval = move || {
        let s = session()?;
        Some(ctx.wizard.with(|w| w.approval_reasons(&s.approval)))
    };

    view! {
        <dl class="hoc-summary">
            <div>
                <dt>{move || lang.t().step_member}</dt>
                <dd>{move || ctx.wizard.with(|w| w.departed().map(|d| format!("{} · {}", d.name, d.department.name)))}</dd>
                <dd>{change(Step::Member, |m| m.step_member)}</dd>
            </div>
            <div>
                <dt>{move || lang.t().step_customers}</dt>
                <dd>
                    {move || ctx.wizard.with(|w| {
                        (lang.t().customers_summary)(
                            (lang.t().customers_n)(w.customer_count()),
                            (lang.t().important_n)(w.important_count()),
                            (lang.t().groups_n)(w.group_count()),
                        )
                    })}
                </dd>
                <dd>{change(Step::Customers, |m| m.step_customers)}</dd>
            </div>
            <div>
                <dt>{move || lang.t().step_successor}</dt>
                <dd>
                    {move || ctx.wizard.with(|w| {
                        if w.several() {
                            return Some((lang.t().split_across)(w.successors().len()));
                        }
                        w.successor().map(|s| {
                            format!("{} · {} {}", s.name, lang.t().capacity_after, w.capacity_after().unwrap_or(0))
                        })
                    })}
                </dd>
                {move || {
                    let successors = ctx.wizard.with(|w| w.successors().to_vec());
                    planned.with(|p| super::split::summary_lines(lang.t(), p, &successors))
                        .into_iter()
                        .map(|l| view! { <dd class="hoc-split-line">{l}</dd> })
                        .collect_view()
                }}
                <dd>{change(Step::Successor, |m| m.step_successor)}</dd>
            </div>
            <div>
                <dt>{move || lang.t().step_chat_history}</dt>
                <dd>
                    {move || {
                        let c = ctx.wizard.with(|w| w.chat().clone());
                        let scope = match c.scope {
                            ChatScope::None => lang.t().scope_none.to_string(),
                            ChatScope::Recent => (lang.t().recent_days)(c.days),
                            ChatScope::All => lang.t().scope_all.to_string(),
                        };
                        // Said here too: the backend cannot act on the scope (WeCom's API).
                        let inert = c.scope != ChatScope::None
                            && session().is_some_and(|s| !s.features.chat_archive);
                        if inert { format!("{scope} ({})", lang.t().no_archive_short) } else { scope }
                    }}
                </dd>
                <dd>{change(Step::ChatHistory, |m| m.step_chat_history)}</dd>
            </div>
            <div>
                <dt>{move || lang.t().approval_needed}</dt>
                <dd>
                    {move || match approval() {
                        Some(r) if r.is_empty() => lang.t().approval_not_needed.to_string(),
                        Some(r) => {
                            let why: Vec<&str> = r
                                .iter()
                                .map(|r| reason_text(lang.t(), r))
                                .collect();
                            (lang.t().labelled)(lang.t().approval_needed, &why.join(lang.t().list_separator))
                        }
                        None if ctx.session.with(|s| matches!(s, Some(Err(_)))) => lang.t().approval_unknown.to_string(),
                        None => lang.t().loading.to_string(),
                    }}
                </dd>
            </div>
        </dl>
        <Show when=several>
            <super::split::SplitPreview planned=planned />
        </Show>
        <label class="hoc-field hoc-note">
            <span>{move || lang.t().note}</span>
            <textarea
                maxlength="500"
                prop:value=move || ctx.wizard.with(|w| w.note().to_string())
                on:input:target=move |e| ctx.wizard.update(|w| w.set_note(e.target().value()))
            ></textarea>
        </label>
        // While the dialog is open its own region says it.
        <Alert error=Signal::derive(move || error.get().filter(|_| !dialog.get().is_some_and(|d| d.open()))) />
        <button
            type="button"
            class="hoc-button hoc-button-primary"
            aria-disabled=move || submit.pending().get().to_string()
            on:click=confirm
        >
            {move || if submit.pending().get() { lang.t().submitting } else { lang.t().confirm_handover }}
        </button>
        <dialog class="hoc-dialog" node_ref=dialog aria-labelledby="hoc-verify-h">
            <form
                method="dialog"
                on:submit=move |ev| {
                    ev.prevent_default();
                    if !submit.pending().get_untracked() {
                        submit.dispatch_local(Some(code.get_untracked()));
                    }
                }
            >
                <h2 id="hoc-verify-h">{move || lang.t().verification}</h2>
                {move || {
                    session()
                        .and_then(|s| s.verification.demo_code)
                        .map(|c| view! { <p class="hoc-help">{(lang.t().demo_code_hint)(&c)}</p> })
                }}
                {move || {
                    (method() == VerificationMethod::Totp)
                        .then(|| view! { <p class="hoc-help">{lang.t().verification_totp_hint}</p> })
                }}
                <label class="hoc-field">
                    <span>
                        {move || match method() {
                            VerificationMethod::Totp => lang.t().verification_totp,
                            VerificationMethod::Password => lang.t().verification_password,
                            VerificationMethod::SmsCode => lang.t().verification_code,
                        }}
                    </span>
                    <input
                        type=move || if method() == VerificationMethod::Password { "password" } else { "text" }
                        inputmode=move || (method() != VerificationMethod::Password).then_some("numeric")
                        autocomplete=move || {
                            if method() == VerificationMethod::Password { "current-password" } else { "one-time-code" }
                        }
                        node_ref=code_input
                        prop:value=code
                        on:input:target=move |e| code.set(e.target().value())
                    />
                </label>
                <Alert error=error />
                <div class="hoc-dialog-actions">
                    <button
                        type="button"
                        class="hoc-button"
                        on:click=move |_| {
                            if let Some(d) = dialog.get_untracked() {
                                d.close();
                            }
                        }
                    >
                        {move || lang.t().cancel}
                    </button>
                    <button type="submit" class="hoc-button hoc-button-primary">
                        {move || if submit.pending().get() { lang.t().submitting } else { lang.t().verify }}
                    </button>
                </div>
            </form>
        </dialog>
    }
}

/// What the admin sees once the handover exists: its state in words, a link to its page, and
/// when a second admin must approve, the link to send them (copied to the clipboard, or
/// selected in a field to copy by hand where the browser allows no clipboard).
#[component]
pub fn Created(handover: Handover) -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let pending = handover.approval_required && handover.decided_by.is_none();
    let state = handover.state;
    let id = handover.id.clone();
    let href = ctx.router().href(&Route::Handover(id.clone()));
    let link = StoredValue::new(share_link(&id));
    // `Some(true)` once copied; `Some(false)` when the clipboard refused and the field shows.
    let copied = RwSignal::new(None::<bool>);
    let field = NodeRef::<Input>::new();
    let copy = move |_| {
        let link = link.get_value();
        ctx.spawn(async move {
            let ok = copy_text(&link).await;
            copied.try_set(Some(ok));
            if !ok {
                select_all(field);
            }
        });
    };
    view! {
        <p>{move || lang.t().handover_id} ": " <code>{handover.id.clone()}</code></p>
        <p>{move || lang.t().state} ": " <span data-state=state.as_str()>{move || lang.t().state(state)}</span></p>
        <p>
            {move || if pending { lang.t().handover_pending_approval } else { lang.t().handover_ready }}
        </p>
        <p>
            <a
                href=href
                on:click=move |ev| {
                    ev.prevent_default();
                    ctx.navigate(Route::Handover(id.clone()));
                    // After the new page has rendered.
                    request_animation_frame(|| browser::focus("#hoc-page-heading"));
                }
            >
                {move || lang.t().open_handover}
            </a>
        </p>
        <Show when=move || pending>
            <div class="hoc-share">
                <button type="button" class="hoc-button" on:click=copy>
                    {move || lang.t().copy_link}
                </button>
                <p role="status" class="hoc-status">
                    {move || (copied.get() == Some(true)).then(|| lang.t().link_copied)}
                </p>
                <Show when=move || copied.get() == Some(false)>
                    <label class="hoc-field hoc-share-field">
                        <span>{move || lang.t().copy_manual}</span>
                        <input
                            type="text"
                            readonly
                            node_ref=field
                            prop:value=move || link.get_value()
                            aria-label=move || lang.t().approver_link
                            on:focus=move |_| select_all(field)
                        />
                    </label>
                </Show>
            </div>
        </Show>
        <Show when=move || !pending && ctx.run.ledger.with(Option::is_none)>
            <button
                type="button"
                class="hoc-button hoc-button-primary"
                on:click=move |_| {
                    let assignments = ctx
                        .wizard
                        .with_untracked(|w| w.to_request(None))
                        .map(|r| r.assignments)
                        .unwrap_or_default();
                    crate::ui::run::start(ctx, assignments);
                }
            >
                {move || lang.t().start_run}
            </button>
        </Show>
        <Show when=move || ctx.run.ledger.with(Option::is_some)>
            <crate::ui::run::RunPanel />
        </Show>
        <button type="button" class="hoc-button" on:click=move |_| ctx.start_over()>
            {move || lang.t().start_over}
        </button>
    }
}
