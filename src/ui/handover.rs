//! One handover's page (`?handover=ID`): its state and outcome counts with a small bar chart,
//! approval, its items (virtualised, filtered by outcome, exportable) and its audit timeline.
//! Outcomes are polled, backing off, and only while the page is visible.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::browser;
use super::state::use_ctx;
use super::use_lang;
use super::widgets::virtual_list::VirtualList;
use crate::api::demo::sleep;
use crate::api::types::{
    Assignment, Handover, HandoverEvent, HandoverItem, HandoverState, ItemKind, ItemStatus,
    ItemsQuery, PageQuery, RejectRequest,
};
use crate::api::ApiError;
use crate::config::Route;
use crate::domain::csv;
use crate::i18n::codes::code_text;
use crate::i18n::errors::error_text;

const STATUSES: [ItemStatus; 6] = [
    ItemStatus::Waiting,
    ItemStatus::TakenOver,
    ItemStatus::Refused,
    ItemStatus::LimitExceeded,
    ItemStatus::Failed,
    ItemStatus::Unsent,
];

#[derive(Clone, Default)]
struct Loaded {
    handover: Option<Handover>,
    items: Arc<Vec<HandoverItem>>,
    events: Vec<HandoverEvent>,
}

async fn fetch(ctx: super::state::Ctx, id: &str) -> Result<Loaded, ApiError> {
    let b = ctx.backend();
    let handover = b.handover(id).await?;
    let mut items = Vec::new();
    let mut cursor = None;
    loop {
        let page = b
            .items(
                id,
                &ItemsQuery {
                    cursor,
                    limit: Some(1000),
                    ..Default::default()
                },
            )
            .await?;
        items.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let events = b
        .events(
            id,
            &PageQuery {
                cursor: None,
                limit: Some(1000),
            },
        )
        .await?
        .items;
    Ok(Loaded {
        handover: Some(handover),
        items: Arc::new(items),
        events,
    })
}

#[component]
pub fn HandoverPage(id: String) -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let data = RwSignal::new(Loaded::default());
    let error = RwSignal::new(None::<ApiError>);
    let alive = StoredValue::new(true);
    on_cleanup(move || alive.set_value(false));
    // A clock for the takeover countdowns, ticking while the page is shown.
    let now = RwSignal::new(js_sys::Date::now());
    if let Ok(tick) = set_interval_with_handle(
        move || now.set(js_sys::Date::now()),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || tick.clear());
    }

    // Poll while visible; back off while nothing changes, stop once nothing can change.
    {
        let id = id.clone();
        spawn_local(async move {
            let mut delay = 1_000u32;
            while alive.get_value() {
                if browser::page_visible() {
                    match fetch(ctx, &id).await {
                        Ok(l) => {
                            if !alive.get_value() {
                                break;
                            }
                            let changed = data.with_untracked(|d| {
                                d.handover.as_ref().map(|h| (&h.counts, h.state))
                                    != l.handover.as_ref().map(|h| (&h.counts, h.state))
                            });
                            // While customers wait for takeover, look at least every 5 s.
                            let waiting = l.handover.as_ref().is_some_and(|h| h.counts.waiting > 0);
                            let cap = if waiting { 5_000 } else { 30_000 };
                            delay = if changed { 1_000 } else { (delay * 2).min(cap) };
                            let settled = l.handover.as_ref().is_some_and(|h| {
                                matches!(
                                    h.state,
                                    HandoverState::Completed
                                        | HandoverState::Rejected
                                        | HandoverState::Cancelled
                                )
                            });
                            error.set(None);
                            data.set(l);
                            if settled {
                                break;
                            }
                        }
                        Err(e) => {
                            error.set(Some(e));
                            delay = (delay * 2).min(30_000);
                        }
                    }
                }
                sleep(delay).await;
            }
        });
    }

    let handover = move || data.with(|d| d.handover.clone());
    let me = move || ctx.session.get().and_then(Result::ok);
    let can_decide = move || {
        let (Some(h), Some(s)) = (handover(), me()) else {
            return false;
        };
        h.state == HandoverState::PendingApproval
            && s.permissions.may_approve
            && s.admin.id != h.created_by.id
    };
    // After approval the creator or the approver starts the run from here.
    let can_run = move || {
        let (Some(h), Some(s)) = (handover(), me()) else {
            return false;
        };
        let mine = s.admin.id == h.created_by.id
            || h.decided_by.as_ref().is_some_and(|d| d.id == s.admin.id);
        let ours = ctx
            .run
            .ledger
            .with(|l| l.as_ref().is_some_and(|l| l.handover_id == h.id));
        mine && !ours && h.state == HandoverState::Ready && h.counts.unsent > 0
    };
    let running_here = move || {
        let id = data.with(|d| d.handover.as_ref().map(|h| h.id.clone()));
        ctx.run.ledger.with(|l| {
            l.as_ref()
                .is_some_and(|l| Some(&l.handover_id) == id.as_ref())
        })
    };
    let start_run = move |_| {
        let Some(h) = handover() else { return };
        let items = data.with_untracked(|d| d.items.clone());
        let mut assignments: Vec<Assignment> = Vec::new();
        for it in items.iter().filter(|i| i.status == ItemStatus::Unsent) {
            let pos = match assignments.iter().position(|a| a.successor == it.successor) {
                Some(p) => p,
                None => {
                    assignments.push(Assignment {
                        successor: it.successor.clone(),
                        customer_ids: vec![],
                        group_ids: vec![],
                    });
                    assignments.len() - 1
                }
            };
            match it.kind {
                ItemKind::Customer => assignments[pos].customer_ids.push(it.id.clone()),
                ItemKind::Group => assignments[pos].group_ids.push(it.id.clone()),
            }
        }
        ctx.created.set(Some(h));
        crate::ui::run::start(ctx, lang, &assignments);
    };
    let reason = RwSignal::new(String::new());
    let decide = Action::new_local(move |approve: &bool| {
        let (b, approve, id) = (ctx.backend(), *approve, id.clone());
        let why = reason.get_untracked();
        async move {
            if approve {
                b.approve(&id).await
            } else {
                b.reject(&id, &RejectRequest { reason: why }).await
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(h)) = decide.value().get() {
            data.update(|d| d.handover = Some(h));
        }
    });

    let filter = RwSignal::new(None::<ItemStatus>);
    let rows = Memo::new(move |_| {
        let f = filter.get();
        data.with(|d| {
            d.items
                .iter()
                .enumerate()
                .filter(|(_, i)| f.is_none_or(|s| i.status == s))
                .map(|(n, _)| n as u32)
                .collect::<Vec<_>>()
        })
    });
    let export = move |_| {
        let m = lang.t();
        let items = data.with_untracked(|d| d.items.clone());
        let rows = items.iter().map(|i| {
            vec![
                i.id.clone(),
                i.name.clone(),
                format!("{:?}", i.kind).to_lowercase(),
                i.successor.clone(),
                m.status(i.status).to_string(),
                i.takeover_at.clone().unwrap_or_default(),
                i.code
                    .map(|c| code_text(lang.locale(), c))
                    .unwrap_or_default(),
            ]
        });
        let doc = csv::document(
            &[
                "id",
                m.name,
                m.kind,
                m.step_successor,
                m.outcome,
                m.takeover_at,
                m.reason,
            ],
            rows,
        );
        browser::download("handover-items.csv", "text/csv;charset=utf-8", &doc);
    };

    view! {
        <p>
            <a
                href=Route::Records.to_query(&browser::query())
                on:click=move |ev| {
                    ev.prevent_default();
                    ctx.navigate(Route::Records);
                }
            >
                {move || lang.t().back_to_records}
            </a>
        </p>
        <div role="alert" class="hoc-alert-region">
            {move || error.get().map(|e| view! { <p class="hoc-error">{error_text(lang.t(), &e)}</p> })}
        </div>
        {move || handover().map(|h| {
            let total = (h.customer_count + h.group_count).max(1);
            let c = h.counts.clone();
            let bars = [
                (ItemStatus::Waiting, c.waiting),
                (ItemStatus::TakenOver, c.taken_over),
                (ItemStatus::Refused, c.refused),
                (ItemStatus::LimitExceeded, c.limit_exceeded),
                (ItemStatus::Failed, c.failed),
                (ItemStatus::Unsent, c.unsent),
            ];
            view! {
                <dl class="hoc-summary">
                    <div><dt>{move || lang.t().handover_id}</dt><dd><code>{h.id.clone()}</code></dd></div>
                    <div><dt>{move || lang.t().state}</dt><dd data-state=format!("{:?}", h.state)>{move || lang.t().state(h.state)}</dd></div>
                    <div><dt>{move || lang.t().step_member}</dt><dd>{h.departed_member.name.clone()}</dd></div>
                    <div><dt>{move || lang.t().successors}</dt><dd>{h.successors.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join("、")}</dd></div>
                    <div><dt>{move || lang.t().created_by}</dt><dd>{h.created_by.name.clone()} " · " {h.created_at.replace('T', " ")}</dd></div>
                </dl>
                <ul class="hoc-bars" aria-label=move || lang.t().outcome>
                    {bars.into_iter().map(|(s, n)| view! {
                        <li data-status=format!("{s:?}")>
                            <span class="hoc-bar-label">{move || lang.t().status(s)}</span>
                            <span class="hoc-bar" style=format!("width:{}%", n * 100 / total)></span>
                            <span class="hoc-bar-n" data-count=format!("{s:?}")>{n}</span>
                        </li>
                    }).collect_view()}
                </ul>
            }
        })}
        <Show when=can_decide>
            <div class="hoc-approval">
                <button type="button" class="hoc-button hoc-button-primary" on:click=move |_| { decide.dispatch_local(true); }>
                    {move || lang.t().approve}
                </button>
                <label class="hoc-field">
                    <span>{move || lang.t().reject_reason}</span>
                    <input type="text" prop:value=reason on:input:target=move |e| reason.set(e.target().value()) />
                </label>
                <button type="button" class="hoc-button" on:click=move |_| { decide.dispatch_local(false); }>
                    {move || lang.t().reject}
                </button>
            </div>
        </Show>
        <Show when=can_run>
            <button type="button" class="hoc-button hoc-button-primary" on:click=start_run>
                {move || lang.t().start_run}
            </button>
        </Show>
        <Show when=running_here>
            <crate::ui::run::RunPanel />
        </Show>
        <div role="alert" class="hoc-alert-region">
            {move || decide.value().get().and_then(Result::err).map(|e| view! { <p class="hoc-error">{error_text(lang.t(), &e)}</p> })}
        </div>
        <section class="hoc-pick-section" aria-labelledby="hoc-items-h">
            <h3 id="hoc-items-h">{move || lang.t().items}</h3>
            <div class="hoc-filters">
                <label class="hoc-field">
                    <span>{move || lang.t().outcome}</span>
                    <select on:change:target=move |e| {
                        let v = e.target().value();
                        filter.set(STATUSES.into_iter().find(|s| format!("{s:?}") == v));
                    }>
                        <option value="">{move || lang.t().all_statuses}</option>
                        {STATUSES.into_iter().map(|s| view! { <option value=format!("{s:?}")>{move || lang.t().status(s)}</option> }).collect_view()}
                    </select>
                </label>
                <button type="button" class="hoc-button" on:click=export>{move || lang.t().export_csv}</button>
            </div>
            <VirtualList
                rows=rows
                row_height=44.0
                height=352.0
                label=Signal::derive(move || lang.t().items.to_string())
                render=move |_, i| {
                    let item = data.with_untracked(|d| d.items.get(i as usize).cloned());
                    item.map(|it| view! {
                        <div class="hoc-item-row">
                            <span class="hoc-row-name">{it.name.clone()}</span>
                            <span>{move || lang.t().status(it.status)}</span>
                            <span class="hoc-row-dates">
                                {it.takeover_at.clone().map(|t| t.replace('T', " "))}
                                {(it.status == ItemStatus::Waiting).then(|| {
                                    let at = it.takeover_at.as_deref().and_then(crate::domain::time::parse_rfc3339);
                                    move || at.map(|at| format!(" · {}", (lang.t().countdown)((at - now.get() as i64 + 999) / 1000)))
                                })}
                            </span>
                            <span class="hoc-reason-text">{it.code.map(|c| code_text(lang.locale(), c))}</span>
                        </div>
                    })
                }
            />
        </section>
        <section class="hoc-pick-section" aria-labelledby="hoc-timeline-h">
            <h3 id="hoc-timeline-h">{move || lang.t().timeline}</h3>
            <ol class="hoc-timeline">
                {move || data.with(|d| d.events.clone()).into_iter().map(|e| view! {
                    <li>
                        <time datetime=e.at.clone()>{e.at.replace('T', " ")}</time>
                        " · " <strong>{e.kind.clone()}</strong> " · " {e.actor.name.clone()}
                        {(!e.detail.is_empty()).then(|| format!(" · {}", e.detail))}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
}
