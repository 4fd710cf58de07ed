//! The wizard: its steps, what the admin chose so far (the draft), what makes each step valid,
//! and the handover request the draft becomes.

use serde::{Deserialize, Serialize};

use crate::api::types::{
    ApprovalPolicy, Assignment, ChatHistory, ChatScope, DepartedMember, Member, NewHandover,
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

/// Everything chosen so far. Survives a reload (session storage) as JSON.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// Client-generated; sent as the handover id so a retry never creates a second handover.
    pub handover_id: String,
    pub departed: Option<DepartedMember>,
    /// None until the admin has seen the list: then it defaults to everything transferable.
    pub customer_ids: Option<Vec<String>>,
    pub group_ids: Option<Vec<String>>,
    /// Of the chosen customers, how many are important (for approval and the summary).
    pub important_count: usize,
    pub successor: Option<Member>,
    pub chat: ChatChoice,
    pub note: String,
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

/// Why a handover will need a second admin's approval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApprovalReason {
    ImportantCustomers,
    LargeHandover,
}

/// Where the admin is and what they chose. Views send intents; this decides what they mean.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Wizard {
    step: Step,
    pub draft: Draft,
}

impl Wizard {
    pub fn new(handover_id: String) -> Wizard {
        Wizard {
            step: Step::Member,
            draft: Draft {
                handover_id,
                ..Draft::default()
            },
        }
    }

    pub fn step(&self) -> Step {
        self.step
    }

    pub fn customer_count(&self) -> usize {
        self.draft.customer_ids.as_ref().map_or(0, Vec::len)
    }

    pub fn group_count(&self) -> usize {
        self.draft.group_ids.as_ref().map_or(0, Vec::len)
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

    /// Moves forward when the step is valid; returns whether the step changed.
    pub fn go_next(&mut self) -> bool {
        if !self.can_go_next() {
            return false;
        }
        self.step.next().map(|s| self.step = s).is_some()
    }

    /// Moves back, keeping every choice; returns whether the step changed.
    pub fn go_back(&mut self) -> bool {
        self.step.prev().map(|s| self.step = s).is_some()
    }

    /// Jumps to an earlier step (the "change" links); never skips ahead.
    pub fn go_to(&mut self, step: Step) -> bool {
        if step.index() < self.step.index() {
            self.step = step;
            true
        } else {
            false
        }
    }

    /// Picks the departed member. A different member resets what depended on the old one.
    pub fn choose_member(&mut self, m: DepartedMember) {
        if self.draft.departed.as_ref().map(|d| &d.id) != Some(&m.id) {
            self.draft.customer_ids = None;
            self.draft.group_ids = None;
            self.draft.important_count = 0;
            self.draft.successor = None;
        }
        self.draft.departed = Some(m);
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

    pub fn approval_reasons(&self, policy: &ApprovalPolicy) -> Vec<ApprovalReason> {
        let mut r = Vec::new();
        if policy.required_for_important && self.draft.important_count > 0 {
            r.push(ApprovalReason::ImportantCustomers);
        }
        if self.customer_count() > policy.max_customers_without_approval as usize {
            r.push(ApprovalReason::LargeHandover);
        }
        r
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
                customer_ids: d.customer_ids.clone().unwrap_or_default(),
                group_ids: d.group_ids.clone().unwrap_or_default(),
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

    fn ready() -> Wizard {
        let mut w = Wizard::new("h1".into());
        w.choose_member(departed(true));
        w.draft.customer_ids = Some(vec!["c1".into(), "c2".into()]);
        w.draft.group_ids = Some(vec![]);
        w.draft.successor = Some(member(10, 100));
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
        w.draft.group_ids = Some(vec!["g1".into()]);
        assert!(w.go_next());
        assert_eq!(w.blocker(Step::Successor), Some(Blocker::NoSuccessor));
        w.draft.successor = Some(member(1, 10));
        assert!(w.go_next());
        w.draft.chat = ChatChoice {
            scope: ChatScope::Recent,
            days: 0,
            custom: true,
        };
        assert_eq!(w.blocker(Step::ChatHistory), Some(Blocker::DaysInvalid));
        w.draft.chat.scope = ChatScope::All;
        assert!(w.go_next());
        assert_eq!(w.step(), Step::Confirm);
        assert!(!w.go_next(), "nothing after confirm");
        while w.go_back() {}
        assert_eq!(w.step(), Step::Member);
        assert!(w.draft.successor.is_some(), "back keeps every choice");
    }

    #[test]
    fn another_member_resets_what_depended_on_the_first() {
        let mut w = ready();
        w.choose_member(departed(true));
        assert!(w.draft.successor.is_some(), "same member keeps choices");
        let mut other = departed(true);
        other.id = "d2".into();
        w.choose_member(other);
        assert_eq!(w.draft.customer_ids, None);
        assert_eq!(w.draft.successor, None);
    }

    #[test]
    fn capacity_and_approval() {
        let mut w = ready();
        assert_eq!(w.capacity_after(), Some(88));
        assert_eq!(w.overflow(), 0);
        w.draft.successor = Some(member(99, 100));
        assert_eq!(w.overflow(), 1);
        let policy = ApprovalPolicy {
            required_for_important: true,
            max_customers_without_approval: 1,
        };
        assert_eq!(
            w.approval_reasons(&policy),
            vec![ApprovalReason::LargeHandover]
        );
        w.draft.important_count = 1;
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
        w.draft.note = "  请尽快联系  ".into();
        let r = w.to_request(Some("vt".into())).expect("valid");
        assert_eq!(r.id, "h1");
        assert_eq!(r.assignments[0].customer_ids, vec!["c1", "c2"]);
        assert_eq!(r.chat_history.days, Some(30));
        assert_eq!(r.note.as_deref(), Some("请尽快联系"));
        w.draft.successor = None;
        assert!(w.to_request(None).is_none());
    }

    #[test]
    fn survives_a_round_trip_through_json() {
        let mut w = ready();
        w.go_next();
        w.go_next();
        let json = serde_json::to_string(&w).unwrap();
        let back: Wizard = serde_json::from_str(&json).unwrap();
        assert_eq!(back, w);
        assert_eq!(back.step(), Step::Successor);
    }

    #[test]
    fn slugs_round_trip_and_reject_unknowns() {
        for s in Step::ALL {
            assert_eq!(Step::from_slug(s.slug()), Some(s));
        }
        assert_eq!(Step::from_slug("nope"), None);
    }
}
