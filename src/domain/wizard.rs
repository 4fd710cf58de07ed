//! The wizard: its steps, what the admin chose so far (the draft), what makes each step valid,
//! and the handover request the draft becomes.

use serde::{Deserialize, Serialize};

use super::selection::{Catalog, PickOp, Pickable, Picked, SavedPick};
use super::split::{
    self, GroupRule, Moves, Split, SplitError, SplitOptions, Strategy, Successor, MAX_SUCCESSORS,
    MIN_SUCCESSORS,
};
use crate::api::types::{
    ApprovalPolicy, Assignment, ChatHistory, ChatScope, Customer, DepartedMember, Group, ItemKind,
    Member, NewHandover,
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
    /// Several successors instead of one (issue 13); absent in drafts saved before it.
    #[serde(default)]
    split: SplitDraft,
}

/// The "several successors" choice: who, how the selection is shared, the admin's moves. Read
/// only while `several` is on; the one-successor choice (`Draft::successor`) stays as it was.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct SplitDraft {
    several: bool,
    /// In the order the admin picked them: the split's order (and its tie-breaks).
    successors: Vec<Member>,
    strategy: Strategy,
    groups: GroupRule,
    moves: Moves,
    /// The session's `limits.groups_per_owner_per_day`: each successor's groups allowance and
    /// the day's allowance in all. `None` until the session is known (no group limit then).
    groups_per_day: Option<u32>,
}

/// The split of the chosen items (`split::split` over the draft), with the catalogue positions
/// its item positions stand for: the preview, the by-hand list, the request and the approval
/// prediction all read this one value.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    pub split: Split,
    /// Customer position `p` of `split` is catalogue position `customers[p]`.
    pub customers: Vec<u32>,
    pub groups: Vec<u32>,
}

impl Planned {
    /// For every customer of the catalogue (`len` rows), the share that takes it, if chosen.
    pub fn customer_owners(&self, len: usize) -> Vec<Option<usize>> {
        let by_split = self.split.owners(ItemKind::Customer, self.customers.len());
        let mut out = vec![None; len];
        for (p, owner) in by_split.into_iter().enumerate() {
            if let Some(o) = self.customers.get(p).and_then(|&i| out.get_mut(i as usize)) {
                *o = owner;
            }
        }
        out
    }
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
    /// Several successors chosen, but fewer than [`MIN_SUCCESSORS`].
    TooFewSuccessors,
    /// Several successors: the split needs the loaded lists (after a reload, until they load).
    ListsLoading,
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

    /// Whether the admin shares the selection among several successors.
    pub fn several(&self) -> bool {
        self.draft.split.several
    }

    /// The successors of the split, in the order picked.
    pub fn successors(&self) -> &[Member] {
        &self.draft.split.successors
    }

    pub fn strategy(&self) -> Strategy {
        self.draft.split.strategy
    }

    pub fn group_rule(&self) -> &GroupRule {
        &self.draft.split.groups
    }

    pub fn moves(&self) -> &Moves {
        &self.draft.split.moves
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
            // Part of the lists is there (rows show while the rest arrive): wait for all of it.
            Step::Customers
                if self.lists_needed().is_some()
                    && (d.customers.preview().is_some() || d.groups.preview().is_some()) =>
            {
                Some(Blocker::ListsLoading)
            }
            Step::Customers => (self.customer_count() + self.group_count() == 0)
                .then_some(Blocker::NothingSelected),
            Step::Successor if d.split.several => {
                let s = &d.split.successors;
                if s.iter().any(|m| m.eligible == Some(false)) {
                    Some(Blocker::SuccessorIneligible)
                } else if s.len() < MIN_SUCCESSORS {
                    Some(Blocker::TooFewSuccessors)
                } else if self.lists_needed().is_some() {
                    Some(Blocker::ListsLoading)
                } else {
                    None
                }
            }
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
            let several = self.draft.split.several;
            self.draft.split = SplitDraft {
                several,
                groups_per_day: self.draft.split.groups_per_day,
                ..SplitDraft::default()
            };
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

    /// Takes the next page of one of `departed`'s lists as it arrives (`expected`: the rows the
    /// backend says the list holds; `first`: the listing starts again; `last`: it is complete); ignored, like [`Wizard::attach_lists`], when the
    /// admin has since chosen another member. Until the last page the list shows but counts as
    /// not loaded (see [`Picked`]).
    pub fn receive<T: Listed + Clone>(
        &mut self,
        departed: &str,
        rows: Vec<T>,
        expected: Option<u64>,
        first: bool,
        last: bool,
    ) -> bool {
        if self.draft.departed.as_ref().map(|d| d.id.as_str()) != Some(departed) {
            return false;
        }
        T::picked_mut(self).receive(rows, expected, first, last);
        true
    }

    /// A listing of `departed` failed or was cancelled: the rows it brought so far go (the
    /// saved choice stays).
    pub fn abandon_lists(&mut self, departed: &str) {
        if self.draft.departed.as_ref().map(|d| d.id.as_str()) == Some(departed) {
            self.draft.customers.abandon();
            self.draft.groups.abandon();
        }
    }

    /// Selects or deselects rows of one list.
    pub fn pick<T: Listed>(&mut self, op: PickOp) {
        T::picked_mut(self).apply(op);
    }

    pub fn choose_successor(&mut self, m: Member) {
        self.draft.successor = Some(m);
    }

    /// One successor (as before) or several. Either choice is kept while the other is shown.
    pub fn set_several(&mut self, on: bool) {
        self.draft.split.several = on;
    }

    /// Adds `m` to the split's successors, or removes them if they are in it already (their
    /// moves go back to the strategy; groups meant for them follow the customers again).
    /// Returns false when `m` cannot be added: [`MAX_SUCCESSORS`] are chosen already.
    pub fn toggle_successor(&mut self, m: Member) -> bool {
        let s = &mut self.draft.split;
        if s.successors.iter().any(|x| x.id == m.id) {
            self.remove_successor(&m.id);
            true
        } else if s.successors.len() >= MAX_SUCCESSORS {
            false
        } else {
            s.successors.push(m);
            true
        }
    }

    pub fn remove_successor(&mut self, id: &str) {
        let s = &mut self.draft.split;
        s.successors.retain(|m| m.id != id);
        s.moves.forget_successor(id);
        if s.groups == GroupRule::AllTo(id.to_string()) {
            s.groups = GroupRule::FollowCustomers;
        }
    }

    /// How the customers are shared. Moves are kept (they apply again when "by hand" returns).
    pub fn set_strategy(&mut self, strategy: Strategy) {
        self.draft.split.strategy = strategy;
    }

    /// Where the groups go; a successor who is not among the split's is ignored.
    pub fn set_group_rule(&mut self, rule: GroupRule) {
        let known = match &rule {
            GroupRule::FollowCustomers => true,
            GroupRule::AllTo(id) => self.draft.split.successors.iter().any(|m| &m.id == id),
        };
        if known {
            self.draft.split.groups = rule;
        }
    }

    /// Moves items to a successor of the split ("by hand"; the strategy becomes by hand, since
    /// a move means nothing to the others).
    pub fn move_items(&mut self, kind: ItemKind, ids: Vec<String>, successor: &str) {
        if !self
            .draft
            .split
            .successors
            .iter()
            .any(|m| m.id == successor)
        {
            return;
        }
        self.draft.split.strategy = Strategy::ByHand;
        self.draft.split.moves.move_to(kind, ids, successor);
    }

    /// Forgets every move.
    pub fn clear_moves(&mut self) {
        self.draft.split.moves.clear();
    }

    /// The session's groups a day per departed member (`limits.groups_per_owner_per_day`).
    pub fn set_groups_per_day(&mut self, per_day: Option<u32>) {
        self.draft.split.groups_per_day = per_day;
    }

    /// The split of the chosen items among the chosen successors: `None` with one successor,
    /// or while the lists are not loaded (a reload keeps ids only, and the split needs each
    /// customer's company and tags). Deterministic: the same draft gives the same split.
    pub fn split(&self) -> Option<Result<Planned, SplitError>> {
        let d = &self.draft;
        if !d.split.several {
            return None;
        }
        let cat_c = d.customers.catalog()?;
        let cat_g = d.groups.catalog()?;
        let customers = d.customers.positions();
        let groups = d.groups.positions();
        let rows_c: Vec<&Customer> = customers.iter().filter_map(|&i| cat_c.get(i)).collect();
        let rows_g: Vec<&Group> = groups.iter().filter_map(|&i| cat_g.get(i)).collect();
        let allowance = d.split.groups_per_day.unwrap_or(u32::MAX);
        let successors: Vec<Successor> = d
            .split
            .successors
            .iter()
            .map(|m| Successor::from_member(m, allowance))
            .collect();
        let options = SplitOptions {
            strategy: d.split.strategy,
            keep_companies: true,
            groups: d.split.groups.clone(),
            groups_day_allowance: d.split.groups_per_day,
        };
        Some(
            split::split(&rows_c, &rows_g, &successors, &options, &d.split.moves).map(|split| {
                Planned {
                    split,
                    customers,
                    groups,
                }
            }),
        )
    }

    /// The contract's assignments of the draft: one with one successor, one per successor who
    /// takes something with several.
    fn assignments(&self) -> Option<Vec<Assignment>> {
        let d = &self.draft;
        if !d.split.several {
            return Some(vec![Assignment {
                successor: d.successor.as_ref()?.id.clone(),
                customer_ids: d.customers.ids(),
                group_ids: d.groups.ids(),
            }]);
        }
        let planned = self.split()?.ok()?;
        let cat_c = d.customers.catalog()?;
        let cat_g = d.groups.catalog()?;
        let rows_c: Vec<&Customer> = planned
            .customers
            .iter()
            .filter_map(|&i| cat_c.get(i))
            .collect();
        let rows_g: Vec<&Group> = planned
            .groups
            .iter()
            .filter_map(|&i| cat_g.get(i))
            .collect();
        let out = planned.split.to_assignments(&rows_c, &rows_g);
        (!out.is_empty()).then_some(out)
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
    /// With several successors, see [`Wizard::split`] (each share has its own).
    pub fn capacity_after(&self) -> Option<i64> {
        if self.draft.split.several {
            return None;
        }
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

    /// The approval the handover will need: the same rule the backend applies on create. With
    /// several successors it counts what every successor takes together (customers nobody has
    /// room for are not sent, so they do not count).
    pub fn approval_reasons(&self, policy: &ApprovalPolicy) -> Vec<ApprovalReason> {
        let size = match self.split() {
            Some(Ok(p)) => super::approval::HandoverSize {
                customers: p.split.customer_count(),
                important: p.split.important_count(),
            },
            _ => super::approval::HandoverSize {
                customers: self.customer_count(),
                important: self.important_count(),
            },
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
            assignments: self.assignments()?,
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
    fn a_list_arriving_page_by_page_shows_but_holds_the_wizard_until_complete() {
        let mut w = Wizard::new("h1".into());
        w.choose_member(departed(true));
        assert!(w.go_next());
        assert!(w.receive("d1", vec![customer("c1", true)], None, true, false));
        assert!(
            !w.receive("d9", vec![customer("x", false)], None, true, true),
            "another member's page"
        );
        assert_eq!(w.lists_needed(), Some("d1"));
        assert_eq!(w.blocker(Step::Customers), Some(Blocker::ListsLoading));
        assert!(!w.go_next());
        assert_eq!(w.picked::<Customer>().preview().map(|c| c.len()), Some(1));
        w.pick::<Customer>(PickOp::Clear(vec![0]));
        assert!(
            w.picked::<Customer>().contains(0),
            "no choice while loading"
        );
        w.receive("d1", vec![customer("c2", false)], None, false, true);
        assert_eq!(
            w.blocker(Step::Customers),
            Some(Blocker::ListsLoading),
            "groups"
        );
        w.receive::<Group>("d1", vec![], None, true, true);
        assert_eq!(w.lists_needed(), None);
        assert_eq!((w.customer_count(), w.important_count()), (2, 1));
        assert!(w.go_next());
        // A listing that fails drops its rows; the saved choice stays.
        let mut w = Wizard::new("h2".into());
        w.choose_member(departed(true));
        w.receive("d1", vec![customer("c1", false)], None, true, false);
        w.abandon_lists("d1");
        assert!(w.picked::<Customer>().preview().is_none());
        assert_eq!(w.blocker(Step::Customers), Some(Blocker::NothingSelected));
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

    fn named(id: &str, count: u32, limit: u32) -> Member {
        Member {
            id: id.into(),
            ..member(count, limit)
        }
    }

    /// `n` customers c0…, every third important, in two companies; `g` groups.
    fn several(n: usize, g: usize) -> Wizard {
        let mut w = Wizard::new("h1".into());
        w.choose_member(departed(true));
        let c = Catalog::new(
            (0..n)
                .map(|i| Customer {
                    corp_name: Some(format!("corp{}", i % 2)),
                    ..customer(&format!("c{i}"), i % 3 == 0)
                })
                .collect(),
        );
        let groups = Catalog::new((0..g).map(|i| group(&format!("g{i}"))).collect());
        assert!(w.attach_lists("d1", c, groups));
        w.set_several(true);
        w
    }

    fn request_items(r: &NewHandover) -> Vec<String> {
        let mut all: Vec<String> = r
            .assignments
            .iter()
            .flat_map(|a| a.customer_ids.iter().chain(&a.group_ids).cloned())
            .collect();
        all.sort();
        all
    }

    #[test]
    fn one_successor_stays_the_default_and_several_keep_it_aside() {
        let mut w = ready();
        assert!(!w.several());
        let one = w.to_request(None).expect("valid");
        w.set_several(true);
        assert_eq!(w.blocker(Step::Successor), Some(Blocker::TooFewSuccessors));
        assert!(w.to_request(None).is_none());
        assert_eq!(w.capacity_after(), None, "each share has its own");
        w.set_several(false);
        assert_eq!(w.to_request(None), Some(one), "the one successor was kept");
    }

    #[test]
    fn several_successors_share_every_chosen_item_once() {
        let mut w = several(30, 4);
        assert!(w.toggle_successor(named("a", 0, 100)));
        assert_eq!(w.blocker(Step::Successor), Some(Blocker::TooFewSuccessors));
        w.toggle_successor(named("b", 90, 100));
        w.toggle_successor(named("c", 0, 100));
        assert_eq!(w.blocker(Step::Successor), None);
        let p = w.split().expect("several").expect("a split");
        let sizes: Vec<usize> = p.split.shares.iter().map(|s| s.customers.len()).collect();
        assert_eq!(sizes.iter().sum::<usize>(), 30);
        assert!(sizes[1] <= 10, "balanced by room: {sizes:?}");
        let r = w.to_request(None).expect("valid");
        assert_eq!(r.assignments.len(), 3);
        let mut want: Vec<String> = (0..30)
            .map(|i| format!("c{i}"))
            .chain((0..4).map(|i| format!("g{i}")))
            .collect();
        want.sort();
        assert_eq!(request_items(&r), want, "every item exactly once");
        assert_eq!(w.to_request(None), Some(r), "deterministic");
        // Round robin: sizes differ by at most one.
        w.set_strategy(Strategy::RoundRobin);
        let p = w.split().expect("several").expect("a split");
        assert_eq!(p.split.spread(), 0);
        assert!(p.split.has_warnings() || p.split.shares[1].customers.len() <= 10);
    }

    #[test]
    fn approval_counts_what_every_successor_takes() {
        let mut w = several(30, 0);
        w.toggle_successor(named("a", 0, 10));
        w.toggle_successor(named("b", 0, 10));
        let policy = ApprovalPolicy {
            required_for_important: false,
            max_customers_without_approval: 19,
        };
        // 20 of 30 fit: those are sent, the rest are not.
        let p = w.split().expect("several").expect("a split");
        assert_eq!(p.split.customer_count(), 20);
        assert_eq!(p.split.unassigned_customers.len(), 10);
        assert_eq!(
            w.approval_reasons(&policy),
            vec![ApprovalReason::LargeHandover]
        );
        let policy = ApprovalPolicy {
            max_customers_without_approval: 20,
            ..policy
        };
        assert!(w.approval_reasons(&policy).is_empty());
        let important = ApprovalPolicy {
            required_for_important: true,
            ..policy
        };
        assert_eq!(
            w.approval_reasons(&important),
            vec![ApprovalReason::ImportantCustomers]
        );
    }

    #[test]
    fn a_move_by_hand_changes_only_what_it_names_and_may_overflow() {
        let mut w = several(10, 0);
        w.toggle_successor(named("a", 0, 100));
        w.toggle_successor(named("b", 95, 100));
        let before = w.split().expect("several").expect("a split");
        w.move_items(ItemKind::Customer, vec!["c1".into(), "c2".into()], "b");
        assert_eq!(w.strategy(), Strategy::ByHand);
        w.move_items(ItemKind::Customer, vec!["c3".into()], "nobody");
        let after = w.split().expect("several").expect("a split");
        let owners = after.customer_owners(10);
        assert_eq!(owners[1], Some(1));
        assert_eq!(owners[2], Some(1));
        let old = before.customer_owners(10);
        for i in [0, 3, 4, 5, 6, 7, 8, 9] {
            assert_eq!(owners[i], old[i], "c{i} stays where it was");
        }
        // b has room for 5 and takes 5 + the moved ones that were a's.
        let b = &after.split.shares[1];
        assert_eq!(b.customers.len() > 5, after.split.has_warnings());
        // Removing b forgets the moves to them.
        w.remove_successor("b");
        assert!(w.moves().is_empty());
        assert_eq!(w.blocker(Step::Successor), Some(Blocker::TooFewSuccessors));
    }

    #[test]
    fn groups_to_one_successor_within_the_day() {
        let mut w = several(4, 5);
        w.set_groups_per_day(Some(3));
        w.toggle_successor(named("a", 0, 100));
        w.toggle_successor(named("b", 0, 100));
        w.set_group_rule(GroupRule::AllTo("zz".into()));
        assert_eq!(
            w.group_rule(),
            &GroupRule::FollowCustomers,
            "unknown ignored"
        );
        w.set_group_rule(GroupRule::AllTo("b".into()));
        let p = w.split().expect("several").expect("a split");
        assert_eq!(p.split.shares[0].groups.len(), 0);
        assert_eq!(p.split.shares[1].groups.len(), 3);
        assert_eq!(p.split.unassigned_groups.len(), 2, "beyond today's 3");
        w.toggle_successor(named("b", 0, 100));
        assert_eq!(w.group_rule(), &GroupRule::FollowCustomers);
    }

    #[test]
    fn at_most_twenty_successors_and_a_new_member_starts_the_split_afresh() {
        let mut w = several(2, 0);
        for i in 0..MAX_SUCCESSORS {
            assert!(w.toggle_successor(named(&format!("m{i}"), 0, 10)));
        }
        assert!(!w.toggle_successor(named("one-more", 0, 10)));
        assert_eq!(w.successors().len(), MAX_SUCCESSORS);
        let mut ineligible = named("m0", 0, 10);
        ineligible.eligible = Some(false);
        w.toggle_successor(ineligible.clone());
        w.toggle_successor(ineligible);
        assert_eq!(
            w.blocker(Step::Successor),
            Some(Blocker::SuccessorIneligible)
        );
        let mut other = departed(true);
        other.id = "d2".into();
        w.choose_member(other);
        assert!(w.successors().is_empty());
        assert!(w.several(), "the choice of mode stays");
    }

    #[test]
    fn a_split_survives_a_reload_once_the_lists_are_back() {
        let mut w = several(12, 2);
        w.toggle_successor(named("a", 0, 100));
        w.toggle_successor(named("b", 0, 100));
        w.move_items(ItemKind::Customer, vec!["c0".into()], "b");
        let want = w.to_request(None).expect("valid");
        let json = serde_json::to_string(&w).unwrap();
        let mut back: Wizard = serde_json::from_str(&json).unwrap();
        assert_eq!(back.blocker(Step::Successor), Some(Blocker::ListsLoading));
        assert!(back.split().is_none());
        let c = Catalog::new(
            (0..12)
                .map(|i| Customer {
                    corp_name: Some(format!("corp{}", i % 2)),
                    ..customer(&format!("c{i}"), i % 3 == 0)
                })
                .collect(),
        );
        let g = Catalog::new((0..2).map(|i| group(&format!("g{i}"))).collect());
        assert!(back.attach_lists("d1", c, g));
        assert_eq!(back.to_request(None), Some(want));
    }

    #[test]
    fn slugs_round_trip_and_reject_unknowns() {
        for s in Step::ALL {
            assert_eq!(Step::from_slug(s.slug()), Some(s));
        }
        assert_eq!(Step::from_slug("nope"), None);
    }
}
