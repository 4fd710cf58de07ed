//! One handover's page (`?handover=ID`): its state and outcome counts with a small bar chart,
//! approval, its items (virtualised, filtered by outcome, exportable) and its audit timeline.
//! Outcomes are polled, backing off, and only while the page is visible.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::browser;
use super::browser::sleep;
use super::fetch_all::fetch_all;
use super::state::{use_ctx, Ctx};
use super::use_lang;
use super::widgets::alert::Alert;
use super::widgets::load_progress::LoadProgress;
use super::widgets::repeats::RepeatsNotice;
use super::widgets::virtual_list::VirtualList;
use crate::api::types::{
    Handover, HandoverEvent, HandoverItem, ItemStatus, ItemsQuery, PageQuery, RejectRequest,
};
use crate::api::ApiError;
use crate::config::Route;
use crate::domain::csv;
use crate::domain::paging::Progress;
use crate::domain::permissions::{may_approve, may_start};
use crate::domain::plan::unsent_assignments;
use crate::domain::polling::Poll;
use crate::i18n::codes::code_text;

#[derive(Clone, Default)]
struct Loaded {
    handover: Option<Handover>,
    items: Arc<Vec<HandoverItem>>,
    events: Vec<HandoverEvent>,
    /// Items the backend listed more than once (each kept once).
    repeats: usize,
}

/// The handover, every page of its items and its latest events; `Ok(None)` when `stop` said
/// stop.
async fn fetch(
    ctx: Ctx,
    id: &str,
    progress: impl Fn(Progress),
    stop: impl Fn() -> bool,
) -> Result<Option<Loaded>, ApiError> {
    let b = ctx.backend();
    let handover = b.handover(id).await?;
    let items = fetch_all(
        |cursor| {
            let (b, id) = (b.clone(), id.to_string());
            async move {
                let q = ItemsQuery {
                    cursor,
                    limit: Some(1000),
                    ..Default::default()
                };
                b.items(&id, &q).await
            }
        },
        progress,
        stop,
    )
    .await?;
    let Some(items) = items else {
        return Ok(None);
    };
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
    Ok(Some(Loaded {
        handover: Some(handover),
        items: Arc::new(items.items),
        events,
        repeats: items.repeats,
    }))
}

#[component]
pub fn HandoverPage(id: String) -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let data = RwSignal::new(Loaded::default());
    let error = RwSignal::new(None::<ApiError>);
    // The first load's progress; `None` once something is shown.
    let loading = RwSignal::new(Some(Progress::default()));
    // Outside the reactive arena, so the polling task can still ask after the page is gone.
    let alive = Arc::new(AtomicBool::new(true));
    {
        let alive = alive.clone();
        on_cleanup(move || alive.store(false, Ordering::Relaxed));
    }
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
            let live = move || alive.load(Ordering::Relaxed);
            let mut poll = Poll::new();
            while live() {
                let mut wait = poll.delay_ms();
                if browser::page_visible() {
                    let first = data.with_untracked(|d| d.handover.is_none());
                    let shown = {
                        let live = live.clone();
                        move |p: Progress| {
                            if first && live() {
                                loading.set(Some(p));
                            }
                        }
                    };
                    let result = fetch(ctx, &id, shown, {
                        let live = live.clone();
                        move || !live()
                    })
                    .await;
                    if !live() {
                        break;
                    }
                    match result {
                        Ok(Some(l)) => {
                            let next = l.handover.as_ref().and_then(|h| poll.answered(h));
                            error.set(None);
                            loading.set(None);
                            data.set(l);
                            match next {
                                Some(ms) => wait = ms,
                                None => break,
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            loading.set(None);
                            error.set(Some(e));
                            wait = poll.failed();
                        }
                    }
                }
                sleep(wait).await;
            }
        });
    }

    let handover = move || data.with(|d| d.handover.clone());
    let me = move || ctx.session.get().and_then(Result::ok);
    let running_here = move || {
        let id = data.with(|d| d.handover.as_ref().map(|h| h.id.clone()));
        ctx.run.ledger.with(|l| {
            l.as_ref()
                .is_some_and(|l| Some(&l.handover_id) == id.as_ref())
        })
    };
    let can_decide = move || match (handover(), me()) {
        (Some(h), Some(s)) => may_approve(&s, &h),
        _ => false,
    };
    let can_run = move || match (handover(), me()) {
        (Some(h), Some(s)) => may_start(&s, &h) && !running_here(),
        _ => false,
    };
    let start_run = move |_| {
        let Some(h) = handover() else { return };
        let assignments = data.with_untracked(|d| unsent_assignments(&d.items));
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
                i.kind.as_str().to_string(),
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
        <Alert error=error />
        <Show when=move || loading.with(Option::is_some)>
            <LoadProgress id="hoc-items-progress" progress=Signal::derive(move || loading.get().unwrap_or_default()) />
        </Show>
        <RepeatsNotice count=Signal::derive(move || data.with(|d| d.repeats)) />
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
                    <div><dt>{move || lang.t().state}</dt><dd data-state=h.state.as_str()>{move || lang.t().state(h.state)}</dd></div>
                    <div><dt>{move || lang.t().step_member}</dt><dd>{h.departed_member.name.clone()}</dd></div>
                    <div><dt>{move || lang.t().successors}</dt><dd>{h.successors.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join("、")}</dd></div>
                    <div><dt>{move || lang.t().created_by}</dt><dd>{h.created_by.name.clone()} " · " {h.created_at.replace('T', " ")}</dd></div>
                </dl>
                <ul class="hoc-bars" aria-label=move || lang.t().outcome>
                    {bars.into_iter().map(|(s, n)| view! {
                        <li data-status=s.as_str()>
                            <span class="hoc-bar-label">{move || lang.t().status(s)}</span>
                            <span class="hoc-bar" style=format!("width:{}%", n * 100 / total)></span>
                            <span class="hoc-bar-n" data-count=s.as_str()>{n}</span>
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
        <Alert error=Signal::derive(move || decide.value().get().and_then(Result::err)) />
        <section class="hoc-pick-section" aria-labelledby="hoc-items-h">
            <h3 id="hoc-items-h">{move || lang.t().items}</h3>
            <div class="hoc-filters">
                <label class="hoc-field">
                    <span>{move || lang.t().outcome}</span>
                    <select on:change:target=move |e| {
                        let v = e.target().value();
                        filter.set(ItemStatus::from_tag(&v));
                    }>
                        <option value="">{move || lang.t().all_statuses}</option>
                        {ItemStatus::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{move || lang.t().status(s)}</option> }).collect_view()}
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
