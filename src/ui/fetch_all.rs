//! The one "fetch every page" loop of the app. The page bookkeeping (repeated ids, looping
//! cursors, the page bound) is `domain::paging::Pages`; this only awaits the pages.

use std::future::Future;

use crate::api::types::Page;
use crate::api::ApiError;
use crate::domain::paging::{Collected, Keyed, Pages, Progress};

/// Fetches every page of a list: `fetch(cursor)` asks for one page (`None` for the first),
/// `progress` hears after each page, `stop` is asked before each request and after each answer
/// (a newer load or the admin's cancel). `Ok(None)` when `stop` said stop; an error when a
/// request failed or the paging looped (`ApiError::PagingLoop`). Repeated ids are kept once and
/// counted in `Collected::repeats`.
pub async fn fetch_all<T, F, Fut>(
    mut fetch: F,
    progress: impl Fn(Progress),
    stop: impl Fn() -> bool,
) -> Result<Option<Collected<T>>, ApiError>
where
    T: Keyed,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, ApiError>>,
{
    let mut pages = Pages::new();
    let mut cursor = None;
    loop {
        if stop() {
            return Ok(None);
        }
        let page = fetch(cursor.take()).await?;
        if stop() {
            return Ok(None);
        }
        let next = pages.take(page)?;
        progress(pages.progress());
        match next {
            Some(c) => cursor = Some(c),
            None => return Ok(Some(pages.finish())),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use std::cell::{Cell, RefCell};
    use std::future::ready;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use super::*;
    use crate::domain::paging::HasId;

    struct Row(String);

    impl HasId for Row {
        fn id(&self) -> &str {
            &self.0
        }
    }

    /// The fetches below answer at once, so one poll finishes them.
    fn run<F: Future>(f: F) -> F::Output {
        let mut f = pin!(f);
        match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("the test fetches never wait"),
        }
    }

    /// A backend of `pages`, each `(ids, next cursor)`, keyed by the cursor asked with.
    fn backend(
        pages: Vec<(
            Option<&'static str>,
            Vec<&'static str>,
            Option<&'static str>,
        )>,
    ) -> impl FnMut(Option<String>) -> std::future::Ready<Result<Page<Row>, ApiError>> {
        move |cursor| {
            let found = pages
                .iter()
                .find(|(c, _, _)| c.map(str::to_string) == cursor);
            ready(match found {
                Some((_, ids, next)) => Ok(Page {
                    items: ids.iter().map(|i| Row(i.to_string())).collect(),
                    next_cursor: next.map(str::to_string),
                    total: None,
                }),
                None => Err(ApiError::Network("no such page".into())),
            })
        }
    }

    #[test]
    fn fetches_every_page_reporting_progress() {
        let seen = RefCell::new(Vec::new());
        let all = run(fetch_all(
            backend(vec![
                (None, vec!["a", "b"], Some("p2")),
                (Some("p2"), vec!["b", "c"], None),
            ]),
            |p| seen.borrow_mut().push((p.loaded, p.repeats)),
            || false,
        ));
        let all = all.unwrap().unwrap();
        let ids: Vec<&str> = all.items.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(all.repeats, 1);
        assert_eq!(*seen.borrow(), [(2, 0), (3, 1)]);
    }

    #[test]
    fn stops_when_told_and_fails_on_a_loop_or_an_error() {
        let asked = Cell::new(0);
        let stopped = run(fetch_all(
            backend(vec![(None, vec!["a"], Some("p2"))]),
            |_| asked.set(asked.get() + 1),
            || asked.get() >= 1,
        ));
        assert!(matches!(stopped, Ok(None)));
        let looped = run(fetch_all(
            backend(vec![
                (None, vec!["a"], Some("p2")),
                (Some("p2"), vec!["b"], Some("p2")),
            ]),
            |_| {},
            || false,
        ));
        assert!(matches!(looped, Err(ApiError::PagingLoop { entries: 2 })));
        let failed = run(fetch_all(
            backend(vec![(None, vec!["a"], Some("gone"))]),
            |_| {},
            || false,
        ));
        assert!(matches!(failed, Err(ApiError::Network(_))));
    }
}
