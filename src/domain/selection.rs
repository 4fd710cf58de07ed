//! Picking customers and groups: a filterable catalogue and a selection kept as a bit set over
//! the catalogue's ids, never a signal per row, so 20,000 rows filter and select in a frame.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::paging::HasId;
use crate::api::types::{Customer, Group};

/// What the selection needs to know about a row (its id comes from [`HasId`]).
pub trait Pickable: HasId {
    /// Appends the lower-cased text that the search box matches (fields apart by `\n`).
    fn search_text(&self, out: &mut String);
    fn tags(&self) -> &[String] {
        &[]
    }
    fn important(&self) -> bool {
        false
    }
    fn transferable(&self) -> bool;
}

/// Appends `text` lower-cased, without allocating (ASCII, the common case, byte by byte).
fn push_lower(out: &mut String, text: &str) {
    if text.is_ascii() {
        out.extend(text.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.extend(text.chars().flat_map(char::to_lowercase));
    }
}

impl Pickable for Customer {
    fn search_text(&self, out: &mut String) {
        push_lower(out, &self.name);
        out.push('\n');
        push_lower(out, &self.remark);
        out.push('\n');
        push_lower(out, self.corp_name.as_deref().unwrap_or(""));
    }
    fn tags(&self) -> &[String] {
        &self.tags
    }
    fn important(&self) -> bool {
        self.important
    }
    fn transferable(&self) -> bool {
        self.transferable
    }
}

impl Pickable for Group {
    fn search_text(&self, out: &mut String) {
        push_lower(out, &self.name);
    }
    fn transferable(&self) -> bool {
        self.transferable
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub text: String,
    pub tag: Option<String>,
    pub important_only: bool,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.text.trim().is_empty() && self.tag.is_none() && !self.important_only
    }
}

/// Ends each row's text in [`Catalog`]'s search text: no needle holds it (the search box
/// drops it), so a match never spans two rows.
const ROW_END: char = '\0';

/// The loaded rows with their search text computed once, all of it in one lower-cased string
/// (a keystroke scans one buffer, not 20,000 strings, and allocates only its answer).
#[derive(Clone)]
pub struct Catalog<T> {
    items: Vec<T>,
    /// Every row's search text in list order, each ended by [`ROW_END`].
    hay: String,
    /// Where each row's text starts in `hay`.
    starts: Vec<u32>,
    /// Tells this list from another one of the same length (see [`Catalog::version`]).
    serial: u64,
}

impl<T: Pickable> Catalog<T> {
    pub fn new(items: Vec<T>) -> Catalog<T> {
        static SERIAL: AtomicU64 = AtomicU64::new(0);
        let mut c = Catalog {
            items: Vec::new(),
            hay: String::new(),
            starts: Vec::new(),
            serial: SERIAL.fetch_add(1, Ordering::Relaxed),
        };
        c.extend(items);
        c
    }

    /// Makes room for `rows` more rows at once: a list of 20,000 arriving page by page is not
    /// copied each time it outgrows its buffer (the old and new buffers would both stay in the
    /// page's memory, which never shrinks).
    pub fn reserve(&mut self, rows: usize) {
        self.items.reserve(rows);
        self.starts.reserve(rows);
    }

    /// Makes room for the search text of `rows` more rows like the ones in so far (an eighth
    /// more, for rows that run longer).
    pub fn reserve_text(&mut self, rows: usize) {
        let per_row = self.hay.len() / self.items.len().max(1);
        self.hay
            .reserve_exact(per_row.saturating_mul(rows).saturating_mul(9) / 8);
    }

    /// Appends the rows of a later page (a list shows its first rows while the rest load).
    pub fn extend(&mut self, items: Vec<T>) {
        self.items.reserve(items.len());
        self.starts.reserve(items.len());
        for it in items {
            self.starts
                .push(u32::try_from(self.hay.len()).unwrap_or(u32::MAX));
            it.search_text(&mut self.hay);
            self.hay.push(ROW_END);
            self.items.push(it);
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Changes when the rows do (another list, or more rows of this one): what a view that
    /// filters the list watches, without holding the list.
    pub fn version(&self) -> (u64, usize) {
        (self.serial, self.items.len())
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn get(&self, i: u32) -> Option<&T> {
        self.items.get(i as usize)
    }

    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// Every distinct tag, sorted, for the tag filter.
    pub fn tags(&self) -> Vec<String> {
        let mut t: Vec<&String> = self.items.iter().flat_map(|i| i.tags()).collect();
        t.sort_unstable();
        t.dedup();
        t.into_iter().cloned().collect()
    }

    /// Positions of the rows the filter keeps, in list order.
    pub fn matching(&self, f: &Filter) -> Vec<u32> {
        let mut out = Vec::new();
        self.matching_into(f, &mut out);
        out
    }

    /// Like [`Catalog::matching`], into `out` (cleared first).
    pub fn matching_into(&self, f: &Filter, out: &mut Vec<u32>) {
        out.clear();
        let keep = |i: usize| {
            let it = &self.items[i];
            f.tag.as_ref().is_none_or(|t| it.tags().contains(t))
                && (!f.important_only || it.important())
        };
        let text = f.text.trim();
        if text.is_empty() {
            out.extend((0..self.items.len()).filter(|&i| keep(i)).map(|i| i as u32));
            return;
        }
        if text.contains(ROW_END) {
            return;
        }
        let mut lowered = String::with_capacity(text.len());
        push_lower(&mut lowered, text);
        let needle = lowered.as_str();
        // Find the needle in the whole text; each hit names its row, and the search goes on
        // from the next row's start (one hit per row is enough).
        let mut from = 0usize;
        let mut row = 0usize;
        while let Some(at) = self.hay.get(from..).and_then(|h| h.find(needle)) {
            let at = from + at;
            row += self.starts[row..].partition_point(|&s| s as usize <= at) - 1;
            if keep(row) {
                out.push(row as u32);
            }
            row += 1;
            match self.starts.get(row) {
                Some(&next) => from = next as usize,
                None => break,
            }
        }
    }

    pub fn transferable_count(&self) -> usize {
        self.items.iter().filter(|i| i.transferable()).count()
    }
}

/// Which rows are chosen. Rows that cannot be transferred are never chosen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    bits: Vec<bool>,
    count: usize,
}

impl Selection {
    pub fn none<T>(cat: &Catalog<T>) -> Selection {
        Selection {
            bits: vec![false; cat.items.len()],
            count: 0,
        }
    }

    /// The default: everything transferable, since handing over all is the common case.
    pub fn all_transferable<T: Pickable>(cat: &Catalog<T>) -> Selection {
        let bits: Vec<bool> = cat.items.iter().map(Pickable::transferable).collect();
        let count = bits.iter().filter(|b| **b).count();
        Selection { bits, count }
    }

    /// Restores a saved selection; ids no longer in the list (or not transferable) drop out.
    pub fn from_ids<T: Pickable>(cat: &Catalog<T>, ids: &[String]) -> Selection {
        let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut s = Selection::none(cat);
        for (i, it) in cat.items.iter().enumerate() {
            if it.transferable() && wanted.contains(it.id()) {
                s.bits[i] = true;
                s.count += 1;
            }
        }
        s
    }

    /// Takes rows appended to the catalogue (positions `len..`), each chosen when `chosen`
    /// says so and it is transferable.
    fn grow<T: Pickable>(&mut self, cat: &Catalog<T>, chosen: impl Fn(&T) -> bool) {
        let from = self.bits.len();
        for it in cat.items.get(from..).unwrap_or(&[]) {
            let on = it.transferable() && chosen(it);
            self.bits.push(on);
            self.count += usize::from(on);
        }
    }

    pub fn ids<T: Pickable>(&self, cat: &Catalog<T>) -> Vec<String> {
        cat.items
            .iter()
            .zip(&self.bits)
            .filter(|(_, b)| **b)
            .map(|(it, _)| it.id().to_string())
            .collect()
    }

    pub fn count(&self) -> usize {
        self.count
    }

    pub fn contains(&self, i: u32) -> bool {
        self.bits.get(i as usize).copied().unwrap_or(false)
    }

    pub fn set<T: Pickable>(&mut self, cat: &Catalog<T>, i: u32, on: bool) {
        let Some(it) = cat.get(i) else { return };
        let on = on && it.transferable();
        if let Some(b) = self.bits.get_mut(i as usize) {
            if *b != on {
                *b = on;
                if on {
                    self.count += 1;
                } else {
                    self.count -= 1;
                }
            }
        }
    }

    pub fn toggle<T: Pickable>(&mut self, cat: &Catalog<T>, i: u32) {
        let on = !self.contains(i);
        self.set(cat, i, on);
    }

    pub fn select_all<T: Pickable>(&mut self, cat: &Catalog<T>, rows: &[u32]) {
        for &i in rows {
            self.set(cat, i, true);
        }
    }

    pub fn clear_rows<T: Pickable>(&mut self, cat: &Catalog<T>, rows: &[u32]) {
        for &i in rows {
            self.set(cat, i, false);
        }
    }

    pub fn invert<T: Pickable>(&mut self, cat: &Catalog<T>, rows: &[u32]) {
        for &i in rows {
            self.toggle(cat, i);
        }
    }

    /// Shift+click: every row of `view` between positions `a` and `b` takes the value `on`.
    pub fn set_range<T: Pickable>(
        &mut self,
        cat: &Catalog<T>,
        view: &[u32],
        a: usize,
        b: usize,
        on: bool,
    ) {
        let (lo, hi) = (a.min(b), a.max(b).min(view.len().saturating_sub(1)));
        for &i in view.get(lo..=hi).unwrap_or(&[]) {
            self.set(cat, i, on);
        }
    }

    /// Keeps only the first `n` chosen rows, in list order (trimming to a successor's room).
    pub fn keep_first(&mut self, n: usize) {
        let mut kept = 0;
        for b in self.bits.iter_mut().filter(|b| **b) {
            if kept < n {
                kept += 1;
            } else {
                *b = false;
            }
        }
        self.count = kept;
    }

    /// Catalogue positions of the chosen rows, in list order.
    pub fn positions(&self) -> Vec<u32> {
        self.bits
            .iter()
            .enumerate()
            .filter(|(_, b)| **b)
            .map(|(i, _)| i as u32)
            .collect()
    }

    /// Chosen rows that are flagged important.
    pub fn important_count<T: Pickable>(&self, cat: &Catalog<T>) -> usize {
        cat.items
            .iter()
            .zip(&self.bits)
            .filter(|(it, b)| **b && it.important())
            .count()
    }
}

/// What the admin does to a list, as one value, so every list obeys the same rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PickOp {
    /// A click on the row at position `pos` of `view` (catalogue index `i`). With Shift and an
    /// earlier click, every row between the two takes the new value of the clicked row.
    Click {
        view: Vec<u32>,
        pos: usize,
        i: u32,
        shift: bool,
    },
    SelectAll(Vec<u32>),
    Clear(Vec<u32>),
    Invert(Vec<u32>),
}

/// One list's choice, the only copy of it. Before the list has loaded it holds the ids saved
/// with the draft (a reload keeps the choice); once the catalogue is attached it is a bit set
/// over it, since 20,000 rows must select in a frame.
///
/// While pages are still arriving ([`Picked::receive`]) the rows so far can be shown
/// ([`Picked::preview`]), each with the choice it will have, but the list counts as not
/// loaded: nothing can be changed and everything else sees the saved choice, so no action
/// ("select all matching", a click) can act on part of a list and leave out what is still on
/// its way.
#[derive(Clone)]
pub struct Picked<T> {
    catalog: Option<Arc<Catalog<T>>>,
    selection: Selection,
    /// The choice before the catalogue arrived; `None` = the admin has not seen the list yet.
    saved: Option<SavedPick>,
    /// Position of the last click in the list shown, for Shift+click ranges.
    anchor: Option<usize>,
    /// Every page has arrived (always, for a catalogue attached whole).
    complete: bool,
    /// While pages arrive and a saved choice is being restored: its ids.
    restoring: Option<HashSet<String>>,
}

/// How a choice is stored between reloads: ids, and how many of them are important (so the
/// summary and the approval prediction do not need the catalogue).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedPick {
    pub ids: Vec<String>,
    #[serde(default)]
    pub important: usize,
}

impl<T> Default for Picked<T> {
    fn default() -> Self {
        Picked {
            catalog: None,
            selection: Selection::default(),
            saved: None,
            anchor: None,
            complete: false,
            restoring: None,
        }
    }
}

impl<T> PartialEq for Picked<T> {
    fn eq(&self, other: &Self) -> bool {
        let same_catalog = match (&self.catalog, &other.catalog) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b) && a.items.len() == b.items.len(),
            (None, None) => true,
            _ => false,
        };
        same_catalog
            && self.complete == other.complete
            && self.selection == other.selection
            && self.saved == other.saved
    }
}

impl<T> std::fmt::Debug for Picked<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Picked")
            .field("loaded", &self.catalog.as_ref().map(|c| c.items.len()))
            .field("complete", &self.complete)
            .field("selected", &self.selection.count())
            .field("saved", &self.saved.as_ref().map(|s| s.ids.len()))
            .finish()
    }
}

impl<T: Pickable> Picked<T> {
    /// The most rows made room for ahead of their arrival, whatever total a backend announces.
    pub const MAX_RESERVED: usize = 100_000;

    /// The loaded catalogue, once every page has arrived.
    pub fn catalog(&self) -> Option<&Arc<Catalog<T>>> {
        self.catalog.as_ref().filter(|_| self.complete)
    }

    /// The rows so far, loaded or still loading: what the list shows.
    pub fn preview(&self) -> Option<&Catalog<T>> {
        self.catalog.as_deref()
    }

    /// Every page has arrived.
    pub fn is_loaded(&self) -> bool {
        self.catalog.is_some() && self.complete
    }

    /// Some rows have arrived, not all of them yet.
    pub fn is_streaming(&self) -> bool {
        self.catalog.is_some() && !self.complete
    }

    /// Takes the loaded list: the saved choice is restored over it (ids no longer there drop
    /// out), or, the first time, everything transferable is chosen.
    pub fn attach(&mut self, catalog: Catalog<T>) {
        self.selection = match self.saved.take() {
            Some(saved) => Selection::from_ids(&catalog, &saved.ids),
            None => Selection::all_transferable(&catalog),
        };
        self.catalog = Some(Arc::new(catalog));
        self.anchor = None;
        self.complete = true;
        self.restoring = None;
    }

    /// Takes the next page of a list that arrives page by page (`first`: the listing starts
    /// again, what came before goes; `last`: no more will come). Each row gets the choice
    /// [`Picked::attach`] would give it (the saved choice, or everything transferable); until
    /// the last page the list is not loaded (see the type).
    ///
    /// `expected`: how many rows the whole list holds, if the backend says (its `total`); room
    /// for them is made once, up to [`Picked::MAX_RESERVED`].
    pub fn receive(&mut self, rows: Vec<T>, expected: Option<u64>, first: bool, last: bool)
    where
        T: Clone,
    {
        if first {
            self.abandon();
            self.saved = self.to_saved();
            self.catalog = None;
            self.complete = false;
        }
        let cat = match &mut self.catalog {
            Some(cat) => cat,
            None => {
                self.selection = Selection::default();
                self.anchor = None;
                self.complete = false;
                self.restoring = self.saved.as_ref().map(|s| s.ids.iter().cloned().collect());
                self.catalog.insert(Arc::new(Catalog::new(Vec::new())))
            }
        };
        // In place unless something else still holds the catalogue (then it is copied once).
        let cat = Arc::make_mut(cat);
        // The rows the listing announces (the backend's total is trusted only so far).
        let expected = expected
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(0)
            .min(Self::MAX_RESERVED);
        if first {
            cat.reserve(expected.saturating_sub(cat.len()));
            self.selection.bits.reserve(cat.items.capacity());
        }
        cat.extend(rows);
        if first {
            // The first page tells how much search text a row makes: room for the rest of the
            // list's at once, not doubled (and copied) as pages arrive.
            cat.reserve_text(expected.saturating_sub(cat.len()));
        }
        let restoring = &self.restoring;
        self.selection.grow(cat, |it| {
            restoring.as_ref().is_none_or(|r| r.contains(it.id()))
        });
        if last {
            self.complete = true;
            self.saved = None;
            self.restoring = None;
        }
    }

    /// Drops the rows of a listing that did not finish (it failed, or was cancelled); the saved
    /// choice stays. A loaded list stays as it is.
    pub fn abandon(&mut self) {
        if self.is_streaming() {
            self.catalog = None;
            self.selection = Selection::default();
            self.restoring = None;
        }
    }

    pub fn count(&self) -> usize {
        match self.catalog() {
            Some(_) => self.selection.count(),
            None => self.saved.as_ref().map_or(0, |s| s.ids.len()),
        }
    }

    pub fn important_count(&self) -> usize {
        match self.catalog() {
            Some(c) => self.selection.important_count(c),
            None => self.saved.as_ref().map_or(0, |s| s.important),
        }
    }

    /// Whether the row at catalogue position `i` is chosen (or, while the list loads, will be).
    pub fn contains(&self, i: u32) -> bool {
        self.catalog.is_some() && self.selection.contains(i)
    }

    /// Catalogue positions of the chosen rows, in list order; empty until the list has loaded.
    pub fn positions(&self) -> Vec<u32> {
        match self.catalog() {
            Some(_) => self.selection.positions(),
            None => Vec::new(),
        }
    }

    /// The chosen ids, in list order.
    pub fn ids(&self) -> Vec<String> {
        match self.catalog() {
            Some(c) => self.selection.ids(c),
            None => self
                .saved
                .as_ref()
                .map(|s| s.ids.clone())
                .unwrap_or_default(),
        }
    }

    /// Applies what the admin did; nothing while the list is still loading.
    pub fn apply(&mut self, op: PickOp) {
        let Some(cat) = self.catalog().cloned() else {
            return;
        };
        let s = &mut self.selection;
        match op {
            PickOp::Click {
                view,
                pos,
                i,
                shift,
            } => {
                match self.anchor {
                    Some(a) if shift => {
                        let on = !s.contains(i);
                        s.set_range(&cat, &view, a, pos, on);
                    }
                    _ => s.toggle(&cat, i),
                }
                self.anchor = Some(pos);
            }
            PickOp::SelectAll(rows) => s.select_all(&cat, &rows),
            PickOp::Clear(rows) => s.clear_rows(&cat, &rows),
            PickOp::Invert(rows) => s.invert(&cat, &rows),
        }
    }

    /// Keeps the first `n` chosen, in list order, loaded or not.
    pub fn keep_first(&mut self, n: usize) {
        if self.complete && self.catalog.is_some() {
            self.selection.keep_first(n);
        } else if let Some(saved) = self.saved.as_mut() {
            saved.ids.truncate(n);
            saved.important = saved.important.min(n);
            // While loading: the rows so far and the ones to come follow the trimmed choice.
            let kept: HashSet<&str> = saved.ids.iter().map(String::as_str).collect();
            if let Some(r) = self.restoring.as_mut() {
                r.retain(|id| kept.contains(id.as_str()));
            }
            if let Some(cat) = &self.catalog {
                for (i, it) in cat.items.iter().enumerate() {
                    if !kept.contains(it.id()) {
                        self.selection.set(cat, i as u32, false);
                    }
                }
            }
        }
    }

    /// What a reload must keep.
    pub fn to_saved(&self) -> Option<SavedPick> {
        match self.catalog() {
            Some(c) => Some(SavedPick {
                ids: self.selection.ids(c),
                important: self.selection.important_count(c),
            }),
            None => self.saved.clone(),
        }
    }

    pub fn from_saved(saved: Option<SavedPick>) -> Picked<T> {
        Picked {
            saved,
            ..Picked::default()
        }
    }
}

impl<T: Pickable> Serialize for Picked<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_saved().serialize(s)
    }
}

impl<'de, T: Pickable> Deserialize<'de> for Picked<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<SavedPick>::deserialize(d).map(Picked::from_saved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::CustomerKind;

    fn customer(i: usize, transferable: bool) -> Customer {
        Customer {
            id: format!("c{i}"),
            name: format!("客户{i}"),
            kind: CustomerKind::Wechat,
            corp_name: None,
            remark: if i.is_multiple_of(2) {
                "展会".into()
            } else {
                String::new()
            },
            tags: if i.is_multiple_of(3) {
                vec!["VIP".into()]
            } else {
                vec![]
            },
            added_at: "2026-01-01T00:00:00Z".into(),
            last_contact_at: None,
            important: i.is_multiple_of(5),
            transferable,
            reason: None,
        }
    }

    #[test]
    fn a_list_arriving_in_pages_sizes_its_search_text_once() {
        // Rows of one shape (ids and names of four digits), as a member's are.
        let rows = |from: usize, n: usize| {
            (1_000 + from..1_000 + from + n)
                .map(|i| customer(i, true))
                .collect()
        };
        let mut cat = Catalog::new(rows(0, 50));
        cat.reserve_text(950);
        let room = cat.hay.capacity();
        cat.extend(rows(50, 500));
        cat.extend(rows(550, 450));
        assert_eq!(cat.len(), 1_000);
        assert_eq!(
            cat.hay.capacity(),
            room,
            "not grown (and copied) as pages came"
        );
        assert!(room < cat.hay.len() * 5 / 4, "not much more than the text");
    }

    fn catalog(n: usize) -> Catalog<Customer> {
        Catalog::new((0..n).map(|i| customer(i, i != 7)).collect())
    }

    #[test]
    fn defaults_to_everything_transferable() {
        let cat = catalog(10);
        let s = Selection::all_transferable(&cat);
        assert_eq!(s.count(), 9);
        assert!(!s.contains(7));
        assert_eq!(cat.transferable_count(), 9);
    }

    #[test]
    fn filters_by_text_tag_and_importance() {
        let cat = catalog(20);
        let f = |text: &str, tag: Option<&str>, imp: bool| Filter {
            text: text.into(),
            tag: tag.map(str::to_string),
            important_only: imp,
        };
        assert_eq!(cat.matching(&f("客户1", None, false)).len(), 11); // 1, 10..19
        assert_eq!(cat.matching(&f("展会", None, false)).len(), 10);
        assert_eq!(
            cat.matching(&f("", Some("VIP"), false)),
            vec![0, 3, 6, 9, 12, 15, 18]
        );
        assert_eq!(cat.matching(&f("", Some("VIP"), true)), vec![0, 15]);
        assert_eq!(cat.matching(&Filter::default()).len(), 20);
        assert_eq!(cat.tags(), vec!["VIP".to_string()]);
    }

    /// The filter as it was before the search text moved into one buffer: the reference.
    fn naive(cat: &Catalog<Customer>, f: &Filter) -> Vec<u32> {
        let needle = f.text.trim().to_lowercase();
        (0..cat.len())
            .filter(|&i| {
                let it = &cat.items()[i];
                let corp = it.corp_name.as_deref().unwrap_or("");
                let hay = format!("{}\n{}\n{}", it.name, it.remark, corp).to_lowercase();
                (needle.is_empty() || hay.contains(&needle))
                    && f.tag.as_ref().is_none_or(|t| it.tags.contains(t))
                    && (!f.important_only || it.important)
            })
            .map(|i| i as u32)
            .collect()
    }

    #[test]
    fn the_search_matches_within_one_row_only_and_ignores_case() {
        let mut rows: Vec<Customer> = (0..6).map(|i| customer(i, true)).collect();
        rows[1].name = "ACME Wang".into();
        rows[2].corp_name = Some("Ümlaut GmbH".into());
        rows[3].name = "ab".into();
        rows[3].remark = String::new();
        rows[4].name = "cd".into();
        let mut cat = Catalog::new(rows);
        let f = |text: &str| Filter {
            text: text.into(),
            ..Filter::default()
        };
        assert_eq!(cat.matching(&f("acme w")), vec![1]);
        assert_eq!(cat.matching(&f("  wANG ")), vec![1], "trimmed, any case");
        assert_eq!(cat.matching(&f("ümlaut")), vec![2]);
        assert!(cat.matching(&f("bcd")).is_empty(), "never across two rows");
        assert!(cat.matching(&f("b\0c")).is_empty());
        assert_eq!(cat.matching(&f("展会")), vec![0, 2, 4], "one hit per row");
        cat.extend(vec![customer(6, true)]);
        assert_eq!(
            cat.matching(&f("展会")),
            vec![0, 2, 4, 6],
            "rows added later"
        );
        let mut out = vec![99];
        cat.matching_into(&f("acme"), &mut out);
        assert_eq!(out, vec![1]);
        for text in ["", "客户1", "客户19", "展会", "1", "9\n", "x"] {
            for tag in [None, Some("VIP".to_string())] {
                for important_only in [false, true] {
                    let filter = Filter {
                        text: text.into(),
                        tag: tag.clone(),
                        important_only,
                    };
                    let big = catalog(300);
                    assert_eq!(big.matching(&filter), naive(&big, &filter), "{filter:?}");
                }
            }
        }
    }

    #[test]
    fn pages_arrive_with_the_default_choice_and_no_choice_is_made_until_the_last() {
        let page = |from: usize, to: usize| (from..to).map(|i| customer(i, i != 7)).collect();
        let mut p: Picked<Customer> = Picked::default();
        p.receive(page(0, 4), Some(10), true, false);
        assert!(
            p.preview().is_some_and(|c| c.items.capacity() >= 10),
            "room made once"
        );
        assert!(p.is_streaming() && !p.is_loaded());
        assert!(
            p.catalog().is_none(),
            "the rest of the app sees no list yet"
        );
        assert_eq!(p.preview().map(Catalog::len), Some(4));
        assert!(p.contains(0), "shown with the choice it will have");
        assert_eq!((p.count(), p.to_saved()), (0, None));
        p.apply(PickOp::SelectAll(vec![0]));
        p.apply(PickOp::Clear(vec![0, 1, 2, 3]));
        assert!(
            p.contains(0) && p.contains(3),
            "no bulk action on part of a list"
        );
        p.receive(page(4, 8), None, false, false);
        p.receive(page(8, 10), None, false, true);
        assert!(p.is_loaded());
        assert_eq!(p.count(), 9, "everything transferable, every page");
        assert!(!p.contains(7));
        p.apply(PickOp::Clear((0..10).collect()));
        p.apply(PickOp::SelectAll(vec![1, 9]));
        assert_eq!(p.ids(), vec!["c1", "c9"]);
        // A new listing of the same list restores the choice over the rows as they arrive.
        p.receive(page(0, 5), None, true, false);
        assert_eq!(p.count(), 2, "the saved choice while loading");
        assert_eq!(
            p.to_saved().map(|s| s.ids),
            Some(vec!["c1".into(), "c9".into()])
        );
        assert!(p.contains(1) && !p.contains(0));
        p.keep_first(1);
        p.receive(page(5, 10), None, false, true);
        assert_eq!(p.ids(), vec!["c1"], "restored, trimmed while loading");
        p.apply(PickOp::SelectAll(vec![1, 2, 9]));
        p.receive(page(0, 5), None, true, false);
        p.keep_first(2);
        assert!(p.contains(1) && p.contains(2));
        p.keep_first(1);
        assert!(!p.contains(2), "a loaded row trimmed away");
        p.receive(page(5, 10), None, false, true);
        assert_eq!(p.ids(), vec!["c1"]);
        // An abandoned listing keeps the saved choice, and a loaded list stays.
        let mut p: Picked<Customer> = Picked::from_saved(Some(SavedPick {
            ids: vec!["c2".into()],
            important: 0,
        }));
        p.receive(page(0, 3), Some(u64::MAX), true, false);
        assert!(
            p.preview()
                .is_some_and(|c| c.items.capacity() <= Picked::<Customer>::MAX_RESERVED),
            "a hostile total reserves no more than the bound"
        );
        p.abandon();
        assert!(p.preview().is_none());
        assert_eq!(p.ids(), vec!["c2"]);
        p.receive(page(0, 3), None, true, true);
        p.abandon();
        assert_eq!(p.ids(), vec!["c2"]);
        assert!(p.is_loaded());
    }

    #[test]
    fn select_all_matching_clear_invert_and_ranges() {
        let cat = catalog(20);
        let mut s = Selection::none(&cat);
        let vip = cat.matching(&Filter {
            tag: Some("VIP".into()),
            ..Filter::default()
        });
        s.select_all(&cat, &vip);
        assert_eq!(s.count(), 7);
        s.invert(&cat, &[0, 1, 7]);
        assert!(
            !s.contains(0) && s.contains(1) && !s.contains(7),
            "untransferable stays out"
        );
        assert_eq!(s.count(), 7);
        s.clear_rows(&cat, &vip);
        assert_eq!(s.ids(&cat), vec!["c1".to_string()]);
        let all: Vec<u32> = (0..20).collect();
        s.set_range(&cat, &all, 12, 5, true);
        assert_eq!(
            s.count(),
            8 + 1 - 1,
            "5..=12 minus the untransferable 7, plus c1"
        );
        s.set_range(&cat, &all, 0, 99, false);
        assert_eq!(s.count(), 0);
    }

    #[test]
    fn ids_round_trip_and_trim_keeps_the_first() {
        let cat = catalog(30);
        let mut s = Selection::all_transferable(&cat);
        let ids = s.ids(&cat);
        assert_eq!(Selection::from_ids(&cat, &ids), s);
        let with_stale = vec!["c3".to_string(), "gone".to_string(), "c7".to_string()];
        assert_eq!(Selection::from_ids(&cat, &with_stale).count(), 1);
        s.keep_first(4);
        assert_eq!(s.ids(&cat), vec!["c0", "c1", "c2", "c3"]);
        assert_eq!(s.important_count(&cat), 1);
    }

    #[test]
    fn twenty_thousand_rows_filter_and_select() {
        let cat = catalog(20_000);
        let rows = cat.matching(&Filter {
            text: "客户19".into(),
            ..Filter::default()
        });
        assert_eq!(rows.len(), 1111);
        let mut s = Selection::none(&cat);
        s.select_all(&cat, &rows);
        assert_eq!(s.count(), 1111);
    }

    #[test]
    fn picked_keeps_the_saved_choice_until_the_list_arrives() {
        let mut p: Picked<Customer> = Picked::from_saved(Some(SavedPick {
            ids: vec!["c0".into(), "c5".into(), "gone".into()],
            important: 2,
        }));
        assert!(!p.is_loaded());
        assert_eq!((p.count(), p.important_count()), (3, 2));
        p.keep_first(2);
        assert_eq!(p.ids(), vec!["c0", "c5"]);
        p.attach(catalog(10));
        assert_eq!(p.ids(), vec!["c0", "c5"], "restored over the catalogue");
        assert_eq!(p.important_count(), 2);
        let json = serde_json::to_string(&p).unwrap();
        let back: Picked<Customer> = serde_json::from_str(&json).unwrap();
        assert_eq!(back.ids(), vec!["c0", "c5"]);
    }

    #[test]
    fn picked_defaults_to_everything_and_shift_click_selects_a_range() {
        let mut p: Picked<Customer> = Picked::default();
        assert_eq!(p.count(), 0);
        p.apply(PickOp::SelectAll(vec![1]));
        assert_eq!(p.count(), 0, "nothing to act on before the list arrives");
        p.attach(catalog(10));
        assert_eq!(p.count(), 9);
        let view: Vec<u32> = (0..10).collect();
        p.apply(PickOp::Clear(view.clone()));
        let click = |pos: usize, shift| PickOp::Click {
            view: view.clone(),
            pos,
            i: pos as u32,
            shift,
        };
        p.apply(click(2, false));
        p.apply(click(5, true));
        assert_eq!(p.ids(), vec!["c2", "c3", "c4", "c5"]);
        p.apply(click(3, true));
        assert_eq!(
            p.ids(),
            vec!["c2"],
            "a shift range takes the clicked row's new value"
        );
        p.apply(PickOp::Invert(vec![0, 2]));
        assert_eq!(p.ids(), vec!["c0"]);
    }
}
