//! When a handover needs a second admin's approval. One rule, used both by the wizard (to tell
//! the admin before they confirm) and by the demo store (to decide), so the two never disagree.

use crate::api::types::{ApprovalPolicy, ApprovalReason};

/// What the rule looks at in a handover. Groups are not in it: the policy speaks of customers
/// only, so a handover of groups alone never needs approval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HandoverSize {
    pub customers: usize,
    /// Of those customers, how many are important.
    pub important: usize,
}

/// Why `size` needs approval under `policy`, in a stable order; empty = no approval needed.
pub fn reasons(policy: &ApprovalPolicy, size: HandoverSize) -> Vec<ApprovalReason> {
    let mut r = Vec::new();
    if policy.required_for_important && size.important > 0 {
        r.push(ApprovalReason::ImportantCustomers);
    }
    // u32 -> usize never truncates on the targets we build for (32 and 64 bit).
    if size.customers > policy.max_customers_without_approval as usize {
        r.push(ApprovalReason::LargeHandover);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(required_for_important: bool, max: u32) -> ApprovalPolicy {
        ApprovalPolicy {
            required_for_important,
            max_customers_without_approval: max,
        }
    }

    fn size(customers: usize, important: usize) -> HandoverSize {
        HandoverSize {
            customers,
            important,
        }
    }

    #[test]
    fn small_and_ordinary_needs_nothing() {
        assert!(reasons(&policy(true, 1000), size(10, 0)).is_empty());
        assert!(reasons(&policy(true, 1000), HandoverSize::default()).is_empty());
    }

    #[test]
    fn important_customers_need_approval_when_the_policy_says_so() {
        assert_eq!(
            reasons(&policy(true, 1000), size(10, 1)),
            vec![ApprovalReason::ImportantCustomers]
        );
    }

    #[test]
    fn important_customers_pass_when_the_policy_does_not_require_it() {
        assert!(reasons(&policy(false, 1000), size(10, 10)).is_empty());
    }

    #[test]
    fn large_means_more_than_the_maximum() {
        let p = policy(true, 1000);
        assert!(
            reasons(&p, size(1000, 0)).is_empty(),
            "the maximum itself passes"
        );
        assert_eq!(
            reasons(&p, size(1001, 0)),
            vec![ApprovalReason::LargeHandover]
        );
        assert_eq!(
            reasons(&policy(true, 0), size(1, 0)),
            vec![ApprovalReason::LargeHandover],
            "a maximum of 0: every handover with customers"
        );
        assert!(reasons(&policy(true, 0), size(0, 0)).is_empty());
    }

    #[test]
    fn large_still_counts_when_important_customers_do_not() {
        assert_eq!(
            reasons(&policy(false, 5), size(6, 6)),
            vec![ApprovalReason::LargeHandover]
        );
    }

    #[test]
    fn both_reasons_in_a_stable_order() {
        assert_eq!(
            reasons(&policy(true, 1), size(2, 1)),
            vec![
                ApprovalReason::ImportantCustomers,
                ApprovalReason::LargeHandover
            ]
        );
    }

    #[test]
    fn reasons_keep_the_contract_tags() {
        let json = serde_json::to_string(&reasons(&policy(true, 1), size(2, 1))).unwrap();
        assert_eq!(json, r#"["important_customers","large_handover"]"#);
        let back: Vec<ApprovalReason> =
            serde_json::from_str(r#"["large_handover","needs_legal_review"]"#).unwrap();
        assert_eq!(
            back,
            vec![
                ApprovalReason::LargeHandover,
                ApprovalReason::Other("needs_legal_review".into())
            ]
        );
        assert_eq!(back[1].as_str(), "needs_legal_review");
    }
}
