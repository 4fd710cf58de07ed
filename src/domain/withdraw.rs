//! Withdrawing a handover: its creator takes it back before anything reached WeCom. One rule for
//! the store (which enforces it) and the handover page (which offers the button only when the
//! backend will allow it), so the two cannot drift apart.

use crate::api::types::{Handover, HandoverState, Session};

/// What a withdraw request does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Withdraw {
    /// The handover becomes `cancelled`, with a `withdrawn` event.
    Now,
    /// It was withdrawn before: a retry answers it as it is, recording nothing new.
    Already,
}

/// Why a handover cannot be withdrawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WithdrawBlock {
    /// Only the admin who created a handover withdraws it (403 `forbidden`).
    NotCreator,
    /// Batches were submitted: WeCom is already moving customers (409 `already_started`).
    Started,
    /// Rejected by the approver: nothing is left to withdraw (409 `handover_closed`).
    Closed,
}

impl WithdrawBlock {
    /// The HTTP status and problem code the contract gives this refusal.
    pub fn problem(self) -> (u16, &'static str) {
        match self {
            WithdrawBlock::NotCreator => (403, "forbidden"),
            WithdrawBlock::Started => (409, "already_started"),
            WithdrawBlock::Closed => (409, "handover_closed"),
        }
    }
}

/// The rule: the creator withdraws a handover that awaits approval or is ready, as long as no
/// batch was submitted; withdrawing again is a harmless retry.
pub fn check(
    state: HandoverState,
    batches_submitted: bool,
    by_creator: bool,
) -> Result<Withdraw, WithdrawBlock> {
    if !by_creator {
        return Err(WithdrawBlock::NotCreator);
    }
    match state {
        HandoverState::Cancelled => Ok(Withdraw::Already),
        _ if batches_submitted => Err(WithdrawBlock::Started),
        HandoverState::PendingApproval | HandoverState::Ready => Ok(Withdraw::Now),
        HandoverState::Running | HandoverState::Submitted | HandoverState::Completed => {
            Err(WithdrawBlock::Started)
        }
        HandoverState::Rejected => Err(WithdrawBlock::Closed),
    }
}

/// Whether the page offers "Withdraw" to the signed-in admin: the same rule, with "a batch was
/// submitted" read from the counts (every item still unsent means nothing was sent).
pub fn may_withdraw(s: &Session, h: &Handover) -> bool {
    let total = h.customer_count + h.group_count;
    let sent = h.counts.unsent < total;
    check(h.state, sent, s.admin.id == h.created_by.id) == Ok(Withdraw::Now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::*;
    use crate::domain::fixtures;

    fn session(id: &str) -> Session {
        fixtures::session(id, true)
    }

    /// Four customers and a group, `unsent` of them not sent yet.
    fn handover(state: HandoverState, unsent: u32) -> Handover {
        let mut h = fixtures::handover(state, 4);
        h.group_count = 1;
        h.counts.unsent = unsent;
        h.counts.waiting = 5 - unsent;
        h
    }

    #[test]
    fn the_creator_withdraws_before_anything_is_sent() {
        for s in [HandoverState::PendingApproval, HandoverState::Ready] {
            assert_eq!(check(s, false, true), Ok(Withdraw::Now), "{s:?}");
            assert_eq!(check(s, false, false), Err(WithdrawBlock::NotCreator));
            assert_eq!(check(s, true, true), Err(WithdrawBlock::Started));
        }
    }

    #[test]
    fn started_or_closed_handovers_stay_and_a_retry_is_harmless() {
        for s in [
            HandoverState::Running,
            HandoverState::Submitted,
            HandoverState::Completed,
        ] {
            assert_eq!(check(s, true, true), Err(WithdrawBlock::Started), "{s:?}");
        }
        assert_eq!(
            check(HandoverState::Rejected, false, true),
            Err(WithdrawBlock::Closed)
        );
        assert_eq!(
            check(HandoverState::Cancelled, false, true),
            Ok(Withdraw::Already)
        );
        assert_eq!(WithdrawBlock::Started.problem(), (409, "already_started"));
        assert_eq!(WithdrawBlock::NotCreator.problem().0, 403);
    }

    #[test]
    fn the_page_offers_it_only_when_the_backend_will_allow_it() {
        let me = session("creator");
        assert!(may_withdraw(&me, &handover(HandoverState::Ready, 5)));
        assert!(may_withdraw(
            &me,
            &handover(HandoverState::PendingApproval, 5)
        ));
        assert!(
            !may_withdraw(&me, &handover(HandoverState::Ready, 4)),
            "one item sent"
        );
        assert!(!may_withdraw(
            &session("other"),
            &handover(HandoverState::Ready, 5)
        ));
        for s in HandoverState::ALL {
            if !matches!(s, HandoverState::Ready | HandoverState::PendingApproval) {
                assert!(!may_withdraw(&me, &handover(s, 5)), "{s:?}");
            }
        }
    }
}
