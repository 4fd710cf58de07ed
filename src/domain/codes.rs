//! WeCom's per-item error codes (shared/domain.md). The backend passes them through; the UI
//! shows a sentence in the admin's language and keeps the code.

pub const INVALID_CUSTOMER: u32 = 40096;
pub const MEMBER_NOT_LEFT: u32 = 40097;
pub const SUCCESSOR_NOT_VERIFIED: u32 = 40098;
pub const SUCCESSOR_LIMIT: u32 = 40099;
pub const CUSTOMER_IN_TRANSFER: u32 = 40100;
pub const TOO_FREQUENT: u32 = 40128;
pub const CUSTOMER_BEING_TRANSFERRED: u32 = 40129;
pub const SUCCESSOR_IS_DEPARTED: u32 = 40130;
pub const NOT_FOLLOWING: u32 = 40131;
pub const NO_RELATION: u32 = 84061;
pub const GROUP_OWNER_NOT_LEFT: u32 = 90500;
pub const NOT_CUSTOMER_GROUP: u32 = 90501;
pub const GROUP_FULL: u32 = 90503;
pub const GROUP_OWNER_UNCHANGED: u32 = 90504;
pub const GROUP_IN_PROGRESS: u32 = 90507;
pub const GROUP_INHERITED: u32 = 90508;

/// Every code, with the English sentence a backend sends as `message`.
pub const ALL: [(u32, &str); 16] = [
    (INVALID_CUSTOMER, "Invalid customer id."),
    (MEMBER_NOT_LEFT, "The member has not left the company."),
    (
        SUCCESSOR_NOT_VERIFIED,
        "The successor is not real-name verified.",
    ),
    (
        SUCCESSOR_LIMIT,
        "The successor has reached their customer limit.",
    ),
    (
        CUSTOMER_IN_TRANSFER,
        "The customer is already in a transfer.",
    ),
    (TOO_FREQUENT, "Too many transfers; try again later."),
    (
        CUSTOMER_BEING_TRANSFERRED,
        "The customer is being transferred.",
    ),
    (
        SUCCESSOR_IS_DEPARTED,
        "The successor is the departed member.",
    ),
    (
        NOT_FOLLOWING,
        "The departed member does not follow this customer.",
    ),
    (NO_RELATION, "There is no relation with this customer."),
    (GROUP_OWNER_NOT_LEFT, "The group owner has not left."),
    (NOT_CUSTOMER_GROUP, "This is not a customer group."),
    (
        GROUP_FULL,
        "The group is full; the successor must confirm on their phone.",
    ),
    (GROUP_OWNER_UNCHANGED, "The group owner is unchanged."),
    (GROUP_IN_PROGRESS, "The group's inheritance is in progress."),
    (GROUP_INHERITED, "The group has already been inherited."),
];

/// English sentence for a code; unknown codes still get a sentence that names them.
pub fn message(code: u32) -> String {
    ALL.iter()
        .find(|(c, _)| *c == code)
        .map(|(_, m)| (*m).to_string())
        .unwrap_or_else(|| format!("WeCom refused the item (code {code})."))
}

/// Codes that clear up by themselves, so retrying the items later makes sense.
pub fn is_retryable(code: u32) -> bool {
    matches!(
        code,
        TOO_FREQUENT | CUSTOMER_BEING_TRANSFERRED | GROUP_IN_PROGRESS
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_sentence_and_unknowns_are_named() {
        for (c, m) in ALL {
            assert_eq!(message(c), m);
        }
        assert!(message(12345).contains("12345"));
        assert!(is_retryable(TOO_FREQUENT));
        assert!(!is_retryable(INVALID_CUSTOMER));
    }
}
