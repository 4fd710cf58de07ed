//! One handover's page (`?handover=ID`), titled by the handover itself (departed member →
//! successors, local date). Everything it says about the outcome comes from one picture
//! (`domain::snapshot`): the items of one refresh, the counts and bar drawn from those items, the
//! caption under the bar, plus the answers this tab's run already holds, so the parts agree at
//! every moment of a run. Then approval, withdrawal, handing the rejected items over again, the
//! items table (filtered by outcome, paged, exportable) and the audit timeline (in the admin's
//! zone, exportable as evidence). Outcomes are polled, backing off, and only while the page is
//! visible.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use leptos::html::{Dialog, Input};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::browser;
use super::fetch_all::fetch_all;
use super::format;
use super::records::Awaiting;
use super::state::{new_handover_id, use_ctx, Ctx};
use super::use_lang;
use super::widgets::alert::Alert;
use super::widgets::load_progress::LoadProgress;
use super::widgets::repeats::RepeatsNotice;
use crate::api::types::{
    DepartedMember, DepartedQuery, Handover, HandoverEvent, HandoverItem, ItemStatus, ItemsQuery,
    PageQuery, RejectRequest,
};
use crate::api::{ApiError, Backend};
use crate::config::{with_query_param, Route};
use crate::domain::csv;
use crate::domain::events::{self, Said};
use crate::domain::ledger::Phase;
use crate::domain::paging::Progress;
use crate::domain::permissions::{may_approve, may_start};
use crate::domain::plan::unsent_assignments;
use crate::domain::polling::Poll;
use crate::domain::snapshot::{self, Caption, Picture};
use crate::domain::withdraw::may_withdraw;
use crate::domain::wizard::Wizard;
use crate::i18n::codes::code_text;
use crate::i18n::errors::reason_text;
use crate::i18n::{Locale, Messages};

/// Rows per page of the items table.
const PAGE: usize = 50;
/// Above this many items, the run's answers are laid over the picture at most twice a second:
/// each overlay is a pass over every item, and a run of 20,000 answers 200 batches.
const BIG: usize = 2_000;

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
        &stop,
    )
    .await?;
    let Some(items) = items else {
        return Ok(None);
    };
    // Every page: the timeline (and its CSV) is evidence and must not stop at one page.
    let events = fetch_all(
        |cursor| {
            let (b, id) = (b.clone(), id.to_string());
            async move {
                let q = PageQuery {
                    cursor,
                    limit: Some(1000),
                };
                b.events(&id, &q).await
            }
        },
        |_| {},
        &stop,
    )
    .await?;
    let Some(events) = events else {
        return Ok(None);
    };
    let events = events.items;
    Ok(Some(Loaded {
        handover: Some(handover),
        items: Arc::new(items.items),
        events,
        repeats: items.repeats,
    }))
}

/// Sleeps `ms`, waking early when `refresh` is raised (the run finished, the admin acted) or
/// the page went away.
async fn wait(ms: u32, refresh: &AtomicBool, live: &impl Fn() -> bool) {
    let mut left = ms;
    while left > 0 && live() {
        if refresh.swap(false, Ordering::Relaxed) {
            return;
        }
        let step = left.min(100);
        browser::sleep(step).await;
        left -= step;
    }
}

/// The departed member of a handover as the directory lists them now (the wizard needs the
/// whole record); `None` when the directory no longer has them.
async fn departed_member(b: Backend, id: String) -> Result<Option<DepartedMember>, ApiError> {
    let all = fetch_all(
        |cursor| {
            let (b, id) = (b.clone(), id.clone());
            async move {
                let q = DepartedQuery {
                    q: Some(id),
                    only_pending: Some(false),
                    cursor,
                    limit: Some(200),
                    ..Default::default()
                };
                b.departed_members(&q).await
            }
        },
        |_| {},
        || false,
    )
    .await?;
    Ok(all.and_then(|c| c.items.into_iter().find(|m| m.id == id)))
}

/// The handover's name: departed member → successors, with the local day it was created.
pub(super) fn title(m: &Messages, locale: Locale, h: &Handover) -> String {
    let names: Vec<&str> = h.successors.iter().map(|s| s.name.as_str()).collect();
    (m.handover_title)(
        &h.departed_member.name,
        &names.join(m.list_separator),
        &format::date(locale, &h.created_at),
    )
}

fn caption_text(m: &Messages, locale: Locale, c: Caption) -> String {
    let n = |v: u32| format::number(locale, v);
    match c {
        Caption::AwaitingApproval { total } => (m.cap_awaiting)(&n(total)),
        Caption::Rejected { total } => (m.cap_rejected)(&n(total)),
        Caption::Withdrawn { total } => (m.cap_withdrawn)(&n(total)),
        Caption::NotSent { total } => (m.cap_not_sent)(&n(total)),
        Caption::Sending { sent, total } => (m.cap_sending)(&n(sent), &n(total)),
        Caption::Waiting { waiting, total } => (m.cap_waiting)(&n(waiting), &n(total)),
        Caption::Done { taken_over, total } => (m.cap_done)(&n(taken_over), &n(total)),
    }
}

/// What an event says, in words (`None` when its kind says it all).
fn said_text(m: &Messages, locale: Locale, said: &Said) -> Option<String> {
    let n = |v: u32| format::number(locale, v);
    Some(match said {
        Said::Nothing => return None,
        Said::Size { customers, groups } => (m.ev_size)(&n(*customers), &n(*groups)),
        Said::Reasons(r) => r
            .iter()
            .map(|r| reason_text(m, r))
            .collect::<Vec<_>>()
            .join(m.list_separator),
        Said::Batch {
            seq,
            accepted,
            rejected,
        } => (m.ev_batch)(&seq.to_string(), &n(*accepted), &n(*rejected)),
        Said::Outcomes {
            seq,
            taken_over,
            refused,
            limit_exceeded,
        } => (m.ev_outcomes)(
            &seq.to_string(),
            &n(*taken_over),
            &n(*refused),
            &n(*limit_exceeded),
        ),
        Said::Text(t) => t.clone(),
    })
}

/// The link a second admin opens to approve: this page, without this admin's own choices
/// (`as`, `lang`); demo mode stays on, so a demo link opens the demo. Where the address cannot
/// carry a page (memory routing), the handover's id is what there is to share.
pub(super) fn share_link(id: &str) -> String {
    let router = super::router::use_router();
    let route = Route::Handover(id.to_string());
    if router.routing() == crate::config::Routing::Query {
        let query = with_query_param(&browser::query(), "as", None);
        let query = with_query_param(&query, "lang", None);
        if let Some((origin, path)) = browser::origin_and_path() {
            return format!("{origin}{path}{}", route.to_query(&query));
        }
    }
    router.absolute(&route).unwrap_or_else(|| id.to_string())
}

/// Puts `text` on the clipboard through `navigator.clipboard.writeText`; `false` when the
/// browser has no clipboard API or refused (no permission, page not focused, not a secure
/// context), so the caller offers the text to copy by hand.
pub(super) async fn copy_text(text: &str) -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let clipboard = js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("clipboard"))
        .ok()
        .filter(|c| c.is_object());
    let Some(clipboard) = clipboard else {
        return false;
    };
    let write = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let Some(write) = write else {
        return false;
    };
    let Ok(promise) = write
        .call1(&clipboard, &JsValue::from_str(text))
        .and_then(|p| p.dyn_into::<js_sys::Promise>())
    else {
        return false;
    };
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// Focuses and selects a text field, so Ctrl+C copies what it holds.
pub(super) fn select_all(input: NodeRef<Input>) {
    request_animation_frame(move || {
        if let Some(i) = input.get_untracked() {
            let _ = i.focus();
            i.select();
        }
    });
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
    // Raised to refresh at once rather than at the next poll.
    let refresh = Arc::new(AtomicBool::new(false));
    // A clock for the takeover countdowns, ticking while the page is shown.
    let now = RwSignal::new(js_sys::Date::now());
    if let Ok(tick) = set_interval_with_handle(
        move || now.set(js_sys::Date::now()),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || tick.clear());
    }

    // Poll while visible; back off while nothing changes; once nothing can change, only a
    // raised `refresh` looks again.
    {
        let (id, refresh) = (id.clone(), refresh.clone());
        ctx.spawn(async move {
            let live = move || alive.load(Ordering::Relaxed);
            let mut poll = Poll::new();
            while live() {
                let mut wait_ms = poll.delay_ms();
                let first = data.with_untracked(|d| d.handover.is_none());
                // While this browser's run of this handover sends batches, its answers keep the
                // page current (`answered` below), and its end asks at once: fetching every item
                // again meanwhile only slows the run down.
                let sending = !ctx.run.paused.get_untracked()
                    && ctx.run.ledger.with_untracked(|l| {
                        l.as_ref()
                            .is_some_and(|l| l.handover_id == id && l.phase() == Phase::Running)
                    });
                if browser::page_visible() && (first || !sending) {
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
                            // The backend's word alone (without this tab's answers) decides
                            // whether anything can still change.
                            let settled = l
                                .handover
                                .clone()
                                .map(|h| snapshot::picture(h, l.items.clone(), []).handover);
                            let next = settled.as_ref().and_then(|h| poll.answered(h));
                            error.set(None);
                            loading.set(None);
                            data.set(l);
                            wait_ms = next.unwrap_or(u32::MAX);
                        }
                        Ok(None) => break,
                        Err(e) => {
                            loading.set(None);
                            error.set(Some(e));
                            wait_ms = poll.failed();
                        }
                    }
                }
                wait(wait_ms, &refresh, &live).await;
            }
        });
    }

    // This tab's run of this handover: how many answers it holds, and whether it is done.
    let answered = {
        let id = id.clone();
        Memo::new(move |_| {
            ctx.run.ledger.with(|l| {
                l.as_ref().filter(|l| l.handover_id == id).map(|l| {
                    let n: usize = l.entries().iter().map(|e| e.outcomes.len()).sum();
                    (n, l.is_finished())
                })
            })
        })
    };
    // For a large handover, the answers the picture lays over the refresh, at most twice a
    // second (see `BIG`) and while this tab's requests are out; a small one follows
    // `answered` itself.
    let laid = RwSignal::new(answered.get_untracked());
    let scheduled = StoredValue::new(false);
    Effect::new(move |_| {
        let a = answered.get();
        let big = data.with_untracked(|d| d.items.len()) > BIG;
        if !big || a.is_none_or(|(_, done)| done) {
            laid.set(a);
        } else if !scheduled.get_value() {
            scheduled.set_value(true);
            // A pass over every item: in the wait for answers, not between them.
            set_timeout(
                move || {
                    super::run::when_all_out(ctx.run, move || {
                        scheduled.try_set_value(false);
                        if let Some(a) = answered.try_get_untracked() {
                            laid.try_set(a);
                        }
                    })
                },
                std::time::Duration::from_millis(500),
            );
        }
    });
    // The run just finished: ask the backend at once rather than at the next poll.
    {
        let refresh = refresh.clone();
        Effect::watch(
            move || answered.get().map(|(_, done)| done),
            move |done, _, _| {
                if *done == Some(true) {
                    refresh.store(true, Ordering::Relaxed);
                }
            },
            false,
        );
    }
    // Compared by identity of its items (a new refresh or a new overlay is a new list), not
    // item by item: a large handover's list is long.
    let picture = Memo::new_with_compare(
        move |_| {
            let (h, items) = data.with(|d| (d.handover.clone(), d.items.clone()));
            if items.len() > BIG {
                laid.track();
            } else {
                answered.track();
            }
            let h = h?;
            ctx.run.ledger.with_untracked(|l| {
                let outcomes = l
                    .as_ref()
                    .filter(|l| l.handover_id == h.id)
                    .into_iter()
                    .flat_map(|l| l.entries().iter().flat_map(|e| e.outcomes.iter()));
                Some(snapshot::picture(h, items, outcomes))
            })
        },
        |a: Option<&Option<Picture>>, b: Option<&Option<Picture>>| match (a, b) {
            (Some(Some(a)), Some(Some(b))) => {
                !(Arc::ptr_eq(&a.items, &b.items) && a.handover == b.handover)
            }
            (Some(None), Some(None)) => false,
            _ => true,
        },
    );

    let handover = move || picture.with(|p| p.as_ref().map(|p| p.handover.clone()));
    let me = move || ctx.session.get().and_then(Result::ok);
    let running_here = move || answered.with(Option::is_some);
    let run_busy = move || {
        ctx.run
            .ledger
            .with(|l| l.as_ref().is_some_and(|l| !l.is_finished()))
    };
    let can_decide = move || match (handover(), me()) {
        (Some(h), Some(s)) => may_approve(&s, &h),
        _ => false,
    };
    let can_run = move || match (handover(), me()) {
        (Some(h), Some(s)) => may_start(&s, &h) && !running_here(),
        _ => false,
    };
    let can_withdraw = move || match (handover(), me()) {
        (Some(h), Some(s)) => may_withdraw(&s, &h) && !running_here(),
        _ => false,
    };
    let start_run = move |_| {
        let Some(h) = data.with_untracked(|d| d.handover.clone()) else {
            return;
        };
        let assignments = data.with_untracked(|d| unsent_assignments(&d.items));
        // Shown with the run, once its first requests are out (`run::start`).
        ctx.created.update_untracked(|c| *c = Some(h));
        crate::ui::run::start(ctx, assignments);
    };

    // Approval by a second admin.
    let reason = RwSignal::new(String::new());
    let decide = {
        let id = id.clone();
        Action::new_local(move |approve: &bool| {
            let (b, approve, id) = (ctx.backend(), *approve, id.clone());
            let why = reason.get_untracked();
            async move {
                if approve {
                    b.approve(&id).await
                } else {
                    b.reject(&id, &RejectRequest { reason: why }).await
                }
            }
        })
    };
    // Withdrawal by the creator, after a confirmation.
    let withdraw_dialog = NodeRef::<Dialog>::new();
    let withdraw = {
        let id = id.clone();
        Action::new_local(move |_: &()| {
            let (b, id) = (ctx.backend(), id.clone());
            async move { b.withdraw(&id).await }
        })
    };
    // An approval, rejection or withdrawal answers the handover as it is now: show it, refresh
    // the rest of the picture at once, and let the navigation count again.
    let awaiting = use_context::<Awaiting>();
    for action in [decide.value(), withdraw.value()] {
        let refresh = refresh.clone();
        Effect::new(move |_| {
            if let Some(Ok(h)) = action.get() {
                data.update(|d| d.handover = Some(h));
                refresh.store(true, Ordering::Relaxed);
                if let Some(a) = awaiting {
                    a.refresh();
                }
            }
        });
    }
    Effect::new(move |_| {
        if withdraw.value().with(Option::is_some) {
            if let Some(d) = withdraw_dialog.get_untracked() {
                d.close();
            }
        }
    });
    let withdraw_error = move || withdraw.value().get().and_then(Result::err);
    let too_late = move || withdraw_error().is_some_and(|e| e.code() == Some("already_started"));

    // Handing the rejected items over again: a new draft of exactly those, in the wizard.
    let again_ids = move || {
        picture.with(|p| {
            p.as_ref()
                .map(|p| snapshot::again(&p.items))
                .unwrap_or_default()
        })
    };
    let again_n = Memo::new(move |_| {
        let (c, g) = again_ids();
        c.len() + g.len()
    });
    let again = Action::new_local(move |_: &()| {
        let b = ctx.backend();
        let departed = data.with_untracked(|d| {
            d.handover
                .as_ref()
                .map(|h| h.departed_member.id.clone())
                .unwrap_or_default()
        });
        let (customers, groups) = untrack(again_ids);
        async move {
            let member = departed_member(b, departed).await?;
            Ok::<_, ApiError>(member.map(|m| (m, customers, groups)))
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(Some((member, customers, groups)))) = again.value().get() {
            ctx.start_over();
            ctx.wizard
                .set(Wizard::again(new_handover_id(), member, customers, groups));
            ctx.navigate(Route::Wizard);
            request_animation_frame(|| browser::focus("#hoc-step-heading"));
        }
    });

    // The items table.
    let filter = RwSignal::new(None::<ItemStatus>);
    let page = RwSignal::new(0usize);
    Effect::watch(move || filter.get(), move |_, _, _| page.set(0), false);
    // Positions of the items the filter keeps (all of them without a filter: no pass needed).
    let kept = Memo::new(move |_| {
        let f = filter.get();
        picture.with(|p| {
            let Some(p) = p else {
                return (0, None);
            };
            match f {
                None => (p.items.len(), None),
                Some(s) => {
                    let rows: Vec<usize> = p
                        .items
                        .iter()
                        .enumerate()
                        .filter(|(_, i)| i.status == s)
                        .map(|(n, _)| n)
                        .collect();
                    (rows.len(), Some(rows))
                }
            }
        })
    });
    let kept_n = move || kept.with(|k| k.0);
    let pages = move || kept_n().div_ceil(PAGE).max(1);
    let shown = move || {
        let start = page.get() * PAGE;
        kept.with(|(n, rows)| match rows {
            None => (start..(start + PAGE).min(*n)).collect::<Vec<_>>(),
            Some(r) => r.iter().skip(start).take(PAGE).copied().collect(),
        })
    };
    let successor_name = move |id: &str| {
        picture.with_untracked(|p| {
            p.as_ref()
                .and_then(|p| p.handover.successors.iter().find(|s| s.id == id))
                .map(|s| s.name.clone())
                .unwrap_or_else(|| id.to_string())
        })
    };

    let export_items = move |_| {
        let (m, locale, zone) = (lang.t(), lang.locale(), format::zone_name());
        let Some(p) = picture.get_untracked() else {
            return;
        };
        let rows = p.items.iter().map(|i| {
            vec![
                i.id.clone(),
                i.name.clone(),
                m.item_kind(i.kind).to_string(),
                successor_name(&i.successor),
                m.status(i.status).to_string(),
                i.takeover_at
                    .as_deref()
                    .map(|t| format::date_time_zone(locale, t))
                    .unwrap_or_default(),
                i.code.map(|c| code_text(locale, c)).unwrap_or_default(),
            ]
        });
        let doc = csv::document(
            &[
                "id",
                m.name,
                m.kind,
                m.step_successor,
                m.outcome,
                &(m.takeover_at_in)(&zone),
                m.reason,
            ],
            rows,
        );
        browser::download("handover-items.csv", "text/csv;charset=utf-8", &doc);
    };
    let export_timeline = {
        let id = id.clone();
        move |_| {
            let (m, locale, zone) = (lang.t(), lang.locale(), format::zone_name());
            let rows = data.with_untracked(|d| {
                d.events
                    .iter()
                    .map(|e| {
                        let (kind, said) = events::read(e);
                        vec![
                            format::date_time_zone(locale, &e.at),
                            m.event_kind(&kind).to_string(),
                            e.actor.name.clone(),
                            said_text(m, locale, &said).unwrap_or_default(),
                            e.at.clone(),
                            e.hash.clone().unwrap_or_default(),
                        ]
                    })
                    .collect::<Vec<_>>()
            });
            let doc = csv::document(
                &[
                    &(m.time_in)(&zone),
                    m.event,
                    m.actor,
                    m.details,
                    m.instant_utc,
                    m.event_hash,
                ],
                rows,
            );
            let name = format!(
                "handover-{}-timeline.csv",
                crate::config::encode_component(&id)
            );
            browser::download(&name, "text/csv;charset=utf-8", &doc);
        }
    };

    view! {
        <h2 class="hoc-step-heading" tabindex="-1" id="hoc-page-heading">
            {move || match handover() {
                Some(h) => title(lang.t(), lang.locale(), &h),
                None => lang.t().handover_heading.to_string(),
            }}
        </h2>
        <p>
            <a
                href=ctx.router().href(&Route::Records)
                on:click=move |ev| {
                    ev.prevent_default();
                    ctx.navigate(Route::Records);
                    // After the new page has rendered.
                    request_animation_frame(|| browser::focus("#hoc-page-heading"));
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
        {move || picture.get().map(|Picture { handover: h, items }| {
            // Several successors (issue 13): each one's counts and outcomes, from the same items.
            let parts = if h.successors.len() > 1 { snapshot::by_successor(&items) } else { Vec::new() };
            let names: Vec<(String, String)> = h.successors.iter().map(|s| (s.id.clone(), s.name.clone())).collect();
            let locale = lang.locale();
            let c = h.counts.clone();
            let bars = [
                (ItemStatus::Waiting, c.waiting),
                (ItemStatus::TakenOver, c.taken_over),
                (ItemStatus::Refused, c.refused),
                (ItemStatus::LimitExceeded, c.limit_exceeded),
                (ItemStatus::Failed, c.failed),
                (ItemStatus::Unsent, c.unsent),
            ];
            let total = bars.iter().map(|b| b.1).sum::<u32>().max(1);
            let caption = snapshot::caption(h.state, &c);
            let reasons = h.approval_required.then(|| {
                let m = lang.t();
                h.approval_reasons.iter().map(|r| reason_text(m, r)).collect::<Vec<_>>().join(m.list_separator)
            });
            view! {
                <dl class="hoc-summary">
                    <div><dt>{move || lang.t().handover_id}</dt><dd><code>{h.id.clone()}</code></dd></div>
                    <div><dt>{move || lang.t().state}</dt><dd data-state=h.state.as_str()>{move || lang.t().state(h.state)}</dd></div>
                    <div><dt>{move || lang.t().step_member}</dt><dd>{h.departed_member.name.clone()}</dd></div>
                    <div><dt>{move || lang.t().successors}</dt><dd>{h.successors.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(lang.t().list_separator)}</dd></div>
                    <div>
                        <dt>{move || lang.t().created_by}</dt>
                        <dd>{h.created_by.name.clone()} " · " <time datetime=h.created_at.clone()>{format::date_time(locale, &h.created_at)}</time></dd>
                    </div>
                    {reasons.map(|r| view! { <div><dt>{move || lang.t().approval_needed}</dt><dd>{r}</dd></div> })}
                    {h.decided_by.clone().map(|d| view! { <div><dt>{move || lang.t().decided_by}</dt><dd>{d.name}</dd></div> })}
                    {h.rejection_reason.clone().map(|r| view! { <div><dt>{move || lang.t().reject_reason}</dt><dd>{r}</dd></div> })}
                    {h.note.clone().map(|n| view! { <div><dt>{move || lang.t().note}</dt><dd>{n}</dd></div> })}
                </dl>
                <ul class="hoc-bars" aria-label=move || lang.t().outcome aria-describedby="hoc-bar-caption">
                    {bars.into_iter().map(|(s, n)| view! {
                        <li data-status=s.as_str()>
                            <span class="hoc-bar-label">{move || lang.t().status(s)}</span>
                            <span class="hoc-bar" style:width=format!("{}%", n * 100 / total)></span>
                            <span class="hoc-bar-n" data-count=s.as_str()>{format::number(locale, n)}</span>
                        </li>
                    }).collect_view()}
                </ul>
                <p id="hoc-bar-caption" class="hoc-bar-caption">{move || caption_text(lang.t(), lang.locale(), caption)}</p>
                {(!parts.is_empty()).then(|| view! {
                    <table class="hoc-table hoc-by-successor">
                        <caption>{move || lang.t().outcomes_by_successor}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{move || lang.t().step_successor}</th>
                                <th scope="col">{move || lang.t().customers}</th>
                                <th scope="col">{move || lang.t().groups}</th>
                                {[ItemStatus::Waiting, ItemStatus::TakenOver, ItemStatus::Refused, ItemStatus::LimitExceeded, ItemStatus::Failed, ItemStatus::Unsent]
                                    .into_iter()
                                    .map(|s| view! { <th scope="col">{move || lang.t().status(s)}</th> })
                                    .collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {parts.into_iter().map(|p| {
                                let name = names.iter().find(|(id, _)| *id == p.successor).map(|(_, n)| n.clone()).unwrap_or_else(|| p.successor.clone());
                                let c = p.counts;
                                view! {
                                    <tr data-successor=p.successor.clone()>
                                        <th scope="row">{name}</th>
                                        <td data-col="customers">{format::number(locale, p.customers)}</td>
                                        <td data-col="groups">{format::number(locale, p.groups)}</td>
                                        <td data-col="waiting">{format::number(locale, c.waiting)}</td>
                                        <td data-col="taken_over">{format::number(locale, c.taken_over)}</td>
                                        <td data-col="refused">{format::number(locale, c.refused)}</td>
                                        <td data-col="limit_exceeded">{format::number(locale, c.limit_exceeded)}</td>
                                        <td data-col="failed">{format::number(locale, c.failed)}</td>
                                        <td data-col="unsent">{format::number(locale, c.unsent)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                })}
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
        <div class="hoc-bulk">
            <Show when=can_run>
                <button type="button" class="hoc-button hoc-button-primary" on:click=start_run>
                    {move || lang.t().start_run}
                </button>
            </Show>
            <Show when=can_withdraw>
                <button
                    type="button"
                    class="hoc-button hoc-button-danger"
                    on:click=move |_| {
                        if let Some(d) = withdraw_dialog.get_untracked() {
                            let _ = d.show_modal();
                        }
                    }
                >
                    {move || lang.t().withdraw}
                </button>
            </Show>
        </div>
        <p role="status" class="hoc-status">
            {move || withdraw.value().with(|v| matches!(v, Some(Ok(_)))).then(|| lang.t().withdrawn_done)}
        </p>
        <Show when=too_late>
            <p class="hoc-warning">{move || lang.t().withdraw_too_late}</p>
        </Show>
        <Alert error=Signal::derive(move || withdraw_error().filter(|e| e.code() != Some("already_started"))) />
        <dialog class="hoc-dialog" node_ref=withdraw_dialog aria-labelledby="hoc-withdraw-h">
            <h2 id="hoc-withdraw-h">{move || lang.t().withdraw_title}</h2>
            <p>{move || lang.t().withdraw_text}</p>
            <div class="hoc-dialog-actions">
                <button
                    type="button"
                    class="hoc-button"
                    on:click=move |_| {
                        if let Some(d) = withdraw_dialog.get_untracked() {
                            d.close();
                        }
                    }
                >
                    {move || lang.t().keep}
                </button>
                <button
                    type="button"
                    class="hoc-button hoc-button-danger"
                    aria-disabled=move || withdraw.pending().get().to_string()
                    on:click=move |_| {
                        if !withdraw.pending().get_untracked() {
                            withdraw.dispatch_local(());
                        }
                    }
                >
                    {move || lang.t().withdraw_confirm}
                </button>
            </div>
        </dialog>
        <Show when=move || { again_n.get() > 0 && !run_busy() }>
            <div class="hoc-again">
                <p class="hoc-help">{move || (lang.t().again_help)(&format::number(lang.locale(), again_n.get() as u32))}</p>
                <button
                    type="button"
                    class="hoc-button"
                    aria-disabled=move || again.pending().get().to_string()
                    on:click=move |_| {
                        if !again.pending().get_untracked() {
                            again.dispatch_local(());
                        }
                    }
                >
                    {move || lang.t().again}
                </button>
                <Show when=move || again.value().with(|v| matches!(v, Some(Ok(None))))>
                    <p class="hoc-warning">{move || lang.t().again_member_missing}</p>
                </Show>
            </div>
        </Show>
        <Alert error=Signal::derive(move || again.value().get().and_then(Result::err)) />
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
                <button type="button" class="hoc-button" on:click=export_items>{move || lang.t().export_csv}</button>
            </div>
            <table class="hoc-table hoc-items">
                <thead>
                    <tr>
                        <th scope="col">{move || lang.t().name}</th>
                        <th scope="col">{move || lang.t().kind}</th>
                        <th scope="col">{move || lang.t().step_successor}</th>
                        <th scope="col">{move || lang.t().outcome}</th>
                        <th scope="col">{move || lang.t().takeover_at}</th>
                        <th scope="col">{move || lang.t().reason}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let rows = shown();
                        let locale = lang.locale();
                        picture.with(|p| {
                            let Some(p) = p else { return Vec::new() };
                            rows.iter().filter_map(|&n| p.items.get(n)).map(|it| {
                                let (status, kind) = (it.status, it.kind);
                                let takeover = it.takeover_at.clone();
                                let waiting = status == ItemStatus::Waiting;
                                view! {
                                    <tr data-status=status.as_str()>
                                        <td>{it.name.clone()}</td>
                                        <td>{move || lang.t().item_kind(kind)}</td>
                                        <td>{successor_name(&it.successor)}</td>
                                        <td class="hoc-item-status">{move || lang.t().status(status)}</td>
                                        <td class="hoc-item-takeover">
                                            {takeover.clone().map(|t| view! {
                                                <time datetime=t.clone()>{format::date_time(locale, &t)}</time>
                                            })}
                                            {(waiting).then(|| {
                                                let t = takeover.clone();
                                                move || t.as_deref().map(|t| {
                                                    let at = js_sys::Date::new(&JsValue::from_str(t)).get_time();
                                                    let when = if at <= now.get() {
                                                        lang.t().takeover_due.to_string()
                                                    } else {
                                                        (lang.t().takes_over)(&format::relative(lang.locale(), t, now.get()))
                                                    };
                                                    format!(" · {when}")
                                                })
                                            })}
                                        </td>
                                        <td class="hoc-reason-text">{it.code.map(|c| code_text(locale, c))}</td>
                                    </tr>
                                }
                            }).collect::<Vec<_>>()
                        })
                    }}
                </tbody>
            </table>
            <Show when=move || picture.with(Option::is_some) && kept_n() == 0>
                <p class="hoc-empty">{move || lang.t().no_items}</p>
            </Show>
            <Show when=move || { pages() > 1 }>
                <nav class="hoc-pager" aria-label=move || lang.t().items>
                    <button type="button" class="hoc-button" disabled=move || page.get() == 0 on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>
                        {move || lang.t().page_prev}
                    </button>
                    <span>
                        {move || {
                            let (n, p, locale) = (kept_n(), page.get(), lang.locale());
                            let from = (p * PAGE + 1).min(n);
                            let to = ((p + 1) * PAGE).min(n);
                            (lang.t().page_range)(
                                &format::number(locale, from as u32),
                                &format::number(locale, to as u32),
                                &format::number(locale, n as u32),
                            )
                        }}
                    </span>
                    <button type="button" class="hoc-button" disabled=move || page.get() + 1 >= pages() on:click=move |_| page.update(|p| *p += 1)>
                        {move || lang.t().page_next}
                    </button>
                </nav>
            </Show>
        </section>
        <section class="hoc-pick-section" aria-labelledby="hoc-timeline-h">
            <h3 id="hoc-timeline-h">{move || lang.t().timeline}</h3>
            <div class="hoc-filters">
                <p class="hoc-help">{move || (lang.t().timeline_zone)(&format::zone_name())}</p>
                <button type="button" class="hoc-button" on:click=export_timeline>{move || lang.t().export_timeline}</button>
            </div>
            <ol class="hoc-timeline">
                {move || {
                    let (m, locale) = (lang.t(), lang.locale());
                    data.with(|d| d.events.iter().map(|e| {
                        let (kind, said) = events::read(e);
                        view! {
                            <li>
                                <time datetime=e.at.clone()>{format::date_time_zone(locale, &e.at)}</time>
                                " · " <strong>{m.event_kind(&kind)}</strong> " · " {e.actor.name.clone()}
                                {said_text(m, locale, &said).map(|t| format!(" · {t}"))}
                            </li>
                        }
                    }).collect::<Vec<_>>())
                }}
            </ol>
        </section>
    }
}
