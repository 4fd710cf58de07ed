//! Sentences for what went wrong, in the admin's language. Codes stay visible for support.

use super::Messages;
use crate::api::ApiError;
use crate::domain::wizard::Blocker;

/// One sentence (plus field details for 422) for an error a request met.
pub fn error_text(m: &Messages, e: &ApiError) -> String {
    match e {
        ApiError::Network(_) | ApiError::Aborted => m.err_network.to_string(),
        ApiError::Timeout { after_ms } => (m.timeout)(*after_ms),
        ApiError::Decode { path, .. } => format!("{} ({path})", m.err_decode),
        ApiError::BadProblem { status, .. } => format!("{} (HTTP {status})", m.err_bad_problem),
        ApiError::Status {
            status,
            problem,
            retry_after_s,
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

pub fn blocker_text(m: &Messages, b: Blocker) -> &'static str {
    match b {
        Blocker::NoMember => m.blocker_no_member,
        Blocker::MemberIneligible => m.blocker_member_ineligible,
        Blocker::NothingSelected => m.blocker_nothing_selected,
        Blocker::NoSuccessor => m.blocker_no_successor,
        Blocker::SuccessorIneligible => m.blocker_successor_ineligible,
        Blocker::DaysInvalid => m.blocker_days_invalid,
    }
}

/// Why a departed member or a successor cannot be chosen.
pub fn reason_text(m: &Messages, reason: &str) -> String {
    match reason {
        "departed_over_a_year" => m.reason_over_a_year.into(),
        "no_permission" => m.reason_no_permission.into(),
        "is_departed_member" => m.reason_is_departed.into(),
        "contact_disabled" => m.reason_contact_disabled.into(),
        "not_verified" => m.reason_not_verified.into(),
        "inactive_over_a_year" => m.reason_inactive.into(),
        other => other.into(),
    }
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
            },
            Problem::new(401, "unauthenticated", "t").into(),
            Problem::new(403, "forbidden", "t").into(),
            Problem::new(404, "not_found", "t").into(),
            Problem::new(409, "id_conflict", "t").into(),
            Problem::invalid().field("note", "too_long", "m").into(),
            Problem::new(428, "verification_required", "t").into(),
            Problem::new(500, "internal", "t").into(),
        ];
        for l in Locale::ALL {
            let m = l.messages();
            for e in &errors {
                assert!(!error_text(m, e).is_empty());
            }
            assert!(error_text(m, &errors[1]).contains("15"));
            assert!(error_text(m, &errors[2]).contains("admin.id"));
            assert!(error_text(m, &errors[8]).contains("note"));
        }
        let e = ApiError::Status {
            status: 429,
            problem: Problem::new(429, "rate_limited", "t"),
            retry_after_s: Some(7),
        };
        assert!(error_text(Locale::ZhCn.messages(), &e).contains('7'));
    }
}
