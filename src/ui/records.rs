//! Handover records: every handover with filters and paging, exportable to CSV; and the same
//! list narrowed to what the signed-in admin may approve now ("Awaiting my approval", with its
//! count in the navigation). Times and counts are shown in the admin's zone and language; the
//! date filters send the admin's own day as bounds with their offset.

use leptos::prelude::*;

use super::browser;
use super::fetch_all::fetch_all;
use super::format;
use super::handover::title;
use super::lifetime;
use super::state::{use_ctx, Ctx};
use super::use_lang;
use super::widgets::alert::Alert;
use super::widgets::error::ErrorNotice;
use super::widgets::pager::Pager;
use super::widgets::repeats::RepeatsNotice;
use crate::api::types::{
    Handover, HandoverHead, HandoverState, HandoversQuery, Page, Session, StatusCounts,
};
use crate::api::{ApiError, Backend};
use crate::config::Route;
use crate::domain::csv;
use crate::domain::permissions::{may_approve, may_approve_head};

/// The handovers awaiting approval that `s` may approve, in every page the backend has.
pub(crate) async fn awaiting(b: Backend, s: Session) -> Result<Vec<HandoverHead>, ApiError> {
    if !s.permissions.may_approve {
        return Ok(Vec::new());
    }
    let all = fetch_all(
        |cursor| {
            let b = b.clone();
            async move {
                b.handover_heads(&HandoversQuery {
                    state: Some(HandoverState::PendingApproval),
                    cursor,
                    limit: Some(200),
                    ..Default::default()
                })
                .await
            }
        },
        |_| {},
        || false,
    )
    .await?;
    Ok(all
        .map(|c| c.items)
        .unwrap_or_default()
        .into_iter()
        .filter(|h| may_approve_head(&s, h))
        .collect())
}

/// How many handovers the signed-in admin may approve now, for the navigation's badge. The
/// shell provides it as context, so a decision on a handover's page can ask again at once.
#[derive(Clone, Copy)]
pub struct Awaiting {
    pub count: Signal<Option<usize>>,
    resource: LocalResource<Option<usize>>,
}

impl Awaiting {
    /// Asks again (after an approval or a rejection changed the answer).
    pub fn refresh(&self) {
        self.resource.refetch();
    }
}

/// The count, asked again whenever the page changes and every half minute; `None` until known.
pub fn awaiting_count(ctx: Ctx) -> Awaiting {
    let tick = RwSignal::new(0u32);
    if let Ok(t) = set_interval_with_handle(
        move || tick.update(|n| *n = n.wrapping_add(1)),
        std::time::Duration::from_secs(30),
    ) {
        on_cleanup(move || t.clear());
    }
    // A new token from the host: ask again.
    ctx.on_token_renewed(move || tick.update(|n| *n = n.wrapping_add(1)));
    let life = lifetime::current();
    let count = LocalResource::new(move || {
        tick.track();
        ctx.route.track();
        let session = ctx.session.get().and_then(Result::ok);
        let b = ctx.backend();
        // Unmounted: the listing stops where it is.
        let counted = life.within(async move { awaiting(b, session?).await.ok().map(|l| l.len()) });
        async move { counted.await.flatten() }
    });
    Awaiting {
        count: Signal::derive(move || count.get().flatten()),
        resource: count,
    }
}

/// One page of handovers, keeping only those `s` may approve (a shorter page is still a page,
/// and its total no longer applies).
fn approvable(page: Page<Handover>, s: Option<&Session>) -> Page<Handover> {
    Page {
        items: page
            .items
            .into_iter()
            .filter(|h| s.is_some_and(|s| may_approve(s, h)))
            .collect(),
        next_cursor: page.next_cursor,
        total: None,
    }
}

#[component]
pub fn Records(
    /// Only what the signed-in admin may approve now.
    #[prop(optional)]
    approvals: bool,
) -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let state = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let member = RwSignal::new(String::new());
    let successor = RwSignal::new(String::new());
    let pager = Pager::<Handover>::new();
    let export_error = RwSignal::new(None::<ApiError>);
    // Records the last export's listing repeated (each exported once).
    let export_repeats = RwSignal::new(0usize);
    let session = move || ctx.session.get().and_then(Result::ok);

    let query = move || {
        let opt = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_string());
        HandoversQuery {
            state: if approvals {
                Some(HandoverState::PendingApproval)
            } else {
                HandoverState::from_tag(&state.get())
            },
            // The admin's own day, from its first to its last instant, with their offset.
            created_from: opt(from.get()).and_then(|d| format::day_bound(&d, false)),
            created_to: opt(to.get()).and_then(|d| format::day_bound(&d, true)),
            departed_member: opt(member.get()),
            successor: opt(successor.get()),
            limit: Some(50),
            ..Default::default()
        }
    };
    let load = move |more: bool| {
        let b = ctx.backend();
        let q = query();
        let s = approvals.then(session).flatten();
        pager.load(more, move |cursor| async move {
            let page = b.handovers(&HandoversQuery { cursor, ..q }).await?;
            Ok(if approvals {
                approvable(page, s.as_ref())
            } else {
                page
            })
        });
    };
    ctx.on_token_renewed(move || {
        if pager.error.with_untracked(Option::is_some) {
            load(false);
        }
    });
    Effect::new(move |_| {
        query();
        if approvals {
            // Who may approve depends on who is signed in.
            ctx.session.track();
        }
        untrack(|| load(false));
    });

    let export = Action::new_local(move |_: &()| {
        let b = ctx.backend();
        let q = query();
        let s = approvals.then(session).flatten();
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
            let (mut items, repeats) = all.map(|c| (c.items, c.repeats)).unwrap_or_default();
            if approvals {
                items.retain(|h| s.as_ref().is_some_and(|s| may_approve(s, h)));
            }
            Ok::<_, ApiError>((items, repeats))
        }
    });
    Effect::new(move |_| match export.value().get() {
        Some(Ok((all, repeats))) => {
            export_repeats.set(repeats);
            let (m, locale, zone) = (lang.t(), lang.locale(), format::zone_name());
            // One row per successor (issue 13): a split handover's rows carry each successor's
            // counts; a handover without per-successor counts is one row naming every successor.
            let rows = all.iter().flat_map(|h| {
                let row = |successor: String, customers: u32, groups: u32, c: &StatusCounts| {
                    vec![
                        h.id.clone(),
                        format::date_time_zone(locale, &h.created_at),
                        h.created_by.name.clone(),
                        h.departed_member.name.clone(),
                        successor,
                        m.state(h.state).to_string(),
                        customers.to_string(),
                        groups.to_string(),
                        c.waiting.to_string(),
                        c.taken_over.to_string(),
                        c.refused.to_string(),
                        c.limit_exceeded.to_string(),
                        c.failed.to_string(),
                        h.note.clone().unwrap_or_default(),
                    ]
                };
                if h.by_successor.is_empty() {
                    let names = h
                        .successors
                        .iter()
                        .map(|s| s.name.clone())
                        .collect::<Vec<_>>()
                        .join("; ");
                    vec![row(names, h.customer_count, h.group_count, &h.counts)]
                } else {
                    h.by_successor
                        .iter()
                        .map(|p| {
                            row(
                                p.successor.name.clone(),
                                p.customer_count,
                                p.group_count,
                                &p.counts,
                            )
                        })
                        .collect()
                }
            });
            let doc = csv::document(
                &[
                    m.handover_id,
                    &(m.created_at_in)(&zone),
                    m.created_by,
                    m.step_member,
                    m.step_successor,
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
    let open = move |id: String| {
        ctx.navigate(Route::Handover(id));
        // After the new page has rendered.
        request_animation_frame(|| browser::focus("#hoc-page-heading"));
    };

    view! {
        <div class="hoc-filters">
            {(!approvals).then(|| view! {
                <label class="hoc-field">
                    <span>{move || lang.t().state}</span>
                    <select on:change:target=move |e| state.set(e.target().value())>
                        <option value="">{move || lang.t().all_states}</option>
                        {HandoverState::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{move || lang.t().state(s)}</option> }).collect_view()}
                    </select>
                </label>
            })}
            <label class="hoc-field">
                <span>{move || lang.t().created_from}</span>
                <input type="date" name="created_from" on:change:target=move |e| from.set(e.target().value()) />
            </label>
            <label class="hoc-field">
                <span>{move || lang.t().created_to}</span>
                <input type="date" name="created_to" on:change:target=move |e| to.set(e.target().value()) />
            </label>
            <label class="hoc-field">
                <span>{move || lang.t().departed_member_id}</span>
                <input type="search" on:change:target=move |e| member.set(e.target().value()) />
            </label>
            <label class="hoc-field">
                <span>{move || lang.t().successor_id}</span>
                <input type="search" on:change:target=move |e| successor.set(e.target().value()) />
            </label>
            <button type="button" class="hoc-button" on:click=move |_| { export.dispatch_local(()); }>
                {move || lang.t().export_csv}
            </button>
        </div>
        <p class="hoc-help">{move || (lang.t().timeline_zone)(&format::zone_name())}</p>
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
                        let href = ctx.router().href(&Route::Handover(h.id.clone()));
                        let label = {
                            let h = h.clone();
                            move || format!("{} {}", lang.t().open, title(lang.t(), lang.locale(), &h))
                        };
                        let n = move |v: u32| move || format::number(lang.locale(), v);
                        let created = h.created_at.clone();
                        // A split handover names each successor with their customers and outcomes.
                        let parts: Vec<(String, u32, u32, u32)> = h
                            .by_successor
                            .iter()
                            .map(|p| (p.successor.name.clone(), p.customer_count + p.group_count, p.counts.taken_over, p.counts.limit_exceeded + p.counts.failed))
                            .collect();
                        let successors: Vec<String> = h.successors.iter().map(|s| s.name.clone()).collect();
                        view! {
                            <tr data-state=h.state.as_str()>
                                <td><time datetime=h.created_at.clone()>{move || format::date_time(lang.locale(), &created)}</time></td>
                                <td>{h.created_by.name.clone()}</td>
                                <td>{h.departed_member.name.clone()}</td>
                                <td>
                                    {if parts.is_empty() {
                                        view! { <span>{move || successors.join(lang.t().list_separator)}</span> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="hoc-successor-parts">
                                                {parts.into_iter().map(|(name, items, taken, failed)| view! {
                                                    <li>
                                                        {move || (lang.t().labelled)(&name, &format!(
                                                            "{} · {} {} · {} {}",
                                                            format::number(lang.locale(), items),
                                                            lang.t().is_taken_over,
                                                            format::number(lang.locale(), taken),
                                                            lang.t().is_failed,
                                                            format::number(lang.locale(), failed),
                                                        ))}
                                                    </li>
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </td>
                                <td>{n(h.counts.waiting)}</td>
                                <td>{n(h.counts.taken_over)}</td>
                                <td>{n(h.counts.refused)}</td>
                                <td>{n(h.counts.failed + h.counts.limit_exceeded)}</td>
                                <td>{move || lang.t().state(h.state)}</td>
                                <td>
                                    <a
                                        href=href
                                        aria-label=label
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
        <Show when=move || !pager.loading.get() && pager.error.with(Option::is_none) && pager.items.with(Vec::is_empty) && pager.next.with(Option::is_none)>
            <p class="hoc-empty">{move || if approvals { lang.t().no_approvals } else { lang.t().no_records }}</p>
        </Show>
        <p role="status" class="hoc-status">{move || pager.loading.get().then(|| lang.t().loading)}</p>
        <Show when=move || pager.next.with(Option::is_some) && !pager.loading.get()>
            <button type="button" class="hoc-button" on:click=move |_| load(true)>{move || lang.t().load_more}</button>
        </Show>
    }
}
