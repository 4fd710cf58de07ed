//! Running a handover: batches of at most the session's `items_per_batch` sent several at a
//! time, transient failures retried with backoff, answers that leave items out asked again,
//! rejections listed with their reasons, pause/resume (an expired session pauses everything),
//! and a ledger in local storage so a reloaded tab resumes where it was. The rules are in
//! `domain::{ledger, plan, retry}`; this file sends requests and shows the ledger.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use super::browser;
use super::browser::sleep;
use super::state::{use_ctx, Ctx};
use super::use_lang;
use super::Lang;
use crate::api::types::{Assignment, Handover};
use crate::domain::codes::is_retryable;
use crate::domain::ledger::{HeldWhy, Ledger, Phase, Recorded, RunFlags, RunStatus};
use crate::domain::plan::{batch_size, plan};
use crate::domain::retry::{Decision, RetryPolicy};
use crate::i18n::codes::code_text;
use crate::i18n::errors::error_text;

const RUN_KEY: &str = "handover-console.run";

#[derive(Clone, Copy)]
pub struct Run {
    pub ledger: RwSignal<Option<Ledger>>,
    pub workers: RwSignal<usize>,
    pub paused: RwSignal<bool>,
    pub offline: RwSignal<bool>,
    /// A request met a 401: every worker stopped until the admin resumes.
    pub expired: RwSignal<bool>,
    saved_at: StoredValue<f64>,
    /// Batches in flight at once (host setting `in-flight`, default 4).
    in_flight: usize,
}

#[derive(Serialize, Deserialize)]
struct Saved {
    handover: Handover,
    ledger: Ledger,
}

impl Run {
    /// Changes the ledger, if there is one.
    fn edit(&self, f: impl FnOnce(&mut Ledger)) {
        self.edit_with(f);
    }

    /// Changes the ledger, if there is one, and says what the change returned.
    fn edit_with<R>(&self, f: impl FnOnce(&mut Ledger) -> R) -> Option<R> {
        self.ledger.try_update(|l| l.as_mut().map(f)).flatten()
    }

    fn read<R>(&self, f: impl FnOnce(&Ledger) -> R) -> Option<R> {
        self.ledger.with_untracked(|l| l.as_ref().map(f))
    }

    pub fn new(in_flight: usize) -> Run {
        Run {
            ledger: RwSignal::new(None),
            workers: RwSignal::new(0),
            paused: RwSignal::new(false),
            offline: RwSignal::new(false),
            expired: RwSignal::new(false),
            saved_at: StoredValue::new(0.0),
            in_flight,
        }
    }

    /// The page's flags, tracked.
    fn flags(&self) -> RunFlags {
        RunFlags {
            paused: self.paused.get(),
            offline: self.offline.get(),
            expired: self.expired.get(),
        }
    }
}

/// Items per batch: the session's limit, within WeCom's 100.
fn per_batch(ctx: Ctx) -> usize {
    let advertised = ctx
        .session
        .get_untracked()
        .and_then(Result::ok)
        .map(|s| s.limits.items_per_batch);
    batch_size(advertised)
}

/// Writes the ledger to local storage, at most every half second (and always at the end). A
/// save that did not happen only means a batch is re-sent with its seq after a reload, which the
/// backend answers idempotently.
fn save(ctx: Ctx) {
    let now = js_sys::Date::now();
    let finished = ctx.run.read(Ledger::is_finished).unwrap_or(true);
    if !finished && now - ctx.run.saved_at.get_value() < 500.0 {
        return;
    }
    ctx.run.saved_at.set_value(now);
    let (Some(handover), Some(ledger)) =
        (ctx.created.get_untracked(), ctx.run.ledger.get_untracked())
    else {
        return;
    };
    if let Ok(json) = serde_json::to_string(&Saved { handover, ledger }) {
        browser::local_set(RUN_KEY, &json);
    }
}

pub fn forget() {
    browser::local_remove(RUN_KEY);
}

/// Picks up a run a reloaded or reopened tab left unfinished.
pub fn restore(ctx: Ctx, lang: Lang) {
    let Some(saved) =
        browser::local_get(RUN_KEY).and_then(|j| crate::api::error::decode::<Saved>(&j).ok())
    else {
        return;
    };
    let mut ledger = saved.ledger;
    ledger.resume();
    let finished = ledger.is_finished();
    ctx.created.set(Some(saved.handover));
    ctx.run.ledger.set(Some(ledger));
    if !finished {
        spawn_workers(ctx, lang);
    }
}

/// Plans the batches and starts sending.
pub fn start(ctx: Ctx, lang: Lang, assignments: &[Assignment]) {
    let Some(h) = ctx.created.get_untracked() else {
        return;
    };
    ctx.run
        .ledger
        .set(Some(Ledger::new(h.id, plan(assignments, per_batch(ctx)))));
    ctx.run.paused.set(false);
    ctx.run.expired.set(false);
    save(ctx);
    spawn_workers(ctx, lang);
}

pub fn spawn_workers(ctx: Ctx, lang: Lang) {
    let run = ctx.run;
    if stopped(run) {
        return;
    }
    let want = run.in_flight.saturating_sub(run.workers.get_untracked());
    for _ in 0..want {
        run.workers.update(|n| *n += 1);
        spawn_local(worker(ctx, lang));
    }
}

/// The admin's "resume": after a pause or an expired session. Batches keep their seq.
fn resume(ctx: Ctx, lang: Lang) {
    ctx.run.paused.set(false);
    ctx.run.expired.set(false);
    save(ctx);
    spawn_workers(ctx, lang);
}

fn stopped(run: Run) -> bool {
    run.paused.get_untracked() || run.offline.get_untracked() || run.expired.get_untracked()
}

/// Why a worker sends the same batch again.
enum Again {
    /// A transient failure: one more attempt.
    Retry,
    /// The answer left items without an outcome.
    Reask,
}

async fn worker(ctx: Ctx, lang: Lang) {
    let run = ctx.run;
    let policy = RetryPolicy::default();
    'batches: while !stopped(run) {
        let Some(spec) = run.edit_with(Ledger::take_next).flatten() else {
            break;
        };
        let Some(id) = run.read(|l| l.handover_id.clone()) else {
            break;
        };
        save(ctx);
        let request = spec.to_request();
        loop {
            let (again, wait_ms) = match ctx.backend().submit_batch(&id, &request).await {
                Ok(answer) => match run.edit_with(|l| l.record(spec.seq, answer)) {
                    Some(Recorded::AskAgain { reask, .. }) => {
                        (Again::Reask, policy.reask_delay_ms(reask))
                    }
                    _ => {
                        save(ctx);
                        break;
                    }
                },
                Err(e) => {
                    let attempts = run.read(|l| l.attempts(spec.seq)).unwrap_or(1);
                    match policy.decide(&e, attempts, js_sys::Math::random()) {
                        Decision::Retry { after_ms } => (Again::Retry, after_ms),
                        Decision::Pause => {
                            // Every other request would meet the same 401: stop them all.
                            run.expired.set(true);
                            run.edit(|l| l.release(spec.seq));
                            save(ctx);
                            break 'batches;
                        }
                        Decision::Hold => {
                            let why = error_text(lang.t(), &e);
                            run.edit(|l| l.wait(spec.seq, why));
                            save(ctx);
                            break;
                        }
                    }
                }
            };
            sleep(u32::try_from(wait_ms).unwrap_or(u32::MAX)).await;
            if stopped(run) {
                run.edit(|l| l.release(spec.seq));
                save(ctx);
                break 'batches;
            }
            if let Again::Retry = again {
                run.edit(|l| {
                    l.attempt(spec.seq);
                });
            }
        }
    }
    run.workers.update(|n| *n = n.saturating_sub(1));
    if run.workers.get_untracked() == 0 && run.read(Ledger::is_finished).unwrap_or(false) {
        browser::measure("run:complete", "run-start");
        save(ctx);
    }
}

#[component]
pub fn RunPanel() -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let run = ctx.run;
    let tally = Memo::new(move |_| {
        run.ledger
            .with(|l| l.as_ref().map(Ledger::tally).unwrap_or_default())
    });
    let phase = Memo::new(move |_| run.ledger.with(|l| l.as_ref().map(Ledger::phase)));
    let finished = move || phase.get() == Some(Phase::Finished);
    let status = Memo::new(move |_| {
        let flags = run.flags();
        phase
            .get()
            .map(|p| tally.with(|t| RunStatus::of(p, t, flags)))
    });
    let announcement = move || {
        let m = lang.t();
        match status.get()? {
            RunStatus::Expired => Some(m.session_expired_paused.to_string()),
            RunStatus::Offline => Some(m.offline_paused.to_string()),
            RunStatus::Paused => Some(m.paused.to_string()),
            RunStatus::Progress { submitted, total } => {
                Some((m.progress_announce)(submitted, total))
            }
            RunStatus::Held { batches } => Some((m.run_held)(batches)),
            RunStatus::Done { rejected: 0 } => Some(m.run_done_all.to_string()),
            RunStatus::Done { rejected } => Some((m.run_done_some)(rejected)),
        }
    };
    let rejections = Memo::new(move |_| {
        run.ledger
            .with(|l| l.as_ref().map(Ledger::rejections).unwrap_or_default())
    });
    let held = Memo::new(move |_| {
        run.ledger
            .with(|l| l.as_ref().map(Ledger::held).unwrap_or_default())
    });
    let halted = move || run.paused.get() || run.expired.get();
    let any_retryable = move || rejections.with(|r| r.iter().any(|r| is_retryable(r.code)));

    view! {
        <section class="hoc-run" aria-labelledby="hoc-run-h">
            <h3 id="hoc-run-h">{move || lang.t().run_title}</h3>
            {move || match tally.with(|t| t.bar()) {
                Some((n, total)) => view! { <progress aria-labelledby="hoc-run-h" max=total value=n></progress> }.into_any(),
                None => view! { <progress aria-labelledby="hoc-run-h"></progress> }.into_any(),
            }}
            <dl class="hoc-run-counts">
                <div><dt>{move || lang.t().submitted}</dt><dd data-count="submitted">{move || tally.get().submitted}</dd></div>
                <div><dt>{move || lang.t().accepted}</dt><dd data-count="accepted">{move || tally.get().accepted}</dd></div>
                <div><dt>{move || lang.t().rejected}</dt><dd data-count="rejected">{move || tally.get().rejected}</dd></div>
                <Show when=move || tally.with(|t| t.unconfirmed > 0)>
                    <div><dt>{move || lang.t().unconfirmed}</dt><dd data-count="unconfirmed">{move || tally.get().unconfirmed}</dd></div>
                </Show>
                <div><dt>{move || lang.t().remaining}</dt><dd data-count="remaining">{move || tally.get().remaining}</dd></div>
            </dl>
            <p
                class="hoc-status"
                class:hoc-result=finished
                class:hoc-warning=move || run.expired.get()
                role="status"
                aria-live="polite"
            >
                {announcement}
            </p>
            <div class="hoc-bulk">
                <Show when=move || !finished() && !halted()>
                    <button type="button" class="hoc-button" on:click=move |_| run.paused.set(true)>
                        {move || lang.t().pause}
                    </button>
                </Show>
                <Show when=move || !finished() && halted()>
                    <button type="button" class="hoc-button hoc-button-primary" on:click=move |_| resume(ctx, lang)>
                        {move || lang.t().resume}
                    </button>
                </Show>
            </div>
            <Show when=move || held.with(|h| !h.is_empty())>
                <div role="alert" class="hoc-warning">
                    <h4>{move || lang.t().waiting_batches}</h4>
                    <ul>
                        {move || held.get().into_iter().map(|h| {
                            let seq = h.seq;
                            let why = move || match &h.why {
                                HeldWhy::Failed(why) => why.clone(),
                                HeldWhy::Unconfirmed(n) => (lang.t().unconfirmed_batch)(*n),
                            };
                            view! { <li>{move || (lang.t().batch_label)(seq)} ": " {why}</li> }
                        }).collect_view()}
                    </ul>
                    <button type="button" class="hoc-button" on:click=move |_| {
                        run.edit(Ledger::retry_waiting);
                        save(ctx);
                        spawn_workers(ctx, lang);
                    }>{move || lang.t().retry_batches}</button>
                </div>
            </Show>
            <Show when=move || rejections.with(|r| !r.is_empty())>
                <h4>{move || lang.t().rejections}</h4>
                <p class="hoc-help">{move || lang.t().rejected_help}</p>
                <Show when=move || finished() && any_retryable()>
                    <button type="button" class="hoc-button" on:click=move |_| {
                        let per_batch = per_batch(ctx);
                        run.edit(|l| { l.retry_rejected(is_retryable, per_batch); });
                        save(ctx);
                        spawn_workers(ctx, lang);
                    }>{move || lang.t().retry_rejected}</button>
                </Show>
                <ul class="hoc-rejections">
                    {move || rejections.get().into_iter().map(|r| view! {
                        <li><code>{r.id.clone()}</code> " " {move || code_text(lang.locale(), r.code)}</li>
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}
