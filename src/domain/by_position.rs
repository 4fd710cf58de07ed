//! Outcomes saved by their position in the ids they answer. A batch's answer mostly repeats
//! what its request already holds (the same ids, in order, their kinds, one takeover time for
//! many items), so local storage keeps where each outcome sits instead: per takeover time the
//! accepted positions as ranges, and each rejection's position, code and message. The run's
//! ledger and the demo's saved state both save their batches' answers this way.

use serde::{Deserialize, Serialize};

use crate::api::types::{ItemKind, ItemOutcome, NewBatch};

/// The ids a batch carries, list by list with their kind; positions count through them in
/// order.
pub type Lists<'a> = [(&'a [String], ItemKind); 2];

/// A request's ids as `by_position` counts them: its customers, then its groups.
pub fn of_request(b: &NewBatch) -> Lists<'_> {
    [
        (&b.customer_ids, ItemKind::Customer),
        (&b.group_ids, ItemKind::Group),
    ]
}

/// A batch's outcomes by position (see the module's doc), as flat lists of numbers and strings.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ByPosition<S> {
    /// The takeover times of accepted items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    times: Vec<S>,
    /// Per time, in order: how many ranges, then each range's `from` and `to` (exclusive).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    accepted: Vec<u32>,
    /// Per rejection: its position and code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    rejected: Vec<u32>,
    /// Per rejection: its message.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    messages: Vec<S>,
}

impl<S> ByPosition<S> {
    pub fn is_empty(&self) -> bool {
        self.times.is_empty() && self.rejected.is_empty()
    }
}

fn item<'a>(lists: &Lists<'a>, at: usize) -> Option<(&'a String, ItemKind)> {
    let [(first, k1), (second, k2)] = *lists;
    match at.checked_sub(first.len()) {
        None => Some((&first[at], k1)),
        Some(at) => second.get(at).map(|id| (id, k2)),
    }
}

/// The outcomes by position, when each names an item of the lists, of its kind, in the lists'
/// order, at most once (what a backend answers); `None` otherwise, and they are saved whole.
pub fn by_position<'a>(
    lists: &Lists<'_>,
    outcomes: &'a [ItemOutcome],
) -> Option<ByPosition<&'a str>> {
    let mut answers = ByPosition::default();
    // Per time, its ranges; flattened into `accepted` at the end.
    let mut groups: Vec<Vec<u32>> = Vec::new();
    let len = lists[0].0.len() + lists[1].0.len();
    // Positions before `next` are behind us: an id found again or out of order is not found.
    let mut next = 0;
    for o in outcomes {
        let (id, kind) = match o {
            ItemOutcome::Accepted { id, kind, .. } | ItemOutcome::Rejected { id, kind, .. } => {
                (id, *kind)
            }
        };
        let at = (next..len).find(|&p| item(lists, p) == Some((id, kind)))?;
        next = at + 1;
        let at = u32::try_from(at).ok()?;
        match o {
            ItemOutcome::Accepted { takeover_at, .. } => {
                // Neighbours usually share a time: look from the newest group back.
                let t = takeover_at.as_str();
                let group = match answers.times.iter().rposition(|g| *g == t) {
                    Some(g) => g,
                    None => {
                        answers.times.push(t);
                        groups.push(Vec::new());
                        groups.len() - 1
                    }
                };
                let ranges = &mut groups[group];
                match ranges.last_mut() {
                    Some(end) if *end == at => *end = at + 1,
                    _ => ranges.extend([at, at + 1]),
                }
            }
            ItemOutcome::Rejected { code, message, .. } => {
                answers.rejected.extend([at, *code]);
                answers.messages.push(message.as_str());
            }
        }
    }
    for ranges in groups {
        answers.accepted.push(u32::try_from(ranges.len() / 2).ok()?);
        answers.accepted.extend(ranges);
    }
    Some(answers)
}

/// The outcomes again, in the lists' order; an error says what a damaged save got wrong.
pub fn outcomes(
    lists: &Lists<'_>,
    saved: ByPosition<String>,
) -> Result<Vec<ItemOutcome>, &'static str> {
    // One slot per position: the outcomes come out in the lists' order without a sort.
    let mut slots: Vec<Option<ItemOutcome>> = Vec::new();
    slots.resize_with(lists[0].0.len() + lists[1].0.len(), || None);
    let mut put = |at: u32, outcome: &dyn Fn(String, ItemKind) -> ItemOutcome| {
        let (id, kind) = item(lists, at as usize).ok_or("an outcome for no item of its batch")?;
        match slots.get_mut(at as usize) {
            Some(slot @ None) => {
                *slot = Some(outcome(id.clone(), kind));
                Ok(())
            }
            _ => Err("two outcomes for one item"),
        }
    };
    let mut accepted = saved.accepted.iter().copied();
    for takeover_at in &saved.times {
        let n = accepted
            .next()
            .ok_or("a takeover time without its ranges")?;
        for _ in 0..n {
            let (from, to) = accepted
                .next()
                .zip(accepted.next())
                .ok_or("a range without its end")?;
            for at in from..to {
                put(at, &|id, kind| ItemOutcome::Accepted {
                    id,
                    kind,
                    takeover_at: takeover_at.clone(),
                })?;
            }
        }
    }
    if accepted.next().is_some() || saved.rejected.len() != 2 * saved.messages.len() {
        return Err("positions without their outcome");
    }
    for (pair, message) in saved.rejected.chunks_exact(2).zip(&saved.messages) {
        put(pair[0], &|id, kind| ItemOutcome::Rejected {
            id,
            kind,
            code: pair[1],
            message: message.clone(),
        })?;
    }
    Ok(slots.into_iter().flatten().collect())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An acceptance, for the tests of what saves outcomes this way.
    pub(crate) fn accepted(id: &str, kind: ItemKind, at: &str) -> ItemOutcome {
        ItemOutcome::Accepted {
            id: id.into(),
            kind,
            takeover_at: at.into(),
        }
    }

    #[test]
    fn positions_count_through_both_lists_with_their_kinds() {
        let customers = vec!["c0".to_string(), "c1".to_string()];
        let groups = vec!["g0".to_string()];
        let lists: Lists = [(&customers, ItemKind::Customer), (&groups, ItemKind::Group)];
        let answer = vec![
            accepted("c0", ItemKind::Customer, "t"),
            accepted("g0", ItemKind::Group, "t"),
        ];
        let saved = by_position(&lists, &answer).unwrap();
        assert_eq!(
            serde_json::to_value(&saved).unwrap(),
            serde_json::json!({"times": ["t"], "accepted": [2, 0, 1, 2, 3]})
        );
        let back: ByPosition<String> =
            serde_json::from_value(serde_json::to_value(&saved).unwrap()).unwrap();
        assert_eq!(outcomes(&lists, back), Ok(answer));
        // A group's id answered as a customer is not the group at that position.
        let wrong = vec![accepted("g0", ItemKind::Customer, "t")];
        assert_eq!(by_position(&lists, &wrong), None);
    }
}
