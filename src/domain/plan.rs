//! The batching plan: every assigned customer and group lands in exactly one batch of at most
//! `per_batch` items, per successor, customers and groups apart (WeCom takes them by separate
//! calls). Sequence numbers follow from the assignments alone, so a reloaded page computes the
//! same plan and the backend's (handover, seq) idempotency holds.

use serde::{Deserialize, Serialize};

use crate::api::types::{Assignment, HandoverItem, ItemKind, ItemStatus, NewBatch};
use crate::domain::by_position::Lists;

/// WeCom's per-call maximum of customers or groups.
pub const WECOM_MAX_PER_CALL: usize = 100;

/// Items per batch: what the session's limits advertise (a backend may take fewer than WeCom),
/// never more than WeCom's per-call maximum, at least one. Without a session (not loaded yet)
/// WeCom's maximum.
pub fn batch_size(items_per_batch: Option<u32>) -> usize {
    items_per_batch.map_or(WECOM_MAX_PER_CALL, |n| {
        usize::try_from(n).map_or(WECOM_MAX_PER_CALL, |n| n.clamp(1, WECOM_MAX_PER_CALL))
    })
}

/// The assignments of a handover's unsent items, per successor in order of first appearance:
/// what starting (or continuing) its run still has to send.
pub fn unsent_assignments(items: &[HandoverItem]) -> Vec<Assignment> {
    let mut out: Vec<Assignment> = Vec::new();
    for it in items.iter().filter(|i| i.status == ItemStatus::Unsent) {
        let pos = match out.iter().position(|a| a.successor == it.successor) {
            Some(p) => p,
            None => {
                out.push(Assignment {
                    successor: it.successor.clone(),
                    customer_ids: vec![],
                    group_ids: vec![],
                });
                out.len() - 1
            }
        };
        match it.kind {
            ItemKind::Customer => out[pos].customer_ids.push(it.id.clone()),
            ItemKind::Group => out[pos].group_ids.push(it.id.clone()),
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchSpec {
    pub seq: u32,
    pub successor: String,
    pub kind: ItemKind,
    pub ids: Vec<String>,
}

impl BatchSpec {
    /// Its ids as `by_position` counts them.
    pub fn lists(&self) -> Lists<'_> {
        [(&self.ids, self.kind), (&[], self.kind)]
    }

    pub fn to_request(&self) -> NewBatch {
        let (customer_ids, group_ids) = match self.kind {
            ItemKind::Customer => (self.ids.clone(), Vec::new()),
            ItemKind::Group => (Vec::new(), self.ids.clone()),
        };
        NewBatch {
            seq: self.seq,
            successor: self.successor.clone(),
            customer_ids,
            group_ids,
        }
    }
}

/// Takes the assignments: their ids move into the batches (20,000 of them are not copied on
/// the click that starts a run).
pub fn plan(assignments: Vec<Assignment>, per_batch: usize) -> Vec<BatchSpec> {
    let per_batch = per_batch.max(1);
    let mut out = Vec::new();
    for a in assignments {
        for (kind, ids) in [
            (ItemKind::Customer, a.customer_ids),
            (ItemKind::Group, a.group_ids),
        ] {
            let mut ids = ids.into_iter().peekable();
            while ids.peek().is_some() {
                out.push(BatchSpec {
                    seq: out.len() as u32 + 1,
                    successor: a.successor.clone(),
                    kind,
                    ids: ids.by_ref().take(per_batch).collect(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignment(successor: &str, customers: usize, groups: usize) -> Assignment {
        Assignment {
            successor: successor.into(),
            customer_ids: (0..customers)
                .map(|i| format!("{successor}-c{i}"))
                .collect(),
            group_ids: (0..groups).map(|i| format!("{successor}-g{i}")).collect(),
        }
    }

    #[test]
    fn chunks_per_successor_and_kind() {
        let p = plan(
            vec![assignment("a", 250, 101), assignment("b", 100, 0)],
            100,
        );
        let shape: Vec<(u32, &str, ItemKind, usize)> = p
            .iter()
            .map(|b| (b.seq, b.successor.as_str(), b.kind, b.ids.len()))
            .collect();
        use ItemKind::*;
        assert_eq!(
            shape,
            vec![
                (1, "a", Customer, 100),
                (2, "a", Customer, 100),
                (3, "a", Customer, 50),
                (4, "a", Group, 100),
                (5, "a", Group, 1),
                (6, "b", Customer, 100),
            ]
        );
        let r = p[4].to_request();
        assert_eq!((r.seq, r.customer_ids.len(), r.group_ids.len()), (5, 0, 1));
        assert!(plan(vec![], 100).is_empty());
    }

    #[test]
    fn batch_size_follows_the_session_within_wecoms_maximum() {
        assert_eq!(batch_size(Some(50)), 50);
        assert_eq!(batch_size(Some(100)), 100);
        assert_eq!(batch_size(Some(1000)), 100, "never above WeCom's 100");
        assert_eq!(batch_size(Some(0)), 1);
        assert_eq!(batch_size(None), 100);
        let p = plan(vec![assignment("a", 120, 0)], batch_size(Some(50)));
        assert!(p.iter().all(|b| b.ids.len() <= 50));
        assert_eq!(p.len(), 3);
    }

    #[test]
    fn unsent_items_become_assignments_per_successor_and_kind() {
        let item = |id: &str, kind: ItemKind, successor: &str, status: ItemStatus| HandoverItem {
            id: id.into(),
            kind,
            name: id.into(),
            successor: successor.into(),
            status,
            takeover_at: None,
            code: None,
            message: None,
        };
        use ItemKind::*;
        use ItemStatus::*;
        let items = [
            item("c1", Customer, "s1", Unsent),
            item("c2", Customer, "s2", Unsent),
            item("c3", Customer, "s1", Waiting),
            item("g1", Group, "s1", Unsent),
            item("c4", Customer, "s1", Unsent),
            item("c5", Customer, "s2", Failed),
        ];
        let a = unsent_assignments(&items);
        assert_eq!(
            a,
            vec![
                Assignment {
                    successor: "s1".into(),
                    customer_ids: vec!["c1".into(), "c4".into()],
                    group_ids: vec!["g1".into()],
                },
                Assignment {
                    successor: "s2".into(),
                    customer_ids: vec!["c2".into()],
                    group_ids: vec![],
                },
            ]
        );
        assert!(unsent_assignments(&[]).is_empty());
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn every_item_lands_in_exactly_one_batch(
            sizes in proptest::collection::vec((0usize..450, 0usize..250), 1..4usize),
            per_batch in 1usize..150,
        ) {
            let assignments: Vec<Assignment> = sizes
                .iter()
                .enumerate()
                .map(|(i, (c, g))| assignment(&format!("s{i}"), *c, *g))
                .collect();
            let p = plan(assignments.clone(), per_batch);
            let mut seen = std::collections::HashMap::new();
            for b in &p {
                proptest::prop_assert!(!b.ids.is_empty() && b.ids.len() <= per_batch);
                for id in &b.ids {
                    *seen.entry(id.clone()).or_insert(0) += 1;
                    proptest::prop_assert!(id.starts_with(&format!("{}-", b.successor)), "right successor");
                    let kind_ok = match b.kind {
                        ItemKind::Customer => id.contains("-c"),
                        ItemKind::Group => id.contains("-g"),
                    };
                    proptest::prop_assert!(kind_ok);
                }
            }
            let total: usize = sizes.iter().map(|(c, g)| c + g).sum();
            proptest::prop_assert_eq!(seen.len(), total);
            proptest::prop_assert!(seen.values().all(|n| *n == 1));
            let seqs: Vec<u32> = p.iter().map(|b| b.seq).collect();
            proptest::prop_assert_eq!(seqs, (1..=p.len() as u32).collect::<Vec<_>>());
            proptest::prop_assert_eq!(plan(assignments, per_batch), p, "deterministic");
        }
    }
}
