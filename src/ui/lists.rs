//! The customers step's lists: every page of a departed member's customers and groups, loaded
//! as soon as the member is chosen (so the step opens ready) and handed to the wizard's draft,
//! which owns the choice, page by page as they arrive.

use leptos::prelude::*;

use std::cell::Cell;
use std::rc::Rc;

use super::fetch_all::fetch_each;
use super::state::Ctx;
use crate::api::types::{Page, PageQuery};
use crate::api::ApiError;
use crate::domain::paging::{Keyed, PageSizes, Progress};
use crate::domain::wizard::Listed;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Load {
    Idle,
    Loading,
    Done,
    Cancelled,
    Failed,
}

/// Starts loading the chosen member's lists unless they are loaded or already loading.
pub fn ensure_loaded(ctx: Ctx) {
    let Some(departed) = ctx
        .wizard
        .with_untracked(|w| w.lists_needed().map(str::to_string))
    else {
        return;
    };
    let picks = ctx.picks;
    let loading = picks.member.get_untracked().as_deref() == Some(departed.as_str())
        && picks.state.get_untracked() == Load::Loading;
    if !loading {
        load(ctx, departed);
    }
}

/// Loads both lists of `departed` into the draft, both at once and page by page: the rows
/// show as they arrive, and the lists count as loaded (choices open) once every page of both
/// has. A newer load (another member) makes this one stop.
pub fn load(ctx: Ctx, departed: String) {
    let picks = ctx.picks;
    let generation = picks.generation.get_untracked().wrapping_add(1);
    picks.generation.set(generation);
    picks.member.set(Some(departed.clone()));
    picks.state.set(Load::Loading);
    // From the member's choice (the whole app starts then, when the first screen showed step 1):
    // a User Timing measure for the wizard benchmark.
    super::browser::measure("lists:start", "member-chosen");
    picks.error.set(None);
    picks.cancel.set(false);
    picks.progress.set(Progress::default());
    picks.repeats.set(0);
    let b = ctx.backend();
    let stale = move || picks.generation.get_untracked() != generation;
    // Either listing failing stops the other.
    let stop = move || {
        stale() || picks.cancel.get_untracked() || picks.state.get_untracked() != Load::Loading
    };
    let pending = Rc::new(Cell::new(2u8));
    let finish = {
        let departed = departed.clone();
        move |result: Result<Option<Progress>, ApiError>| {
            if stale() || picks.state.get_untracked() != Load::Loading {
                return;
            }
            match result {
                Ok(Some(p)) => {
                    picks.repeats.update(|r| *r += p.repeats);
                    pending.set(pending.get().saturating_sub(1));
                    if pending.get() == 0 {
                        picks.state.set(Load::Done);
                    }
                }
                Ok(None) => {
                    ctx.wizard.update(|w| w.abandon_lists(&departed));
                    picks.state.set(Load::Cancelled);
                }
                Err(e) => {
                    ctx.wizard.update(|w| w.abandon_lists(&departed));
                    picks.error.set(Some(e));
                    picks.state.set(Load::Failed);
                }
            }
        }
    };
    let customers = {
        let (b, departed, finish) = (b.clone(), departed.clone(), finish.clone());
        async move {
            let get = move |id: String, q: PageQuery| {
                let b = b.clone();
                async move { b.customers(&id, &q).await }
            };
            // The customers' progress is the one the step shows.
            let result = each_page(
                ctx,
                departed,
                get,
                move |p| picks.progress.set(p),
                stale,
                stop,
            );
            finish(result.await);
        }
    };
    let groups = {
        let departed = departed.clone();
        async move {
            let get = move |id: String, q: PageQuery| {
                let b = b.clone();
                async move { b.groups(&id, &q).await }
            };
            finish(each_page(ctx, departed, get, |_| {}, stale, stop).await);
        }
    };
    ctx.spawn(customers);
    ctx.spawn(groups);
}

/// Every page of one of `departed`'s lists, handed to the draft as each arrives (unless a newer
/// load made this one stale).
async fn each_page<T, Fut>(
    ctx: Ctx,
    departed: String,
    get: impl Fn(String, PageQuery) -> Fut + Clone,
    progress: impl Fn(Progress),
    stale: impl Fn() -> bool,
    stop: impl Fn() -> bool,
) -> Result<Option<Progress>, ApiError>
where
    T: Keyed + Listed + Clone,
    Fut: std::future::Future<Output = Result<Page<T>, ApiError>>,
{
    let sizes = Cell::new(PageSizes::default());
    let mut first = true;
    fetch_each(
        |cursor| {
            let (get, id, sizes) = (get.clone(), departed.clone(), &sizes);
            async move { page_of(sizes, cursor, |q| get(id.clone(), q)).await }
        },
        |rows: Vec<T>, p: Progress, last| {
            if stale() {
                return;
            }
            progress(p);
            let first = std::mem::take(&mut first);
            ctx.wizard.update(|w| {
                w.receive(&departed, rows, p.total, first, last);
            });
        },
        stop,
    )
    .await
}

/// One page after `cursor` in the size [`PageSizes`] says; asked again without a limit when
/// the backend (older than contract 1.5) refuses the large one.
async fn page_of<T, Fut>(
    sizes: &Cell<PageSizes>,
    cursor: Option<String>,
    get: impl Fn(PageQuery) -> Fut,
) -> Result<Page<T>, ApiError>
where
    Fut: std::future::Future<Output = Result<Page<T>, ApiError>>,
{
    let mut s = sizes.get();
    let limit = s.limit(cursor.as_deref());
    let query = |limit| PageQuery {
        cursor: cursor.clone(),
        limit,
    };
    match get(query(limit)).await {
        Err(e) if s.refused(limit, &e) => {
            sizes.set(s);
            get(query(s.limit(cursor.as_deref()))).await
        }
        other => other,
    }
}
