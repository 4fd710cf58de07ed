//! Locale choice and message tables.
//!
//! A small typed table instead of leptos_i18n: every locale is one `Messages` value, so a missing
//! string is a compile error, lookups cost nothing, and the bundle carries no i18n runtime.

pub mod codes;
pub mod config_problems;
mod en;
pub mod errors;
mod zh_cn;
mod zh_tw;

use crate::domain::wizard::Step;

/// A count with digit grouping (20,000): every language we ship groups by thousands with a comma.
/// Plain Rust so message tables can use it; dates and times go through `Intl` in the UI.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number as written in JSON, `7` for a whole one: without `core`'s float formatting, which
/// would cost the first download 11 KB for the odd configuration value shown in a message.
pub fn plain_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        (n as i64).to_string()
    } else {
        serde_json::Number::from_f64(n).map_or_else(|| "NaN".into(), |j| j.to_string())
    }
}

/// English noun for a count: "1 customer", "2 customers" (grouped).
pub fn en_count(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", grouped(n), if n == 1 { one } else { many })
}

/// Locales the UI speaks. Simplified Chinese is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    #[default]
    ZhCn,
    /// Traditional Chinese as written in Taiwan and Hong Kong.
    ZhTw,
    En,
}

impl Locale {
    /// In the order of the language switcher.
    pub const ALL: [Locale; 3] = [Locale::ZhCn, Locale::ZhTw, Locale::En];

    /// BCP 47 tag, as used in `?lang=`, storage and `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::ZhTw => "zh-TW",
            Locale::En => "en",
        }
    }

    /// The language's own name, shown in the switcher whatever the current locale.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::ZhCn => "简体中文",
            Locale::ZhTw => "繁體中文",
            Locale::En => "English",
        }
    }

    /// Exact tags only (case-insensitive): what `?lang=` and storage may hold.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        Locale::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(tag.trim()))
    }

    /// Loose match for browser preferences (any case, `-` or `_`): `en-GB` is English; Chinese
    /// is Traditional when its script says so (`zh-Hant`, `zh-Hant-*`) or, without a script,
    /// when its region writes Traditional (`zh-TW`, `zh-HK`, `zh-MO`); any other Chinese (`zh`,
    /// `zh-CN`, `zh-SG`, `zh-Hans-*`) is Simplified.
    pub fn from_browser_tag(tag: &str) -> Option<Locale> {
        let mut subtags = tag.trim().split(['-', '_']).map(str::to_ascii_lowercase);
        match subtags.next()?.as_str() {
            "zh" => {
                let mut traditional = false;
                for sub in subtags {
                    match sub.as_str() {
                        "hant" => return Some(Locale::ZhTw),
                        "hans" => return Some(Locale::ZhCn),
                        "tw" | "hk" | "mo" => traditional = true,
                        _ => {}
                    }
                }
                Some(if traditional {
                    Locale::ZhTw
                } else {
                    Locale::ZhCn
                })
            }
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The first screen's words (and the errors'), without the rest of the app's.
    pub fn first(self) -> &'static First {
        match self {
            Locale::ZhCn => &zh_cn::FIRST,
            Locale::ZhTw => &zh_tw::FIRST,
            Locale::En => &en::FIRST,
        }
    }

    pub fn messages(self) -> &'static Messages {
        match self {
            Locale::ZhCn => &zh_cn::MESSAGES,
            Locale::ZhTw => &zh_tw::MESSAGES,
            Locale::En => &en::MESSAGES,
        }
    }
}

/// Demo mode, when the browser does not keep the demo's data. Not in the tables: only the
/// later module shows it (a demo whose saves are kept never does).
pub fn demo_unsaved(locale: Locale) -> &'static str {
    match locale {
        Locale::ZhCn => "此浏览器未能保存演示数据（存储空间已满或被禁用）。刷新或关闭此页面后，最近的演示操作将会丢失；可使用“重置演示数据”重新开始。",
        Locale::ZhTw => "此瀏覽器未能儲存演示資料（儲存空間已滿或被停用）。重新整理或關閉此頁面後，最近的演示操作將會遺失；可使用「重設演示資料」重新開始。",
        Locale::En => "This browser could not save the demo's data (its storage is full or turned off). Reloading or closing this page will lose the latest demo changes; “Reset demo data” starts afresh.",
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

/// What the first screen (`ui::first`) says, and every error sentence, for one locale: a table
/// of its own, so the first download carries these and not the whole app's words.
pub struct First {
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
    pub nav_wizard: &'static str,
    pub nav_records: &'static str,
    pub reset_demo: &'static str,
    pub demo_was_reset: &'static str,
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
    pub reason_is_departed: &'static str,
    pub reason_contact_disabled: &'static str,
    pub reason_not_verified: &'static str,
    pub reason_inactive: &'static str,
    /// A reason this build does not know (a newer or third-party backend).
    pub reason_other: &'static str,
    /// Heading of the error summary shown when Next is pressed on an incomplete step.
    pub error_summary_title: &'static str,
    /// The disclosure under an error notice, and its rows (see `errors::tech_label`).
    pub technical_details: &'static str,
    pub tech_status: &'static str,
    pub tech_code: &'static str,
    pub tech_detail: &'static str,
    pub tech_instance: &'static str,
    pub tech_request_id: &'static str,
    pub tech_path: &'static str,
    pub tech_body: &'static str,
    pub approval_reason_important: &'static str,
    pub approval_reason_large: &'static str,
    pub approval_reason_other: &'static str,
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
    pub retry_after: fn(u32) -> String,
    pub timeout: fn(u32) -> String,
    /// A list with repeated entries, each kept once (a notice, not an error).
    pub repeated_entries: fn(usize) -> String,
    pub paging_loop: fn(usize) -> String,
    pub keep: &'static str,
    /// Records the signed-in admin may approve (`?view=approvals`).
    pub nav_approvals: &'static str,
    /// The navigation badge's words for screen readers, after the link's name.
    pub approvals_n: fn(usize) -> String,
    pub blocker_too_few_successors: &'static str,
    pub blocker_lists_loading: &'static str,
}

/// Every visible string of the UI, for one locale: the first screen's (`First`, which this
/// derefs to, so `m.app_title` reads the same everywhere) and the rest.
pub struct Messages {
    pub first: &'static First,
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
    pub start_over: &'static str,
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
    /// Beside the disabled bulk actions while a list's pages still arrive.
    pub choose_after_loading: &'static str,
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
    /// Beside the chosen scope on the confirm step, when the backend cannot act on it.
    pub no_archive_short: &'static str,
    pub change: &'static str,
    pub note: &'static str,
    pub approval_needed: &'static str,
    pub approval_not_needed: &'static str,
    /// The session did not load, so the approval rule is not known.
    pub approval_unknown: &'static str,
    /// "12 customers (3 of them important) · 2 groups", punctuated per language.
    pub customers_summary: fn(String, String, String) -> String,
    /// "Label: value" with the language's colon.
    pub labelled: fn(&str, &str) -> String,
    /// Between items of a list in a sentence ("、" / ", ").
    pub list_separator: &'static str,
    /// (per day, over): groups beyond what WeCom moves from one member a day.
    pub groups_over_daily_limit: fn(usize, usize) -> String,
    pub trim_groups: &'static str,
    /// Step 2: download every customer and group of the member before handing anything over.
    pub export_backup: &'static str,
    pub backup_help: &'static str,
    /// Column headings of that backup.
    pub backup_header: [&'static str; 9],
    pub yes: &'static str,
    pub no: &'static str,
    pub capacity_after: &'static str,
    pub confirm_handover: &'static str,
    pub verification: &'static str,
    pub verification_code: &'static str,
    /// The field's label when the backend asks for an authenticator app's code (TOTP).
    pub verification_totp: &'static str,
    pub verification_totp_hint: &'static str,
    pub verification_password: &'static str,
    pub verify: &'static str,
    pub handover_created: &'static str,
    pub handover_pending_approval: &'static str,
    pub handover_ready: &'static str,
    pub handover_id: &'static str,
    pub state: &'static str,
    pub submitting: &'static str,
    pub loaded_of: fn(usize, usize) -> String,
    pub selected_of: fn(usize, usize) -> String,
    pub overflow_warning: fn(usize) -> String,
    pub demo_code_hint: fn(&str) -> String,
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
    /// Loading progress when the backend gives no total.
    pub loaded_n: fn(usize) -> String,
    /// The start-up offer of saved runs (safe resume): its label, the sentence per run
    /// (handover, admin, local time), and its buttons.
    pub resume_offers: &'static str,
    pub resume_offer: fn(&str, &str, &str) -> String,
    pub resume_run: &'static str,
    pub not_now: &'static str,
    /// Another admin's unfinished run, kept for them (their name only).
    pub kept_for_other: fn(&str) -> String,
    /// Another tab drives this run; this tab shows it and sends nothing.
    pub run_elsewhere: &'static str,
    /// The expired-session prompt: the host's login page, the demo's simulated sign-in, and
    /// what the last check found.
    pub sign_in: &'static str,
    pub demo_sign_in: &'static str,
    pub signin_checking: &'static str,
    pub signin_still_out: &'static str,
    /// Signed in as (now) another admin than the one who started the run (owner).
    pub signin_other_admin: fn(&str, &str) -> String,
    /// What `beforeunload` says where a browser still shows the page's text.
    pub leave_while_sending: &'static str,
    /// The browser refused to keep the run's ledger (storage full or blocked).
    pub run_not_saved: &'static str,
    // ---- records, a handover's page, approvals (issue #10) ----
    /// Title of a handover's page until it has loaded.
    pub handover_heading: &'static str,
    /// A handover's name: departed member, successors (joined with `list_separator`), local
    /// creation date.
    pub handover_title: fn(&str, &str, &str) -> String,
    /// The caption under a handover's bar, from the same counts (`domain::snapshot::Caption`).
    pub cap_awaiting: fn(&str) -> String,
    pub cap_rejected: fn(&str) -> String,
    pub cap_withdrawn: fn(&str) -> String,
    pub cap_not_sent: fn(&str) -> String,
    pub cap_sending: fn(&str, &str) -> String,
    pub cap_waiting: fn(&str, &str) -> String,
    pub cap_done: fn(&str, &str) -> String,
    /// When a waiting item is taken over, said relatively ("in 23 hours").
    pub takes_over: fn(&str) -> String,
    pub takeover_due: &'static str,
    /// Above the timeline: which zone its times are in.
    pub timeline_zone: fn(&str) -> String,
    /// A CSV column of local times, naming the zone.
    pub time_in: fn(&str) -> String,
    pub created_at_in: fn(&str) -> String,
    pub takeover_at_in: fn(&str) -> String,
    /// A CSV column with the exact instant as sent by the backend.
    pub instant_utc: &'static str,
    /// Timeline CSV column: the audit chain's hash of each event.
    pub event_hash: &'static str,
    pub details: &'static str,
    pub export_timeline: &'static str,
    /// Event kinds (`EventKind`), see `Messages::event_kind`.
    pub ev_created: &'static str,
    pub ev_verified: &'static str,
    pub ev_approval_requested: &'static str,
    pub ev_approved: &'static str,
    pub ev_rejected: &'static str,
    pub ev_batch_submitted: &'static str,
    pub ev_outcome_changed: &'static str,
    pub ev_withdrawn: &'static str,
    /// An event kind this build does not know.
    pub ev_other: &'static str,
    /// What events say (`domain::events::Said`).
    pub ev_size: fn(&str, &str) -> String,
    pub ev_batch: fn(&str, &str, &str) -> String,
    pub ev_outcomes: fn(&str, &str, &str, &str) -> String,
    /// One item's kind.
    pub item_customer: &'static str,
    pub item_group: &'static str,
    /// Withdrawing a handover nothing of which was sent.
    pub withdraw: &'static str,
    pub withdraw_title: &'static str,
    pub withdraw_text: &'static str,
    pub withdraw_confirm: &'static str,
    pub withdrawn_done: &'static str,
    pub withdraw_too_late: &'static str,
    /// Handing over the items a handover could not place.
    pub again: &'static str,
    pub again_help: fn(&str) -> String,
    pub again_member_missing: &'static str,
    /// The created page's links.
    pub open_handover: &'static str,
    pub copy_link: &'static str,
    pub link_copied: &'static str,
    /// When the clipboard is not available: the link is selected for the admin to copy.
    pub copy_manual: &'static str,
    pub approver_link: &'static str,
    pub no_approvals: &'static str,
    pub decided_by: &'static str,
    /// The items table's pages.
    pub page_prev: &'static str,
    pub page_next: &'static str,
    pub page_range: fn(&str, &str, &str) -> String,
    // ---- several successors (issue 13) ----
    /// The choice between one successor and several, and its two answers.
    pub successor_mode: &'static str,
    pub one_successor: &'static str,
    pub several_successors: &'static str,
    /// How many successors are chosen of the most allowed.
    pub successors_chosen: fn(usize, usize) -> String,
    pub max_successors: &'static str,
    /// How the selection is shared (`split::Strategy`).
    pub split_strategy: &'static str,
    pub strategy_balanced: &'static str,
    pub strategy_round_robin: &'static str,
    pub strategy_by_hand: &'static str,
    /// Where the groups go (`split::GroupRule`).
    pub split_groups: &'static str,
    pub groups_follow: &'static str,
    pub groups_all_to: fn(&str) -> String,
    /// The preview table: caption, columns, total row.
    pub split_preview: &'static str,
    pub important_customers: &'static str,
    pub capacity_before: &'static str,
    pub split_total: &'static str,
    /// A successor who would get more than they can take: name, customers over.
    pub split_over: fn(&str, usize) -> String,
    /// Groups over a successor's allowance for today: name, groups over.
    pub split_groups_over: fn(&str, usize) -> String,
    /// Customers nobody has room for, and groups beyond today's limit: not sent.
    pub split_unassigned: fn(usize) -> String,
    pub split_unassigned_groups: fn(usize) -> String,
    /// The summary's line for a split.
    pub split_across: fn(usize) -> String,
    /// Moving customers by hand.
    pub by_hand_title: &'static str,
    pub move_to: &'static str,
    pub move_checked: &'static str,
    pub move_matching: &'static str,
    pub undo_moves: &'static str,
    pub moved_n: fn(usize) -> String,
    pub not_assigned: &'static str,
    /// The run's and the handover page's tables per successor; the records' filter.
    pub run_by_successor: &'static str,
    pub outcomes_by_successor: &'static str,
    pub successor_id: &'static str,
}

impl First {
    pub fn step_intro(&self, step: Step) -> &'static str {
        match step {
            Step::Member => self.intro_member,
            Step::Customers => self.intro_customers,
            Step::Successor => self.intro_successor,
            Step::ChatHistory => self.intro_chat_history,
            Step::Confirm => self.intro_confirm,
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
}

impl std::ops::Deref for Messages {
    type Target = First;

    fn deref(&self) -> &First {
        self.first
    }
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
}

impl Messages {
    /// An event kind in words; a kind this build does not know gets a generic name, never its
    /// tag.
    pub fn event_kind(&self, k: &crate::api::types::EventKind) -> &'static str {
        use crate::api::types::EventKind::*;
        match k {
            Created => self.ev_created,
            Verified => self.ev_verified,
            ApprovalRequested => self.ev_approval_requested,
            Approved => self.ev_approved,
            Rejected => self.ev_rejected,
            BatchSubmitted => self.ev_batch_submitted,
            OutcomeChanged => self.ev_outcome_changed,
            Withdrawn => self.ev_withdrawn,
            Other(_) => self.ev_other,
        }
    }

    pub fn item_kind(&self, k: crate::api::types::ItemKind) -> &'static str {
        match k {
            crate::api::types::ItemKind::Customer => self.item_customer,
            crate::api::types::ItemKind::Group => self.item_group,
        }
    }
}

impl Messages {
    /// Every plain string of the wizard, the run and the records, in field order: tests pair
    /// two tables up by position (completeness, and what differs between the two Chineses).
    pub fn plain_strings(&self) -> Vec<&'static str> {
        let m = self;
        vec![
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
            m.choose_after_loading,
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
            m.no_archive_short,
            m.change,
            m.note,
            m.approval_needed,
            m.approval_not_needed,
            m.approval_unknown,
            m.error_summary_title,
            m.list_separator,
            m.trim_groups,
            m.technical_details,
            m.tech_status,
            m.tech_code,
            m.tech_detail,
            m.tech_instance,
            m.tech_request_id,
            m.tech_path,
            m.tech_body,
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
            m.verification_totp,
            m.verification_totp_hint,
            m.verification_password,
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
            m.resume_offers,
            m.resume_run,
            m.not_now,
            m.run_elsewhere,
            m.sign_in,
            m.demo_sign_in,
            m.signin_checking,
            m.signin_still_out,
            m.leave_while_sending,
            m.run_not_saved,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_read_as_written() {
        assert_eq!(plain_number(7.0), "7");
        assert_eq!(plain_number(-3.0), "-3");
        assert_eq!(plain_number(2.5), "2.5");
        assert_eq!(plain_number(0.1), "0.1");
        assert_eq!(plain_number(1e20), "1e+20");
        assert_eq!(plain_number(f64::NAN), "NaN");
    }

    /// Every plain string of a handover's page and the approvals view.
    fn handover_page_strings(m: &Messages) -> Vec<&'static str> {
        vec![
            m.handover_heading,
            m.takeover_due,
            m.instant_utc,
            m.event_hash,
            m.details,
            m.export_timeline,
            m.ev_created,
            m.ev_verified,
            m.ev_approval_requested,
            m.ev_approved,
            m.ev_rejected,
            m.ev_batch_submitted,
            m.ev_outcome_changed,
            m.ev_withdrawn,
            m.ev_other,
            m.item_customer,
            m.item_group,
            m.withdraw,
            m.withdraw_title,
            m.withdraw_text,
            m.withdraw_confirm,
            m.keep,
            m.withdrawn_done,
            m.withdraw_too_late,
            m.again,
            m.again_member_missing,
            m.open_handover,
            m.copy_link,
            m.link_copied,
            m.copy_manual,
            m.approver_link,
            m.decided_by,
            m.page_prev,
            m.page_next,
            m.nav_approvals,
            m.no_approvals,
        ]
    }

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
            Locale::ZhTw
        );
        assert_eq!(
            negotiate(Some(""), Some("xx"), &["de-DE", "zh-SG"]),
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
            for s in m.plain_strings() {
                assert!(!s.trim().is_empty(), "{l:?} has an empty string");
            }
            let offer = (m.resume_offer)("王伟 → 李娜", "周静", "2026/1/2 11:04");
            assert!(
                offer.contains("王伟 → 李娜") && offer.contains("周静") && offer.contains("11:04")
            );
            assert!((m.kept_for_other)("郑海涛").contains("郑海涛"));
            let other = (m.signin_other_admin)("林晓", "周静");
            assert!(other.contains("林晓") && other.contains("周静"));
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

    #[test]
    fn handover_page_strings_are_filled_and_event_kinds_worded() {
        use crate::api::types::EventKind;
        for l in Locale::ALL {
            let m = l.messages();
            for s in handover_page_strings(m) {
                assert!(!s.trim().is_empty(), "{l:?} has an empty string");
            }
            for k in EventKind::ALL {
                assert_ne!(m.event_kind(k), m.ev_other, "{l:?} words {k:?}");
                assert!(!m.event_kind(k).contains('_'));
            }
            assert!((m.handover_title)("甲", "乙", "2026").contains("甲"));
            assert!((m.ev_outcomes)("1", "2", "3", "4").contains('4'));
            assert!((m.cap_sending)("5", "7").contains('7'));
        }
    }

    #[test]
    fn counts_are_grouped_and_english_plurals_agree() {
        assert_eq!(super::grouped(0), "0");
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(20_000), "20,000");
        assert_eq!(super::grouped(1_234_567), "1,234,567");
        assert_eq!(super::en_count(1, "customer", "customers"), "1 customer");
        assert_eq!(
            super::en_count(20_000, "customer", "customers"),
            "20,000 customers"
        );
        let en = Locale::En.messages();
        assert_eq!((en.customers_n)(1), "1 customer");
        assert_eq!((en.groups_n)(2), "2 groups");
        assert_eq!((en.selected_of)(1_000, 20_000), "1,000 of 20,000 selected");
        let zh = Locale::ZhCn.messages();
        assert_eq!((zh.selected_of)(1_000, 20_000), "已选 1,000 / 20,000");
    }

    #[test]
    fn traditional_chinese_is_a_locale_of_its_own() {
        assert_eq!(Locale::ALL, [Locale::ZhCn, Locale::ZhTw, Locale::En]);
        assert_eq!(Locale::ZhTw.tag(), "zh-TW");
        assert_eq!(Locale::ZhTw.native_name(), "繁體中文");
        let tags: std::collections::HashSet<_> = Locale::ALL.iter().map(|l| l.tag()).collect();
        let names: std::collections::HashSet<_> =
            Locale::ALL.iter().map(|l| l.native_name()).collect();
        assert_eq!((tags.len(), names.len()), (3, 3));
        assert_eq!(
            Locale::default(),
            Locale::ZhCn,
            "Simplified stays the default"
        );
        assert!(!std::ptr::eq(
            Locale::ZhTw.messages(),
            Locale::ZhCn.messages()
        ));
    }

    #[test]
    fn browser_tags_pick_traditional_or_simplified_chinese() {
        for tag in [
            "zh-TW",
            "zh-tw",
            "ZH_TW",
            "zh_TW",
            "zh-HK",
            "zh_hk",
            "zh-MO",
            "zh-mo",
            "zh-Hant",
            "zh_hant",
            "ZH-HANT",
            "zh-Hant-TW",
            "zh-Hant-HK",
            "zh_Hant_MO",
            "zh-Hant-CN",
            "zh-hant-sg",
            " zh-TW ",
        ] {
            assert_eq!(Locale::from_browser_tag(tag), Some(Locale::ZhTw), "{tag}");
        }
        for tag in [
            "zh",
            "ZH",
            "zh-CN",
            "zh_cn",
            "zh-SG",
            "zh-sg",
            "zh-Hans",
            "zh_hans",
            "zh-Hans-CN",
            "zh-Hans-SG",
            "zh-Hans-HK",
            "zh-Hans-TW",
            "zh-Hans-MO",
        ] {
            assert_eq!(Locale::from_browser_tag(tag), Some(Locale::ZhCn), "{tag}");
        }
        for tag in ["en", "en-GB", "en_us", "EN-Hant"] {
            assert_eq!(Locale::from_browser_tag(tag), Some(Locale::En), "{tag}");
        }
        for tag in ["", "fr-TW", "ja-JP", "tw", "hant", "zhx-TW"] {
            assert_eq!(Locale::from_browser_tag(tag), None, "{tag}");
        }
        // The first tag we ship decides, whatever the script or region of later ones.
        assert_eq!(
            negotiate(None, None, &["fr", "zh-HK", "zh-CN"]),
            Locale::ZhTw
        );
        assert_eq!(
            negotiate(None, None, &["zh-Hans-HK", "zh-TW"]),
            Locale::ZhCn
        );
        assert_eq!(negotiate(None, None, &["zh-Hant", "en"]), Locale::ZhTw);
        assert_eq!(negotiate(None, None, &["en-US", "zh-TW"]), Locale::En);
    }

    #[test]
    fn query_and_saved_choice_select_traditional_by_exact_tag() {
        assert_eq!(Locale::from_tag("zh-TW"), Some(Locale::ZhTw));
        assert_eq!(Locale::from_tag("zh-tw"), Some(Locale::ZhTw));
        // `?lang=` and storage hold our own tags only; a loose tag falls through.
        for loose in ["zh-HK", "zh-Hant", "zh_TW", "zh"] {
            assert_eq!(Locale::from_tag(loose), None, "{loose}");
        }
        assert_eq!(
            negotiate(Some("zh-TW"), Some("en"), &["zh-CN"]),
            Locale::ZhTw
        );
        assert_eq!(
            negotiate(Some("zh-CN"), Some("zh-TW"), &["zh-TW"]),
            Locale::ZhCn
        );
        assert_eq!(
            negotiate(None, Some("zh-TW"), &["en-US", "zh-CN"]),
            Locale::ZhTw
        );
        assert_eq!(negotiate(Some("en"), Some("zh-TW"), &["zh-TW"]), Locale::En);
        assert_eq!(negotiate(Some("zh-HK"), Some("en"), &["zh-TW"]), Locale::En);
        assert_eq!(negotiate(Some("zh-HK"), None, &["zh-CN"]), Locale::ZhCn);
    }

    /// Every formatted sentence of a table, called with numbers only (so they show up in the
    /// output, and nothing in the arguments is in any script). Pairs of (field, text, argument
    /// each must contain).
    fn sentences(m: &Messages) -> Vec<(&'static str, String, &'static str)> {
        vec![
            ("step_position", (m.step_position)(2, 5), "5"),
            ("run_done_some", (m.run_done_some)(37), "37"),
            ("progress_announce", (m.progress_announce)(12, 34), "34"),
            ("batch_label", (m.batch_label)(37), "37"),
            (
                "customers_summary",
                (m.customers_summary)("11".into(), "22".into(), "33".into()),
                "33",
            ),
            ("labelled", (m.labelled)("11", "22"), "22"),
            (
                "groups_over_daily_limit",
                (m.groups_over_daily_limit)(300, 37),
                "37",
            ),
            ("loaded_of", (m.loaded_of)(12, 34), "34"),
            ("selected_of", (m.selected_of)(12, 34), "34"),
            ("overflow_warning", (m.overflow_warning)(37), "37"),
            ("demo_code_hint", (m.demo_code_hint)("246810"), "246810"),
            ("retry_after", (m.retry_after)(37), "37"),
            ("timeout", (m.timeout)(37_000), "37"),
            ("customers_n", (m.customers_n)(37), "37"),
            ("groups_n", (m.groups_n)(37), "37"),
            ("important_n", (m.important_n)(37), "37"),
            ("recent_days", (m.recent_days)(37), "37"),
            ("unconfirmed_batch", (m.unconfirmed_batch)(37), "37"),
            ("run_held", (m.run_held)(37), "37"),
            ("repeated_entries", (m.repeated_entries)(37), "37"),
            ("paging_loop", (m.paging_loop)(37), "37"),
            ("loaded_n", (m.loaded_n)(37), "37"),
            ("resume_offer", (m.resume_offer)("11", "22", "33"), "33"),
            ("kept_for_other", (m.kept_for_other)("11"), "11"),
            (
                "signin_other_admin",
                (m.signin_other_admin)("11", "22"),
                "22",
            ),
            ("handover_title", (m.handover_title)("11", "22", "33"), "33"),
            ("cap_awaiting", (m.cap_awaiting)("37"), "37"),
            ("cap_rejected", (m.cap_rejected)("37"), "37"),
            ("cap_withdrawn", (m.cap_withdrawn)("37"), "37"),
            ("cap_not_sent", (m.cap_not_sent)("37"), "37"),
            ("cap_sending", (m.cap_sending)("11", "22"), "22"),
            ("cap_waiting", (m.cap_waiting)("11", "22"), "22"),
            ("cap_done", (m.cap_done)("11", "22"), "22"),
            ("takes_over", (m.takes_over)("37"), "37"),
            ("timeline_zone", (m.timeline_zone)("UTC"), "UTC"),
            ("time_in", (m.time_in)("UTC"), "UTC"),
            ("created_at_in", (m.created_at_in)("UTC"), "UTC"),
            ("takeover_at_in", (m.takeover_at_in)("UTC"), "UTC"),
            ("ev_size", (m.ev_size)("11", "22"), "22"),
            ("ev_batch", (m.ev_batch)("11", "22", "33"), "33"),
            ("ev_outcomes", (m.ev_outcomes)("11", "22", "33", "44"), "44"),
            ("again_help", (m.again_help)("37"), "37"),
            ("approvals_n", (m.approvals_n)(37), "37"),
            ("page_range", (m.page_range)("11", "22", "33"), "33"),
            ("successors_chosen", (m.successors_chosen)(3, 20), "20"),
            ("groups_all_to", (m.groups_all_to)("11"), "11"),
            ("split_over", (m.split_over)("11", 37), "37"),
            ("split_groups_over", (m.split_groups_over)("11", 37), "37"),
            ("split_unassigned", (m.split_unassigned)(37), "37"),
            (
                "split_unassigned_groups",
                (m.split_unassigned_groups)(37),
                "37",
            ),
            ("split_across", (m.split_across)(37), "37"),
            ("moved_n", (m.moved_n)(37), "37"),
        ]
    }

    /// The strings of the split across several successors (issue 13).
    fn split_strings(m: &Messages) -> Vec<&'static str> {
        vec![
            m.successor_mode,
            m.one_successor,
            m.several_successors,
            m.max_successors,
            m.split_strategy,
            m.strategy_balanced,
            m.strategy_round_robin,
            m.strategy_by_hand,
            m.split_groups,
            m.groups_follow,
            m.split_preview,
            m.important_customers,
            m.capacity_before,
            m.split_total,
            m.by_hand_title,
            m.move_to,
            m.move_checked,
            m.move_matching,
            m.undo_moves,
            m.not_assigned,
            m.blocker_too_few_successors,
            m.blocker_lists_loading,
            m.run_by_successor,
            m.outcomes_by_successor,
            m.successor_id,
        ]
    }

    /// Every string a table holds: plain, column headings and formatted sentences.
    fn everything(m: &Messages) -> Vec<String> {
        m.plain_strings()
            .into_iter()
            .chain(handover_page_strings(m))
            .chain(split_strings(m))
            .chain(m.backup_header)
            .map(str::to_string)
            .chain(sentences(m).into_iter().map(|(_, s, _)| s))
            .collect()
    }

    #[test]
    fn every_table_is_complete_for_every_field() {
        for l in Locale::ALL {
            let m = l.messages();
            for s in m
                .plain_strings()
                .into_iter()
                .chain(handover_page_strings(m))
                .chain(split_strings(m))
                .chain(m.backup_header)
            {
                assert!(!s.trim().is_empty(), "{l:?} has an empty string");
            }
            for (field, text, arg) in sentences(m) {
                assert!(
                    text.contains(arg) && text.trim() != arg,
                    "{l:?}.{field} says {text:?}"
                );
            }
        }
        // The Traditional table is its own, not a copy of another.
        let (cn, tw, en) = (
            everything(Locale::ZhCn.messages()),
            everything(Locale::ZhTw.messages()),
            everything(Locale::En.messages()),
        );
        assert_eq!((cn.len(), en.len()), (tw.len(), tw.len()));
        let differ = |a: &[String]| tw.iter().zip(a).filter(|(x, y)| x != y).count();
        assert!(
            differ(&cn) > tw.len() * 3 / 4,
            "{} of {}",
            differ(&cn),
            tw.len()
        );
        assert!(differ(&en) > tw.len() * 9 / 10);
    }

    /// The glossary of shared/domain.md, one row per concept: (简体中文, 繁體中文, English) and
    /// where the table shows it.
    #[test]
    fn every_table_uses_the_glossary_terms() {
        type Field = fn(&Messages) -> &'static str;
        let exact: [(Field, [&str; 3]); 14] = [
            (
                |m| m.app_title,
                ["离职继承", "離職繼承", "Departed-member handover"],
            ),
            (
                |m| m.step_member,
                ["离职成员", "離職成員", "Departed member"],
            ),
            (|m| m.step_successor, ["接替成员", "接替成員", "Successor"]),
            (|m| m.item_customer, ["客户", "客戶", "Customer"]),
            (|m| m.item_group, ["客户群", "客戶群", "Customer group"]),
            (
                |m| m.step_chat_history,
                ["聊天记录", "聊天記錄", "Chat history"],
            ),
            (
                |m| m.records_title,
                ["分配记录", "分配記錄", "Handover records"],
            ),
            (
                |m| m.nav_records,
                ["分配记录", "分配記錄", "Handover records"],
            ),
            (
                |m| m.is_waiting,
                ["等待接替", "等待接替", "Waiting for takeover"],
            ),
            (|m| m.is_taken_over, ["接替完毕", "接替完畢", "Taken over"]),
            (
                |m| m.is_refused,
                ["客户拒绝", "客戶拒絕", "Refused by customer"],
            ),
            (
                |m| m.is_limit,
                [
                    "接替成员客户已达上限",
                    "接替成員客戶已達上限",
                    "Successor at contact limit",
                ],
            ),
            (
                |m| m.verification,
                ["身份验证", "身份驗證", "Identity verification"],
            ),
            (
                |m| m.confirm_handover,
                ["确认交接", "確認交接", "Confirm handover"],
            ),
        ];
        let within: [(Field, [&str; 3]); 5] = [
            (|m| m.pending_customers, ["待分配", "待分配", "Pending"]),
            (|m| m.demo_banner, ["演示模式", "演示模式", "Demo mode"]),
            (|m| m.approval_needed, ["审批", "審批", "Approval"]),
            (
                |m| m.step_confirm,
                ["确认交接", "確認交接", "Confirm handover"],
            ),
            (|m| m.step_customers, ["客户群", "客戶群", "groups"]),
        ];
        for (i, l) in Locale::ALL.into_iter().enumerate() {
            let m = l.messages();
            for (field, terms) in &exact {
                assert_eq!(field(m), terms[i], "{l:?}");
            }
            for (field, terms) in &within {
                assert!(field(m).contains(terms[i]), "{l:?}: {}", field(m));
            }
        }
        let tw = Locale::ZhTw.messages();
        assert_eq!(tw.wecom, "企業微信");
        assert!((tw.overflow_warning)(3).contains("「接替成員客戶已達上限」"));
        assert!((tw.ev_outcomes)("1", "2", "3", "4").contains("接替成員客戶已達上限"));
    }

    #[test]
    fn traditional_table_writes_no_simplified_only_characters() {
        // Characters that exist only in Simplified script (their Traditional forms differ).
        const SIMPLIFIED: &str = "离继员户记录确认验证审态务网络数据选择页载设导这个们为时间进过\
            还从后无请该将现单项类标签详细错误码则发开关结术应会话档实历览复制链动达执暂续权账号\
            显条于处内体区仅创删别协启响团图场备头实对寻层带并广废异张总户扩担据损断旧机杂检档\
            欢毕气汇没测浏满点状环电监种称签简级约纪线组终经给统维编罗联职范获补装见观规视计让\
            议讯访评识说读调负败货质费资转较辑输边迁远违连递适邮释钮销锁键长门闭问阅队阶际险随\
            隐难顺须预领频题额驳齐";
        for s in everything(Locale::ZhTw.messages()) {
            let bad: String = s.chars().filter(|c| SIMPLIFIED.contains(*c)).collect();
            assert!(bad.is_empty(), "{bad:?} in {s:?}");
        }
        for code in crate::domain::codes::ALL.iter().map(|(c, _)| *c).chain([1]) {
            let s = codes::code_text(Locale::ZhTw, code);
            assert!(!s.chars().any(|c| SIMPLIFIED.contains(c)), "{s}");
        }
        let s = demo_unsaved(Locale::ZhTw);
        assert!(!s.chars().any(|c| SIMPLIFIED.contains(c)), "{s}");
    }

    #[test]
    fn traditional_table_uses_taiwan_vocabulary() {
        // Mainland terms that a character-by-character conversion would leave in place.
        const MAINLAND: [&str; 24] = [
            "數據",
            "設置",
            "信息",
            "賬號",
            "賬戶",
            "默認",
            "加載",
            "網絡",
            "服務器",
            "搜索",
            "導出",
            "創建",
            "登錄",
            "鏈接",
            "用戶",
            "屏幕",
            "軟件",
            "點擊",
            "標簽",
            "刷新",
            "視頻",
            "緩存",
            "菜單",
            "返回內容",
        ];
        let tw = everything(Locale::ZhTw.messages());
        for s in tw
            .iter()
            .map(|s| s.as_ref())
            .chain([demo_unsaved(Locale::ZhTw)])
        {
            for word in MAINLAND {
                assert!(!s.contains(word), "{word:?} in {s:?}");
            }
        }
        let tw = Locale::ZhTw.messages();
        assert!(tw.demo_banner.contains("資料"));
        assert!(tw.account_active_warning.contains("帳號"));
        assert!(tw.intro_customers.contains("預設"));
        assert_eq!(tw.search, "搜尋");
        assert_eq!(tw.export_csv, "匯出 CSV");
    }

    #[test]
    fn traditional_counts_are_grouped_like_simplified() {
        let (tw, cn) = (Locale::ZhTw.messages(), Locale::ZhCn.messages());
        assert_eq!((tw.selected_of)(1_000, 20_000), "已選取 1,000 / 20,000");
        assert_eq!((tw.customers_n)(20_000), "20,000 位客戶");
        assert_eq!((tw.groups_n)(1_234), "1,234 個客戶群");
        for n in [0, 7, 999, 1_000, 20_000, 1_234_567] {
            let digits = |s: String| -> String {
                s.chars()
                    .filter(|c| c.is_ascii_digit() || *c == ',')
                    .collect()
            };
            for (a, b) in [
                ((tw.loaded_of)(n, n + 1), (cn.loaded_of)(n, n + 1)),
                ((tw.customers_n)(n), (cn.customers_n)(n)),
                ((tw.important_n)(n), (cn.important_n)(n)),
                ((tw.progress_announce)(n, n), (cn.progress_announce)(n, n)),
                ((tw.loaded_n)(n), (cn.loaded_n)(n)),
            ] {
                assert_eq!(digits(a), digits(b));
            }
        }
    }
}
