//! What the first screen never shows (steps 2–5, the run, the records and handover pages, the offer
//! of saved runs, the configuration's problems), downloaded when first needed. The app's build
//! (Trunk with the `split` feature, then `tools/build.mjs`) moves everything only `render` and
//! `run_task` reach into a second wasm module; other builds (the wasm tests) call them directly.
//! Issue 12: the first download carried all of it (460 KiB brotli); now 280.

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use super::config_panel::{self, ConfigPanel};
use super::first::{App, Seed};
use super::handover::HandoverPage;
use super::records::Records;
use super::resume::ResumeOffers;
use super::run::{self, Task};
use super::state::{use_ctx, Ctx};
use super::steps;
use super::use_lang;
use super::widgets::error::ErrorNotice;
use crate::api::types::Handover;
use crate::api::ApiError;
use crate::config::{Problem, Resolved};
use crate::domain::wizard::Step;
use crate::i18n;

/// One view that lives in the later module.
#[derive(Clone, Debug)]
pub enum Part {
    Step(Step),
    Created(Box<Handover>),
    Records {
        approvals: bool,
    },
    Handover(String),
    /// The offer of saved runs; `start_up`: the page just opened with something a run saved
    /// (`run::anything_saved`), so the run this tab drove before a reload goes on.
    Resume {
        start_up: bool,
    },
    /// What is wrong with the host page's configuration (instead of the console).
    ConfigProblems(Vec<Problem>),
    /// Demo mode: the browser does not keep the demo's data.
    DemoUnsaved,
}

type Rendered = Result<AnyView, SplitLoaderError>;

/// The split point: everything reachable only from here is downloaded on first use.
#[cfg(all(feature = "split", target_family = "wasm"))]
#[leptos::wasm_split::wasm_split(
    later,
    wasm_split_path = ::leptos::wasm_split,
    preload(preload),
    fallible
)]
fn render(part: Part) -> Rendered {
    Ok(view_of(part))
}

#[cfg(not(all(feature = "split", target_family = "wasm")))]
async fn render(part: Part) -> Rendered {
    Ok(view_of(part))
}

#[cfg(not(all(feature = "split", target_family = "wasm")))]
async fn preload() -> Result<(), SplitLoaderError> {
    Ok(())
}

fn view_of(part: Part) -> AnyView {
    match part {
        Part::Step(step) => steps::later_step(step),
        Part::Created(h) => view! { <steps::Created handover=*h /> }.into_any(),
        Part::Records { approvals } => view! { <Records approvals=approvals /> }.into_any(),
        Part::Handover(id) => view! { <HandoverPage id=id /> }.into_any(),
        Part::ConfigProblems(problems) => {
            // Untracked: the part is drawn inside `Later`'s reactive view, which must not
            // follow the language (the panel's own text does).
            config_panel::log(untrack(|| use_lang().locale()), &problems);
            view! { <ConfigPanel problems=problems /> }.into_any()
        }
        Part::DemoUnsaved => {
            let lang = use_lang();
            view! {
                <p role="alert" class="hoc-warning">{move || i18n::demo_unsaved(lang.locale())}</p>
            }
            .into_any()
        }
        Part::Resume { start_up } => {
            if start_up {
                run::restore(use_ctx());
            }
            view! { <ResumeOffers /> }.into_any()
        }
    }
}

/// The split point of the whole app: the first screen's module (`ui::first`) holds no Leptos,
/// and mounts the app through this once the admin leaves step 1 (or at once, for a visit that
/// does not open on a fresh step 1).
#[cfg(all(feature = "split", target_family = "wasm"))]
#[leptos::wasm_split::wasm_split(
    later,
    wasm_split_path = ::leptos::wasm_split,
    preload(preload_app),
    fallible
)]
pub(crate) fn app(
    into: web_sys::HtmlElement,
    host: web_sys::HtmlElement,
    resolved: Resolved,
    seed: Option<Seed>,
) -> Result<Box<dyn App>, SplitLoaderError> {
    Ok(mount_app(into, host, resolved, seed))
}

#[cfg(not(all(feature = "split", target_family = "wasm")))]
pub(crate) async fn app(
    into: web_sys::HtmlElement,
    host: web_sys::HtmlElement,
    resolved: Resolved,
    seed: Option<Seed>,
) -> Result<Box<dyn App>, SplitLoaderError> {
    Ok(mount_app(into, host, resolved, seed))
}

#[cfg(not(all(feature = "split", target_family = "wasm")))]
pub(crate) async fn preload_app() -> Result<(), SplitLoaderError> {
    Ok(())
}

fn mount_app(
    into: web_sys::HtmlElement,
    host: web_sys::HtmlElement,
    resolved: Resolved,
    seed: Option<Seed>,
) -> Box<dyn App> {
    // This code runs from the later module: its parts render at once.
    LOADED.set(true);
    Box::new(super::mount::mount(into, host, resolved, seed))
}

/// The second split point, in the same module: what the first module asks of a run.
#[cfg(all(feature = "split", target_family = "wasm"))]
#[leptos::wasm_split::wasm_split(
    later,
    wasm_split_path = ::leptos::wasm_split,
    preload(preload_run),
    fallible
)]
fn run_task(ctx: Ctx, task: Task) -> Result<(), SplitLoaderError> {
    run::perform(ctx, task);
    Ok(())
}

#[cfg(not(all(feature = "split", target_family = "wasm")))]
async fn run_task(ctx: Ctx, task: Task) -> Result<(), SplitLoaderError> {
    run::perform(ctx, task);
    Ok(())
}

#[cfg(not(all(feature = "split", target_family = "wasm")))]
async fn preload_run() -> Result<(), SplitLoaderError> {
    Ok(())
}

/// Performs `task` on the run, at once (unmounting saves the run before the app goes). A run
/// exists only once the later module is in (its code starts and restores runs), so before that
/// there is nothing to do, and nothing is downloaded for it. Each split point has a loader of
/// its own: `fetch` readies this one's with `render`'s, so that it completes on its first poll.
pub fn with_run(ctx: Ctx, task: Task) {
    if !LOADED.get() && cfg!(all(feature = "split", target_family = "wasm")) {
        return;
    }
    if let Some(rest) = super::lifetime::start_now(run_task(ctx, task)) {
        leptos::task::spawn_local(async move {
            let _ = rest.await;
        });
    }
}

thread_local! {
    /// The later module is in: parts render at once, in the caller's reactive owner.
    static LOADED: Cell<bool> = const { Cell::new(false) };
}

/// Renders `part` now when its module is in: the split function's future then completes on
/// its first poll (the loader is already initialised), so no Suspense and no flash.
fn render_now(part: Part) -> Option<AnyView> {
    if !LOADED.get() {
        return None;
    }
    let mut fut = pin!(render(part));
    match fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(view)) => Some(view),
        _ => None,
    }
}

/// Downloads the later module (once: the loader shares one download among its callers and
/// retries after a failure); whether it is in.
async fn fetch() -> bool {
    // The second shares the first's download.
    let loaded = preload().await.is_ok() && preload_run().await.is_ok();
    if loaded {
        LOADED.set(true);
    }
    loaded
}

/// `part`, once the later module is in: a loading status meanwhile, and if the download
/// fails, the network error in the admin's language with Retry (nothing entered is lost: the
/// wizard's state lives outside this view). `quiet`: no loading status (for a part that is
/// an extra, not what the admin asked for).
#[component]
pub fn Later(part: Part, #[prop(optional)] quiet: bool) -> impl IntoView {
    if let Some(view) = render_now(part.clone()) {
        return view;
    }
    let lang = use_lang();
    let attempt = RwSignal::new(0u32);
    let load = LocalResource::new(move || {
        attempt.track();
        fetch()
    });
    let failed = Signal::derive(move || {
        (load.get() == Some(false))
            .then(|| ApiError::Network("the later module did not load".into()))
    });
    view! {
        {move || match load.get() {
            Some(true) => render_now(part.clone()),
            Some(false) => None,
            None if quiet => None,
            None => Some(view! { <p role="status" class="hoc-loading">{move || lang.t().loading}</p> }.into_any()),
        }}
        <ErrorNotice error=failed on_retry=move |_| attempt.update(|n| *n += 1) />
    }
    .into_any()
}
