//! The customers step's lists: every page of a departed member's customers and groups, loaded
//! as soon as the member is chosen (so the step opens ready) and handed to the wizard's draft,
//! which owns the choice.

use leptos::prelude::*;

use super::browser;
use super::fetch_all::fetch_all;
use super::state::Ctx;
use crate::api::types::PageQuery;
use crate::domain::paging::Progress;
use crate::domain::selection::Catalog;

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

/// Loads both lists of `departed` into the draft; a newer load (another member) makes this one
/// stop.
pub fn load(ctx: Ctx, departed: String) {
    let picks = ctx.picks;
    let generation = picks.generation.get_untracked().wrapping_add(1);
    picks.generation.set(generation);
    picks.member.set(Some(departed.clone()));
    picks.state.set(Load::Loading);
    picks.error.set(None);
    picks.cancel.set(false);
    picks.progress.set(Progress::default());
    picks.repeats.set(0);
    let b = ctx.backend();
    let stale = move || picks.generation.get_untracked() != generation;
    let stop = move || stale() || picks.cancel.get_untracked();
    ctx.spawn(async move {
        let page = |cursor| PageQuery {
            cursor,
            limit: None,
        };
        let customers = fetch_all(
            |cursor| {
                let (b, id) = (b.clone(), departed.clone());
                async move { b.customers(&id, &page(cursor)).await }
            },
            move |p| {
                if !stale() {
                    picks.progress.set(p);
                }
            },
            stop,
        )
        .await;
        let groups = match customers {
            Ok(Some(_)) => {
                fetch_all(
                    |cursor| {
                        let (b, id) = (b.clone(), departed.clone());
                        async move { b.groups(&id, &page(cursor)).await }
                    },
                    |_| {},
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
                picks.repeats.set(c.repeats + g.repeats);
                let (c, g) = (Catalog::new(c.items), Catalog::new(g.items));
                ctx.wizard.update(|w| {
                    w.attach_lists(&departed, c, g);
                });
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
