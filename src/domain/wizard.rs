//! The wizard: its steps, what the admin chose so far (the draft), what makes each step valid,
//! and the handover request the draft becomes.

use serde::{Deserialize, Serialize};

use super::selection::{Catalog, PickOp, Pickable, Picked, SavedPick};
use crate::api::types::{
    ApprovalPolicy, Assignment, ChatHistory, ChatScope, Customer, DepartedMember, Group, Member,
    NewHandover,
};

/// The five steps an admin walks, in order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    #[default]
    Member,
    Customers,
    Successor,
    ChatHistory,
    Confirm,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::Member,
        Step::Customers,
        Step::Successor,
        Step::ChatHistory,
        Step::Confirm,
    ];

    /// Zero-based position in [`Step::ALL`].
    pub fn index(self) -> usize {
        match self {
            Step::Member => 0,
            Step::Customers => 1,
            Step::Successor => 2,
            Step::ChatHistory => 3,
            Step::Confirm => 4,
        }
    }

    /// Stable, language-neutral name used in URLs, storage and performance marks.
    pub fn slug(self) -> &'static str {
        match self {
            Step::Member => "member",
            Step::Customers => "customers",
            Step::Successor => "successor",
            Step::ChatHistory => "chat-history",
            Step::Confirm => "confirm",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn next(self) -> Option<Step> {
        Step::ALL.get(self.index() + 1).copied()
    }

    pub fn prev(self) -> Option<Step> {
        self.index()
            .checked_sub(1)
            .and_then(|i| Step::ALL.get(i).copied())
    }
}

/// Chat-history presets offered besides a custom number of days.
pub const DAY_PRESETS: [u32; 3] = [7, 30, 90];

/// What the successor inherits of the chat history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatChoice {
    pub scope: ChatScope,
    pub days: u32,
    /// Days typed by the admin rather than a preset.
    pub custom: bool,
}

impl Default for ChatChoice {
    fn default() -> Self {
        ChatChoice {
            scope: ChatScope::Recent,
            days: 30,
            custom: false,
        }
    }
}

impl ChatChoice {
    pub fn is_valid(&self) -> bool {
        self.scope != ChatScope::Recent || (1..=3650).contains(&self.days)
    }

    pub fn to_contract(&self) -> ChatHistory {
        ChatHistory {
            scope: self.scope,
            days: (self.scope == ChatScope::Recent).then_some(self.days),
        }
    }
}

/// Everything chosen so far: the one copy of it. Survives a reload (session storage) as JSON;
/// changes only through the wizard's intent methods.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Draft {
    /// Client-generated; sent as the handover id so a retry never creates a second handover.
    handover_id: String,
    departed: Option<DepartedMember>,
    #[serde(default)]
    customers: Picked<Customer>,
    #[serde(default)]
    groups: Picked<Group>,
    successor: Option<Member>,
    chat: ChatChoice,
    note: String,
}

/// A list the admin picks from on the customers step; lets one picker serve both lists.
pub trait Listed: Pickable + Sized {
    fn picked(w: &Wizard) -> &Picked<Self>;
    fn picked_mut(w: &mut Wizard) -> &mut Picked<Self>;
}

impl Listed for Customer {
    fn picked(w: &Wizard) -> &Picked<Self> {
        &w.draft.customers
    }
    fn picked_mut(w: &mut Wizard) -> &mut Picked<Self> {
        &mut w.draft.customers
    }
}

impl Listed for Group {
    fn picked(w: &Wizard) -> &Picked<Self> {
        &w.draft.groups
    }
    fn picked_mut(w: &mut Wizard) -> &mut Picked<Self> {
        &mut w.draft.groups
    }
}

/// Why Next is not possible yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blocker {
    NoMember,
    MemberIneligible,
    NothingSelected,
    NoSuccessor,
    SuccessorIneligible,
    DaysInvalid,
}

/// Why a handover will need a second admin's approval (the contract's type, one rule for all).
pub use crate::api::types::ApprovalReason;

/// Where the admin is and what they chose. Views send intents; this decides what they mean.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Wizard {
    step: Step,
    draft: Draft,
    /// Set by a "change" link on the summary: once the changed step is valid again, Next
    /// returns to the summary instead of walking every later step.
    #[serde(default)]
    returning: bool,
}

impl Wizard {
    pub fn new(handover_id: String) -> Wizard {
        Wizard {
            step: Step::Member,
            draft: Draft {
                handover_id,
                ..Draft::default()
            },
            returning: false,
        }
    }

    /// A new draft that hands over `customer_ids` and `group_ids` of `departed` again (the
    /// items a handover could not place): it opens on the customers step with exactly those
    /// chosen, once the lists load; the successor is chosen anew.
    pub fn again(
        handover_id: String,
        departed: DepartedMember,
        customer_ids: Vec<String>,
        group_ids: Vec<String>,
    ) -> Wizard {
        let mut w = Wizard::new(handover_id);
        w.draft.departed = Some(departed);
        w.draft.customers = Picked::from_saved(Some(SavedPick {
            ids: customer_ids,
            important: 0,
        }));
        w.draft.groups = Picked::from_saved(Some(SavedPick {
            ids: group_ids,
            important: 0,
        }));
        w.step = Step::Customers;
        w
    }

    pub fn step(&self) -> Step {
        self.step
    }

    pub fn handover_id(&self) -> &str {
        &self.draft.handover_id
    }

    pub fn departed(&self) -> Option<&DepartedMember> {
        self.draft.departed.as_ref()
    }

    pub fn successor(&self) -> Option<&Member> {
        self.draft.successor.as_ref()
    }

    pub fn chat(&self) -> &ChatChoice {
        &self.draft.chat
    }

    pub fn note(&self) -> &str {
        &self.draft.note
    }

    /// The choice of one list (customers or groups).
    pub fn picked<T: Listed>(&self) -> &Picked<T> {
        T::picked(self)
    }

    pub fn customer_count(&self) -> usize {
        self.draft.customers.count()
    }

    pub fn group_count(&self) -> usize {
        self.draft.groups.count()
    }

    /// Of the chosen customers, how many are important (for approval and the summary).
    pub fn important_count(&self) -> usize {
        self.draft.customers.important_count()
    }

    /// The departed member whose lists must still be loaded, if any: the one place that
    /// decides whether step 2 has what it needs.
    pub fn lists_needed(&self) -> Option<&str> {
        let d = self.draft.departed.as_ref()?;
        let loaded = self.draft.customers.is_loaded() && self.draft.groups.is_loaded();
        (!loaded).then_some(d.id.as_str())
    }

    /// What stops the admin from leaving `step` forward, if anything.
    pub fn blocker(&self, step: Step) -> Option<Blocker> {
        let d = &self.draft;
        match step {
            Step::Member => match &d.departed {
                None => Some(Blocker::NoMember),
                Some(m) if !m.eligible => Some(Blocker::MemberIneligible),
                _ => None,
            },
            Step::Customers => (self.customer_count() + self.group_count() == 0)
                .then_some(Blocker::NothingSelected),
            Step::Successor => match &d.successor {
                None => Some(Blocker::NoSuccessor),
                Some(m) if m.eligible == Some(false) => Some(Blocker::SuccessorIneligible),
                _ => None,
            },
            Step::ChatHistory => (!d.chat.is_valid()).then_some(Blocker::DaysInvalid),
            Step::Confirm => None,
        }
    }

    pub fn can_go_back(&self) -> bool {
        self.step.prev().is_some()
    }

    pub fn can_go_next(&self) -> bool {
        self.step.next().is_some() && self.blocker(self.step).is_none()
    }

    /// Moves forward when the step is valid (back to the summary after a "change", when every
    /// step is valid); returns whether the step changed.
    pub fn go_next(&mut self) -> bool {
        self.try_next().unwrap_or(false)
    }

    /// Like [`Wizard::go_next`], but says what stops the admin, for the error summary.
    pub fn try_next(&mut self) -> Result<bool, Blocker> {
        if let Some(b) = self.blocker(self.step) {
            return Err(b);
        }
        if self.returning && Step::ALL.iter().all(|s| self.blocker(*s).is_none()) {
            self.returning = false;
            self.step = Step::Confirm;
            return Ok(true);
        }
        Ok(self.step.next().map(|s| self.step = s).is_some())
    }

    /// Whether Next will return to the summary rather than go one step on.
    pub fn is_returning(&self) -> bool {
        self.returning
    }

    /// Moves back, keeping every choice; returns whether the step changed.
    pub fn go_back(&mut self) -> bool {
        self.returning = false;
        self.step.prev().map(|s| self.step = s).is_some()
    }

    /// Jumps to an earlier step (the "change" links); never skips ahead.
    pub fn go_to(&mut self, step: Step) -> bool {
        if step.index() < self.step.index() {
            self.returning = self.step == Step::Confirm;
            self.step = step;
            true
        } else {
            false
        }
    }

    /// Picks the departed member. A different member resets what depended on the old one.
    pub fn choose_member(&mut self, m: DepartedMember) {
        if self.draft.departed.as_ref().map(|d| &d.id) != Some(&m.id) {
            self.draft.customers = Picked::default();
            self.draft.groups = Picked::default();
            self.draft.successor = None;
        }
        self.draft.departed = Some(m);
    }

    /// Takes the loaded lists of `departed`; ignored when the admin has since chosen another
    /// member (a late answer must not land on the wrong draft).
    pub fn attach_lists(
        &mut self,
        departed: &str,
        customers: Catalog<Customer>,
        groups: Catalog<Group>,
    ) -> bool {
        if self.draft.departed.as_ref().map(|d| d.id.as_str()) != Some(departed) {
            return false;
        }
        self.draft.customers.attach(customers);
        self.draft.groups.attach(groups);
        true
    }

    /// Selects or deselects rows of one list.
    pub fn pick<T: Listed>(&mut self, op: PickOp) {
        T::picked_mut(self).apply(op);
    }

    pub fn choose_successor(&mut self, m: Member) {
        self.draft.successor = Some(m);
    }

    /// Chosen groups beyond what WeCom takes from one departed member a day (the session's
    /// `limits.groups_per_owner_per_day`): those would come back rejected.
    pub fn groups_over_daily_limit(&self, per_day: u32) -> usize {
        self.group_count().saturating_sub(per_day as usize)
    }

    /// Keeps the first `per_day` chosen groups, in list order.
    pub fn trim_groups_to_daily_limit(&mut self, per_day: u32) {
        self.draft.groups.keep_first(per_day as usize);
    }

    /// Keeps as many chosen customers (the first, in list order) as the successor has room for.
    pub fn trim_to_capacity(&mut self) {
        if let Some(s) = &self.draft.successor {
            let room = s.customer_limit.saturating_sub(s.customer_count) as usize;
            self.draft.customers.keep_first(room);
        }
    }

    pub fn set_chat_scope(&mut self, scope: ChatScope) {
        self.draft.chat.scope = scope;
    }

    /// One of the preset numbers of days.
    pub fn choose_days(&mut self, days: u32) {
        self.draft.chat.days = days;
        self.draft.chat.custom = false;
    }

    /// The admin will type the number of days.
    pub fn choose_custom_days(&mut self) {
        self.draft.chat.custom = true;
    }

    /// Days typed by the admin; anything that is not a number counts as 0 (invalid).
    pub fn type_days(&mut self, typed: &str) {
        self.draft.chat.days = typed.trim().parse().unwrap_or(0);
    }

    pub fn set_note(&mut self, note: String) {
        self.draft.note = note;
    }

    /// Spare capacity of the chosen successor after the handover; negative = over the limit.
    pub fn capacity_after(&self) -> Option<i64> {
        let s = self.draft.successor.as_ref()?;
        Some(
            i64::from(s.customer_limit)
                - i64::from(s.customer_count)
                - self.customer_count() as i64,
        )
    }

    /// Customers that would end as limit_exceeded with the chosen successor.
    pub fn overflow(&self) -> usize {
        self.capacity_after().map_or(0, |c| (-c).max(0) as usize)
    }

    /// The approval the handover will need: the same rule the backend applies on create.
    pub fn approval_reasons(&self, policy: &ApprovalPolicy) -> Vec<ApprovalReason> {
        let size = super::approval::HandoverSize {
            customers: self.customer_count(),
            important: self.important_count(),
        };
        super::approval::reasons(policy, size)
    }

    /// The request "Confirm handover" sends, once every step is valid.
    pub fn to_request(&self, verification_token: Option<String>) -> Option<NewHandover> {
        if Step::ALL.iter().any(|s| self.blocker(*s).is_some()) {
            return None;
        }
        let d = &self.draft;
        let note = d.note.trim();
        Some(NewHandover {
            id: d.handover_id.clone(),
            departed_member: d.departed.as_ref()?.id.clone(),
            assignments: vec![Assignment {
                successor: d.successor.as_ref()?.id.clone(),
                customer_ids: d.customers.ids(),
                group_ids: d.groups.ids(),
            }],
            chat_history: d.chat.to_contract(),
            note: (!note.is_empty()).then(|| note.to_string()),
            verification_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{AccountState, Department};

    fn departed(eligible: bool) -> DepartedMember {
        DepartedMember {
            id: "d1".into(),
            name: "张三".into(),
            department: Department {
                id: "x".into(),
                name: "销售部".into(),
            },
            position: "销售".into(),
            departed_at: "2026-11-01T00:00:00Z".into(),
            account_state: AccountState::Disabled,
            pending_customers: 3,
            pending_groups: 0,
            eligible,
            reason: (!eligible).then(|| "departed_over_a_year".into()),
        }
    }

    fn member(count: u32, limit: u32) -> Member {
        Member {
            id: "m1".into(),
            name: "李四".into(),
            department: Department {
                id: "x".into(),
                name: "销售部".into(),
            },
            position: "销售".into(),
            customer_count: count,
            customer_limit: limit,
            eligible: Some(true),
            reason: None,
        }
    }

    fn customer(id: &str, important: bool) -> Customer {
        Customer {
            id: id.into(),
            name: id.into(),
            kind: crate::api::types::CustomerKind::Wechat,
            corp_name: None,
            remark: String::new(),
            tags: vec![],
            added_at: "2026-01-01T00:00:00Z".into(),
            last_contact_at: None,
            important,
            transferable: true,
            reason: None,
        }
    }

    fn group(id: &str) -> Group {
        Group {
            id: id.into(),
            name: id.into(),
            member_count: 3,
            created_at: "2026-01-01T00:00:00Z".into(),
            transferable: true,
            reason: None,
        }
    }

    fn lists(w: &mut Wizard, customers: &[&str], groups: &[&str]) {
        let id = w.departed().map(|d| d.id.clone()).unwrap_or_default();
        let c = Catalog::new(customers.iter().map(|c| customer(c, false)).collect());
        let g = Catalog::new(groups.iter().map(|g| group(g)).collect());
        assert!(w.attach_lists(&id, c, g));
    }

    fn ready() -> Wizard {
        let mut w = Wizard::new("h1".into());
        w.choose_member(departed(true));
        lists(&mut w, &["c1", "c2"], &[]);
        w.choose_successor(member(10, 100));
        w
    }

    #[test]
    fn next_waits_for_each_step_to_be_valid() {
        let mut w = Wizard::new("h1".into());
        assert_eq!(w.blocker(Step::Member), Some(Blocker::NoMember));
        assert!(!w.go_next());
        w.choose_member(departed(false));
        assert_eq!(w.blocker(Step::Member), Some(Blocker::MemberIneligible));
        w.choose_member(departed(true));
        assert!(w.go_next());
        assert_eq!(w.blocker(Step::Customers), Some(Blocker::NothingSelected));
        lists(&mut w, &[], &["g1"]);
        assert_eq!(w.lists_needed(), None);
        assert!(w.go_next());
        assert_eq!(w.blocker(Step::Successor), Some(Blocker::NoSuccessor));
        w.choose_successor(member(1, 10));
        assert!(w.go_next());
        w.set_chat_scope(ChatScope::Recent);
        w.choose_custom_days();
        w.type_days("zero");
        assert_eq!(w.blocker(Step::ChatHistory), Some(Blocker::DaysInvalid));
        w.type_days(" 45 ");
        assert_eq!(w.chat().days, 45);
        w.set_chat_scope(ChatScope::All);
        assert!(w.go_next());
        assert_eq!(w.step(), Step::Confirm);
        assert!(!w.go_next(), "nothing after confirm");
        while w.go_back() {}
        assert_eq!(w.step(), Step::Member);
        assert!(w.successor().is_some(), "back keeps every choice");
    }

    #[test]
    fn another_member_resets_what_depended_on_the_first() {
        let mut w = ready();
        w.choose_member(departed(true));
        assert!(w.successor().is_some(), "same member keeps choices");
        assert_eq!(w.customer_count(), 2);
        let mut other = departed(true);
        other.id = "d2".into();
        w.choose_member(other);
        assert_eq!(w.customer_count(), 0);
        assert_eq!(w.lists_needed(), Some("d2"));
        assert_eq!(w.successor(), None);
        let late = Catalog::new(vec![customer("c9", false)]);
        assert!(
            !w.attach_lists("d1", late, Catalog::new(vec![])),
            "a late answer for the first member is dropped"
        );
        assert_eq!(w.lists_needed(), Some("d2"));
    }

    #[test]
    fn capacity_and_approval() {
        let mut w = ready();
        assert_eq!(w.capacity_after(), Some(88));
        assert_eq!(w.overflow(), 0);
        w.choose_successor(member(99, 100));
        assert_eq!(w.overflow(), 1);
        let policy = ApprovalPolicy {
            required_for_important: true,
            max_customers_without_approval: 1,
        };
        assert_eq!(
            w.approval_reasons(&policy),
            vec![ApprovalReason::LargeHandover]
        );
        let id = w.departed().map(|d| d.id.clone()).unwrap_or_default();
        let c = Catalog::new(vec![customer("c1", true), customer("c2", false)]);
        w.attach_lists(&id, c, Catalog::new(vec![]));
        assert_eq!(
            w.approval_reasons(&policy),
            vec![
                ApprovalReason::ImportantCustomers,
                ApprovalReason::LargeHandover
            ]
        );
    }

    #[test]
    fn the_request_carries_the_draft_and_the_client_id() {
        let mut w = ready();
        w.set_note("  请尽快联系  ".into());
        let r = w.to_request(Some("vt".into())).expect("valid");
        assert_eq!(r.id, "h1");
        assert_eq!(r.assignments[0].customer_ids, vec!["c1", "c2"]);
        assert_eq!(r.chat_history.days, Some(30));
        assert_eq!(r.note.as_deref(), Some("请尽快联系"));
        w.pick::<Customer>(PickOp::Clear(vec![0, 1]));
        assert!(w.to_request(None).is_none(), "nothing selected");
    }

    #[test]
    fn change_from_the_summary_returns_to_it_once_valid() {
        let mut w = ready();
        while w.go_next() {}
        assert_eq!(w.step(), Step::Confirm);
        assert!(w.go_to(Step::Customers));
        assert!(w.is_returning());
        w.pick::<Customer>(PickOp::Clear(vec![0, 1]));
        assert_eq!(
            w.try_next(),
            Err(Blocker::NothingSelected),
            "says what is missing"
        );
        assert_eq!(w.step(), Step::Customers);
        w.pick::<Customer>(PickOp::SelectAll(vec![0]));
        assert_eq!(w.try_next(), Ok(true));
        assert_eq!(w.step(), Step::Confirm, "straight back to the summary");
        assert!(!w.is_returning());
        assert!(w.go_to(Step::Member));
        assert!(w.go_back() || w.step() == Step::Member);
        assert!(!w.is_returning(), "Back ends the detour");
        assert_eq!(w.try_next(), Ok(true));
        assert_eq!(w.step(), Step::Customers, "then Next walks step by step");
    }

    #[test]
    fn handing_over_again_opens_with_exactly_those_items() {
        let mut w = Wizard::again("h2".into(), departed(true), vec!["c2".into()], vec![]);
        assert_eq!(w.step(), Step::Customers);
        assert_eq!(w.lists_needed(), Some("d1"));
        lists(&mut w, &["c1", "c2", "c3"], &["g1"]);
        assert_eq!(w.picked::<Customer>().ids(), vec!["c2"]);
        assert_eq!(w.group_count(), 0);
        assert_eq!(w.successor(), None);
    }

    #[test]
    fn groups_beyond_the_daily_limit_are_flagged_and_can_be_trimmed() {
        let mut w = Wizard::new("h1".into());
        w.choose_member(departed(true));
        lists(&mut w, &[], &["g1", "g2", "g3"]);
        assert_eq!(w.groups_over_daily_limit(300), 0);
        assert_eq!(w.groups_over_daily_limit(2), 1);
        w.trim_groups_to_daily_limit(2);
        assert_eq!(w.picked::<Group>().ids(), vec!["g1", "g2"]);
        assert_eq!(w.groups_over_daily_limit(2), 0);
    }

    #[test]
    fn trimming_keeps_what_fits_the_successor() {
        let mut w = ready();
        w.choose_successor(member(99, 100));
        assert_eq!(w.overflow(), 1);
        w.trim_to_capacity();
        assert_eq!(w.overflow(), 0);
        assert_eq!(w.picked::<Customer>().ids(), vec!["c1"]);
    }

    #[test]
    fn survives_a_round_trip_through_json() {
        let mut w = ready();
        w.go_next();
        w.go_next();
        let json = serde_json::to_string(&w).unwrap();
        let mut back: Wizard = serde_json::from_str(&json).unwrap();
        assert_eq!(back.step(), Step::Successor);
        assert_eq!(back.to_request(None), w.to_request(None));
        assert_eq!(
            back.lists_needed(),
            Some("d1"),
            "lists reload after a reload"
        );
        lists(&mut back, &["c0", "c1", "c2"], &[]);
        assert_eq!(
            back.to_request(None),
            w.to_request(None),
            "the saved choice wins"
        );
    }

    #[test]
    fn slugs_round_trip_and_reject_unknowns() {
        for s in Step::ALL {
            assert_eq!(Step::from_slug(s.slug()), Some(s));
        }
        assert_eq!(Step::from_slug("nope"), None);
    }
}
