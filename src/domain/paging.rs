//! Collecting every page of a cursor-paged list, without trusting the backend's paging: a
//! repeated id is kept once (and counted, so the admin hears about it), and a cursor seen before
//! or more pages than the total allows ends the listing with an error instead of loading forever.
//! The async loop that asks for the pages is `ui::fetch_all`; the bookkeeping is here.

use std::collections::HashSet;

use crate::api::types::{
    Customer, DepartedMember, Group, Handover, HandoverEvent, HandoverHead, HandoverItem, Member,
    Page,
};
use crate::api::ApiError;

/// A row with a stable id: what tells a repeated entry from a new one.
pub trait HasId {
    fn id(&self) -> &str;
}

macro_rules! has_id {
    ($($t:ty),+) => {$(
        impl HasId for $t {
            fn id(&self) -> &str {
                &self.id
            }
        }
    )+};
}

/// What a listing tells repeats by: the id, or nothing for rows that have none (audit events:
/// two alike events are both evidence, so none is ever dropped as a repeat).
pub trait Keyed {
    fn key(&self) -> Option<&str>;
}

impl<T: HasId> Keyed for T {
    fn key(&self) -> Option<&str> {
        Some(self.id())
    }
}

impl Keyed for HandoverEvent {
    fn key(&self) -> Option<&str> {
        None
    }
}

has_id!(
    Customer,
    Group,
    DepartedMember,
    Member,
    Handover,
    HandoverHead,
    HandoverItem
);

/// The page sizes of a member's customers and groups, which the client loads whole: a small
/// first page, so the first rows show while the rest arrive, then pages of the largest size
/// the contract allows since 1.5 (fewer round trips: 20,000 customers in 3 instead of 20).
/// A backend older than 1.5 refuses the large size (422 on `limit`); from then on the listing
/// asks without a limit and gets the backend's default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageSizes {
    large: bool,
}

impl Default for PageSizes {
    fn default() -> Self {
        PageSizes { large: true }
    }
}

impl PageSizes {
    /// The first page: within every contract version's maximum (1,000).
    pub const FIRST: u32 = 500;
    /// Every later page: contract 1.5's maximum.
    pub const LARGE: u32 = 10_000;

    /// The `limit` to ask for the page after `cursor` (`None`: the first page).
    pub fn limit(&self, cursor: Option<&str>) -> Option<u32> {
        match cursor {
            None => Some(Self::FIRST),
            Some(_) if self.large => Some(Self::LARGE),
            Some(_) => None,
        }
    }

    /// Whether `e`, the answer to a request with `limit`, refuses that limit, so the request is
    /// worth repeating without one; remembered for the rest of the listing.
    pub fn refused(&mut self, limit: Option<u32>, e: &ApiError) -> bool {
        let refused = limit.is_some_and(|l| l > 1_000)
            && matches!(e, ApiError::Status { status: 422, problem, .. }
                if problem.errors.iter().any(|f| f.field == "limit"));
        if refused {
            self.large = false;
        }
        refused
    }
}

/// How far a listing got, for a progress bar.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Distinct entries so far.
    pub loaded: usize,
    /// What the backend said the total is, if it says.
    pub total: Option<u64>,
    /// Entries dropped as repeats so far.
    pub repeats: usize,
}

/// The words beside a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caption {
    /// Nothing arrived yet and no total: "Loading…".
    Starting,
    /// No total: "Loaded n".
    Loaded(usize),
    /// "Loaded n of total".
    LoadedOf(usize, usize),
}

impl Progress {
    /// `(value, max)` of a determinate progress bar, or `None` for an indeterminate one (a
    /// `<progress>` without value): without a total (or a total of 0) there is nothing to be
    /// "of".
    pub fn bar(&self) -> Option<(usize, usize)> {
        let total = usize::try_from(self.total?).ok().filter(|t| *t > 0)?;
        Some((self.loaded.min(total), total))
    }

    /// Agrees with `bar`: "of" only with a determinate bar.
    pub fn caption(&self) -> Caption {
        match self.bar() {
            Some((n, total)) => Caption::LoadedOf(n, total),
            None if self.loaded == 0 => Caption::Starting,
            None => Caption::Loaded(self.loaded),
        }
    }
}

/// Every page's entries, each id once.
#[derive(Clone, Debug, PartialEq)]
pub struct Collected<T> {
    pub items: Vec<T>,
    pub total: Option<u64>,
    /// Entries the backend sent more than once (the first one was kept).
    pub repeats: usize,
}

/// Ids a listing makes room for at its first page: WeCom's limit of customers per member.
const MAX_IDS_AHEAD: u64 = 50_000;

/// What a listing has seen so far, without the entries themselves: lets a "load more" list
/// (which keeps its rows in the view's state) and a whole-list fetch share the same defences.
#[derive(Debug, Default)]
pub struct PageGuard {
    /// `Box<str>`, not `String`: 20,000 ids are a table of 20,000 entries, and the wasm
    /// memory keeps its high-water mark.
    ids: HashSet<Box<str>>,
    cursors: HashSet<String>,
    pages: usize,
    loaded: usize,
    /// The most new entries one page brought: the backend's effective page size (the client
    /// may not have named one, a backend may cap it lower, and repeats do not count).
    page_size: usize,
    total: Option<u64>,
    repeats: usize,
}

/// One page through the guard: its entries not seen before, in order, and what to do next.
#[derive(Debug, PartialEq)]
pub struct Admitted<T> {
    pub fresh: Vec<T>,
    /// The cursor to ask with next, `None` at the end, or the paging loops (a cursor seen
    /// before, or more pages than `total ÷ page size + 2`). The fresh entries are kept either
    /// way: a looping page can still bring rows nobody has seen.
    pub next: Result<Option<String>, ApiError>,
}

impl PageGuard {
    pub fn admit<T: Keyed>(&mut self, page: Page<T>) -> Admitted<T> {
        self.pages += 1;
        if page.total.is_some() {
            self.total = page.total;
        }
        if self.pages == 1 {
            // Room for every id at once: growing the table on the way keeps the old one and
            // the new one at the same time. Not more than a member may have (the backend's
            // total is not trusted that far).
            let expected = self.total.map_or(0, |t| t.min(MAX_IDS_AHEAD) as usize);
            self.ids.reserve(expected.max(page.items.len()));
        }
        // In place: a page of 10,000 rows is not copied into a second buffer (the wasm
        // memory keeps its high-water mark).
        let mut fresh = page.items;
        let before = fresh.len();
        fresh.retain(|item| item.key().is_none_or(|k| self.ids.insert(k.into())));
        self.repeats += before - fresh.len();
        self.loaded += fresh.len();
        self.page_size = self.page_size.max(fresh.len());
        let next = match page.next_cursor {
            None => Ok(None),
            Some(next) => {
                let looped = !self.cursors.insert(next.clone())
                    || self.max_pages().is_some_and(|max| self.pages >= max);
                if looped {
                    Err(ApiError::PagingLoop {
                        entries: self.loaded,
                    })
                } else {
                    Ok(Some(next))
                }
            }
        };
        Admitted { fresh, next }
    }

    /// Pages a listing of `total` entries may take, when the total is known.
    fn max_pages(&self) -> Option<usize> {
        let total = usize::try_from(self.total?).unwrap_or(usize::MAX);
        Some((total / self.page_size.max(1)).saturating_add(2))
    }

    pub fn progress(&self) -> Progress {
        Progress {
            loaded: self.loaded,
            total: self.total,
            repeats: self.repeats,
        }
    }
}

/// The bookkeeping of one whole listing. Feed it each page with `take`; it says whether to ask
/// for another.
#[derive(Debug)]
pub struct Pages<T> {
    guard: PageGuard,
    items: Vec<T>,
}

impl<T> Default for Pages<T> {
    fn default() -> Self {
        Pages {
            guard: PageGuard::default(),
            items: Vec::new(),
        }
    }
}

impl<T: Keyed> Pages<T> {
    pub fn new() -> Pages<T> {
        Pages::default()
    }

    /// Takes one page: the cursor to ask with next, `None` at the end, or an error when the
    /// paging loops.
    pub fn take(&mut self, page: Page<T>) -> Result<Option<String>, ApiError> {
        let Admitted { fresh, next } = self.guard.admit(page);
        self.items.extend(fresh);
        next
    }

    pub fn progress(&self) -> Progress {
        self.guard.progress()
    }

    pub fn finish(self) -> Collected<T> {
        let Progress { total, repeats, .. } = self.guard.progress();
        Collected {
            items: self.items,
            total,
            repeats,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Row(String, u32);

    impl HasId for Row {
        fn id(&self) -> &str {
            &self.0
        }
    }

    fn page(ids: &[&str], next: Option<&str>, total: Option<u64>) -> Page<Row> {
        Page {
            items: ids.iter().map(|i| Row(i.to_string(), 0)).collect(),
            next_cursor: next.map(str::to_string),
            total,
        }
    }

    #[test]
    fn collects_every_page_in_order() {
        let mut p = Pages::new();
        assert_eq!(
            p.take(page(&["a", "b"], Some("c1"), Some(5))),
            Ok(Some("c1".into()))
        );
        assert_eq!(
            p.progress(),
            Progress {
                loaded: 2,
                total: Some(5),
                repeats: 0
            }
        );
        assert_eq!(
            p.take(page(&["c", "d"], Some("c2"), Some(5))),
            Ok(Some("c2".into()))
        );
        assert_eq!(p.take(page(&["e"], None, Some(5))), Ok(None));
        let all = p.finish();
        let ids: Vec<&str> = all.items.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c", "d", "e"]);
        assert_eq!((all.total, all.repeats), (Some(5), 0));
    }

    #[test]
    fn repeated_ids_keep_the_first_and_are_counted() {
        let mut p = Pages::new();
        let mut first = page(&["a", "b"], Some("c1"), None);
        first.items[0].1 = 1;
        p.take(first).unwrap();
        let mut second = page(&["a", "c", "c", "b"], None, None);
        second.items[0].1 = 2;
        p.take(second).unwrap();
        let all = p.finish();
        assert_eq!(all.items.len(), 3);
        assert_eq!(all.items[0], Row("a".into(), 1), "the first copy stays");
        assert_eq!(all.repeats, 3);
    }

    #[test]
    fn a_cursor_seen_before_ends_the_listing_with_an_error() {
        let mut p = Pages::new();
        p.take(page(&["a"], Some("x"), None)).unwrap();
        p.take(page(&["b"], Some("y"), None)).unwrap();
        assert_eq!(
            p.take(page(&["c"], Some("x"), None)),
            Err(ApiError::PagingLoop { entries: 3 })
        );
    }

    #[test]
    fn more_pages_than_the_total_allows_is_a_loop() {
        // 4 entries in pages of 2: 2 pages, 4 at most (total ÷ size + 2).
        let mut p = Pages::new();
        let mut n = 0;
        let result = loop {
            n += 1;
            let cursor = format!("c{n}");
            match p.take(page(&["a", "b"], Some(&cursor), Some(4))) {
                Ok(Some(_)) => assert!(n < 10, "never stopped"),
                other => break other,
            }
        };
        assert_eq!(result, Err(ApiError::PagingLoop { entries: 2 }));
        assert_eq!(n, 4);
        // Without a total only a repeated cursor tells: fresh cursors go on.
        let mut p = Pages::new();
        for n in 0..50 {
            let cursor = format!("c{n}");
            assert!(p.take(page(&["a"], Some(&cursor), None)).is_ok());
        }
    }

    #[test]
    fn pages_padded_with_repeats_are_not_a_loop() {
        // 20 entries in pages of 2, each page after the first led by the previous page's last
        // entry: 10 pages of up to 3 rows, within 20 ÷ 2 + 2.
        let mut p = Pages::new();
        let ids: Vec<String> = (0..20).map(|i| format!("r{i}")).collect();
        for chunk in 0..10 {
            let mut rows: Vec<&str> = Vec::new();
            if chunk > 0 {
                rows.push(&ids[chunk * 2 - 1]);
            }
            rows.extend(ids[chunk * 2..chunk * 2 + 2].iter().map(String::as_str));
            let next = (chunk < 9).then(|| format!("c{}", chunk + 1));
            let got = p.take(page(&rows, next.as_deref(), Some(20)));
            assert_eq!(got, Ok(next), "page {chunk}");
        }
        let all = p.finish();
        assert_eq!((all.items.len(), all.repeats), (20, 9));
    }

    #[test]
    fn an_honest_last_page_is_never_a_loop() {
        // Exactly total ÷ size + 2 pages, the last one short and without a cursor.
        let mut p = Pages::new();
        p.take(page(&["a", "b"], Some("1"), Some(3))).unwrap();
        p.take(page(&[], Some("2"), Some(3))).unwrap();
        assert_eq!(p.take(page(&["c"], None, Some(3))), Ok(None));
    }

    #[test]
    fn a_guard_hands_out_only_fresh_rows_even_from_a_looping_page() {
        let mut g = PageGuard::default();
        let a = g.admit(page(&["a", "b"], Some("x"), None));
        assert_eq!(a.fresh.len(), 2);
        let b = g.admit(page(&["b", "c"], Some("x"), None));
        assert_eq!(
            b.fresh,
            vec![Row("c".into(), 0)],
            "the new row survives the loop"
        );
        assert_eq!(b.next, Err(ApiError::PagingLoop { entries: 3 }));
        assert_eq!(g.progress().repeats, 1);
    }

    #[test]
    fn rows_without_an_id_are_never_dropped_as_repeats() {
        #[derive(Debug, PartialEq)]
        struct Event(&'static str);
        impl Keyed for Event {
            fn key(&self) -> Option<&str> {
                None
            }
        }
        let mut p = Pages::new();
        let page = |rows: Vec<Event>, next: Option<&str>| Page {
            items: rows,
            next_cursor: next.map(str::to_string),
            total: None,
        };
        assert_eq!(
            p.take(page(vec![Event("a"), Event("a")], Some("x"))),
            Ok(Some("x".into()))
        );
        assert_eq!(p.take(page(vec![Event("a")], None)), Ok(None));
        let all = p.finish();
        assert_eq!(
            (all.items.len(), all.repeats),
            (3, 0),
            "alike events are all evidence"
        );
        // A looping cursor still ends the listing.
        let mut p = Pages::new();
        p.take(page(vec![Event("a")], Some("x"))).unwrap();
        assert!(p.take(page(vec![Event("b")], Some("x"))).is_err());
    }

    #[test]
    fn a_small_first_page_then_large_ones_unless_the_backend_refuses_them() {
        use crate::api::types::Problem;
        let mut s = PageSizes::default();
        assert_eq!(s.limit(None), Some(500));
        assert_eq!(s.limit(Some("o500")), Some(10_000));
        let other = ApiError::Status {
            status: 422,
            problem: Problem::invalid().field("cursor", "invalid", "unknown cursor"),
            retry_after_s: None,
            request_id: None,
        };
        assert!(
            !s.refused(Some(10_000), &other),
            "another field's error is the answer"
        );
        assert!(!s.refused(Some(10_000), &ApiError::Network("offline".into())));
        let limit = ApiError::Status {
            status: 422,
            problem: Problem::invalid().field(
                "limit",
                "out_of_range",
                "limit must be between 1 and 1000",
            ),
            retry_after_s: None,
            request_id: None,
        };
        assert!(
            !s.refused(Some(500), &limit),
            "a small limit refused is not ours to fix"
        );
        assert_eq!(s.limit(Some("o500")), Some(10_000));
        assert!(s.refused(Some(10_000), &limit), "a backend before 1.5");
        assert_eq!(s.limit(Some("o500")), None, "its default from then on");
        assert_eq!(s.limit(None), Some(500));
    }

    #[test]
    fn the_bar_is_indeterminate_without_a_total() {
        let mut p = Progress {
            loaded: 40,
            total: None,
            repeats: 0,
        };
        assert_eq!(p.bar(), None);
        assert_eq!(p.caption(), Caption::Loaded(40));
        p.total = Some(100);
        assert_eq!(p.bar(), Some((40, 100)));
        assert_eq!(p.caption(), Caption::LoadedOf(40, 100));
        p.total = Some(0);
        assert_eq!(p.bar(), None, "never of 0");
        assert_eq!(p.caption(), Caption::Loaded(40));
        assert_eq!(Progress::default().caption(), Caption::Starting);
    }
}
