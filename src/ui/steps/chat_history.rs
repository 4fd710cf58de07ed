//! Step 4: how much chat history the successor inherits.

use leptos::prelude::*;

use crate::api::types::ChatScope;
use crate::domain::wizard::{Wizard, DAY_PRESETS};
use crate::ui::state::use_ctx;
use crate::ui::use_lang;

/// Picks one string out of the current message table.
type Text = fn(&crate::i18n::Messages) -> &'static str;

#[component]
pub fn ChatHistoryStep() -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let chat = move || ctx.wizard.with(|w| w.chat().clone());
    let set_scope = move |scope: ChatScope| ctx.wizard.update(|w| w.set_chat_scope(scope));
    let no_archive = move || {
        ctx.session
            .get()
            .and_then(|s| s.ok())
            .is_some_and(|s| !s.features.chat_archive)
    };
    let scope_option = move |scope: ChatScope, id: &'static str| {
        let (label, help): (Text, Text) = match scope {
            ChatScope::None => (|m| m.scope_none, |m| m.scope_none_help),
            ChatScope::Recent => (|m| m.scope_recent, |m| m.scope_recent_help),
            ChatScope::All => (|m| m.scope_all, |m| m.scope_all_help),
        };
        view! {
            <div class="hoc-radio">
                <input
                    type="radio"
                    name="hoc-chat-scope"
                    id=id
                    aria-describedby=format!("{id}-help")
                    prop:checked=move || chat().scope == scope
                    on:change=move |_| set_scope(scope)
                />
                <label for=id>{move || label(lang.t())}</label>
                <p class="hoc-help" id=format!("{id}-help")>{move || help(lang.t())}</p>
            </div>
        }
    };
    view! {
        <Show when=no_archive>
            <p class="hoc-warning" role="note">{move || lang.t().no_archive}</p>
        </Show>
        <fieldset class="hoc-choices">
            <legend class="hoc-visually-hidden">{move || lang.t().step_chat_history}</legend>
            {scope_option(ChatScope::None, "hoc-scope-none")}
            {scope_option(ChatScope::Recent, "hoc-scope-recent")}
            <Show when=move || chat().scope == ChatScope::Recent>
                <fieldset class="hoc-days">
                    <legend>{move || lang.t().days}</legend>
                    {DAY_PRESETS
                        .into_iter()
                        .map(|d| {
                            let id = format!("hoc-days-{d}");
                            view! {
                                <span class="hoc-radio-inline">
                                    <input
                                        type="radio"
                                        name="hoc-days"
                                        id=id.clone()
                                        prop:checked=move || { let c = chat(); !c.custom && c.days == d }
                                        on:change=move |_| ctx.wizard.update(|w| w.choose_days(d))
                                    />
                                    <label for=id>{move || (lang.t().recent_days)(d)}</label>
                                </span>
                            }
                        })
                        .collect_view()}
                    <span class="hoc-radio-inline">
                        <input
                            type="radio"
                            name="hoc-days"
                            id="hoc-days-custom"
                            prop:checked=move || chat().custom
                            on:change=move |_| ctx.wizard.update(Wizard::choose_custom_days)
                        />
                        <label for="hoc-days-custom">{move || lang.t().custom_days}</label>
                    </span>
                    <Show when=move || chat().custom>
                        <label class="hoc-field">
                            <span>{move || lang.t().days}</span>
                            <input
                                type="number"
                                id="hoc-days-input"
                                min="1"
                                max="3650"
                                prop:value=move || chat().days.to_string()
                                on:input:target=move |e| ctx.wizard.update(|w| w.type_days(&e.target().value()))
                            />
                        </label>
                    </Show>
                </fieldset>
            </Show>
            {scope_option(ChatScope::All, "hoc-scope-all")}
        </fieldset>
    }
}
