//! The audit timeline in the admin's words: each event's kind is typed (`EventKind`), and what
//! it says is read from its typed facts, so the page and the CSV never show a wire tag such as
//! `batch_submitted` or `important_customers`. Backends older than contract 1.2 send no facts:
//! their `approval_requested` detail (a list of reason tags) is still read as reasons, and other
//! details are shown as the backend wrote them.

use crate::api::types::{ApprovalReason, EventKind, HandoverEvent};

/// What an event says beyond its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Said {
    Nothing,
    /// `created`: how much the handover holds.
    Size {
        customers: u32,
        groups: u32,
    },
    /// `approval_requested`: why a second admin must approve.
    Reasons(Vec<ApprovalReason>),
    /// `batch_submitted`: WeCom's answer to one batch.
    Batch {
        seq: u32,
        accepted: u32,
        rejected: u32,
    },
    /// `outcome_changed`: what the takeover time decided for one batch.
    Outcomes {
        seq: u32,
        taken_over: u32,
        refused: u32,
        limit_exceeded: u32,
    },
    /// Words a person typed (the approver's reason), or a backend's own text for what this
    /// build cannot word: shown as written.
    Text(String),
}

/// A `detail` that is a comma-separated list of wire tags (`important_customers, large_handover`),
/// as approval requests carried before contract 1.2.
fn tag_list(detail: &str) -> Option<Vec<ApprovalReason>> {
    let parts: Vec<&str> = detail.split(',').map(str::trim).collect();
    let is_tag = |p: &&str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    parts
        .iter()
        .all(is_tag)
        .then(|| parts.into_iter().map(ApprovalReason::from_tag).collect())
}

fn text(detail: &str) -> Said {
    if detail.trim().is_empty() {
        Said::Nothing
    } else {
        Said::Text(detail.to_string())
    }
}

/// The event's kind and what it says.
pub fn read(e: &HandoverEvent) -> (EventKind, Said) {
    let kind = EventKind::from_tag(&e.kind);
    let f = e.facts.clone().unwrap_or_default();
    let said = match &kind {
        EventKind::Created => match (f.customers, f.groups) {
            (Some(customers), Some(groups)) => Said::Size { customers, groups },
            _ => text(&e.detail),
        },
        EventKind::Verified | EventKind::Approved => Said::Nothing,
        EventKind::ApprovalRequested if !f.reasons.is_empty() => Said::Reasons(f.reasons),
        EventKind::ApprovalRequested => {
            tag_list(&e.detail).map_or_else(|| text(&e.detail), Said::Reasons)
        }
        EventKind::BatchSubmitted => match (f.seq, f.accepted, f.rejected) {
            (Some(seq), Some(accepted), Some(rejected)) => Said::Batch {
                seq,
                accepted,
                rejected,
            },
            _ => text(&e.detail),
        },
        EventKind::OutcomeChanged => match f.seq {
            Some(seq) => Said::Outcomes {
                seq,
                taken_over: f.taken_over.unwrap_or(0),
                refused: f.refused.unwrap_or(0),
                limit_exceeded: f.limit_exceeded.unwrap_or(0),
            },
            None => text(&e.detail),
        },
        EventKind::Rejected | EventKind::Withdrawn | EventKind::Other(_) => text(&e.detail),
    };
    (kind, said)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{Admin, EventFacts};

    fn event(kind: &str, detail: &str, facts: Option<EventFacts>) -> HandoverEvent {
        HandoverEvent {
            kind: kind.into(),
            at: "2026-11-25T08:00:00Z".into(),
            actor: Admin {
                id: "admin-1".into(),
                name: "周静".into(),
            },
            detail: detail.into(),
            facts,
            prev_hash: None,
            hash: None,
        }
    }

    #[test]
    fn facts_are_read_typed() {
        let f = EventFacts {
            seq: Some(2),
            accepted: Some(98),
            rejected: Some(2),
            ..Default::default()
        };
        assert_eq!(
            read(&event(
                "batch_submitted",
                "batch 2: 98 accepted, 2 rejected",
                Some(f)
            )),
            (
                EventKind::BatchSubmitted,
                Said::Batch {
                    seq: 2,
                    accepted: 98,
                    rejected: 2
                }
            )
        );
        let f = EventFacts {
            reasons: vec![ApprovalReason::LargeHandover],
            ..Default::default()
        };
        assert_eq!(
            read(&event("approval_requested", "large_handover", Some(f))).1,
            Said::Reasons(vec![ApprovalReason::LargeHandover])
        );
        let f = EventFacts {
            seq: Some(1),
            taken_over: Some(6),
            refused: Some(1),
            ..Default::default()
        };
        assert_eq!(
            read(&event("outcome_changed", "x", Some(f))).1,
            Said::Outcomes {
                seq: 1,
                taken_over: 6,
                refused: 1,
                limit_exceeded: 0
            }
        );
        let f = EventFacts {
            customers: Some(7),
            groups: Some(0),
            ..Default::default()
        };
        assert_eq!(
            read(&event("created", "7 customers, 0 groups", Some(f))).1,
            Said::Size {
                customers: 7,
                groups: 0
            }
        );
    }

    #[test]
    fn older_backends_reason_tags_are_still_worded() {
        assert_eq!(
            read(&event(
                "approval_requested",
                "important_customers, legal_hold",
                None
            ))
            .1,
            Said::Reasons(vec![
                ApprovalReason::ImportantCustomers,
                ApprovalReason::Other("legal_hold".into())
            ])
        );
        assert_eq!(
            read(&event("approval_requested", "Needs a second look", None)).1,
            Said::Text("Needs a second look".into())
        );
        assert_eq!(
            read(&event("batch_submitted", "batch 1: 3 accepted", None)).1,
            Said::Text("batch 1: 3 accepted".into())
        );
    }

    #[test]
    fn people_s_words_stay_and_bare_kinds_say_nothing_more() {
        assert_eq!(
            read(&event("rejected", "客户需要单独沟通", None)),
            (EventKind::Rejected, Said::Text("客户需要单独沟通".into()))
        );
        assert_eq!(
            read(&event("verified", "identity verified", None)).1,
            Said::Nothing
        );
        assert_eq!(
            read(&event("withdrawn", "", None)),
            (EventKind::Withdrawn, Said::Nothing)
        );
        assert_eq!(
            read(&event("escalated", "to legal", None)),
            (
                EventKind::Other("escalated".into()),
                Said::Text("to legal".into())
            )
        );
    }
}
