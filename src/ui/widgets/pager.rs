//! A list loaded page by page ("load more"), where a newer load replaces an older one. Pages go
//! through `domain::paging::PageGuard`: an entry the backend sends twice shows once, and a
//! cursor that leads back ends "load more" with an error instead of repeating the list.

use std::future::Future;

use leptos::prelude::*;

use crate::api::types::Page;
use crate::api::ApiError;
use crate::domain::paging::{Admitted, HasId, PageGuard};
use crate::ui::lifetime::{self, Lifetime};

pub struct Pager<T: Send + Sync + 'static> {
    pub items: RwSignal<Vec<T>>,
    pub next: RwSignal<Option<String>>,
    pub total: RwSignal<Option<u64>>,
    pub loading: RwSignal<bool>,
    pub error: RwSignal<Option<ApiError>>,
    /// Entries the backend sent more than once in this listing (each is shown once).
    pub repeats: RwSignal<usize>,
    guard: StoredValue<PageGuard>,
    generation: RwSignal<u32>,
    /// Loads end with the mount.
    life: StoredValue<Lifetime, LocalStorage>,
}

impl<T: Send + Sync + 'static> Clone for Pager<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for Pager<T> {}

impl<T: HasId + Clone + Send + Sync + 'static> Pager<T> {
    pub fn new() -> Pager<T> {
        Pager {
            items: RwSignal::new(Vec::new()),
            next: RwSignal::new(None),
            total: RwSignal::new(None),
            loading: RwSignal::new(false),
            error: RwSignal::new(None),
            repeats: RwSignal::new(0),
            guard: StoredValue::new(PageGuard::default()),
            generation: RwSignal::new(0),
            life: StoredValue::new_local(lifetime::current()),
        }
    }

    /// Loads the first page (`more == false`) or the next one. Answers to superseded loads are
    /// dropped, and an error keeps what was loaded so far.
    pub fn load<Fut>(&self, more: bool, fetch: impl FnOnce(Option<String>) -> Fut + 'static)
    where
        Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
    {
        let this = *self;
        let Some(life) = self.life.try_get_value() else {
            return;
        };
        let cursor = if more {
            this.next.get_untracked()
        } else {
            None
        };
        if more && cursor.is_none() {
            return;
        }
        let generation = this.generation.get_untracked().wrapping_add(1);
        this.generation.set(generation);
        this.loading.set(true);
        this.error.set(None);
        life.spawn(async move {
            let result = fetch(cursor).await;
            // A newer load replaced this one, or the list's view is gone (Next was pressed
            // while a page was on its way): the answer has nowhere to go.
            if this.generation.try_get_untracked() != Some(generation) {
                return;
            }
            this.loading.set(false);
            match result {
                Ok(page) => {
                    if !more {
                        this.guard.set_value(PageGuard::default());
                    }
                    let total = page.total;
                    let Some(Admitted { fresh, next }) =
                        this.guard.try_update_value(|g| g.admit(page))
                    else {
                        return;
                    };
                    if more {
                        this.items.update(|v| v.extend(fresh));
                    } else {
                        this.items.set(fresh);
                    }
                    this.total.set(total);
                    this.repeats
                        .set(this.guard.with_value(|g| g.progress().repeats));
                    match next {
                        Ok(next) => this.next.set(next),
                        Err(e) => {
                            this.next.set(None);
                            this.error.set(Some(e));
                        }
                    }
                }
                Err(ApiError::Aborted) => {}
                Err(e) => this.error.set(Some(e)),
            }
        });
    }
}
