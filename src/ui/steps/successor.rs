//! Step 3: the successor, with spare capacity and eligibility; warns when the selection would
//! overflow their customer limit. Or several successors (issue 13): 2 to 20, how the selection
//! is shared, and a preview of the split (`steps::split`).

use leptos::prelude::*;

use crate::api::types::{Member, MembersQuery};
use crate::domain::wizard::Wizard;
use crate::i18n::errors::reason_text;
use crate::ui::state::use_ctx;
use crate::ui::use_lang;
use crate::ui::widgets::error::ErrorNotice;
use crate::ui::widgets::pager::Pager;
use crate::ui::widgets::repeats::RepeatsNotice;
use crate::ui::widgets::search::SearchBox;
use crate::ui::SEARCH_DEBOUNCE_MS;

use super::split::{self, ModeChoice, SplitSettings};

#[component]
pub fn SuccessorStep() -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let q = RwSignal::new(String::new());
    let pager = Pager::<Member>::new();
    let departed = ctx
        .wizard
        .with_untracked(|w| w.departed().map(|d| d.id.clone()));
    let load = move |more: bool| {
        let b = ctx.backend();
        let query = MembersQuery {
            q: Some(q.get_untracked()).filter(|s| !s.trim().is_empty()),
            for_departed: departed.clone(),
            limit: Some(30),
            ..Default::default()
        };
        pager.load(more, move |cursor| async move {
            b.members(&MembersQuery { cursor, ..query }).await
        });
    };
    let retry = load.clone();
    ctx.on_token_renewed(move || {
        if pager.error.with_untracked(Option::is_some) {
            retry(false);
        }
    });
    let reload = load.clone();
    Effect::new(move |_| {
        q.track();
        untrack(|| reload(false));
    });
    let overflow = move || ctx.wizard.with(|w| w.overflow());
    let chosen = Signal::derive(move || ctx.wizard.with(|w| w.successor().map(|s| s.id.clone())));
    let several = Signal::derive(move || ctx.wizard.with(Wizard::several));
    let picked = Signal::derive(move || {
        ctx.wizard.with(|w| {
            w.successors()
                .iter()
                .map(|m| m.id.clone())
                .collect::<Vec<_>>()
        })
    });
    // The split needs the loaded lists (a reload keeps ids only) and the group limit.
    Effect::new(move |_| {
        if several.get() {
            crate::ui::lists::ensure_loaded(ctx);
        }
    });
    split::keep_group_limit(ctx);
    let planned = split::planned(ctx);
    let full = RwSignal::new(false);
    let load_retry = load.clone();
    let load_more = load.clone();

    view! {
        <ModeChoice />
        <Show when=move || several.get()>
            <SplitSettings planned=planned />
        </Show>
        <div class="hoc-filters">
            <SearchBox label=Signal::derive(move || lang.t().successor_search) on_search=move |v| q.set(v) debounce_ms=SEARCH_DEBOUNCE_MS />
        </div>
        <p role="status" class="hoc-status">{move || full.get().then(|| lang.t().max_successors)}</p>
        <div role="alert" class="hoc-alert-region">
            <Show when=move || { !several.get() && overflow() > 0 }>
                <div class="hoc-warning">
                    <p>{move || (lang.t().overflow_warning)(overflow())}</p>
                    <button type="button" class="hoc-button" on:click=move |_| ctx.wizard.update(Wizard::trim_to_capacity)>
                        {move || lang.t().trim_selection}
                    </button>
                </div>
            </Show>
        </div>
        <RepeatsNotice count=pager.repeats />
        <ErrorNotice error=pager.error on_retry=move |_| load_retry(false) />
        <fieldset class="hoc-choices" id="hoc-successor-field">
            <legend class="hoc-visually-hidden">{move || lang.t().successors_list}</legend>
            <ul class="hoc-cards">
                <For each=move || pager.items.get() key=|m| m.id.clone() let:m>
                    <SuccessorCard member=m chosen=chosen several=several picked=picked full=full />
                </For>
            </ul>
            <Show when=move || !pager.loading.get() && pager.error.with(Option::is_none) && pager.items.with(Vec::is_empty)>
                <p class="hoc-empty">{move || lang.t().no_members}</p>
            </Show>
        </fieldset>
        <p role="status" class="hoc-status">{move || pager.loading.get().then(|| lang.t().loading)}</p>
        <Show when=move || pager.next.with(Option::is_some) && !pager.loading.get()>
            <button type="button" class="hoc-button" on:click={
                let load_more = load_more.clone();
                move |_| load_more(true)
            }>{move || lang.t().load_more}</button>
        </Show>
    }
}

#[component]
fn SuccessorCard(
    member: Member,
    chosen: Signal<Option<String>>,
    several: Signal<bool>,
    picked: Signal<Vec<String>>,
    full: RwSignal<bool>,
) -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let eligible = member.eligible != Some(false);
    let spare = member.customer_limit.saturating_sub(member.customer_count);
    let radio = format!("hoc-sm-{}-radio", member.id);
    let name_id = format!("hoc-sm-{}", member.id);
    let info_id = format!("hoc-sm-{}-info", member.id);
    let id = member.id.clone();
    let m = member.clone();
    let reason = member.reason.clone();
    let input = {
        let (radio, name_id, info_id) = (radio.clone(), name_id.clone(), info_id.clone());
        move || {
            let (id, m) = (id.clone(), m.clone());
            if several.get() {
                view! {
                    <input
                        type="checkbox"
                        name="hoc-successor"
                        id=radio.clone()
                        aria-labelledby=name_id.clone()
                        aria-describedby=info_id.clone()
                        disabled=!eligible
                        prop:checked=move || picked.with(|p| p.contains(&id))
                        on:change=move |_| {
                            let mut added = true;
                            ctx.wizard.update(|w| added = w.toggle_successor(m.clone()));
                            full.set(!added);
                        }
                    />
                }
                .into_any()
            } else {
                view! {
                    <input
                        type="radio"
                        name="hoc-successor"
                        id=radio.clone()
                        aria-labelledby=name_id.clone()
                        aria-describedby=info_id.clone()
                        disabled=!eligible
                        prop:checked=move || chosen.get().as_deref() == Some(id.as_str())
                        on:change=move |_| ctx.wizard.update(|w| w.choose_successor(m.clone()))
                    />
                }
                .into_any()
            }
        }
    };
    view! {
        <li class="hoc-card" data-disabled=(!eligible).to_string()>
            {input}
            <label for=radio class="hoc-card-body">
                <span class="hoc-card-title" id=name_id>{member.name.clone()}</span>
                <span class="hoc-card-info" id=info_id>
                    <span>{member.department.name.clone()} " · " {member.position.clone()}</span>
                    <span>{move || lang.t().current_customers} " " {member.customer_count} " / " {member.customer_limit}</span>
                    <span class=if spare < 50 { "hoc-warn" } else { "" }>{move || lang.t().spare_capacity} " " {spare}</span>
                    {reason.map(|r| view! { <span class="hoc-reason">{move || reason_text(lang.t(), &r)}</span> })}
                </span>
            </label>
        </li>
    }
}
