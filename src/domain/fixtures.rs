//! Test fixtures the domain's tests share: a session and a handover with sensible defaults,
//! which each test bends to its case.

use crate::api::types::*;

pub fn admin(id: &str) -> Admin {
    Admin {
        id: id.into(),
        name: id.into(),
    }
}

/// The session of admin `id`.
pub fn session(id: &str, may_approve: bool) -> Session {
    Session {
        admin: admin(id),
        permissions: Permissions {
            departments: vec![],
            may_approve,
        },
        verification: VerificationPolicy {
            required: false,
            methods: vec![],
            demo_code: None,
        },
        approval: ApprovalPolicy {
            required_for_important: true,
            max_customers_without_approval: 200,
        },
        limits: Limits {
            items_per_batch: 100,
            groups_per_owner_per_day: 300,
        },
        features: Features {
            chat_archive: false,
        },
    }
}

/// A handover created by `creator` of `customers` customers, all still unsent.
pub fn handover(state: HandoverState, customers: u32) -> Handover {
    Handover {
        id: "h".into(),
        state,
        departed_member: admin("d"),
        successors: vec![],
        created_by: admin("creator"),
        created_at: "t".into(),
        chat_history: ChatHistory {
            scope: ChatScope::None,
            days: None,
        },
        note: None,
        customer_count: customers,
        group_count: 0,
        important_count: 0,
        approval_required: false,
        approval_reasons: vec![],
        decided_by: None,
        rejection_reason: None,
        counts: StatusCounts {
            unsent: customers,
            ..Default::default()
        },
        by_successor: vec![],
    }
}
