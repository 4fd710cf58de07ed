//! Step 1: the worklist of departed members with pending work.

use leptos::prelude::*;

use crate::api::types::{AccountState, DepartedMember, DepartedQuery};
use crate::i18n::errors::reason_text;
use crate::ui::state::use_ctx;
use crate::ui::use_lang;
use crate::ui::widgets::error::ErrorNotice;
use crate::ui::widgets::pager::Pager;
use crate::ui::widgets::repeats::RepeatsNotice;
use crate::ui::widgets::search::SearchBox;
use crate::ui::SEARCH_DEBOUNCE_MS;
use crate::ui::{browser, format};

/// The worklist's first page for its filters (the first screen asks the same).
pub(crate) fn worklist_query(
    q: &str,
    department: &str,
    from: &str,
    to: &str,
    sort: &str,
) -> DepartedQuery {
    let opt = |s: &str| (!s.trim().is_empty()).then(|| s.to_string());
    DepartedQuery {
        q: opt(q),
        department: opt(department),
        // The admin's own days, sent with their offset.
        departed_from: opt(from).and_then(|d| format::day_bound(&d, false)),
        departed_to: opt(to).and_then(|d| format::day_bound(&d, true)),
        sort: Some(sort.to_string()),
        limit: Some(20),
        ..Default::default()
    }
}

#[component]
pub fn MemberStep() -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let q = RwSignal::new(String::new());
    let department = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let sort = RwSignal::new("departed_at_desc".to_string());
    let pager = Pager::<DepartedMember>::new();
    let departments = LocalResource::new(move || {
        let b = ctx.backend();
        async move { b.departments().await.unwrap_or_default() }
    });

    let query = move || {
        worklist_query(
            &q.get(),
            &department.get(),
            &from.get(),
            &to.get(),
            &sort.get(),
        )
    };
    let load = move |more: bool| {
        let b = ctx.backend();
        let query = query();
        pager.load(more, move |cursor| async move {
            b.departed_members(&DepartedQuery { cursor, ..query }).await
        });
    };
    ctx.on_token_renewed(move || {
        departments.refetch();
        if pager.error.with_untracked(Option::is_some) {
            load(false);
        }
    });
    // Any filter change reloads from the first page.
    Effect::new(move |_| {
        query();
        untrack(|| load(false));
    });

    // The first answer on screen (rows, the empty message or an error) is the first step's
    // content: a User Timing mark for the load benchmark, once per mount.
    let (asked, shown) = (StoredValue::new(false), StoredValue::new(false));
    Effect::new(move |_| {
        if pager.loading.get() {
            asked.set_value(true);
        } else if asked.get_value() && !shown.get_value() {
            shown.set_value(true);
            browser::mark("content-visible");
        }
    });

    let chosen = move || ctx.wizard.with(|w| w.departed().map(|d| d.id.clone()));

    view! {
        <div class="hoc-filters">
            <SearchBox label=Signal::derive(move || lang.t().search) on_search=move |v| q.set(v) debounce_ms=SEARCH_DEBOUNCE_MS />
            <label class="hoc-field">
                <span>{move || lang.t().department}</span>
                <select on:change:target=move |e| department.set(e.target().value())>
                    <option value="">{move || lang.t().all_departments}</option>
                    {move || {
                        departments
                            .get()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|d| {
                                let id = d.id.clone();
                                view! {
                                    <option value=d.id selected=move || department.get() == id>
                                        {d.name}
                                    </option>
                                }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <label class="hoc-field">
                <span>{move || lang.t().departed_from}</span>
                <input type="date" prop:value=from on:change:target=move |e| from.set(e.target().value()) />
            </label>
            <label class="hoc-field">
                <span>{move || lang.t().departed_to}</span>
                <input type="date" prop:value=to on:change:target=move |e| to.set(e.target().value()) />
            </label>
            <label class="hoc-field">
                <span>{move || lang.t().sort}</span>
                <select on:change:target=move |e| sort.set(e.target().value())>
                    <option value="departed_at_desc">{move || lang.t().sort_recent}</option>
                    <option value="departed_at_asc">{move || lang.t().sort_oldest}</option>
                    <option value="pending_desc">{move || lang.t().sort_pending}</option>
                </select>
            </label>
        </div>
        <RepeatsNotice count=pager.repeats />
        <ErrorNotice error=pager.error on_retry=move |_| load(false) />
        <fieldset class="hoc-choices" id="hoc-departed-field" aria-busy=move || pager.loading.get().to_string()>
            <legend class="hoc-visually-hidden">{move || lang.t().departed_members_list}</legend>
            <ul class="hoc-cards">
                <For each=move || pager.items.get() key=|m| m.id.clone() let:m>
                    <MemberCard member=m chosen=Signal::derive(chosen) />
                </For>
            </ul>
            <Show when=move || {
                !pager.loading.get() && pager.error.with(Option::is_none)
                    && pager.items.with(Vec::is_empty)
            }>
                <p class="hoc-empty">{move || lang.t().no_departed}</p>
            </Show>
        </fieldset>
        <p role="status" class="hoc-status">
            {move || pager.loading.get().then(|| lang.t().loading)}
        </p>
        <Show when=move || pager.next.with(Option::is_some) && !pager.loading.get()>
            <button type="button" class="hoc-button" on:click=move |_| load(true)>
                {move || lang.t().load_more}
            </button>
        </Show>
    }
}

#[component]
fn MemberCard(member: DepartedMember, chosen: Signal<Option<String>>) -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let name_id = format!("hoc-dm-{}", member.id);
    let info_id = format!("hoc-dm-{}-info", member.id);
    let id = member.id.clone();
    let m = member.clone();
    let active = member.account_state == AccountState::Active;
    let reason = member.reason.clone();
    view! {
        <li class="hoc-card" data-disabled=(!member.eligible).to_string()>
            <input
                type="radio"
                name="hoc-departed"
                id=format!("hoc-dm-{}-radio", member.id)
                aria-labelledby=name_id.clone()
                aria-describedby=info_id.clone()
                disabled=!member.eligible
                prop:checked=move || chosen.get().as_deref() == Some(id.as_str())
                on:change=move |_| {
                    browser::mark("member-chosen");
                    ctx.wizard.update(|w| w.choose_member(m.clone()));
                    // Start loading the lists now, so the next step opens ready.
                    crate::ui::lists::ensure_loaded(ctx);
                }
            />
            <label for=format!("hoc-dm-{}-radio", member.id) class="hoc-card-body">
                <span class="hoc-card-title" id=name_id>{member.name.clone()}</span>
                <span class="hoc-card-info" id=info_id>
                    <span>{member.department.name.clone()} " · " {member.position.clone()}</span>
                    <span>
                        {move || lang.t().departed_on} " " {
                            let at = member.departed_at.clone();
                            move || format::date(lang.locale(), &at)
                        }
                    </span>
                    <span>{move || lang.t().pending_customers} " " {move || format::number(lang.locale(), member.pending_customers)}</span>
                    <span>{move || lang.t().pending_groups} " " {move || format::number(lang.locale(), member.pending_groups)}</span>
                    {active.then(|| view! { <span class="hoc-warn">{move || lang.t().account_active_warning}</span> })}
                    {reason.map(|r| view! { <span class="hoc-reason">{move || reason_text(lang.t(), &r)}</span> })}
                </span>
            </label>
        </li>
    }
}
