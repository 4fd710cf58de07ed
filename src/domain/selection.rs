//! Picking customers and groups: a filterable catalogue and a selection kept as a bit set over
//! the catalogue's ids, never a signal per row, so 20,000 rows filter and select in a frame.

use crate::api::types::{Customer, Group};

/// What the selection needs to know about a row.
pub trait Pickable {
    fn id(&self) -> &str;
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
    fn id(&self) -> &str {
        &self.id
    }
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
    fn id(&self) -> &str {
        &self.id
    }
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

    /// Chosen rows that are flagged important.
    pub fn important_count<T: Pickable>(&self, cat: &Catalog<T>) -> usize {
        cat.items
            .iter()
            .zip(&self.bits)
            .filter(|(it, b)| **b && it.important())
            .count()
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
}
