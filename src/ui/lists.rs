//! The customers step's lists: every page of a departed member's customers and groups, loaded
//! as soon as the member is chosen (so the step opens ready), and the selections mirrored into
//! the wizard's draft.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::browser;
use super::state::Ctx;
use crate::api::types::{Page, PageQuery};
use crate::api::ApiError;
use crate::domain::selection::{Catalog, Selection};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Load {
    Idle,
    Loading,
    Done,
    Cancelled,
    Failed,
}

/// Fetches every page of a list, reporting progress; `Ok(None)` when `stop` said stop.
async fn all_pages<T, F, Fut>(
    mut fetch: F,
    progress: impl Fn(usize, Option<u64>),
    stop: impl Fn() -> bool,
) -> Result<Option<Vec<T>>, ApiError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, ApiError>>,
{
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        if stop() {
            return Ok(None);
        }
        let page = fetch(cursor.take()).await?;
        all.extend(page.items);
        progress(all.len(), page.total);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(Some(all)),
        }
    }
}

/// Loads both lists of `departed`; a newer load (another member) makes this one stop.
pub fn load(ctx: Ctx, departed: String) {
    let picks = ctx.picks;
    let generation = picks.generation.get_untracked().wrapping_add(1);
    picks.generation.set(generation);
    picks.member.set(Some(departed.clone()));
    picks.customers.set(None);
    picks.groups.set(None);
    picks.state.set(Load::Loading);
    picks.error.set(None);
    picks.cancel.set(false);
    picks.progress.set((0, None));
    let b = ctx.backend();
    let stale = move || picks.generation.get_untracked() != generation;
    let stop = move || stale() || picks.cancel.get_untracked();
    spawn_local(async move {
        let customers = all_pages(
            |cursor| {
                let (b, id) = (b.clone(), departed.clone());
                async move {
                    b.customers(
                        &id,
                        &PageQuery {
                            cursor,
                            limit: None,
                        },
                    )
                    .await
                }
            },
            move |n, total| {
                if !stale() {
                    picks.progress.set((n, total));
                }
            },
            stop,
        )
        .await;
        let groups = match customers {
            Ok(Some(_)) => {
                all_pages(
                    |cursor| {
                        let (b, id) = (b.clone(), departed.clone());
                        async move {
                            b.groups(
                                &id,
                                &PageQuery {
                                    cursor,
                                    limit: None,
                                },
                            )
                            .await
                        }
                    },
                    |_, _| {},
                    stop,
                )
                .await
            }
            _ => Ok(None),
        };
        if stale() {
            return;
        }
        match (customers, groups) {
            (Ok(Some(c)), Ok(Some(g))) => {
                let (cust, groups) = (Catalog::new(c), Catalog::new(g));
                let (saved_c, saved_g) = ctx
                    .wizard
                    .with_untracked(|w| (w.draft.customer_ids.clone(), w.draft.group_ids.clone()));
                picks.customer_sel.set(match &saved_c {
                    Some(ids) => Selection::from_ids(&cust, ids),
                    None => Selection::all_transferable(&cust),
                });
                picks.group_sel.set(match &saved_g {
                    Some(ids) => Selection::from_ids(&groups, ids),
                    None => Selection::all_transferable(&groups),
                });
                picks.customers.set(Some(Arc::new(cust)));
                picks.groups.set(Some(Arc::new(groups)));
                sync_draft(ctx);
                picks.state.set(Load::Done);
                request_animation_frame(|| browser::measure("customers:list-ready", "step-start"));
            }
            (Err(e), _) | (_, Err(e)) => {
                picks.error.set(Some(e));
                picks.state.set(Load::Failed);
            }
            _ => picks.state.set(Load::Cancelled),
        }
    });
}

/// Copies the selections into the wizard's draft (ids, important count).
pub fn sync_draft(ctx: Ctx) {
    let picks = ctx.picks;
    let (Some(cust), Some(groups)) = (
        picks.customers.get_untracked(),
        picks.groups.get_untracked(),
    ) else {
        return;
    };
    let customer_ids = picks.customer_sel.with_untracked(|s| s.ids(&cust));
    let important = picks
        .customer_sel
        .with_untracked(|s| s.important_count(&cust));
    let group_ids = picks.group_sel.with_untracked(|s| s.ids(&groups));
    ctx.wizard.update(|w| {
        w.draft.customer_ids = Some(customer_ids);
        w.draft.group_ids = Some(group_ids);
        w.draft.important_count = important;
    });
}
