//! State changes and the event log: every change a handover goes through is recorded here, with
//! who did it and when, so the records page can serve as evidence later.

use super::records::{BatchRec, EventRec, HandoverRec, ItemRec, Sent, State, TokenRec};
use crate::api::types::{
    ApprovalReason, BatchResult, EventFacts, EventKind, HandoverState, ItemKind, ItemOutcome,
    NewBatch, NewHandover, VerificationToken,
};
use crate::demo::rng::hash;
use crate::domain::codes;
use crate::domain::time::{to_rfc3339, MINUTE};

/// How long a verification token is good for.
const TOKEN_LIFETIME: i64 = 5 * MINUTE;

impl State {
    /// Issues a fresh token for `actor` and forgets expired ones.
    pub(super) fn issue_token(&mut self, actor: &str, now: i64) -> VerificationToken {
        self.next_token += 1;
        let token = format!(
            "vt-{}-{}",
            self.next_token,
            hash(&format!("{actor}{now}")) % 100_000
        );
        let expires = now + TOKEN_LIFETIME;
        self.tokens.retain(|t| t.expires > now);
        self.tokens.push(TokenRec {
            token: token.clone(),
            admin: actor.into(),
            expires,
        });
        VerificationToken {
            token,
            expires_at: to_rfc3339(expires),
        }
    }

    /// Whether `token` was issued to `actor` and has not expired.
    pub(super) fn token_valid(&self, token: Option<&str>, actor: &str, now: i64) -> bool {
        token.is_some_and(|t| {
            self.tokens
                .iter()
                .any(|r| r.token == t && r.admin == actor && r.expires > now)
        })
    }
}

fn event(kind: EventKind, actor: &str, now: i64, detail: String) -> EventRec {
    EventRec {
        kind: kind.as_str().into(),
        at: now,
        actor: actor.into(),
        detail,
        facts: None,
    }
}

impl EventRec {
    fn with(mut self, facts: EventFacts) -> EventRec {
        self.facts = Some(facts);
        self
    }
}

impl HandoverRec {
    /// A verified, validated handover as first recorded: ready, or waiting for approval.
    pub(super) fn open(
        req: &NewHandover,
        actor: &str,
        now: i64,
        items: Vec<ItemRec>,
        important_count: u32,
        approval_reasons: Vec<ApprovalReason>,
    ) -> HandoverRec {
        let customers = items
            .iter()
            .filter(|i| i.kind == ItemKind::Customer)
            .count();
        let groups = items.len() - customers;
        let mut events = vec![
            event(
                EventKind::Created,
                actor,
                now,
                format!("{customers} customers, {groups} groups"),
            )
            .with(EventFacts {
                customers: Some(customers as u32),
                groups: Some(groups as u32),
                ..EventFacts::default()
            }),
            event(EventKind::Verified, actor, now, "identity verified".into()),
        ];
        if !approval_reasons.is_empty() {
            let why: Vec<&str> = approval_reasons
                .iter()
                .map(ApprovalReason::as_str)
                .collect();
            events.push(
                event(EventKind::ApprovalRequested, actor, now, why.join(", ")).with(EventFacts {
                    reasons: approval_reasons.clone(),
                    ..EventFacts::default()
                }),
            );
        }
        HandoverRec {
            request: NewHandover {
                verification_token: None,
                ..req.clone()
            },
            created_by: actor.into(),
            created_at: now,
            state: if approval_reasons.is_empty() {
                HandoverState::Ready
            } else {
                HandoverState::PendingApproval
            },
            approval_reasons,
            important_count,
            decided_by: None,
            rejection_reason: None,
            items,
            batches: Vec::new(),
            events,
            positions: Default::default(),
            accepted: Default::default(),
        }
    }

    /// Records WeCom's answers (`(item index, answer)`) to `batch`, and starts the run.
    pub(super) fn record_batch(
        &mut self,
        actor: &str,
        batch: &NewBatch,
        kind: ItemKind,
        answers: Vec<(usize, Sent)>,
        takeover_at: i64,
        now: i64,
    ) -> BatchResult {
        let mut outcomes = Vec::with_capacity(answers.len());
        let (mut acc, mut rej) = (0, 0);
        for (k, sent) in answers {
            let Some(it) = self.items.get_mut(k) else {
                continue;
            };
            outcomes.push(match &sent {
                Sent::Accepted { takeover_at, .. } => {
                    acc += 1;
                    ItemOutcome::Accepted {
                        id: it.id.clone(),
                        kind,
                        takeover_at: to_rfc3339(*takeover_at),
                    }
                }
                Sent::Rejected { code } => {
                    rej += 1;
                    ItemOutcome::Rejected {
                        id: it.id.clone(),
                        kind,
                        code: *code,
                        message: codes::message(*code),
                    }
                }
            });
            // An item accepted earlier keeps its acceptance; the duplicate send is only reported.
            if !it.is_accepted() {
                it.sent = Some(sent);
                if let Some(a) = self.accepted.get_mut() {
                    a.note(it);
                }
            }
        }
        let result = BatchResult {
            seq: batch.seq,
            outcomes,
        };
        self.batches.push(BatchRec {
            request: batch.clone(),
            result: result.clone(),
            at: now,
            takeover_at,
        });
        self.events.push(
            event(
                EventKind::BatchSubmitted,
                actor,
                now,
                format!("batch {}: {acc} accepted, {rej} rejected", batch.seq),
            )
            .with(EventFacts {
                seq: Some(batch.seq),
                accepted: Some(acc),
                rejected: Some(rej),
                ..EventFacts::default()
            }),
        );
        if self.state == HandoverState::Ready {
            self.state = HandoverState::Running;
        }
        result
    }

    /// Records the second admin's decision: approved (ready to run) or rejected with a reason.
    pub(super) fn record_decision(&mut self, actor: &str, rejection: Option<&str>, now: i64) {
        self.decided_by = Some(actor.into());
        match rejection {
            Some(reason) => {
                self.state = HandoverState::Rejected;
                self.rejection_reason = Some(reason.into());
                self.events
                    .push(event(EventKind::Rejected, actor, now, reason.into()));
            }
            None => {
                self.state = HandoverState::Ready;
                self.events
                    .push(event(EventKind::Approved, actor, now, String::new()));
            }
        }
    }

    /// Records that the creator withdrew the handover before anything was sent.
    pub(super) fn record_withdrawal(&mut self, actor: &str, now: i64) {
        self.state = HandoverState::Cancelled;
        self.events
            .push(event(EventKind::Withdrawn, actor, now, String::new()));
    }
}
