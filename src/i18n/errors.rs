//! Sentences for what went wrong, in the admin's language. Codes stay visible for support.

use super::First;
use crate::api::error::TechField;
use crate::api::types::{ApprovalReason, DepartedReason, SuccessorReason};
use crate::api::ApiError;
use crate::domain::wizard::Blocker;

/// The label of one row of "Technical details".
pub fn tech_label(m: &First, f: TechField) -> &'static str {
    match f {
        TechField::Status => m.tech_status,
        TechField::Code => m.tech_code,
        TechField::Detail => m.tech_detail,
        TechField::Instance => m.tech_instance,
        TechField::RequestId => m.tech_request_id,
        TechField::Path => m.tech_path,
        TechField::Body => m.tech_body,
    }
}

/// One sentence (plus field details for 422) for an error a request met.
pub fn error_text(m: &First, e: &ApiError) -> String {
    match e {
        ApiError::Network(_) | ApiError::Aborted => m.err_network.to_string(),
        ApiError::Timeout { after_ms } => (m.timeout)(*after_ms),
        ApiError::Decode { path, .. } => format!("{} ({path})", m.err_decode),
        ApiError::BadProblem { status, .. } => format!("{} (HTTP {status})", m.err_bad_problem),
        ApiError::PagingLoop { entries } => (m.paging_loop)(*entries),
        ApiError::Status {
            status,
            problem,
            retry_after_s,
            ..
        } => match status {
            401 => m.err_unauthenticated.to_string(),
            403 => m.err_forbidden.to_string(),
            404 => m.err_not_found.to_string(),
            409 => format!("{} ({})", m.err_conflict, problem.code),
            422 if problem.errors.iter().any(|f| f.code == "wrong_code") => {
                m.err_wrong_code.to_string()
            }
            422 => {
                let fields: Vec<String> = problem
                    .errors
                    .iter()
                    .map(|f| format!("{} ({})", f.field, f.code))
                    .collect();
                format!("{} {}", m.err_invalid, fields.join("; "))
            }
            428 => m.err_verification.to_string(),
            429 => (m.retry_after)(retry_after_s.unwrap_or(1)),
            _ => format!("{} (HTTP {status})", m.err_server),
        },
    }
}

pub fn blocker_text(m: &First, b: Blocker) -> &'static str {
    match b {
        Blocker::NoMember => m.blocker_no_member,
        Blocker::MemberIneligible => m.blocker_member_ineligible,
        Blocker::NothingSelected => m.blocker_nothing_selected,
        Blocker::NoSuccessor => m.blocker_no_successor,
        Blocker::SuccessorIneligible => m.blocker_successor_ineligible,
        Blocker::DaysInvalid => m.blocker_days_invalid,
        Blocker::TooFewSuccessors => m.blocker_too_few_successors,
        Blocker::ListsLoading => m.blocker_lists_loading,
    }
}

/// A reason the UI explains: one message per variant, and a generic one for a tag this build
/// does not know, so the raw tag never reaches the screen.
pub trait ReasonText {
    fn text(&self, m: &First) -> &'static str;
}

impl ReasonText for DepartedReason {
    fn text(&self, m: &First) -> &'static str {
        match self {
            DepartedReason::DepartedOverAYear => m.reason_over_a_year,
            DepartedReason::NoPermission => m.reason_no_permission,
            DepartedReason::Other(_) => m.reason_other,
        }
    }
}

impl ReasonText for SuccessorReason {
    fn text(&self, m: &First) -> &'static str {
        match self {
            SuccessorReason::IsDepartedMember => m.reason_is_departed,
            SuccessorReason::ContactDisabled => m.reason_contact_disabled,
            SuccessorReason::NotVerified => m.reason_not_verified,
            SuccessorReason::InactiveOverAYear => m.reason_inactive,
            SuccessorReason::Other(_) => m.reason_other,
        }
    }
}

impl ReasonText for ApprovalReason {
    fn text(&self, m: &First) -> &'static str {
        match self {
            ApprovalReason::ImportantCustomers => m.approval_reason_important,
            ApprovalReason::LargeHandover => m.approval_reason_large,
            ApprovalReason::Other(_) => m.approval_reason_other,
        }
    }
}

/// Why a departed member or a successor cannot be chosen, or why a handover needs approval.
pub fn reason_text(m: &First, reason: &impl ReasonText) -> &'static str {
    reason.text(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::Problem;
    use crate::i18n::Locale;

    #[test]
    fn every_error_has_a_sentence_in_each_language() {
        let errors = [
            ApiError::Network("x".into()),
            ApiError::Timeout { after_ms: 15_000 },
            ApiError::Decode {
                path: "admin.id".into(),
                message: "m".into(),
            },
            ApiError::BadProblem {
                status: 502,
                body: String::new(),
                request_id: Some("req-1".into()),
            },
            Problem::new(401, "unauthenticated", "t").into(),
            Problem::new(403, "forbidden", "t").into(),
            Problem::new(404, "not_found", "t").into(),
            Problem::new(409, "id_conflict", "t").into(),
            Problem::invalid().field("note", "too_long", "m").into(),
            Problem::new(428, "verification_required", "t").into(),
            Problem::new(500, "internal", "t").into(),
            ApiError::PagingLoop { entries: 1234 },
        ];
        for l in Locale::ALL {
            let m = l.messages();
            for e in &errors {
                assert!(!error_text(m, e).is_empty());
            }
            assert!(error_text(m, &errors[1]).contains("15"));
            assert!(error_text(m, &errors[2]).contains("admin.id"));
            assert!(error_text(m, &errors[8]).contains("note"));
            assert!(error_text(m, &errors[11]).contains("1234"));
        }
        let e = ApiError::Status {
            status: 429,
            problem: Problem::new(429, "rate_limited", "t"),
            retry_after_s: Some(7),
            request_id: None,
        };
        assert!(error_text(Locale::ZhCn.messages(), &e).contains('7'));
    }

    /// Each known reason's sentences, then the generic one for an unknown tag.
    fn sentences<R: ReasonText>(m: &First, all: &[R], other: R) -> Vec<&'static str> {
        let mut v: Vec<&'static str> = all.iter().map(|r| reason_text(m, r)).collect();
        v.push(reason_text(m, &other));
        v
    }

    #[test]
    fn every_reason_has_its_own_sentence_in_each_language_and_never_shows_the_tag() {
        for l in Locale::ALL {
            let m = l.messages();
            let groups = [
                sentences(m, DepartedReason::ALL, DepartedReason::from_tag("x_new")),
                sentences(m, SuccessorReason::ALL, SuccessorReason::from_tag("x_new")),
                sentences(m, ApprovalReason::ALL, ApprovalReason::from_tag("x_new")),
            ];
            for g in &groups {
                let distinct: std::collections::HashSet<_> = g.iter().collect();
                assert_eq!(distinct.len(), g.len(), "{l:?}: one sentence per reason");
                for s in g {
                    assert!(!s.trim().is_empty() && !s.contains('_'), "{l:?}: {s}");
                }
            }
        }
        assert_ne!(
            reason_text(Locale::ZhCn.messages(), &ApprovalReason::LargeHandover),
            reason_text(Locale::En.messages(), &ApprovalReason::LargeHandover)
        );
    }
}
