//! Who may do what with a handover, from the session alone. The backend enforces the same rules;
//! the page uses these to offer only the actions that will be allowed.

use crate::api::types::{Handover, HandoverHead, HandoverState, Session};

/// Approval is a second admin's word: someone with the approval permission who did not create
/// the handover, while it waits for approval.
pub fn may_approve(s: &Session, h: &Handover) -> bool {
    awaits(s, h.state, &h.created_by.id)
}

/// `may_approve`, on what the navigation's count reads of a handover.
pub fn may_approve_head(s: &Session, h: &HandoverHead) -> bool {
    awaits(s, h.state, &h.created_by.id)
}

fn awaits(s: &Session, state: HandoverState, creator: &str) -> bool {
    state == HandoverState::PendingApproval && s.permissions.may_approve && s.admin.id != creator
}

/// After approval the creator or the approver starts the run, while something is unsent.
pub fn may_start(s: &Session, h: &Handover) -> bool {
    let involved =
        s.admin.id == h.created_by.id || h.decided_by.as_ref().is_some_and(|d| d.id == s.admin.id);
    involved && h.state == HandoverState::Ready && h.counts.unsent > 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::*;
    use crate::domain::fixtures::{self, admin, session};

    fn handover(state: HandoverState, decided_by: Option<&str>, unsent: u32) -> Handover {
        let mut h = fixtures::handover(state, unsent);
        h.approval_required = true;
        h.decided_by = decided_by.map(admin);
        h
    }

    #[test]
    fn only_another_admin_with_the_permission_approves_a_pending_handover() {
        let pending = handover(HandoverState::PendingApproval, None, 5);
        assert!(may_approve(&session("other", true), &pending));
        assert!(
            !may_approve(&session("creator", true), &pending),
            "not the creator"
        );
        assert!(
            !may_approve(&session("other", false), &pending),
            "needs the permission"
        );
        for state in HandoverState::ALL {
            if state != HandoverState::PendingApproval {
                let h = handover(state, None, 5);
                assert!(!may_approve(&session("other", true), &h), "{state:?}");
            }
        }
    }

    #[test]
    fn the_creator_or_the_approver_starts_a_ready_handover_with_unsent_items() {
        let ready = handover(HandoverState::Ready, Some("approver"), 5);
        assert!(may_start(&session("creator", false), &ready));
        assert!(may_start(&session("approver", true), &ready));
        assert!(!may_start(&session("someone", true), &ready));
        assert!(!may_start(
            &session("creator", false),
            &handover(HandoverState::Ready, None, 0)
        ));
        for state in HandoverState::ALL {
            if state != HandoverState::Ready {
                let h = handover(state, Some("approver"), 5);
                assert!(!may_start(&session("creator", false), &h), "{state:?}");
            }
        }
    }
}
