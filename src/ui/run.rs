//! Running a handover: batches of at most the session's `items_per_batch` sent several at a
//! time, transient failures retried with backoff, answers that leave items out asked again,
//! rejections listed with their reasons, pause/resume (an expired session pauses everything and
//! asks the admin to sign in again), and a ledger in local storage so the run survives the tab.
//!
//! Safe resume: the ledger is saved per backend, admin and handover; a new tab offers it
//! (`ui::resume`) instead of sending it, and only to the admin who started it; a reload of the
//! tab that drove it goes on with it. One tab drives a run at a time (a Web Lock per handover,
//! `browser::claim`); another tab shows its progress and sends nothing. Leaving while batches
//! are out asks first. The rules are in `domain::{ledger, plan, retry, run_owner}`; this file
//! sends requests and shows the ledger.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use leptos::prelude::*;

use super::browser::{self, sleep, Claim, Claimed};
use super::later;
use super::lifetime;
use super::state::{use_ctx, Ctx};
use super::use_lang;
use super::Lang;
use crate::api::types::{Admin, Assignment};
use crate::api::Backend;
use crate::config::Config;
use crate::domain::codes::is_retryable;
use crate::domain::ledger::{Announcer, HeldWhy, Ledger, Phase, Recorded, RunFlags, RunStatus};
use crate::domain::plan::{batch_size, plan};
use crate::domain::retry::{Decision, RetryPolicy};
use crate::domain::run_owner::{
    self, backend_identity, DrivingNote, LedgerKey, LegacyRun, Offer, SavedRun, SavedRunRef,
    LEDGER_PREFIX, LEGACY_KEY,
};
use crate::i18n::codes::code_text;
use crate::i18n::errors::error_text;

/// Session storage: the run this tab drives (see `DrivingNote`).
const NOTE_KEY: &str = "handover-console.driving";
/// How often a tab that shows another tab's run tries to take it over (that tab may close).
const TAKEOVER_POLL_MS: u32 = 1_000;
/// A started run is on the page by then even if its lock has not answered yet (the
/// BroadcastChannel fallback listens for 500 ms).
const SHOW_WITHIN_MS: u64 = 50;

/// Whether this tab sends the loaded run's batches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drive {
    Idle,
    /// Asking for the run's lock; nothing is sent yet.
    Claiming,
    Here,
    /// Another tab holds the lock: this one shows the run and sends nothing.
    Elsewhere,
}

/// What the last "sign in again" found.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum SignIn {
    Checking,
    StillOut,
    /// Signed in as (now) another admin than the run's (owner): names.
    OtherAdmin(String, String),
    Failed(String),
}

/// Who started the loaded run and when, and where it is saved.
#[derive(Clone)]
struct Starter {
    key: LedgerKey,
    started_by: Admin,
    started_at: String,
}

#[derive(Clone, Copy)]
pub struct Run {
    pub ledger: RwSignal<Option<Ledger>>,
    pub workers: RwSignal<usize>,
    pub paused: RwSignal<bool>,
    pub offline: RwSignal<bool>,
    /// A request met a 401: every worker stopped until the admin signs in again.
    pub expired: RwSignal<bool>,
    pub drive: RwSignal<Drive>,
    pub(super) signin: RwSignal<Option<SignIn>>,
    /// `None` for a run started before the session loaded: it runs, but is not saved (no admin
    /// to save it for).
    owner: StoredValue<Option<Starter>>,
    /// The page's settings (backend identity, auth, login page), from `prepare`.
    config: StoredValue<Option<Config>>,
    /// The console's owner and language, from `prepare` (see `attach`).
    page: StoredValue<Option<(Owner, Lang)>, LocalStorage>,
    /// `attach` ran.
    attached: StoredValue<bool>,
    saved_at: StoredValue<f64>,
    /// How long the last save took (ms), to space the next ones.
    save_cost: StoredValue<f64>,
    /// A save is scheduled (`save_soon`); whether it is forced.
    save_queued: StoredValue<Option<bool>>,
    /// Workers whose request is on the wire, and the jobs waiting for all of them to be
    /// (`when_all_out`): a number for each, and the job.
    out: StoredValue<usize>,
    quiet_jobs: StoredValue<(u64, VecDeque<(u64, QuietJob)>), LocalStorage>,
    /// A spaced save waits for that moment (`save_when_all_out`).
    save_waits: StoredValue<bool>,
    /// A run was started and the page has not been told yet (`start`, `show`).
    unshown: StoredValue<bool>,
    /// The browser refused the last save of the ledger.
    unsaved: RwSignal<bool>,
    /// Batches in flight at once (host setting `in-flight`, default 4).
    in_flight: usize,
}

thread_local! {
    /// The lock this tab holds for the run it drives, and where that run is saved. Outside
    /// `Run` because `forget` is called without the context (from `Ctx::start_over`).
    static DRIVING: RefCell<Option<Driving>> = const { RefCell::new(None) };
}

struct Driving {
    lock: String,
    storage_key: Option<String>,
    /// Released when dropped.
    _claim: Claim,
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
            drive: RwSignal::new(Drive::Idle),
            signin: RwSignal::new(None),
            owner: StoredValue::new(None),
            config: StoredValue::new(None),
            page: StoredValue::new_local(None),
            attached: StoredValue::new(false),
            saved_at: StoredValue::new(0.0),
            save_cost: StoredValue::new(0.0),
            save_queued: StoredValue::new(None),
            out: StoredValue::new(0),
            quiet_jobs: StoredValue::new_local((0, VecDeque::new())),
            save_waits: StoredValue::new(false),
            unshown: StoredValue::new(false),
            unsaved: RwSignal::new(false),
            in_flight,
        }
    }

    /// The page's flags, tracked.
    fn flags(&self) -> RunFlags {
        RunFlags {
            paused: self.paused.get(),
            offline: self.offline.get(),
            expired: self.expired.get(),
            elsewhere: self.drive.get() == Drive::Elsewhere,
        }
    }

    /// The loaded ledger is this handover's (a worker's answer still belongs to it).
    fn is_current(&self, handover: &str) -> bool {
        self.read(|l| l.handover_id == handover).unwrap_or(false)
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

/// `demo`, or the backend's base URL: part of every saved run's key and lock.
fn backend_id(ctx: Ctx) -> String {
    ctx.run
        .config
        .with_value(|c| c.as_ref().map(|c| backend_identity(&c.mode)))
        .unwrap_or_else(|| {
            let demo = ctx.backend().is_demo();
            if demo { run_owner::DEMO_BACKEND } else { "" }.to_string()
        })
}

fn load(storage_key: &str) -> Option<SavedRun> {
    browser::local_get(storage_key).and_then(|j| crate::api::error::decode::<SavedRun>(&j).ok())
}

/// Every run saved in this browser, whoever and whatever backend it is for.
pub(super) fn saved_runs() -> Vec<(LedgerKey, SavedRun)> {
    browser::local_keys()
        .into_iter()
        .filter(|k| k.starts_with(LEDGER_PREFIX))
        .filter_map(|k| Some((LedgerKey::parse(&k)?, load(&k)?)))
        .collect()
}

/// The backend identity and admin of the page's session, once it loaded.
pub(super) fn who(ctx: Ctx) -> Option<(String, Admin)> {
    let admin = ctx.session.get().and_then(Result::ok)?.admin;
    Some((backend_id(ctx), admin))
}

/// Saves are spaced at least this far apart while batches come back (a forced save — pause,
/// an expired session, the page hidden or left, the end — is written at once).
const SAVE_EVERY_MS: f64 = 2_000.0;
/// … and further apart when a save itself takes long (a 20,000-item ledger is ~330 KB of
/// JSON, a few ms; more on a slow device): saving takes at most one part in this many of the
/// run's time.
const SAVE_SHARE: f64 = 50.0;

/// Writes the ledger to local storage, spaced (`SAVE_EVERY_MS`, `SAVE_SHARE`) while the run
/// goes on, at once when it ends; only the tab that drives the run writes. A save that did not
/// happen only means a batch is re-sent with its seq after a crash, which the backend answers
/// from its record of that seq (idempotently): no item is sent twice as new work. A reload or a
/// closed or hidden tab saves first (`listen`).
fn save(ctx: Ctx) {
    if ctx.run.read(Ledger::is_finished).unwrap_or(false) {
        // At once: the page offers saved runs that are not finished, and reads them as soon
        // as this one ends.
        save_at(ctx, true);
    } else if due(ctx.run, js_sys::Date::now()) {
        save_when_all_out(ctx);
    }
}

/// A spaced save waits for the moment every worker has a request on the wire (`when_all_out`).
fn save_when_all_out(ctx: Ctx) {
    let run = ctx.run;
    if run.save_waits.get_value() {
        return;
    }
    run.save_waits.set_value(true);
    when_all_out(run, move || {
        if run.save_waits.try_get_value() == Some(true) {
            run.save_waits.set_value(false);
            // Not if a forced save was written meanwhile (no longer due then).
            save_at(ctx, false);
        }
    });
}

type QuietJob = Box<dyn FnOnce()>;

/// How long a job waits for every worker to be out (`when_all_out`).
const QUIET_WAIT_MS: u64 = 1_000;

/// Runs `job` (a save, a big page's overlay of the answers) in a task of its own, right after
/// the moment every worker of this tab's run has a request on the wire: the next answer is a
/// round trip away then, and tens of ms of work fit in that wait instead of holding up the
/// answers. One job per such moment; at once when nothing is sent; after `QUIET_WAIT_MS` if
/// that moment does not come (a worker waits out a retry).
pub fn when_all_out(run: Run, job: impl FnOnce() + 'static) {
    if run.workers.get_untracked() == 0 {
        set_timeout(job, std::time::Duration::ZERO);
        return;
    }
    let Some(n) = run.quiet_jobs.try_update_value(|(next, jobs)| {
        *next += 1;
        jobs.push_back((*next, Box::new(job)));
        *next
    }) else {
        return;
    };
    set_timeout(
        move || {
            let job = run.quiet_jobs.try_update_value(|(_, jobs)| {
                let at = jobs.iter().position(|(k, _)| *k == n)?;
                jobs.remove(at).map(|(_, job)| job)
            });
            if let Some(Some(job)) = job {
                job();
            }
        },
        std::time::Duration::from_millis(QUIET_WAIT_MS),
    );
}

/// A worker's request leaves (`true`) or its answer is back. When the last one leaves, the
/// first job waiting for that moment runs after this task (which sends the request).
fn on_the_wire(run: Run, out: bool) {
    run.out
        .update_value(|n| *n = if out { *n + 1 } else { n.saturating_sub(1) });
    if out && run.out.get_value() >= run.workers.get_untracked() {
        let job = run
            .quiet_jobs
            .try_update_value(|(_, jobs)| jobs.pop_front().map(|(_, job)| job))
            .flatten();
        if let Some(job) = job {
            set_timeout(job, std::time::Duration::ZERO);
        }
    }
}

/// A spaced save may be written now: the last one is old enough, or the run just ended.
fn due(run: Run, now: f64) -> bool {
    let spacing = SAVE_EVERY_MS.max(SAVE_SHARE * run.save_cost.get_value());
    now - run.saved_at.get_value() >= spacing || run.read(Ledger::is_finished).unwrap_or(true)
}

/// Saves once the current task is over, i.e. after the worker that asked sent its next
/// request: the ledger is written while batches are on the wire rather than before they
/// leave. `force`: whatever the spacing.
fn save_soon(ctx: Ctx, force: bool) {
    let run = ctx.run;
    let queued = run.save_queued.get_value();
    run.save_queued
        .set_value(Some(force || queued.unwrap_or(false)));
    if queued.is_some() {
        return;
    }
    set_timeout(
        move || {
            // The app may be gone by now (`suspend` saved it then).
            let Some(Some(force)) = run.save_queued.try_get_value() else {
                return;
            };
            run.save_queued.set_value(None);
            save_at(ctx, force);
        },
        std::time::Duration::ZERO,
    );
}

fn save_at(ctx: Ctx, force: bool) {
    let run = ctx.run;
    if run.drive.get_untracked() != Drive::Here {
        return;
    }
    let now = js_sys::Date::now();
    if !force && !due(run, now) {
        return;
    }
    run.saved_at.set_value(now);
    browser::mark("run-save");
    let Some(owner) = run.owner.get_value() else {
        return;
    };
    let key = owner.key.storage_key();
    // Serialised from the signal's value in place: the ledger is not copied first.
    let json = ctx.created.with_untracked(|h| {
        run.ledger.with_untracked(|l| {
            let (h, l) = (h.as_ref()?, l.as_ref()?);
            if h.id != l.handover_id {
                return None;
            }
            serde_json::to_string(&SavedRunRef {
                handover: h,
                ledger: l,
                started_by: &owner.started_by,
                started_at: &owner.started_at,
            })
            .ok()
        })
    });
    let Some(json) = json else {
        return;
    };
    let kept = browser::local_keep(&key, &json);
    if run.unsaved.get_untracked() == kept {
        run.unsaved.set(!kept);
    }
    run.save_cost.set_value(js_sys::Date::now() - now);
    browser::measure("run:save", "run-save");
    let note = DrivingNote {
        key,
        paused: run.paused.get_untracked(),
    };
    if let Ok(json) = serde_json::to_string(&note) {
        browser::session_set(NOTE_KEY, &json);
    }
}

/// Forgets the run this tab drives (its saved ledger and its lock): the admin started over.
/// A run another tab drives is that tab's: nothing of it is removed.
pub fn forget() {
    if let Some(d) = DRIVING.take() {
        if let Some(key) = d.storage_key {
            browser::local_remove(&key);
        }
    }
    browser::session_remove(NOTE_KEY);
}

/// At start-up, in the first module: the page's settings, the console's owner and language for
/// what the run does later. Nothing of the run's own code runs here: a fresh page loads none
/// of it (`ui::later`), and `restore` comes only when `anything_saved`.
pub fn prepare(ctx: Ctx, lang: Lang, config: &Config) {
    let run = ctx.run;
    run.config.set_value(Some(config.clone()));
    run.page
        .set_value(Owner::current().map(|owner| (owner, lang)));
    if let (Some(n), Backend::Demo(d)) = (config.demo_expire_after, ctx.backend()) {
        d.expire_after(n);
    }
}

/// Whether a run left anything in this browser: a saved ledger (to offer, or to name whose it
/// is), the old single-key format, or the note of the run this tab drove before a reload. Keys
/// only, nothing decoded: the first screen decides by it whether the run's code comes at once.
pub fn anything_saved() -> bool {
    browser::session_get(NOTE_KEY).is_some()
        || browser::local_get(LEGACY_KEY).is_some()
        || browser::local_keys().iter().any(|k| is_saved_run_key(k))
}

/// `key` (an app key) is a saved run's.
pub fn is_saved_run_key(key: &str) -> bool {
    key.starts_with(LEDGER_PREFIX)
}

/// At start-up, when `anything_saved`: never sends anything by itself. Moves a ledger of the old
/// single-key format to its per-admin key (to be offered), and once the session says who the
/// admin is, goes on with the run this very tab drove before a reload. Every other saved run
/// waits for the admin's word (`ui::resume`).
pub fn restore(ctx: Ctx) {
    let run = ctx.run;
    let backend = backend_id(ctx);
    migrate_legacy(&backend);
    attach(ctx);
    let done = StoredValue::new(false);
    Effect::new(move |_| {
        let Some(Ok(session)) = ctx.session.get() else {
            return;
        };
        if done.get_value() {
            return;
        }
        done.set_value(true);
        let note = browser::session_get(NOTE_KEY)
            .and_then(|j| serde_json::from_str::<DrivingNote>(&j).ok());
        browser::session_remove(NOTE_KEY);
        let reload = note.and_then(|n| Some((n.resumes(&backend, &session.admin.id)?, n.paused)));
        if let Some((key, paused)) = &reload {
            if run.ledger.with_untracked(Option::is_none) {
                resume_saved(ctx, key, *paused);
            }
        }
        // The reloaded run stays even when finished: its panel shows how it ended.
        sweep(&backend, &session.admin.id, reload.map(|(k, _)| k));
    });
}

/// Once per console, before a run is loaded or started: what a run needs from the page
/// (`listen`), and Start over stopping the drive. Under the console's owner, so that it lasts
/// as long as the console whichever view brought the run.
fn attach(ctx: Ctx) {
    let run = ctx.run;
    if run.attached.get_value() {
        return;
    }
    run.attached.set_value(true);
    let Some((owner, lang)) = run.page.get_value() else {
        return;
    };
    owner.with(|| {
        listen(ctx, lang);
        // Start over empties the ledger: nothing is driven any more.
        Effect::new(move |_| {
            if run.ledger.with(Option::is_none) {
                run.drive.set(Drive::Idle);
            }
        });
    });
}

/// The old format named neither backend nor admin; see `LegacyRun::migrate`.
fn migrate_legacy(backend: &str) {
    let Some(json) = browser::local_get(LEGACY_KEY) else {
        return;
    };
    if let Ok(legacy) = crate::api::error::decode::<LegacyRun>(&json) {
        let (key, saved) = legacy.migrate(backend);
        let key = key.storage_key();
        if browser::local_get(&key).is_none() {
            if let Ok(json) = serde_json::to_string(&saved) {
                browser::local_set(&key, &json);
            }
        }
    }
    browser::local_remove(LEGACY_KEY);
}

/// Finished runs are not offered; their outcome is on the records page.
fn sweep(backend: &str, admin: &str, keep: Option<LedgerKey>) {
    for (key, saved) in saved_runs() {
        let finished = saved.ledger.is_finished();
        let discard = run_owner::offer(&key, finished, backend, admin) == Offer::Discard;
        if discard && Some(&key) != keep.as_ref() {
            browser::local_remove(&key.storage_key());
        }
    }
}

/// What the page tells a run: leaving, hiding, another tab's progress, the admin coming back.
fn listen(ctx: Ctx, lang: Lang) {
    let run = ctx.run;
    browser::ask_before_unload(move || {
        let flags = RunFlags {
            paused: run.paused.get_untracked(),
            offline: run.offline.get_untracked(),
            expired: run.expired.get_untracked(),
            elsewhere: run.drive.get_untracked() != Drive::Here,
        };
        run.read(|l| l.asks_before_leaving(flags))
            .unwrap_or(false)
            .then(|| lang.t().leave_while_sending)
    });
    // The last answers reach storage before the tab goes (a tab that takes over reads them).
    lifetime::on_window(leptos::ev::pagehide, move |_| save_at(ctx, true));
    // A hidden tab may be discarded without a `pagehide` (the event bubbles from the
    // document to the window).
    lifetime::on_window(leptos::ev::visibilitychange, move |_| {
        if !browser::page_visible() {
            save_at(ctx, true);
        }
    });
    // Another tab drives the run shown here: its saves bring its progress.
    lifetime::on_window(leptos::ev::storage, move |e| {
        if run.drive.get_untracked() != Drive::Elsewhere {
            return;
        }
        let ours = run
            .owner
            .with_value(|o| o.as_ref().map(|o| o.key.storage_key()));
        let key = e.key().and_then(|k| browser::app_key(&k));
        if key.is_none() || key != ours {
            return;
        }
        let Some(saved) = e
            .new_value()
            .and_then(|j| crate::api::error::decode::<SavedRun>(&j).ok())
        else {
            return;
        };
        if run.is_current(&saved.ledger.handover_id) {
            run.ledger.set(Some(saved.ledger));
        }
    });
    // Back from signing in in another tab: try the session quietly.
    lifetime::on_window(leptos::ev::focus, move |_| {
        if run.expired.get_untracked() && !ctx.backend().is_demo() {
            check_session(ctx, lang, true);
        }
    });
}

/// Loads a saved run into this tab and drives it (or shows it, if another tab drives it).
/// `paused`: loaded paused (a reload of a paused run). Returns false when it is gone.
pub(super) fn resume_saved(ctx: Ctx, key: &LedgerKey, paused: bool) -> bool {
    attach(ctx);
    let Some(saved) = load(&key.storage_key()) else {
        return false;
    };
    let run = ctx.run;
    let mut ledger = saved.ledger;
    ledger.resume();
    run.owner.set_value(Some(Starter {
        key: key.clone(),
        started_by: saved.started_by,
        started_at: saved.started_at,
    }));
    ctx.created.set(Some(saved.handover));
    run.ledger.set(Some(ledger));
    run.paused.set(paused);
    run.expired.set(false);
    run.signin.set(None);
    drive(ctx, true);
    true
}

/// Plans the batches and starts sending.
pub fn start(ctx: Ctx, assignments: Vec<Assignment>) {
    // A second press before the page showed the first (`show`).
    if ctx.run.unshown.get_value() {
        return;
    }
    let Some(h) = ctx.created.get_untracked() else {
        return;
    };
    // `run:complete` measures from here (the run benchmark reads it).
    browser::mark("run-start");
    attach(ctx);
    let run = ctx.run;
    let backend = backend_id(ctx);
    let owner = ctx
        .session
        .get_untracked()
        .and_then(Result::ok)
        .map(|s| Starter {
            key: LedgerKey::new(&backend, &s.admin.id, &h.id),
            started_by: s.admin,
            started_at: browser::now_iso(),
        });
    // A run of this handover kept in this browser (e.g. "Not now" on the resume offer) goes on
    // from its ledger: a fresh plan would reuse its batch numbers with other bodies.
    if let Some(o) = &owner {
        let kept = load(&o.key.storage_key()).is_some_and(|s| !s.ledger.is_finished());
        if kept && resume_saved(ctx, &o.key, false) {
            return;
        }
    }
    run.owner.set_value(owner);
    let ledger = Ledger::new(h.id, plan(assignments, per_batch(ctx)));
    // The page is told once the first requests are out (`show`): drawing the run first kept
    // the lock's answer, and with it every request, waiting ~18 ms (issue 12).
    run.ledger.update_untracked(|l| *l = Some(ledger));
    run.paused.update_untracked(|p| *p = false);
    run.expired.update_untracked(|e| *e = false);
    run.signin.update_untracked(|s| *s = None);
    run.unshown.set_value(true);
    drive(ctx, false);
}

/// Tells the page about a run `start` began (once its first requests are out, or
/// `SHOW_WITHIN_MS` after the click if the lock is slow to answer).
fn show(ctx: Ctx) {
    let run = ctx.run;
    if run.unshown.try_get_value() == Some(true) {
        run.unshown.set_value(false);
        ctx.created.notify();
        run.ledger.notify();
        run.paused.notify();
        run.expired.notify();
        run.signin.notify();
        run.drive.notify();
    }
}

/// Takes the run's lock, then sends; when another tab holds it, shows that tab's run instead
/// and takes over once that tab lets go. `reread`: the saved copy is fresher than the one in
/// memory (another tab may have moved the run on).
fn drive(ctx: Ctx, reread: bool) {
    let run = ctx.run;
    let Some(id) = run.read(|l| l.handover_id.clone()) else {
        return;
    };
    let lock = run_owner::lock_name(&backend_id(ctx), &id);
    let storage_key = run
        .owner
        .with_value(|o| o.as_ref().map(|o| o.key.storage_key()));
    // This tab already holds it (the run was restarted here).
    let held = DRIVING.with_borrow_mut(|d| match d {
        Some(d) if d.lock == lock => {
            d.storage_key = storage_key.clone();
            true
        }
        _ => false,
    });
    if held {
        run.drive.set(Drive::Here);
        save_soon(ctx, true);
        spawn_workers(ctx);
        show(ctx);
        return;
    }
    run.drive.update_untracked(|d| *d = Drive::Claiming);
    if run.unshown.get_value() {
        set_timeout(
            move || show(ctx),
            std::time::Duration::from_millis(SHOW_WITHIN_MS),
        );
    } else {
        run.drive.notify();
    }
    let claiming = async move {
        let claimed = browser::claim(&lock).await;
        if !run.is_current(&id) {
            return;
        }
        match claimed {
            Claimed::Here(claim) => take_over(ctx, claim, lock, reread),
            Claimed::Elsewhere => {
                run.drive.set(Drive::Elsewhere);
                show(ctx);
                watch(ctx, lock, id).await;
            }
        }
    };
    // The lock is asked for now, not once the spawned task first runs (after the page has
    // drawn the run): its answer is a round trip through the browser, which then overlaps
    // the drawing. The task, polled again by the executor, waits for it.
    if let Some(rest) = lifetime::start_now(claiming) {
        ctx.spawn(rest);
    }
}

fn take_over(ctx: Ctx, claim: Claim, lock: String, reread: bool) {
    let run = ctx.run;
    let storage_key = run
        .owner
        .with_value(|o| o.as_ref().map(|o| o.key.storage_key()));
    // Holding another run's lock (a finished one) lets it go now.
    DRIVING.set(Some(Driving {
        lock,
        storage_key: storage_key.clone(),
        _claim: claim,
    }));
    if reread {
        if let Some(key) = &storage_key {
            match load(key) {
                Some(saved) if run.is_current(&saved.ledger.handover_id) => {
                    let mut ledger = saved.ledger;
                    ledger.resume();
                    run.ledger.set(Some(ledger));
                }
                // The tab that drove it forgot it (started over): the admin decides.
                _ => run.paused.set(true),
            }
        }
    }
    // The first requests leave before the page reacts to the change (the workers' tasks are
    // queued ahead of the effects the notification queues).
    run.drive.update_untracked(|d| *d = Drive::Here);
    spawn_workers(ctx);
    run.drive.notify();
    show(ctx);
    save_soon(ctx, true);
}

/// Shows another tab's run (its saves arrive as storage events) and tries its lock now and
/// then: a closed or crashed tab frees it.
async fn watch(ctx: Ctx, lock: String, id: String) {
    let run = ctx.run;
    let watching = move || run.drive.get_untracked() == Drive::Elsewhere && run.is_current(&id);
    loop {
        sleep(TAKEOVER_POLL_MS).await;
        if !watching() {
            return;
        }
        if let Claimed::Here(claim) = browser::claim(&lock).await {
            if watching() {
                take_over(ctx, claim, lock, true);
            }
            return;
        }
    }
}

pub fn spawn_workers(ctx: Ctx) {
    let run = ctx.run;
    if stopped(run) {
        return;
    }
    let want = run.in_flight.saturating_sub(run.workers.get_untracked());
    for _ in 0..want {
        run.workers.update(|n| *n += 1);
        ctx.spawn(worker(ctx));
    }
}

/// The admin's "resume": after a pause (batches keep their seq), or, in a tab that lost the
/// run's lock, asking for it again.
fn resume(ctx: Ctx) {
    let run = ctx.run;
    run.paused.set(false);
    run.expired.set(false);
    run.signin.set(None);
    if run.drive.get_untracked() == Drive::Here {
        save_soon(ctx, true);
        spawn_workers(ctx);
    } else if run.drive.get_untracked() != Drive::Claiming {
        drive(ctx, true);
    }
}

/// A host page that gives the app a token may hold a new one by now: later requests carry it.
/// The host's `setToken` first (it turns cookie auth into a bearer token too); else, with a
/// bearer token configured, a `<meta>` token the host page updated.
fn renew_token(ctx: Ctx, backend: &Backend) {
    if let Some(config) = ctx.run.config.get_value() {
        super::state::renew_client(&config, backend);
    }
}

/// The host handed over a new token: a run the expired session stopped checks the session
/// again (and resumes), and a session that failed to load loads again.
pub fn token_renewed(ctx: Ctx, lang: Lang) {
    let expired = ctx.run.expired.get_untracked();
    // `check_session` swaps the client itself.
    if !expired {
        renew_token(ctx, &ctx.backend());
    }
    ctx.renewed.update(|n| *n = n.wrapping_add(1));
    if expired {
        later::with_run(ctx, Task::CheckSession(lang));
    } else if ctx.session.get_untracked().is_some_and(|s| s.is_err()) {
        ctx.session.refetch();
    }
}

/// What the first module asks of a run, through `later::with_run` (the run's code is in the
/// later module, and a run exists only once that module is in).
#[derive(Clone, Copy)]
pub enum Task {
    /// The page is online again: the workers go on.
    Workers,
    /// The app is being unmounted (`suspend`).
    Suspend,
    /// The host handed over a new token after the session expired.
    CheckSession(Lang),
}

pub fn perform(ctx: Ctx, task: Task) {
    match task {
        Task::Workers => spawn_workers(ctx),
        Task::Suspend => suspend(ctx),
        Task::CheckSession(lang) => check_session(ctx, lang, false),
    }
}

/// The app is being unmounted: the ledger is saved and the run's lock released, so the next
/// mount (in this tab or another) goes on from the ledger. Nothing is forgotten.
fn suspend(ctx: Ctx) {
    save_at(ctx, true);
    DRIVING.take();
}

/// After a 401: is the session back, and is it the admin who started the run? Then the run
/// resumes where it was; otherwise the prompt says why not. `quiet` (the tab regained focus)
/// says nothing when the admin is still signed out.
fn check_session(ctx: Ctx, lang: Lang, quiet: bool) {
    let run = ctx.run;
    let backend = ctx.backend();
    renew_token(ctx, &backend);
    if !quiet {
        run.signin.set(Some(SignIn::Checking));
    }
    ctx.spawn(async move {
        let answer = backend.session().await;
        if !run.expired.get_untracked() {
            return;
        }
        match answer {
            Ok(session) => {
                ctx.session.refetch();
                let backend = backend_id(ctx);
                let other = run.owner.with_value(|o| {
                    o.as_ref()
                        .filter(|o| !o.key.may_drive(&backend, &session.admin.id))
                        .map(|o| o.started_by.name.clone())
                });
                match other {
                    Some(owner) => run
                        .signin
                        .set(Some(SignIn::OtherAdmin(session.admin.name, owner))),
                    None => resume(ctx),
                }
            }
            Err(_) if quiet => {}
            Err(e) if e.status() == Some(401) => run.signin.set(Some(SignIn::StillOut)),
            Err(e) => run
                .signin
                .set(Some(SignIn::Failed(error_text(lang.t(), &e)))),
        }
    });
}

fn stopped(run: Run) -> bool {
    run.paused.get_untracked()
        || run.offline.get_untracked()
        || run.expired.get_untracked()
        || run.drive.get_untracked() != Drive::Here
}

/// Why a worker sends the same batch again.
#[derive(Clone, Copy)]
enum Again {
    /// A transient failure: one more attempt.
    Retry,
    /// The answer left items without an outcome.
    Reask,
}

async fn worker(ctx: Ctx) {
    let run = ctx.run;
    let policy = RetryPolicy::default();
    // The run this worker sends; if the admin starts over or loads another run meanwhile, its
    // late answers are not that run's and the worker stops.
    let id = run.read(|l| l.handover_id.clone()).unwrap_or_default();
    // One of the run's `in_flight` places at the server. The server is done with a batch once
    // its answer's head is in: on a success the worker gives its place to the next batch then
    // and records the body meanwhile, so reading and recording an answer does not hold up the
    // next request (issue 12: the run at the network's floor).
    let mut holds_place = true;
    'batches: while holds_place && !stopped(run) && run.is_current(&id) {
        let Some(spec) = run.edit_with(Ledger::take_next).flatten() else {
            break;
        };
        save(ctx);
        let request = spec.to_request();
        loop {
            let backend = ctx.backend();
            let handed = Cell::new(false);
            let give_place = |status: u16| {
                if (200..300).contains(&status) && !handed.replace(true) {
                    on_the_wire(run, false);
                    run.workers.update(|n| *n = n.saturating_sub(1));
                    spawn_workers(ctx);
                }
            };
            let sent = backend.submit_batch(&id, &request, Some(&give_place));
            on_the_wire(run, true);
            let answer = sent.await;
            if handed.get() {
                holds_place = false;
            } else {
                on_the_wire(run, false);
            }
            if !run.is_current(&id) {
                break 'batches;
            }
            let (again, wait_ms) = match answer {
                Ok(answer) => match run.edit_with(|l| l.record(spec.seq, answer)) {
                    Some(Recorded::AskAgain { reask, .. }) => {
                        (Again::Reask, policy.reask_delay_ms(reask))
                    }
                    _ => {
                        if run.read(Ledger::is_finished).unwrap_or(false) {
                            // Every answer is in (the run benchmark reads this measure); the
                            // save that follows is this page's own record of it.
                            browser::measure("run:complete", "run-start");
                        }
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
                            save_at(ctx, true);
                            break 'batches;
                        }
                        Decision::Hold => {
                            run.edit(|l| l.wait(spec.seq, e));
                            save(ctx);
                            break;
                        }
                    }
                }
            };
            sleep(u32::try_from(wait_ms).unwrap_or(u32::MAX)).await;
            if !run.is_current(&id) {
                break 'batches;
            }
            if stopped(run) {
                run.edit(|l| l.release(spec.seq));
                save_at(ctx, true);
                break 'batches;
            }
            if !holds_place {
                // Its place went to the next batch: this one goes out again first in line, with
                // the next free place.
                run.edit(|l| match again {
                    Again::Retry => l.release(spec.seq),
                    Again::Reask => l.requeue(spec.seq),
                });
                spawn_workers(ctx);
                break 'batches;
            }
            if let Again::Retry = again {
                run.edit(|l| {
                    l.attempt(spec.seq);
                });
            }
        }
    }
    if holds_place {
        run.workers.update(|n| *n = n.saturating_sub(1));
    }
}

#[component]
pub fn RunPanel() -> impl IntoView {
    let lang = use_lang();
    let ctx = use_ctx();
    let config = expect_context::<Config>();
    let login_url = config.login_url.clone();
    let demo = config.is_demo();
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
    let sentence = move |status: RunStatus| {
        let m = lang.t();
        match status {
            RunStatus::Elsewhere => Some(m.run_elsewhere.to_string()),
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
    // What the live region says: the same sentence, paced (`Announcer`).
    let announcer = StoredValue::new(Announcer::default());
    let announced = Memo::new(move |said: Option<&Option<RunStatus>>| {
        let heard = status.get()?;
        let now = js_sys::Date::now();
        announcer
            .try_update_value(|a| a.hear(heard, now))
            .flatten()
            .or_else(|| said.copied().flatten())
    });
    // Listed again only when the rejections changed, not at every answer.
    let rejections_mark =
        Memo::new(move |_| run.ledger.with(|l| l.as_ref().map(Ledger::rejections_mark)));
    let rejections = Memo::new(move |_| {
        // Read, not only tracked: a memo that never ran follows nothing.
        rejections_mark.get();
        run.ledger
            .with_untracked(|l| l.as_ref().map(Ledger::rejections).unwrap_or_default())
    });
    let held = Memo::new(move |_| {
        run.ledger
            .with(|l| l.as_ref().map(Ledger::held).unwrap_or_default())
    });
    let halted = move || run.paused.get() || run.expired.get();
    // Another tab drives the run: this one offers no control over it.
    let here = move || run.drive.get() != Drive::Elsewhere;
    let signin_text = move || {
        let m = lang.t();
        run.signin.get().map(|s| match s {
            SignIn::Checking => m.signin_checking.to_string(),
            SignIn::StillOut => m.signin_still_out.to_string(),
            SignIn::OtherAdmin(now, owner) => (m.signin_other_admin)(&now, &owner),
            SignIn::Failed(why) => why,
        })
    };
    let any_retryable = move || rejections.with(|r| r.iter().any(|r| is_retryable(r.code)));
    // Several successors (issue 13): each one's progress.
    let parts = Memo::new(move |_| {
        run.ledger
            .with(|l| l.as_ref().map(Ledger::by_successor).unwrap_or_default())
    });
    let successor_name = move |id: &str| {
        ctx.created
            .with(|h| {
                h.as_ref()
                    .and_then(|h| h.successors.iter().find(|s| s.id == id))
                    .map(|s| s.name.clone())
            })
            .unwrap_or_else(|| id.to_string())
    };

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
            <Show when=move || parts.with(|p| p.len() > 1)>
                <table class="hoc-table hoc-run-successors">
                    <caption>{move || lang.t().run_by_successor}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{move || lang.t().step_successor}</th>
                            <th scope="col">{move || lang.t().accepted}</th>
                            <th scope="col">{move || lang.t().rejected}</th>
                            <th scope="col">{move || lang.t().remaining}</th>
                            <th scope="col">{move || lang.t().run_title}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || parts.get().into_iter().map(|t| {
                            let name = successor_name(&t.successor);
                            let done = t.accepted + t.rejected;
                            view! {
                                <tr data-successor=t.successor.clone()>
                                    <th scope="row">{name.clone()}</th>
                                    <td data-count="accepted">{t.accepted}</td>
                                    <td data-count="rejected">{t.rejected}</td>
                                    <td data-count="remaining">{t.remaining}</td>
                                    <td><progress aria-label=name max=t.total.max(1) value=done></progress></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
            <p
                class="hoc-status"
                class:hoc-result=finished
                class:hoc-warning=move || run.expired.get() || !here()
            >
                {move || status.get().and_then(sentence)}
            </p>
            <p class="hoc-visually-hidden" role="status" aria-live="polite">
                {move || announced.get().and_then(sentence)}
            </p>
            <Show when=move || run.unsaved.get() && !finished()>
                <p role="alert" class="hoc-warning">{move || lang.t().run_not_saved}</p>
            </Show>
            <div class="hoc-bulk">
                <Show when=move || here() && !finished() && !halted()>
                    <button type="button" class="hoc-button" on:click=move |_| {
                        run.paused.set(true);
                        // A reload keeps it paused.
                        save_at(ctx, true);
                    }>
                        {move || lang.t().pause}
                    </button>
                </Show>
                <Show when=move || here() && !finished() && halted()>
                    <button
                        type="button"
                        class="hoc-button hoc-button-primary"
                        on:click=move |_| {
                            if run.expired.get_untracked() {
                                check_session(ctx, lang, false);
                            } else {
                                resume(ctx);
                            }
                        }
                    >
                        {move || lang.t().resume}
                    </button>
                </Show>
            </div>
            // The way back after a 401: the host's sign-in page in a new tab (this tab keeps the
            // ledger and its workers), or the demo's simulated sign-in; then Resume checks the
            // session (re-reading a host-given token) and goes on.
            <Show when=move || here() && !finished() && run.expired.get()>
                <div class="hoc-bulk hoc-signin">
                    {login_url.clone().map(|url| view! {
                        <a class="hoc-button" href=url target="_blank" rel="noopener">
                            {move || lang.t().sign_in}
                        </a>
                    })}
                    {demo.then(|| view! {
                        <button
                            type="button"
                            class="hoc-button"
                            on:click=move |_| {
                                if let Backend::Demo(d) = ctx.backend() {
                                    d.sign_in_again();
                                }
                                check_session(ctx, lang, false);
                            }
                        >
                            {move || lang.t().demo_sign_in}
                        </button>
                    })}
                    <span class="hoc-help" role="status">{signin_text}</span>
                </div>
            </Show>
            <Show when=move || here() && held.with(|h| !h.is_empty())>
                <div role="alert" class="hoc-warning">
                    <h4>{move || lang.t().waiting_batches}</h4>
                    <ul>
                        {move || held.get().into_iter().map(|h| {
                            let seq = h.seq;
                            let why = move || match &h.why {
                                HeldWhy::Failed(e) => error_text(lang.t(), e),
                                HeldWhy::FailedWorded(why) => why.clone(),
                                HeldWhy::Unconfirmed(n) => (lang.t().unconfirmed_batch)(*n),
                            };
                            view! { <li>{move || (lang.t().batch_label)(seq)} ": " {why}</li> }
                        }).collect_view()}
                    </ul>
                    <button type="button" class="hoc-button" on:click=move |_| {
                        run.edit(Ledger::retry_waiting);
                        save(ctx);
                        spawn_workers(ctx);
                    }>{move || lang.t().retry_batches}</button>
                </div>
            </Show>
            <Show when=move || rejections.with(|r| !r.is_empty())>
                <h4>{move || lang.t().rejections}</h4>
                <p class="hoc-help">{move || lang.t().rejected_help}</p>
                <Show when=move || here() && finished() && any_retryable()>
                    <button type="button" class="hoc-button" on:click=move |_| {
                        let per_batch = per_batch(ctx);
                        run.edit(|l| { l.retry_rejected(is_retryable, per_batch); });
                        save(ctx);
                        spawn_workers(ctx);
                    }>{move || lang.t().retry_rejected}</button>
                </Show>
                // Keyed: a new rejection adds its row, the others stay.
                <ul class="hoc-rejections">
                    <For
                        each=move || rejections.get()
                        key=|r| (r.id.clone(), r.code)
                        children=move |r| view! {
                            <li><code>{r.id.clone()}</code> " " {move || code_text(lang.locale(), r.code)}</li>
                        }
                    />
                </ul>
            </Show>
        </section>
    }
}
