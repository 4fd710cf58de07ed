//! How often a handover's page asks for its outcomes. WeCom sends no notice when a customer is
//! taken over, so outcomes must be polled; polling backs off while nothing changes (and faster
//! while customers wait for takeover), and stops once the handover's state cannot change.

use crate::api::types::{Handover, HandoverState, StatusCounts};

/// States nothing moves out of: polling them again only costs requests.
pub fn is_final(state: HandoverState) -> bool {
    matches!(
        state,
        HandoverState::Completed | HandoverState::Rejected | HandoverState::Cancelled
    )
}

/// The polling clock of one page.
#[derive(Clone, Debug, PartialEq)]
pub struct Poll {
    delay_ms: u32,
    seen: Option<(HandoverState, StatusCounts)>,
}

impl Default for Poll {
    fn default() -> Self {
        Poll {
            delay_ms: Poll::FIRST_MS,
            seen: None,
        }
    }
}

impl Poll {
    pub const FIRST_MS: u32 = 1_000;
    /// While customers wait for takeover, look at least this often.
    pub const WAITING_CAP_MS: u32 = 5_000;
    pub const IDLE_CAP_MS: u32 = 30_000;

    pub fn new() -> Poll {
        Poll::default()
    }

    /// The wait before the next look (also while the page is hidden).
    pub fn delay_ms(&self) -> u32 {
        self.delay_ms
    }

    /// After an answer: the wait before the next look, or `None` to stop polling.
    pub fn answered(&mut self, h: &Handover) -> Option<u32> {
        let now = (h.state, h.counts.clone());
        let changed = self.seen.as_ref() != Some(&now);
        self.seen = Some(now);
        if is_final(h.state) {
            return None;
        }
        let cap = if h.counts.waiting > 0 {
            Poll::WAITING_CAP_MS
        } else {
            Poll::IDLE_CAP_MS
        };
        self.delay_ms = if changed {
            Poll::FIRST_MS
        } else {
            self.delay_ms.saturating_mul(2).min(cap)
        };
        Some(self.delay_ms)
    }

    /// After a failed look: back off up to the idle cap.
    pub fn failed(&mut self) -> u32 {
        self.delay_ms = self.delay_ms.saturating_mul(2).min(Poll::IDLE_CAP_MS);
        self.delay_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{Admin, ChatHistory, ChatScope};

    fn handover(state: HandoverState, waiting: u32, taken_over: u32) -> Handover {
        let admin = Admin {
            id: "a".into(),
            name: "A".into(),
        };
        Handover {
            id: "h".into(),
            state,
            departed_member: admin.clone(),
            successors: vec![],
            created_by: admin,
            created_at: "t".into(),
            chat_history: ChatHistory {
                scope: ChatScope::None,
                days: None,
            },
            note: None,
            customer_count: 10,
            group_count: 0,
            important_count: 0,
            approval_required: false,
            approval_reasons: vec![],
            decided_by: None,
            rejection_reason: None,
            counts: StatusCounts {
                waiting,
                taken_over,
                ..Default::default()
            },
            by_successor: vec![],
        }
    }

    #[test]
    fn only_completed_rejected_and_cancelled_are_final() {
        let finals: Vec<HandoverState> = HandoverState::ALL
            .into_iter()
            .filter(|s| is_final(*s))
            .collect();
        assert_eq!(
            finals,
            [
                HandoverState::Completed,
                HandoverState::Rejected,
                HandoverState::Cancelled
            ]
        );
    }

    #[test]
    fn backs_off_while_nothing_changes_and_starts_over_on_a_change() {
        let mut p = Poll::new();
        let idle = handover(HandoverState::Ready, 0, 0);
        assert_eq!(p.answered(&idle), Some(1_000), "a first answer is news");
        assert_eq!(p.answered(&idle), Some(2_000));
        assert_eq!(p.answered(&idle), Some(4_000));
        for _ in 0..10 {
            p.answered(&idle);
        }
        assert_eq!(p.delay_ms(), 30_000, "capped");
        let moving = handover(HandoverState::Running, 10, 0);
        assert_eq!(p.answered(&moving), Some(1_000));
        for _ in 0..10 {
            p.answered(&moving);
        }
        assert_eq!(p.delay_ms(), 5_000, "waiting customers: at least every 5 s");
        assert_eq!(p.failed(), 10_000);
        assert_eq!(p.failed(), 20_000);
        assert_eq!(p.failed(), 30_000);
        assert_eq!(p.failed(), 30_000);
    }

    #[test]
    fn stops_once_final() {
        let mut p = Poll::new();
        assert_eq!(
            p.answered(&handover(HandoverState::Running, 5, 5)),
            Some(1_000)
        );
        assert_eq!(p.answered(&handover(HandoverState::Completed, 0, 10)), None);
    }
}
