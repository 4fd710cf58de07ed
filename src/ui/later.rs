//! What the first screen never shows (steps 2–5, the run, the records and handover pages),
//! downloaded when first needed. The app's build (Trunk with the `split` feature, then
//! `tools/build.mjs`) moves everything only `render` reaches into a second wasm module; other
//! builds (the wasm tests) call it directly. Issue 12: the first download carried all of it
//! (460 KiB brotli); now 314.

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;

use super::handover::HandoverPage;
use super::records::Records;
use super::steps;
use super::use_lang;
use super::widgets::error::ErrorNotice;
use crate::api::types::Handover;
use crate::api::ApiError;
use crate::domain::wizard::Step;

/// One view that lives in the later module.
#[derive(Clone, Debug)]
pub enum Part {
    Step(Step),
    Created(Box<Handover>),
    Records { approvals: bool },
    Handover(String),
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
    let loaded = preload().await.is_ok();
    if loaded {
        LOADED.set(true);
    }
    loaded
}

/// Starts downloading the later module without waiting for it (when the admin is about to
/// need it, e.g. a member was picked on step 1).
pub fn prefetch() {
    if !LOADED.get() {
        leptos::task::spawn_local(async {
            fetch().await;
        });
    }
}

/// `part`, once the later module is in: a loading status meanwhile, and if the download
/// fails, the network error in the admin's language with Retry (nothing entered is lost: the
/// wizard's state lives outside this view).
#[component]
pub fn Later(part: Part) -> impl IntoView {
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
            None => Some(view! { <p role="status" class="hoc-loading">{move || lang.t().loading}</p> }.into_any()),
        }}
        <ErrorNotice error=failed on_retry=move |_| attempt.update(|n| *n += 1) />
    }
    .into_any()
}
