//! The start-up offer of saved runs. A run saved in this browser is never resumed by itself
//! (bar a reload of the tab that drove it): this admin's unfinished runs on this backend are
//! offered with "Resume the run" and "Not now" (it stays saved, and is offered again next
//! time); another admin's are named by that admin only, and can only be resumed by them. The
//! rules are `domain::run_owner::offer`; `run` loads and drives what the admin picks.

use std::collections::HashSet;

use leptos::prelude::*;

use super::browser;
use super::format::date_time;
use super::run;
use super::state::use_ctx;
use super::use_lang;
use crate::config::Route;
use crate::domain::run_owner::{offer, LedgerKey, Offer, LEDGER_PREFIX};

/// One line of the offer.
#[derive(Clone, PartialEq)]
enum Item {
    Mine {
        key: LedgerKey,
        /// "departed member → successors".
        handover: String,
        admin: String,
        started_at: String,
        submitted: usize,
        total: usize,
    },
    /// Another admin's run(s): their name only (see `Offer::KeptForOther`).
    Others { admin: String },
}

#[component]
pub fn ResumeOffers() -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    // "Not now": hidden until the next start-up; the run stays saved.
    let dismissed = RwSignal::new(HashSet::<String>::new());
    // Another tab saved, finished or forgot a run.
    let changed = RwSignal::new(0u32);
    let listener = window_event_listener(leptos::ev::storage, move |e| {
        if e.key()
            .is_none_or(|k| browser::app_key(&k).is_some_and(|k| k.starts_with(LEDGER_PREFIX)))
        {
            changed.update(|n| *n = n.wrapping_add(1));
        }
    });
    on_cleanup(move || listener.remove());

    // One run per tab: nothing is offered while this tab has one under way. A memo of its
    // own, so the saved runs are not read again on every answered batch.
    let busy = Memo::new(move |_| {
        ctx.run.workers.get() > 0
            || ctx
                .run
                .ledger
                .with(|l| l.as_ref().is_some_and(|l| !l.is_finished()))
    });
    let items = Memo::new(move |_| {
        changed.track();
        if busy.get() {
            return Vec::new();
        }
        let Some((backend, me)) = run::who(ctx) else {
            return Vec::new();
        };
        let hidden = dismissed.get();
        let mut saved = run::saved_runs();
        saved.sort_by(|a, b| b.1.started_at.cmp(&a.1.started_at));
        let mut items = Vec::new();
        for (key, s) in saved {
            match offer(&key, s.ledger.is_finished(), &backend, &me.id) {
                Offer::Resume if !hidden.contains(&key.storage_key()) => {
                    let successors: Vec<&str> = s
                        .handover
                        .successors
                        .iter()
                        .map(|a| a.name.as_str())
                        .collect();
                    let tally = s.ledger.tally();
                    items.push(Item::Mine {
                        handover: format!(
                            "{} → {}",
                            s.handover.departed_member.name,
                            successors.join("、")
                        ),
                        admin: s.started_by.name,
                        started_at: s.started_at,
                        submitted: tally.submitted,
                        total: tally.total,
                        key,
                    });
                }
                Offer::KeptForOther => {
                    let other = Item::Others {
                        admin: s.started_by.name,
                    };
                    if !items.contains(&other) {
                        items.push(other);
                    }
                }
                _ => {}
            }
        }
        items
    });

    let resume = move |key: LedgerKey| {
        if !run::resume_saved(ctx, &key, false) {
            // Gone meanwhile (another tab finished or forgot it).
            changed.update(|n| *n = n.wrapping_add(1));
            return;
        }
        // The run panel shows on the wizard's page, or on this handover's own page.
        let route = ctx.route.get_untracked();
        if route != Route::Wizard && route != Route::Handover(key.handover.clone()) {
            ctx.navigate(Route::Wizard);
        }
    };

    view! {
        <Show when=move || items.with(|i| !i.is_empty())>
            <div class="hoc-app hoc-resume">
                <section class="hoc-notice" aria-label=move || lang.t().resume_offers>
                    <ul class="hoc-resume-list">
                        {move || items.get().into_iter().map(|item| match item {
                            Item::Mine { key, handover, admin, started_at, submitted, total } => {
                                let hide = key.storage_key();
                                view! {
                                    <li>
                                        <p>
                                            {move || (lang.t().resume_offer)(&handover, &admin, &date_time(lang.locale(), &started_at))}
                                            " "
                                            {move || (lang.t().progress_announce)(submitted, total)}
                                        </p>
                                        <div class="hoc-bulk">
                                            <button
                                                type="button"
                                                class="hoc-button hoc-button-primary"
                                                on:click=move |_| resume(key.clone())
                                            >
                                                {move || lang.t().resume_run}
                                            </button>
                                            <button
                                                type="button"
                                                class="hoc-button"
                                                on:click=move |_| dismissed.update(|d| {
                                                    d.insert(hide.clone());
                                                })
                                            >
                                                {move || lang.t().not_now}
                                            </button>
                                        </div>
                                    </li>
                                }
                                .into_any()
                            }
                            Item::Others { admin } => view! {
                                <li><p>{move || (lang.t().kept_for_other)(&admin)}</p></li>
                            }
                            .into_any(),
                        }).collect_view()}
                    </ul>
                </section>
            </div>
        </Show>
    }
}
