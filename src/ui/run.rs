//! Running a handover: batches of at most 100 sent several at a time, transient failures retried
//! with backoff, rejections listed with their reasons, pause/resume, and a ledger in local
//! storage so a reloaded tab resumes where it was.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};

use super::browser;
use super::state::{use_ctx, Ctx};
use super::use_lang;
use super::Lang;
use crate::api::demo::sleep;
use crate::api::types::{Assignment, Handover};
use crate::api::ApiError;
use crate::domain::codes::is_retryable;
use crate::domain::ledger::{BatchState, Ledger};
use crate::domain::plan::plan;
use crate::domain::retry::RetryPolicy;
use crate::i18n::codes::code_text;
use crate::i18n::errors::error_text;

const RUN_KEY: &str = "handover-console.run";
const PER_BATCH: usize = 100;

#[derive(Clone, Copy)]
pub struct Run {
    pub ledger: RwSignal<Option<Ledger>>,
    pub workers: RwSignal<usize>,
    pub paused: RwSignal<bool>,
    pub offline: RwSignal<bool>,
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
        self.ledger.update(|l| {
            if let Some(l) = l.as_mut() {
                f(l)
            }
        });
    }

    pub fn new(in_flight: usize) -> Run {
        Run {
            ledger: RwSignal::new(None),
            workers: RwSignal::new(0),
            paused: RwSignal::new(false),
            offline: RwSignal::new(false),
            saved_at: StoredValue::new(0.0),
            in_flight,
        }
    }
}

/// Writes the ledger to local storage, at most every half second (and always at the end). A
/// save that did not happen only means a batch is re-sent with its seq after a reload, which the
/// backend answers idempotently.
fn save(ctx: Ctx) {
    let now = js_sys::Date::now();
    let finished = ctx
        .run
        .ledger
        .with_untracked(|l| l.as_ref().is_none_or(Ledger::is_finished));
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
        .set(Some(Ledger::new(h.id, plan(assignments, PER_BATCH))));
    ctx.run.paused.set(false);
    save(ctx);
    spawn_workers(ctx, lang);
}

pub fn spawn_workers(ctx: Ctx, lang: Lang) {
    let run = ctx.run;
    if run.paused.get_untracked() || run.offline.get_untracked() {
        return;
    }
    let want = run.in_flight.saturating_sub(run.workers.get_untracked());
    for _ in 0..want {
        run.workers.update(|n| *n += 1);
        spawn_local(worker(ctx, lang));
    }
}

fn stopped(run: Run) -> bool {
    run.paused.get_untracked() || run.offline.get_untracked()
}

/// Puts one in-flight batch back to pending (paused or offline while it waited to retry).
fn release(run: Run, seq: u32) {
    run.edit(|l| {
        if let Some(e) = l.entries.iter_mut().find(|e| e.spec.seq == seq) {
            e.state = BatchState::Pending;
        }
    });
}

async fn worker(ctx: Ctx, lang: Lang) {
    let run = ctx.run;
    let policy = RetryPolicy::default();
    'batches: while !stopped(run) {
        let Some(spec) = run
            .ledger
            .try_update(|l| l.as_mut().and_then(Ledger::take_next))
            .flatten()
        else {
            break;
        };
        let Some(id) = run
            .ledger
            .with_untracked(|l| l.as_ref().map(|l| l.handover_id.clone()))
        else {
            break;
        };
        save(ctx);
        let request = spec.to_request();
        loop {
            let result = ctx.backend().submit_batch(&id, &request).await;
            let e = match result {
                Ok(r) => {
                    run.edit(|l| l.record(spec.seq, r));
                    save(ctx);
                    break;
                }
                Err(e) => e,
            };
            if e.is_transient() || e == ApiError::Aborted {
                let attempts = run.ledger.with_untracked(|l| {
                    l.as_ref()
                        .and_then(|l| l.entries.iter().find(|x| x.spec.seq == spec.seq))
                        .map_or(1, |x| x.attempts)
                });
                let retry_after = match &e {
                    ApiError::Status { retry_after_s, .. } => *retry_after_s,
                    _ => None,
                };
                if let Some(ms) = policy.delay_ms(attempts, retry_after, js_sys::Math::random()) {
                    sleep(ms as u32).await;
                    if stopped(run) {
                        release(run, spec.seq);
                        save(ctx);
                        break 'batches;
                    }
                    run.edit(|l| {
                        l.attempt(spec.seq);
                    });
                    continue;
                }
            }
            // Not worth retrying as is, or the retries are spent: the admin decides.
            let why = error_text(lang.t(), &e);
            run.edit(|l| l.wait(spec.seq, why));
            save(ctx);
            break;
        }
    }
    run.workers.update(|n| *n = n.saturating_sub(1));
    if run.workers.get_untracked() == 0
        && run
            .ledger
            .with_untracked(|l| l.as_ref().is_some_and(Ledger::is_finished))
    {
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
    let finished = move || {
        run.ledger
            .with(|l| l.as_ref().is_some_and(Ledger::is_finished))
    };
    // Announce progress in tenths, not on every batch.
    let decile = Memo::new(move |_| {
        let t = tally.get();
        (t.submitted * 10).checked_div(t.total).unwrap_or(0)
    });
    let announcement = move || {
        decile.track();
        let t = tally.get_untracked();
        if run.offline.get() {
            lang.t().offline_paused.to_string()
        } else if run.paused.get() {
            lang.t().paused.to_string()
        } else {
            (lang.t().progress_announce)(t.submitted, t.total)
        }
    };
    let rejections = Memo::new(move |_| {
        run.ledger
            .with(|l| l.as_ref().map(Ledger::rejections).unwrap_or_default())
    });
    let waiting = Memo::new(move |_| {
        run.ledger.with(|l| {
            l.as_ref()
                .map(|l| {
                    l.waiting()
                        .into_iter()
                        .map(|e| (e.spec.seq, e.error.clone().unwrap_or_default()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let any_retryable = move || rejections.with(|r| r.iter().any(|r| is_retryable(r.code)));

    view! {
        <section class="hoc-run" aria-labelledby="hoc-run-h">
            <h3 id="hoc-run-h">{move || lang.t().run_title}</h3>
            <progress
                aria-labelledby="hoc-run-h"
                max=move || tally.get().total.max(1)
                value=move || tally.get().submitted
            ></progress>
            <dl class="hoc-run-counts">
                <div><dt>{move || lang.t().submitted}</dt><dd data-count="submitted">{move || tally.get().submitted}</dd></div>
                <div><dt>{move || lang.t().accepted}</dt><dd data-count="accepted">{move || tally.get().accepted}</dd></div>
                <div><dt>{move || lang.t().rejected}</dt><dd data-count="rejected">{move || tally.get().rejected}</dd></div>
                <div><dt>{move || lang.t().remaining}</dt><dd data-count="remaining">{move || tally.get().remaining}</dd></div>
            </dl>
            <p class="hoc-status" role="status" aria-live="polite">{announcement}</p>
            <div class="hoc-bulk">
                <Show when=move || !finished() && !run.paused.get()>
                    <button type="button" class="hoc-button" on:click=move |_| run.paused.set(true)>
                        {move || lang.t().pause}
                    </button>
                </Show>
                <Show when=move || !finished() && run.paused.get()>
                    <button type="button" class="hoc-button hoc-button-primary" on:click=move |_| {
                        run.paused.set(false);
                        run.edit(Ledger::resume);
                        spawn_workers(ctx, lang);
                    }>
                        {move || lang.t().resume}
                    </button>
                </Show>
            </div>
            <Show when=move || waiting.with(|w| !w.is_empty())>
                <div role="alert" class="hoc-warning">
                    <h4>{move || lang.t().waiting_batches}</h4>
                    <ul>
                        {move || waiting.get().into_iter().map(|(seq, why)| view! {
                            <li>{move || (lang.t().batch_label)(seq)} ": " {why.clone()}</li>
                        }).collect_view()}
                    </ul>
                    <button type="button" class="hoc-button" on:click=move |_| {
                        run.edit(Ledger::retry_waiting);
                        save(ctx);
                        spawn_workers(ctx, lang);
                    }>{move || lang.t().retry_batches}</button>
                </div>
            </Show>
            <Show when=finished>
                <p class="hoc-result" role="status">
                    {move || {
                        let n = rejections.with(Vec::len);
                        if n == 0 { lang.t().run_done_all.to_string() } else { (lang.t().run_done_some)(n) }
                    }}
                </p>
            </Show>
            <Show when=move || rejections.with(|r| !r.is_empty())>
                <h4>{move || lang.t().rejections}</h4>
                <p class="hoc-help">{move || lang.t().rejected_help}</p>
                <Show when=move || finished() && any_retryable()>
                    <button type="button" class="hoc-button" on:click=move |_| {
                        run.edit(|l| { l.retry_rejected(is_retryable, PER_BATCH); });
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
