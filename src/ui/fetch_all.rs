//! The one "fetch every page" loop of the app. The page bookkeeping (repeated ids, looping
//! cursors, the page bound) is `domain::paging::Pages`; this only awaits the pages.

use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;

use crate::api::types::Page;
use crate::api::ApiError;
use crate::domain::paging::{Admitted, Collected, Keyed, PageGuard, Progress};

/// Fetches every page of a list: `fetch(cursor)` asks for one page (`None` for the first),
/// `progress` hears after each page, `stop` is asked before each request and after each answer
/// (a newer load or the admin's cancel). `Ok(None)` when `stop` said stop; an error when a
/// request failed or the paging looped (`ApiError::PagingLoop`). Repeated ids are kept once and
/// counted in `Collected::repeats`.
pub async fn fetch_all<T, F, Fut>(
    fetch: F,
    progress: impl Fn(Progress),
    stop: impl Fn() -> bool,
) -> Result<Option<Collected<T>>, ApiError>
where
    T: Keyed,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, ApiError>>,
{
    let mut items = Vec::new();
    let done = fetch_each(
        fetch,
        |fresh, p, _| {
            items.extend(fresh);
            progress(p);
        },
        stop,
    )
    .await?;
    Ok(done.map(|p| Collected {
        items,
        total: p.total,
        repeats: p.repeats,
    }))
}

/// Like [`fetch_all`], but hands each page's new entries to `rows(fresh, progress, last)` as it
/// arrives instead of keeping them (a long list shows its first rows while the rest load).
/// The entries of a page that makes the paging loop are not handed over: the listing fails.
/// `Ok(Some(progress))` once the last page was handed over.
pub async fn fetch_each<T, F, Fut>(
    mut fetch: F,
    mut rows: impl FnMut(Vec<T>, Progress, bool),
    stop: impl Fn() -> bool,
) -> Result<Option<Progress>, ApiError>
where
    T: Keyed,
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, ApiError>>,
{
    let mut guard = PageGuard::default();
    if stop() {
        return Ok(None);
    }
    let mut page = fetch(None).await?;
    loop {
        if stop() {
            return Ok(None);
        }
        let Admitted { fresh, next } = guard.admit(page);
        let Some(cursor) = next? else {
            rows(fresh, guard.progress(), true);
            return Ok(Some(guard.progress()));
        };
        // The next request goes out before this page's rows are handed over: taking them in
        // (and what the page does with them) overlaps the next round trip.
        let mut request = pin!(fetch(Some(cursor)));
        let early = poll_fn(|cx| Poll::Ready(request.as_mut().poll(cx))).await;
        rows(fresh, guard.progress(), false);
        if stop() {
            return Ok(None);
        }
        page = match early {
            Poll::Ready(answer) => answer?,
            Poll::Pending => request.await?,
        };
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
    fn hands_over_each_page_as_it_arrives() {
        let seen = RefCell::new(Vec::new());
        let done = run(fetch_each(
            backend(vec![
                (None, vec!["a", "b"], Some("p2")),
                (Some("p2"), vec!["b", "c"], Some("p3")),
                (Some("p3"), vec![], None),
            ]),
            |rows: Vec<Row>, p, last| {
                let ids: Vec<String> = rows.into_iter().map(|r| r.0).collect();
                seen.borrow_mut().push((ids, p.loaded, last));
            },
            || false,
        ));
        assert_eq!(done.unwrap().map(|p| (p.loaded, p.repeats)), Some((3, 1)));
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            *seen.borrow(),
            [
                (s(&["a", "b"]), 2, false),
                (s(&["c"]), 3, false),
                (s(&[]), 3, true)
            ]
        );
        // A looping page hands nothing over: the listing fails.
        let pages = Cell::new(0);
        let looped = run(fetch_each(
            backend(vec![
                (None, vec!["a"], Some("p2")),
                (Some("p2"), vec!["b"], Some("p2")),
            ]),
            |_: Vec<Row>, _, _| pages.set(pages.get() + 1),
            || false,
        ));
        assert!(matches!(looped, Err(ApiError::PagingLoop { entries: 2 })));
        assert_eq!(pages.get(), 1);
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
