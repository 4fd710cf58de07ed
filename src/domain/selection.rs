//! Picking customers and groups: a filterable catalogue and a selection kept as a bit set over
//! the catalogue's ids, never a signal per row, so 20,000 rows filter and select in a frame.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::paging::HasId;
use crate::api::types::{Customer, Group};

/// What the selection needs to know about a row (its id comes from [`HasId`]).
pub trait Pickable: HasId {
    /// Lower-cased text that the search box matches.
    fn search_text(&self) -> String;
    fn tags(&self) -> &[String] {
        &[]
    }
    fn important(&self) -> bool {
        false
    }
    fn transferable(&self) -> bool;
}

impl Pickable for Customer {
    fn search_text(&self) -> String {
        let corp = self.corp_name.as_deref().unwrap_or("");
        format!("{}\n{}\n{}", self.name, self.remark, corp).to_lowercase()
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
    fn search_text(&self) -> String {
        self.name.to_lowercase()
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

/// The loaded rows with their search text computed once.
pub struct Catalog<T> {
    items: Vec<T>,
    hay: Vec<String>,
}

impl<T: Pickable> Catalog<T> {
    pub fn new(items: Vec<T>) -> Catalog<T> {
        let hay = items.iter().map(Pickable::search_text).collect();
        Catalog { items, hay }
    }

    pub fn len(&self) -> usize {
        self.items.len()
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
        let mut t: Vec<String> = self.items.iter().flat_map(|i| i.tags().to_vec()).collect();
        t.sort();
        t.dedup();
        t
    }

    /// Positions of the rows the filter keeps, in list order.
    pub fn matching(&self, f: &Filter) -> Vec<u32> {
        let needle = f.text.trim().to_lowercase();
        (0..self.items.len())
            .filter(|&i| {
                let it = &self.items[i];
                (needle.is_empty() || self.hay[i].contains(&needle))
                    && f.tag.as_ref().is_none_or(|t| it.tags().contains(t))
                    && (!f.important_only || it.important())
            })
            .map(|i| i as u32)
            .collect()
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
        let wanted: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
        let mut s = Selection::none(cat);
        for (i, it) in cat.items.iter().enumerate() {
            if it.transferable() && wanted.contains(it.id()) {
                s.bits[i] = true;
                s.count += 1;
            }
        }
        s
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
#[derive(Clone)]
pub struct Picked<T> {
    catalog: Option<Arc<Catalog<T>>>,
    selection: Selection,
    /// The choice before the catalogue arrived; `None` = the admin has not seen the list yet.
    saved: Option<SavedPick>,
    /// Position of the last click in the list shown, for Shift+click ranges.
    anchor: Option<usize>,
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
        }
    }
}

impl<T> PartialEq for Picked<T> {
    fn eq(&self, other: &Self) -> bool {
        let same_catalog = match (&self.catalog, &other.catalog) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        };
        same_catalog && self.selection == other.selection && self.saved == other.saved
    }
}

impl<T> std::fmt::Debug for Picked<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Picked")
            .field("loaded", &self.catalog.as_ref().map(|c| c.items.len()))
            .field("selected", &self.selection.count())
            .field("saved", &self.saved.as_ref().map(|s| s.ids.len()))
            .finish()
    }
}

impl<T: Pickable> Picked<T> {
    /// The loaded catalogue, if the list has arrived.
    pub fn catalog(&self) -> Option<&Arc<Catalog<T>>> {
        self.catalog.as_ref()
    }

    pub fn is_loaded(&self) -> bool {
        self.catalog.is_some()
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
    }

    pub fn count(&self) -> usize {
        match &self.catalog {
            Some(_) => self.selection.count(),
            None => self.saved.as_ref().map_or(0, |s| s.ids.len()),
        }
    }

    pub fn important_count(&self) -> usize {
        match &self.catalog {
            Some(c) => self.selection.important_count(c),
            None => self.saved.as_ref().map_or(0, |s| s.important),
        }
    }

    pub fn contains(&self, i: u32) -> bool {
        self.catalog.is_some() && self.selection.contains(i)
    }

    /// Catalogue positions of the chosen rows, in list order; empty until the list has loaded.
    pub fn positions(&self) -> Vec<u32> {
        match &self.catalog {
            Some(_) => self.selection.positions(),
            None => Vec::new(),
        }
    }

    /// The chosen ids, in list order.
    pub fn ids(&self) -> Vec<String> {
        match &self.catalog {
            Some(c) => self.selection.ids(c),
            None => self
                .saved
                .as_ref()
                .map(|s| s.ids.clone())
                .unwrap_or_default(),
        }
    }

    pub fn apply(&mut self, op: PickOp) {
        let Some(cat) = self.catalog.clone() else {
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
        if self.catalog.is_some() {
            self.selection.keep_first(n);
        } else if let Some(saved) = self.saved.as_mut() {
            saved.ids.truncate(n);
            saved.important = saved.important.min(n);
        }
    }

    /// What a reload must keep.
    pub fn to_saved(&self) -> Option<SavedPick> {
        match &self.catalog {
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
