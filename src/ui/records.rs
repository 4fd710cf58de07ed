//! Handover records: every handover with filters and paging, exportable to CSV.

use leptos::prelude::*;

use super::browser;
use super::fetch_all::fetch_all;
use super::state::use_ctx;
use super::use_lang;
use super::widgets::alert::Alert;
use super::widgets::error::ErrorNotice;
use super::widgets::repeats::RepeatsNotice;
use super::widgets::pager::Pager;
use crate::api::types::{Handover, HandoverState, HandoversQuery};
use crate::api::ApiError;
use crate::config::Route;
use crate::domain::csv;

#[component]
pub fn Records() -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let state = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let member = RwSignal::new(String::new());
    let pager = Pager::<Handover>::new();
    let export_error = RwSignal::new(None::<ApiError>);
    // Records the last export's listing repeated (each exported once).
    let export_repeats = RwSignal::new(0usize);

    let query = move || {
        let opt = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_string());
        HandoversQuery {
            state: HandoverState::from_tag(&state.get()),
            created_from: opt(from.get()),
            created_to: opt(to.get()),
            departed_member: opt(member.get()),
            limit: Some(50),
            ..Default::default()
        }
    };
    let load = move |more: bool| {
        let b = ctx.backend();
        let q = query();
        pager.load(more, move |cursor| async move {
            b.handovers(&HandoversQuery { cursor, ..q }).await
        });
    };
    Effect::new(move |_| {
        query();
        untrack(|| load(false));
    });

    let export = Action::new_local(move |_: &()| {
        let b = ctx.backend();
        let q = query();
        async move {
            let all = fetch_all(
                |cursor| {
                    let (b, q) = (b.clone(), q.clone());
                    async move {
                        b.handovers(&HandoversQuery {
                            cursor,
                            limit: Some(200),
                            ..q
                        })
                        .await
                    }
                },
                |_| {},
                || false,
            )
            .await?;
            // Never stopped, so always `Some`; an empty export otherwise.
            Ok::<_, ApiError>(all.map(|c| (c.items, c.repeats)).unwrap_or_default())
        }
    });
    Effect::new(move |_| match export.value().get() {
        Some(Ok((all, repeats))) => {
            export_repeats.set(repeats);
            let m = lang.t();
            let rows = all.iter().map(|h| {
                vec![
                    h.id.clone(),
                    h.created_at.clone(),
                    h.created_by.name.clone(),
                    h.departed_member.name.clone(),
                    h.successors
                        .iter()
                        .map(|s| s.name.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                    m.state(h.state).to_string(),
                    h.customer_count.to_string(),
                    h.group_count.to_string(),
                    h.counts.waiting.to_string(),
                    h.counts.taken_over.to_string(),
                    h.counts.refused.to_string(),
                    h.counts.limit_exceeded.to_string(),
                    h.counts.failed.to_string(),
                    h.note.clone().unwrap_or_default(),
                ]
            });
            let doc = csv::document(
                &[
                    m.handover_id,
                    m.created_at,
                    m.created_by,
                    m.step_member,
                    m.successors,
                    m.state,
                    m.customers,
                    m.groups,
                    m.is_waiting,
                    m.is_taken_over,
                    m.is_refused,
                    m.is_limit,
                    m.is_failed,
                    m.note,
                ],
                rows,
            );
            browser::download("handover-records.csv", "text/csv;charset=utf-8", &doc);
            export_error.set(None);
        }
        Some(Err(e)) => export_error.set(Some(e)),
        None => {}
    });
    let open = move |id: String| ctx.navigate(Route::Handover(id));

    view! {
        <div class="hoc-filters">
            <label class="hoc-field">
                <span>{move || lang.t().state}</span>
                <select on:change:target=move |e| state.set(e.target().value())>
                    <option value="">{move || lang.t().all_states}</option>
                    {HandoverState::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{move || lang.t().state(s)}</option> }).collect_view()}
                </select>
            </label>
            <label class="hoc-field">
                <span>{move || lang.t().created_from}</span>
                <input type="date" on:change:target=move |e| from.set(e.target().value()) />
            </label>
            <label class="hoc-field">
                <span>{move || lang.t().created_to}</span>
                <input type="date" on:change:target=move |e| to.set(e.target().value()) />
            </label>
            <label class="hoc-field">
                <span>{move || lang.t().departed_member_id}</span>
                <input type="search" on:change:target=move |e| member.set(e.target().value()) />
            </label>
            <button type="button" class="hoc-button" on:click=move |_| { export.dispatch_local(()); }>
                {move || lang.t().export_csv}
            </button>
        </div>
        <Alert error=export_error />
        <RepeatsNotice count=Signal::derive(move || export_repeats.get() + pager.repeats.get()) />
        <ErrorNotice error=pager.error on_retry=move |_| load(false) />
        <table class="hoc-table">
            <thead>
                <tr>
                    <th scope="col">{move || lang.t().created_at}</th>
                    <th scope="col">{move || lang.t().created_by}</th>
                    <th scope="col">{move || lang.t().step_member}</th>
                    <th scope="col">{move || lang.t().successors}</th>
                    <th scope="col">{move || lang.t().is_waiting}</th>
                    <th scope="col">{move || lang.t().is_taken_over}</th>
                    <th scope="col">{move || lang.t().is_refused}</th>
                    <th scope="col">{move || lang.t().is_failed}</th>
                    <th scope="col">{move || lang.t().state}</th>
                    <th scope="col"><span class="hoc-visually-hidden">{move || lang.t().open}</span></th>
                </tr>
            </thead>
            <tbody>
                <For each=move || pager.items.get() key=|h| (h.id.clone(), h.state, h.counts.clone()) let:h>
                    {
                        let id = h.id.clone();
                        let href = Route::Handover(h.id.clone()).to_query(&browser::query());
                        let label = format!("{} {}", h.departed_member.name, h.created_at.get(..16).unwrap_or(""));
                        view! {
                            <tr>
                                <td>{h.created_at.get(..16).unwrap_or("").replace('T', " ")}</td>
                                <td>{h.created_by.name.clone()}</td>
                                <td>{h.departed_member.name.clone()}</td>
                                <td>{h.successors.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join("、")}</td>
                                <td>{h.counts.waiting}</td>
                                <td>{h.counts.taken_over}</td>
                                <td>{h.counts.refused}</td>
                                <td>{h.counts.failed + h.counts.limit_exceeded}</td>
                                <td>{move || lang.t().state(h.state)}</td>
                                <td>
                                    <a
                                        href=href
                                        aria-label=move || format!("{} {}", lang.t().open, label)
                                        on:click=move |ev| {
                                            ev.prevent_default();
                                            open(id.clone());
                                        }
                                    >
                                        {move || lang.t().open}
                                    </a>
                                </td>
                            </tr>
                        }
                    }
                </For>
            </tbody>
        </table>
        <Show when=move || !pager.loading.get() && pager.error.with(Option::is_none) && pager.items.with(Vec::is_empty)>
            <p class="hoc-empty">{move || lang.t().no_records}</p>
        </Show>
        <p role="status" class="hoc-status">{move || pager.loading.get().then(|| lang.t().loading)}</p>
        <Show when=move || pager.next.with(Option::is_some) && !pager.loading.get()>
            <button type="button" class="hoc-button" on:click=move |_| load(true)>{move || lang.t().load_more}</button>
        </Show>
    }
}
