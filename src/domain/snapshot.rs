//! One handover's page shows one picture: its items, the counts and bar drawn from them, the
//! caption under the bar and the state all come from the same refresh, plus the answers this
//! tab's run already holds for items the refresh still called unsent. Counts are never taken
//! from a separate request, so nothing on the page can say "7 accepted" while the items say
//! "Not sent".

use std::collections::HashMap;
use std::sync::Arc;

use crate::api::types::{
    Handover, HandoverItem, HandoverState, ItemKind, ItemOutcome, ItemStatus, StatusCounts,
};

/// Counts per status of exactly these items.
pub fn counts(items: &[HandoverItem]) -> StatusCounts {
    let mut c = StatusCounts::default();
    for it in items {
        *match it.status {
            ItemStatus::Unsent => &mut c.unsent,
            ItemStatus::Waiting => &mut c.waiting,
            ItemStatus::TakenOver => &mut c.taken_over,
            ItemStatus::Refused => &mut c.refused,
            ItemStatus::LimitExceeded => &mut c.limit_exceeded,
            ItemStatus::Failed => &mut c.failed,
        } += 1;
    }
    c
}

/// One successor's part of a handover: how many customers and groups, and their outcomes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SuccessorPart {
    pub successor: String,
    pub customers: u32,
    pub groups: u32,
    pub counts: StatusCounts,
}

/// The items per successor, in the order they first appear (the request's order).
pub fn by_successor(items: &[HandoverItem]) -> Vec<SuccessorPart> {
    let mut out: Vec<SuccessorPart> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    for it in items {
        let i = *at.entry(it.successor.as_str()).or_insert_with(|| {
            out.push(SuccessorPart {
                successor: it.successor.clone(),
                ..SuccessorPart::default()
            });
            out.len() - 1
        });
        let part = &mut out[i];
        match it.kind {
            ItemKind::Customer => part.customers += 1,
            ItemKind::Group => part.groups += 1,
        }
        *match it.status {
            ItemStatus::Unsent => &mut part.counts.unsent,
            ItemStatus::Waiting => &mut part.counts.waiting,
            ItemStatus::TakenOver => &mut part.counts.taken_over,
            ItemStatus::Refused => &mut part.counts.refused,
            ItemStatus::LimitExceeded => &mut part.counts.limit_exceeded,
            ItemStatus::Failed => &mut part.counts.failed,
        } += 1;
    }
    out
}

fn total(c: &StatusCounts) -> u32 {
    c.unsent + c.waiting + c.taken_over + c.refused + c.limit_exceeded + c.failed
}

/// The state that agrees with the items. While a handover runs, its state follows its items
/// (the contract's meaning: running while some are unsent, submitted once all were sent and some
/// wait, completed once none is open); approval, rejection and withdrawal are the backend's word.
pub fn state_for(state: HandoverState, c: &StatusCounts) -> HandoverState {
    let n = total(c);
    match state {
        HandoverState::Ready | HandoverState::Running | HandoverState::Submitted if n > 0 => {
            if c.unsent == n {
                state
            } else if c.unsent > 0 {
                HandoverState::Running
            } else if c.waiting > 0 {
                HandoverState::Submitted
            } else {
                HandoverState::Completed
            }
        }
        s => s,
    }
}

/// Items the refresh still calls unsent but for which `outcomes` (this tab's run, in the order
/// they were answered) hold the backend's answer: accepted items wait for takeover, rejected
/// ones failed with WeCom's code. `None` when no item changes.
pub fn overlay<'a>(
    items: &[HandoverItem],
    outcomes: impl IntoIterator<Item = &'a ItemOutcome>,
) -> Option<Vec<HandoverItem>> {
    let mut latest: HashMap<(&str, ItemKind), &ItemOutcome> = HashMap::new();
    for o in outcomes {
        let key = match o {
            ItemOutcome::Accepted { id, kind, .. } | ItemOutcome::Rejected { id, kind, .. } => {
                (id.as_str(), *kind)
            }
        };
        latest.insert(key, o);
    }
    let touched = |it: &HandoverItem| {
        it.status == ItemStatus::Unsent && latest.contains_key(&(it.id.as_str(), it.kind))
    };
    if !items.iter().any(touched) {
        return None;
    }
    Some(
        items
            .iter()
            .map(|it| {
                if !touched(it) {
                    return it.clone();
                }
                let mut it = it.clone();
                match latest.get(&(it.id.as_str(), it.kind)).copied() {
                    Some(ItemOutcome::Accepted { takeover_at, .. }) => {
                        it.status = ItemStatus::Waiting;
                        it.takeover_at = Some(takeover_at.clone());
                    }
                    Some(ItemOutcome::Rejected { code, message, .. }) => {
                        it.status = ItemStatus::Failed;
                        it.code = Some(*code);
                        it.message = Some(message.clone());
                    }
                    None => {}
                }
                it
            })
            .collect(),
    )
}

/// What the page shows of one handover.
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    /// The handover with counts and state recomputed from `items`.
    pub handover: Handover,
    pub items: Arc<Vec<HandoverItem>>,
}

/// The picture of one refresh (`handover` and all of its `items`), with this tab's run answers
/// laid over it.
pub fn picture<'a>(
    mut handover: Handover,
    items: Arc<Vec<HandoverItem>>,
    outcomes: impl IntoIterator<Item = &'a ItemOutcome>,
) -> Picture {
    let items = overlay(&items, outcomes).map(Arc::new).unwrap_or(items);
    handover.counts = counts(&items);
    handover.state = state_for(handover.state, &handover.counts);
    Picture { handover, items }
}

/// The sentence under the bar, from the same counts the bar draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caption {
    /// Waiting for a second admin; nothing is sent before that.
    AwaitingApproval {
        total: u32,
    },
    /// The approver said no; nothing was sent.
    Rejected {
        total: u32,
    },
    /// The creator withdrew it; nothing was sent.
    Withdrawn {
        total: u32,
    },
    NotSent {
        total: u32,
    },
    /// Some items were sent, the rest not yet.
    Sending {
        sent: u32,
        total: u32,
    },
    /// Everything was sent; `waiting` items wait for takeover.
    Waiting {
        waiting: u32,
        total: u32,
    },
    /// Nothing is open any more: `taken_over` of `total` were taken over.
    Done {
        taken_over: u32,
        total: u32,
    },
}

pub fn caption(state: HandoverState, c: &StatusCounts) -> Caption {
    let total = total(c);
    match state {
        HandoverState::PendingApproval => Caption::AwaitingApproval { total },
        HandoverState::Rejected => Caption::Rejected { total },
        HandoverState::Cancelled => Caption::Withdrawn { total },
        _ if c.unsent == total => Caption::NotSent { total },
        _ if c.unsent > 0 => Caption::Sending {
            sent: total - c.unsent,
            total,
        },
        _ if c.waiting > 0 => Caption::Waiting {
            waiting: c.waiting,
            total,
        },
        _ => Caption::Done {
            taken_over: c.taken_over,
            total,
        },
    }
}

/// Whether an item's outcome means it is still with the departed member and may be handed over
/// again: the customer refused, the successor was full, or WeCom refused the transfer.
pub fn is_rejected(s: ItemStatus) -> bool {
    matches!(
        s,
        ItemStatus::Refused | ItemStatus::LimitExceeded | ItemStatus::Failed
    )
}

/// The customer and group ids to hand over again, in the handover's order.
pub fn again(items: &[HandoverItem]) -> (Vec<String>, Vec<String>) {
    let pick = |kind: ItemKind| {
        items
            .iter()
            .filter(|it| it.kind == kind && is_rejected(it.status))
            .map(|it| it.id.clone())
            .collect::<Vec<_>>()
    };
    (pick(ItemKind::Customer), pick(ItemKind::Group))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{Admin, ChatHistory, ChatScope};

    fn item(id: &str, kind: ItemKind, status: ItemStatus) -> HandoverItem {
        HandoverItem {
            id: id.into(),
            kind,
            name: id.to_uppercase(),
            successor: "m1".into(),
            status,
            takeover_at: None,
            code: None,
            message: None,
        }
    }

    #[test]
    fn parts_per_successor_in_request_order() {
        let mut items = vec![
            item("c1", ItemKind::Customer, ItemStatus::TakenOver),
            item("c2", ItemKind::Customer, ItemStatus::LimitExceeded),
            item("g1", ItemKind::Group, ItemStatus::Waiting),
        ];
        items[1].successor = "m2".into();
        let parts = by_successor(&items);
        assert_eq!(parts.len(), 2);
        assert_eq!(
            (
                parts[0].successor.as_str(),
                parts[0].customers,
                parts[0].groups
            ),
            ("m1", 1, 1)
        );
        assert_eq!(parts[0].counts.taken_over + parts[0].counts.waiting, 2);
        assert_eq!(parts[1].counts.limit_exceeded, 1);
        let sum: u32 = parts.iter().map(|p| p.customers + p.groups).sum();
        assert_eq!(sum as usize, items.len());
    }

    fn handover(state: HandoverState, counts: StatusCounts) -> Handover {
        let a = Admin {
            id: "a".into(),
            name: "A".into(),
        };
        Handover {
            id: "h".into(),
            state,
            departed_member: a.clone(),
            successors: vec![a.clone()],
            created_by: a,
            created_at: "2026-11-25T08:00:00Z".into(),
            chat_history: ChatHistory {
                scope: ChatScope::None,
                days: None,
            },
            note: None,
            customer_count: 3,
            group_count: 1,
            important_count: 0,
            approval_required: false,
            approval_reasons: vec![],
            decided_by: None,
            rejection_reason: None,
            counts,
            by_successor: vec![],
        }
    }

    fn accepted(id: &str) -> ItemOutcome {
        ItemOutcome::Accepted {
            id: id.into(),
            kind: ItemKind::Customer,
            takeover_at: "2026-11-26T08:00:00Z".into(),
        }
    }

    fn unsent4() -> Arc<Vec<HandoverItem>> {
        Arc::new(vec![
            item("c1", ItemKind::Customer, ItemStatus::Unsent),
            item("c2", ItemKind::Customer, ItemStatus::Unsent),
            item("c3", ItemKind::Customer, ItemStatus::Unsent),
            item("g1", ItemKind::Group, ItemStatus::Unsent),
        ])
    }

    #[test]
    fn counts_come_from_the_items_not_from_another_request() {
        // The handover's own counts (another request) say 4 waiting; the items say otherwise.
        let stale = StatusCounts {
            waiting: 4,
            ..Default::default()
        };
        let p = picture(handover(HandoverState::Running, stale), unsent4(), []);
        assert_eq!(p.handover.counts.unsent, 4);
        assert_eq!(p.handover.counts.waiting, 0);
        assert_eq!(
            caption(p.handover.state, &p.handover.counts),
            Caption::NotSent { total: 4 }
        );
    }

    #[test]
    fn the_runs_answers_show_before_the_next_refresh() {
        let rejected = ItemOutcome::Rejected {
            id: "g1".into(),
            kind: ItemKind::Group,
            code: 90500,
            message: "owner has not left".into(),
        };
        let outcomes = [accepted("c1"), accepted("c2"), accepted("c3"), rejected];
        let h = handover(HandoverState::Ready, StatusCounts::default());
        let p = picture(h, unsent4(), &outcomes);
        let statuses: Vec<ItemStatus> = p.items.iter().map(|i| i.status).collect();
        assert_eq!(
            statuses,
            [
                ItemStatus::Waiting,
                ItemStatus::Waiting,
                ItemStatus::Waiting,
                ItemStatus::Failed
            ]
        );
        assert_eq!(
            p.items[0].takeover_at.as_deref(),
            Some("2026-11-26T08:00:00Z")
        );
        assert_eq!(p.items[3].code, Some(90500));
        assert_eq!(
            (p.handover.counts.waiting, p.handover.counts.failed),
            (3, 1)
        );
        assert_eq!(p.handover.state, HandoverState::Submitted);
        assert_eq!(
            caption(p.handover.state, &p.handover.counts),
            Caption::Waiting {
                waiting: 3,
                total: 4
            }
        );
    }

    #[test]
    fn the_refresh_wins_over_older_answers_and_a_later_answer_over_an_earlier_one() {
        let mut items = (*unsent4()).clone();
        items[0].status = ItemStatus::TakenOver;
        let again = ItemOutcome::Rejected {
            id: "c2".into(),
            kind: ItemKind::Customer,
            code: 40128,
            message: "try later".into(),
        };
        let outcomes = [accepted("c1"), again, accepted("c2")];
        let out = overlay(&items, &outcomes).unwrap_or_default();
        assert_eq!(
            out[0].status,
            ItemStatus::TakenOver,
            "the refresh knew more"
        );
        assert_eq!(out[1].status, ItemStatus::Waiting, "the later answer");
        assert_eq!(overlay(&items, []), None, "nothing to lay over");
        // A group and a customer may share an id: only the same kind matches.
        assert_eq!(overlay(&items[3..], &[accepted("g1")]), None);
    }

    #[test]
    fn the_state_follows_the_items_while_running_only() {
        let c = |unsent, waiting, taken_over| StatusCounts {
            unsent,
            waiting,
            taken_over,
            ..Default::default()
        };
        assert_eq!(
            state_for(HandoverState::Ready, &c(4, 0, 0)),
            HandoverState::Ready
        );
        assert_eq!(
            state_for(HandoverState::Ready, &c(1, 3, 0)),
            HandoverState::Running
        );
        assert_eq!(
            state_for(HandoverState::Running, &c(0, 3, 1)),
            HandoverState::Submitted
        );
        assert_eq!(
            state_for(HandoverState::Submitted, &c(0, 0, 4)),
            HandoverState::Completed
        );
        for s in [
            HandoverState::PendingApproval,
            HandoverState::Rejected,
            HandoverState::Cancelled,
            HandoverState::Completed,
        ] {
            assert_eq!(state_for(s, &c(0, 0, 4)), s);
        }
        assert_eq!(
            state_for(HandoverState::Running, &c(0, 0, 0)),
            HandoverState::Running
        );
    }

    #[test]
    fn captions_say_what_the_bar_shows() {
        let c = StatusCounts {
            taken_over: 5,
            refused: 1,
            failed: 1,
            ..Default::default()
        };
        assert_eq!(
            caption(HandoverState::Completed, &c),
            Caption::Done {
                taken_over: 5,
                total: 7
            }
        );
        let sending = StatusCounts {
            unsent: 2,
            waiting: 5,
            ..Default::default()
        };
        assert_eq!(
            caption(HandoverState::Running, &sending),
            Caption::Sending { sent: 5, total: 7 }
        );
        let unsent = StatusCounts {
            unsent: 7,
            ..Default::default()
        };
        assert_eq!(
            caption(HandoverState::PendingApproval, &unsent),
            Caption::AwaitingApproval { total: 7 }
        );
        assert_eq!(
            caption(HandoverState::Cancelled, &unsent),
            Caption::Withdrawn { total: 7 }
        );
        assert_eq!(
            caption(HandoverState::Rejected, &unsent),
            Caption::Rejected { total: 7 }
        );
    }

    #[test]
    fn refused_full_and_failed_items_are_handed_over_again() {
        let items = vec![
            item("c1", ItemKind::Customer, ItemStatus::TakenOver),
            item("c2", ItemKind::Customer, ItemStatus::Refused),
            item("c3", ItemKind::Customer, ItemStatus::LimitExceeded),
            item("c4", ItemKind::Customer, ItemStatus::Waiting),
            item("c5", ItemKind::Customer, ItemStatus::Unsent),
            item("g1", ItemKind::Group, ItemStatus::Failed),
            item("g2", ItemKind::Group, ItemStatus::TakenOver),
        ];
        let (c, g) = again(&items);
        assert_eq!(c, ["c2", "c3"]);
        assert_eq!(g, ["g1"]);
        assert_eq!(again(&[]), (vec![], vec![]));
    }
}
