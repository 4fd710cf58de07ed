//! Locale choice and message tables.
//!
//! A small typed table instead of leptos_i18n: every locale is one `Messages` value, so a missing
//! string is a compile error, lookups cost nothing, and the bundle carries no i18n runtime.

pub mod codes;
mod en;
pub mod errors;
mod zh_cn;

use crate::domain::wizard::Step;

/// Locales the UI speaks. Simplified Chinese is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// BCP 47 tag, as used in `?lang=`, storage and `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// The language's own name, shown in the switcher whatever the current locale.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::ZhCn => "简体中文",
            Locale::En => "English",
        }
    }

    /// Exact tags only (case-insensitive): what `?lang=` and storage may hold.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        Locale::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(tag.trim()))
    }

    /// Loose match for browser preferences: `en-GB` is English, any Chinese is Chinese
    /// (Simplified is the only Chinese we ship so far).
    pub fn from_browser_tag(tag: &str) -> Option<Locale> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Locale::ZhCn),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    pub fn messages(self) -> &'static Messages {
        match self {
            Locale::ZhCn => &zh_cn::MESSAGES,
            Locale::En => &en::MESSAGES,
        }
    }
}

/// Picks the locale: the `lang` query parameter, then the saved choice, then the browser's
/// preferences in order, then the default.
pub fn negotiate<S: AsRef<str>>(query: Option<&str>, saved: Option<&str>, browser: &[S]) -> Locale {
    query
        .and_then(Locale::from_tag)
        .or_else(|| saved.and_then(Locale::from_tag))
        .or_else(|| {
            browser
                .iter()
                .find_map(|t| Locale::from_browser_tag(t.as_ref()))
        })
        .unwrap_or_default()
}

/// Every visible string of the UI, for one locale.
pub struct Messages {
    pub app_title: &'static str,
    pub demo_banner: &'static str,
    pub language: &'static str,
    pub steps_nav: &'static str,
    pub back: &'static str,
    pub next: &'static str,
    pub step_member: &'static str,
    pub step_customers: &'static str,
    pub step_successor: &'static str,
    pub step_chat_history: &'static str,
    pub step_confirm: &'static str,
    pub intro_member: &'static str,
    pub intro_customers: &'static str,
    pub intro_successor: &'static str,
    pub intro_chat_history: &'static str,
    pub intro_confirm: &'static str,
    /// "Step n of total", for screen readers and the step header.
    pub step_position: fn(usize, usize) -> String,
    /// Time left until a waiting customer is taken over.
    pub countdown: fn(i64) -> String,
    pub nav_wizard: &'static str,
    pub nav_records: &'static str,
    pub records_title: &'static str,
    pub all_states: &'static str,
    pub created_from: &'static str,
    pub created_to: &'static str,
    pub departed_member_id: &'static str,
    pub export_csv: &'static str,
    pub no_records: &'static str,
    pub created_at: &'static str,
    pub created_by: &'static str,
    pub successors: &'static str,
    pub open: &'static str,
    pub items: &'static str,
    pub timeline: &'static str,
    pub all_statuses: &'static str,
    pub approve: &'static str,
    pub reject: &'static str,
    pub reject_reason: &'static str,
    pub back_to_records: &'static str,
    pub st_pending_approval: &'static str,
    pub st_ready: &'static str,
    pub st_running: &'static str,
    pub st_submitted: &'static str,
    pub st_completed: &'static str,
    pub st_rejected: &'static str,
    pub st_cancelled: &'static str,
    pub is_unsent: &'static str,
    pub is_waiting: &'static str,
    pub is_taken_over: &'static str,
    pub is_refused: &'static str,
    pub is_limit: &'static str,
    pub is_failed: &'static str,
    pub takeover_at: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub outcome: &'static str,
    pub reason: &'static str,
    pub actor: &'static str,
    pub time: &'static str,
    pub event: &'static str,
    pub start_run: &'static str,
    pub pause: &'static str,
    pub resume: &'static str,
    pub paused: &'static str,
    pub offline_paused: &'static str,
    pub run_title: &'static str,
    pub submitted: &'static str,
    pub accepted: &'static str,
    pub rejected: &'static str,
    pub remaining: &'static str,
    pub run_done_all: &'static str,
    pub retry_rejected: &'static str,
    pub rejections: &'static str,
    pub waiting_batches: &'static str,
    pub retry_batches: &'static str,
    pub rejected_help: &'static str,
    pub run_done_some: fn(usize) -> String,
    pub progress_announce: fn(usize, usize) -> String,
    pub batch_label: fn(u32) -> String,
    pub reset_demo: &'static str,
    pub demo_was_reset: &'static str,
    pub start_over: &'static str,
    pub loading: &'static str,
    pub retry: &'static str,
    pub load_more: &'static str,
    pub search: &'static str,
    pub department: &'static str,
    pub all_departments: &'static str,
    pub departed_from: &'static str,
    pub departed_to: &'static str,
    pub sort: &'static str,
    pub sort_recent: &'static str,
    pub sort_oldest: &'static str,
    pub sort_pending: &'static str,
    pub no_departed: &'static str,
    pub departed_members_list: &'static str,
    pub departed_on: &'static str,
    pub pending_customers: &'static str,
    pub pending_groups: &'static str,
    pub account_active_warning: &'static str,
    pub reason_over_a_year: &'static str,
    pub reason_no_permission: &'static str,
    pub customers: &'static str,
    pub groups: &'static str,
    pub cancel: &'static str,
    pub loading_cancelled: &'static str,
    pub filter_tag: &'static str,
    pub all_tags: &'static str,
    pub important_only: &'static str,
    pub select_all_matching: &'static str,
    pub clear_selection: &'static str,
    pub invert_selection: &'static str,
    pub important: &'static str,
    pub wechat: &'static str,
    pub wecom: &'static str,
    pub added_on: &'static str,
    pub last_contact: &'static str,
    pub never: &'static str,
    pub members_count: &'static str,
    pub created_on: &'static str,
    pub no_items: &'static str,
    pub successor_search: &'static str,
    pub current_customers: &'static str,
    pub spare_capacity: &'static str,
    pub successors_list: &'static str,
    pub no_members: &'static str,
    pub reason_is_departed: &'static str,
    pub reason_contact_disabled: &'static str,
    pub reason_not_verified: &'static str,
    pub reason_inactive: &'static str,
    /// A reason this build does not know (a newer or third-party backend).
    pub reason_other: &'static str,
    pub trim_selection: &'static str,
    pub scope_none: &'static str,
    pub scope_recent: &'static str,
    pub scope_all: &'static str,
    pub scope_none_help: &'static str,
    pub scope_recent_help: &'static str,
    pub scope_all_help: &'static str,
    pub days: &'static str,
    pub custom_days: &'static str,
    pub no_archive: &'static str,
    pub change: &'static str,
    pub note: &'static str,
    pub approval_needed: &'static str,
    pub approval_not_needed: &'static str,
    /// The session did not load, so the approval rule is not known.
    pub approval_unknown: &'static str,
    /// Heading of the error summary shown when Next is pressed on an incomplete step.
    pub error_summary_title: &'static str,
    /// Step 2: download every customer and group of the member before handing anything over.
    pub export_backup: &'static str,
    pub backup_help: &'static str,
    /// Column headings of that backup.
    pub backup_header: [&'static str; 9],
    pub yes: &'static str,
    pub no: &'static str,
    pub approval_reason_important: &'static str,
    pub approval_reason_large: &'static str,
    pub approval_reason_other: &'static str,
    pub capacity_after: &'static str,
    pub confirm_handover: &'static str,
    pub verification: &'static str,
    pub verification_code: &'static str,
    pub verify: &'static str,
    pub handover_created: &'static str,
    pub handover_pending_approval: &'static str,
    pub handover_ready: &'static str,
    pub handover_id: &'static str,
    pub state: &'static str,
    pub submitting: &'static str,
    pub err_network: &'static str,
    pub err_unauthenticated: &'static str,
    pub err_forbidden: &'static str,
    pub err_not_found: &'static str,
    pub err_conflict: &'static str,
    pub err_invalid: &'static str,
    pub err_verification: &'static str,
    pub err_server: &'static str,
    pub err_bad_problem: &'static str,
    pub err_decode: &'static str,
    pub err_wrong_code: &'static str,
    pub blocker_no_member: &'static str,
    pub blocker_member_ineligible: &'static str,
    pub blocker_nothing_selected: &'static str,
    pub blocker_no_successor: &'static str,
    pub blocker_successor_ineligible: &'static str,
    pub blocker_days_invalid: &'static str,
    pub loaded_of: fn(usize, usize) -> String,
    pub selected_of: fn(usize, usize) -> String,
    pub overflow_warning: fn(usize) -> String,
    pub demo_code_hint: fn(&str) -> String,
    pub retry_after: fn(u32) -> String,
    pub timeout: fn(u32) -> String,
    pub customers_n: fn(usize) -> String,
    pub groups_n: fn(usize) -> String,
    pub important_n: fn(usize) -> String,
    pub recent_days: fn(u32) -> String,
    /// The run met a 401: paused, nothing lost, the way forward.
    pub session_expired_paused: &'static str,
    /// Items whose outcome the backend never confirmed (count label).
    pub unconfirmed: &'static str,
    pub unconfirmed_batch: fn(usize) -> String,
    /// Live status when only batches that wait for the admin are left.
    pub run_held: fn(usize) -> String,
    /// A list with repeated entries, each kept once (a notice, not an error).
    pub repeated_entries: fn(usize) -> String,
    pub paging_loop: fn(usize) -> String,
    /// Loading progress when the backend gives no total.
    pub loaded_n: fn(usize) -> String,
}

impl Messages {
    pub fn state(&self, s: crate::api::types::HandoverState) -> &'static str {
        use crate::api::types::HandoverState::*;
        match s {
            PendingApproval => self.st_pending_approval,
            Ready => self.st_ready,
            Running => self.st_running,
            Submitted => self.st_submitted,
            Completed => self.st_completed,
            Rejected => self.st_rejected,
            Cancelled => self.st_cancelled,
        }
    }

    pub fn status(&self, s: crate::api::types::ItemStatus) -> &'static str {
        use crate::api::types::ItemStatus::*;
        match s {
            Unsent => self.is_unsent,
            Waiting => self.is_waiting,
            TakenOver => self.is_taken_over,
            Refused => self.is_refused,
            LimitExceeded => self.is_limit,
            Failed => self.is_failed,
        }
    }

    pub fn step_title(&self, step: Step) -> &'static str {
        match step {
            Step::Member => self.step_member,
            Step::Customers => self.step_customers,
            Step::Successor => self.step_successor,
            Step::ChatHistory => self.step_chat_history,
            Step::Confirm => self.step_confirm,
        }
    }

    pub fn step_intro(&self, step: Step) -> &'static str {
        match step {
            Step::Member => self.intro_member,
            Step::Customers => self.intro_customers,
            Step::Successor => self.intro_successor,
            Step::ChatHistory => self.intro_chat_history,
            Step::Confirm => self.intro_confirm,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_beats_saved_beats_browser() {
        let browser = ["en-US"];
        assert_eq!(negotiate(Some("zh-CN"), Some("en"), &browser), Locale::ZhCn);
        assert_eq!(negotiate(None, Some("en"), &["zh"]), Locale::En);
        assert_eq!(negotiate(None, None, &browser), Locale::En);
    }

    #[test]
    fn unknown_values_fall_through_to_the_next_source() {
        assert_eq!(negotiate(Some("fr"), Some("EN"), &["zh-CN"]), Locale::En);
        assert_eq!(
            negotiate(Some(""), Some("xx"), &["de-DE", "zh-TW"]),
            Locale::ZhCn
        );
        assert_eq!(negotiate::<&str>(None, None, &[]), Locale::ZhCn);
        assert_eq!(negotiate(None, None, &["de", "en_GB"]), Locale::En);
    }

    #[test]
    fn tags_round_trip() {
        for l in Locale::ALL {
            assert_eq!(Locale::from_tag(l.tag()), Some(l));
        }
    }

    #[test]
    fn every_locale_fills_every_string() {
        for l in Locale::ALL {
            let m = l.messages();
            for s in [
                m.app_title,
                m.demo_banner,
                m.language,
                m.steps_nav,
                m.back,
                m.next,
                m.step_member,
                m.step_customers,
                m.step_successor,
                m.step_chat_history,
                m.step_confirm,
                m.intro_member,
                m.intro_customers,
                m.intro_successor,
                m.intro_chat_history,
                m.intro_confirm,
                m.nav_wizard,
                m.nav_records,
                m.records_title,
                m.all_states,
                m.created_from,
                m.created_to,
                m.departed_member_id,
                m.export_csv,
                m.no_records,
                m.created_at,
                m.created_by,
                m.successors,
                m.open,
                m.items,
                m.timeline,
                m.all_statuses,
                m.approve,
                m.reject,
                m.reject_reason,
                m.back_to_records,
                m.st_pending_approval,
                m.st_ready,
                m.st_running,
                m.st_submitted,
                m.st_completed,
                m.st_rejected,
                m.st_cancelled,
                m.is_unsent,
                m.is_waiting,
                m.is_taken_over,
                m.is_refused,
                m.is_limit,
                m.is_failed,
                m.takeover_at,
                m.name,
                m.kind,
                m.outcome,
                m.reason,
                m.actor,
                m.time,
                m.event,
                m.start_run,
                m.pause,
                m.resume,
                m.paused,
                m.offline_paused,
                m.run_title,
                m.submitted,
                m.accepted,
                m.rejected,
                m.remaining,
                m.run_done_all,
                m.retry_rejected,
                m.rejections,
                m.waiting_batches,
                m.retry_batches,
                m.rejected_help,
                m.reset_demo,
                m.demo_was_reset,
                m.start_over,
                m.loading,
                m.retry,
                m.load_more,
                m.search,
                m.department,
                m.all_departments,
                m.departed_from,
                m.departed_to,
                m.sort,
                m.sort_recent,
                m.sort_oldest,
                m.sort_pending,
                m.no_departed,
                m.departed_members_list,
                m.departed_on,
                m.pending_customers,
                m.pending_groups,
                m.account_active_warning,
                m.reason_over_a_year,
                m.reason_no_permission,
                m.customers,
                m.groups,
                m.cancel,
                m.loading_cancelled,
                m.filter_tag,
                m.all_tags,
                m.important_only,
                m.select_all_matching,
                m.clear_selection,
                m.invert_selection,
                m.important,
                m.wechat,
                m.wecom,
                m.added_on,
                m.last_contact,
                m.never,
                m.members_count,
                m.created_on,
                m.no_items,
                m.successor_search,
                m.current_customers,
                m.spare_capacity,
                m.successors_list,
                m.no_members,
                m.reason_is_departed,
                m.reason_contact_disabled,
                m.reason_not_verified,
                m.reason_inactive,
                m.reason_other,
                m.trim_selection,
                m.scope_none,
                m.scope_recent,
                m.scope_all,
                m.scope_none_help,
                m.scope_recent_help,
                m.scope_all_help,
                m.days,
                m.custom_days,
                m.no_archive,
                m.change,
                m.note,
                m.approval_needed,
                m.approval_not_needed,
                m.approval_unknown,
                m.error_summary_title,
                m.export_backup,
                m.backup_help,
                m.yes,
                m.no,
                m.approval_reason_important,
                m.approval_reason_large,
                m.approval_reason_other,
                m.capacity_after,
                m.confirm_handover,
                m.verification,
                m.verification_code,
                m.verify,
                m.handover_created,
                m.handover_pending_approval,
                m.handover_ready,
                m.handover_id,
                m.state,
                m.submitting,
                m.err_network,
                m.err_unauthenticated,
                m.err_forbidden,
                m.err_not_found,
                m.err_conflict,
                m.err_invalid,
                m.err_verification,
                m.err_server,
                m.err_bad_problem,
                m.err_decode,
                m.err_wrong_code,
                m.blocker_no_member,
                m.blocker_member_ineligible,
                m.blocker_nothing_selected,
                m.blocker_no_successor,
                m.blocker_successor_ineligible,
                m.blocker_days_invalid,
                m.session_expired_paused,
                m.unconfirmed,
            ] {
                assert!(!s.trim().is_empty(), "{l:?} has an empty string");
            }
            assert!((m.step_position)(2, 5).contains('2'));
            for f in [
                m.unconfirmed_batch,
                m.run_held,
                m.repeated_entries,
                m.paging_loop,
                m.loaded_n,
            ] {
                assert!(f(37).contains("37"));
            }
        }
        assert_ne!(Locale::ZhCn.messages().next, Locale::En.messages().next);
    }
}
