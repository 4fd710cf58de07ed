//! Contract operations over the seeded dataset plus what admins changed (`State`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::paging::paginate;
use super::rng::hash;
use super::seed::{self, days, Dataset, SeedCustomer, SeedDeparted, SeedGroup};
use crate::api::types::*;
use crate::domain::codes;
use crate::domain::time::{parse_rfc3339, to_rfc3339, DAY, MINUTE};

/// The admins the demo knows: (id, name, may approve, departments they may hand over; empty = all).
pub const ADMINS: &[(&str, &str, bool, &[&str])] = &[
    ("admin-1", "周静", true, &[]),
    ("admin-2", "郑海涛", true, &[]),
    ("admin-3", "林晓", false, &["dept-01", "dept-02"]),
];
/// The code demo re-verification accepts; the UI shows it on screen.
pub const DEMO_CODE: &str = "246810";
const MAX_WITHOUT_APPROVAL: u32 = 1_000;
const ITEMS_PER_BATCH: usize = 100;
const GROUPS_PER_OWNER_PER_DAY: u32 = 300;

#[derive(Clone, Debug)]
pub struct Options {
    pub seed: u64,
    /// WeCom takes over 24 hours after acceptance; the demo compresses that to this.
    pub takeover_delay_ms: i64,
    /// Share of customers who refuse the new contact, per mille.
    pub refuse_per_mille: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 20_261_125,
            takeover_delay_ms: 8_000,
            refuse_per_mille: 30,
        }
    }
}

/// Everything admins changed; the only part that is persisted.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct State {
    /// The dataset's "today": departure dates are relative to it.
    pub anchor: i64,
    handovers: Vec<HandoverRec>,
    tokens: Vec<TokenRec>,
    /// Groups transferred per "owner|day".
    group_days: BTreeMap<String, u32>,
    next_token: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct TokenRec {
    token: String,
    admin: String,
    expires: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct HandoverRec {
    request: NewHandover,
    created_by: String,
    created_at: i64,
    state: HandoverState,
    approval_reasons: Vec<String>,
    important_count: u32,
    decided_by: Option<String>,
    rejection_reason: Option<String>,
    items: Vec<ItemRec>,
    batches: Vec<BatchRec>,
    events: Vec<EventRec>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct ItemRec {
    id: String,
    kind: ItemKind,
    successor: String,
    sent: Option<Sent>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum Fate {
    TakenOver,
    Refused,
    LimitExceeded,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
enum Sent {
    Accepted { takeover_at: i64, fate: Fate },
    Rejected { code: u32 },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct BatchRec {
    request: NewBatch,
    result: BatchResult,
    at: i64,
    takeover_at: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct EventRec {
    kind: String,
    at: i64,
    actor: String,
    detail: String,
}

pub struct Store {
    opts: Options,
    data: Dataset,
    customers: Vec<OnceLock<Vec<SeedCustomer>>>,
    groups: Vec<OnceLock<Vec<SeedGroup>>>,
    state: State,
}

fn admin(id: &str) -> Admin {
    let name = ADMINS
        .iter()
        .find(|a| a.0 == id)
        .map(|a| a.1)
        .unwrap_or(if id == "wecom" { "企业微信" } else { id });
    Admin {
        id: id.into(),
        name: name.into(),
    }
}

fn item_status(sent: &Option<Sent>, now: i64) -> ItemStatus {
    match sent {
        None => ItemStatus::Unsent,
        Some(Sent::Rejected { .. }) => ItemStatus::Failed,
        Some(Sent::Accepted { takeover_at, .. }) if now < *takeover_at => ItemStatus::Waiting,
        Some(Sent::Accepted { fate, .. }) => match fate {
            Fate::TakenOver => ItemStatus::TakenOver,
            Fate::Refused => ItemStatus::Refused,
            Fate::LimitExceeded => ItemStatus::LimitExceeded,
        },
    }
}

/// An optional date filter: absent or empty is no bound; anything else must parse.
fn date_bound(field: &str, v: &Option<String>) -> Result<Option<i64>, Problem> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            parse_rfc3339(s).ok_or_else(|| {
                Problem::invalid().field(field, "invalid_date", "expected an RFC 3339 date")
            })
        })
        .transpose()
}

fn status_of(states: &HashMap<&str, (ItemKind, ItemStatus)>, id: &str) -> Option<ItemStatus> {
    states.get(id).map(|(_, s)| *s)
}

fn contains(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(&needle.to_lowercase())
}

impl Store {
    pub fn new(opts: Options, now: i64) -> Store {
        Store::with_state(
            opts,
            State {
                anchor: now - now.rem_euclid(crate::domain::time::HOUR),
                ..State::default()
            },
        )
    }

    /// Restores a store from persisted state (same seed: same dataset).
    pub fn with_state(opts: Options, state: State) -> Store {
        let data = seed::generate(opts.seed);
        let n = data.departed.len();
        Store {
            opts,
            customers: (0..n).map(|_| OnceLock::new()).collect(),
            groups: (0..n).map(|_| OnceLock::new()).collect(),
            data,
            state,
        }
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    fn departed_index(&self, id: &str) -> Option<usize> {
        self.data.departed.iter().position(|d| d.id == id)
    }

    fn seed_customers(&self, i: usize) -> &[SeedCustomer] {
        self.customers[i].get_or_init(|| seed::customers_of(&self.data.departed[i]))
    }

    fn seed_groups(&self, i: usize) -> &[SeedGroup] {
        self.groups[i].get_or_init(|| seed::groups_of(&self.data.departed[i]))
    }

    fn department(&self, i: usize) -> Department {
        let d = &self.data.departments[i];
        Department {
            id: d.id.clone(),
            name: d.name.clone(),
        }
    }

    fn ago(&self, days_ago: i64) -> String {
        to_rfc3339(self.state.anchor - days(days_ago))
    }

    pub fn authenticate(&self, admin_id: &str) -> Result<Admin, Problem> {
        ADMINS
            .iter()
            .find(|a| a.0 == admin_id)
            .map(|a| admin(a.0))
            .ok_or_else(|| Problem::new(401, "unauthenticated", "Not signed in"))
    }

    fn admin_departments(&self, actor: &str) -> &'static [&'static str] {
        ADMINS
            .iter()
            .find(|a| a.0 == actor)
            .map(|a| a.3)
            .unwrap_or(&[])
    }

    // ---- session ----

    pub fn session(&self, actor: &str) -> Result<Session, Problem> {
        let me = self.authenticate(actor)?;
        let (_, _, may_approve, depts) = ADMINS
            .iter()
            .find(|a| a.0 == actor)
            .copied()
            .ok_or_else(|| Problem::new(401, "unauthenticated", "Not signed in"))?;
        Ok(Session {
            admin: me,
            permissions: Permissions {
                departments: depts.iter().map(|d| d.to_string()).collect(),
                may_approve,
            },
            verification: VerificationPolicy {
                required: true,
                methods: vec![VerificationMethod::SmsCode, VerificationMethod::Password],
                demo_code: Some(DEMO_CODE.into()),
            },
            approval: ApprovalPolicy {
                required_for_important: true,
                max_customers_without_approval: MAX_WITHOUT_APPROVAL,
            },
            limits: Limits {
                items_per_batch: ITEMS_PER_BATCH as u32,
                groups_per_owner_per_day: GROUPS_PER_OWNER_PER_DAY,
            },
            features: Features { chat_archive: true },
        })
    }

    pub fn verify(
        &mut self,
        actor: &str,
        req: &VerificationRequest,
        now: i64,
    ) -> Result<VerificationToken, Problem> {
        self.authenticate(actor)?;
        if req.code.trim() != DEMO_CODE {
            return Err(Problem::invalid().field(
                "code",
                "wrong_code",
                "The verification code is wrong.",
            ));
        }
        self.state.next_token += 1;
        let token = format!(
            "vt-{}-{}",
            self.state.next_token,
            hash(&format!("{actor}{now}")) % 100_000
        );
        let expires = now + 5 * MINUTE;
        self.state.tokens.retain(|t| t.expires > now);
        self.state.tokens.push(TokenRec {
            token: token.clone(),
            admin: actor.into(),
            expires,
        });
        Ok(VerificationToken {
            token,
            expires_at: to_rfc3339(expires),
        })
    }

    // ---- reads ----

    pub fn departments(&self, actor: &str) -> Result<Vec<Department>, Problem> {
        self.authenticate(actor)?;
        Ok((0..self.data.departments.len())
            .map(|i| self.department(i))
            .collect())
    }

    /// Per customer of a departed member: the latest status any handover gave it.
    fn customer_states(&self, departed: &str, now: i64) -> HashMap<&str, (ItemKind, ItemStatus)> {
        let mut m = HashMap::new();
        for h in &self.state.handovers {
            if h.request.departed_member != departed {
                continue;
            }
            for it in &h.items {
                let s = item_status(&it.sent, now);
                if s != ItemStatus::Unsent {
                    m.insert(it.id.as_str(), (it.kind, s));
                }
            }
        }
        m
    }

    fn pending_counts(&self, i: usize, now: i64) -> (u32, u32) {
        let d = &self.data.departed[i];
        let states = self.customer_states(&d.id, now);
        let taken = |kind: ItemKind| {
            states
                .values()
                .filter(|(k, s)| *k == kind && *s == ItemStatus::TakenOver)
                .count() as u32
        };
        let inherited = self.seed_groups(i).iter().filter(|g| g.inherited).count() as u32;
        (
            d.customers.saturating_sub(taken(ItemKind::Customer)),
            d.groups.saturating_sub(taken(ItemKind::Group) + inherited),
        )
    }

    fn departed_view(&self, actor: &str, i: usize, now: i64) -> DepartedMember {
        let d: &SeedDeparted = &self.data.departed[i];
        let (pc, pg) = self.pending_counts(i, now);
        let allowed = self.admin_departments(actor);
        let dept_id = &self.data.departments[d.department].id;
        let reason = if d.departed_days_ago > 365 {
            Some("departed_over_a_year")
        } else if !allowed.is_empty() && !allowed.contains(&dept_id.as_str()) {
            Some("no_permission")
        } else {
            None
        };
        DepartedMember {
            id: d.id.clone(),
            name: d.name.clone(),
            department: self.department(d.department),
            position: d.position.clone(),
            departed_at: self.ago(d.departed_days_ago),
            account_state: d.account_state,
            pending_customers: pc,
            pending_groups: pg,
            eligible: reason.is_none(),
            reason: reason.map(str::to_string),
        }
    }

    pub fn departed_members(
        &self,
        actor: &str,
        q: &DepartedQuery,
        now: i64,
    ) -> Result<Page<DepartedMember>, Problem> {
        self.authenticate(actor)?;
        let from = date_bound("departed_from", &q.departed_from)?;
        let to = date_bound("departed_to", &q.departed_to)?;
        let only_pending = q.only_pending.unwrap_or(true);
        let mut all: Vec<DepartedMember> = (0..self.data.departed.len())
            .map(|i| self.departed_view(actor, i, now))
            .filter(|m| {
                let at = parse_rfc3339(&m.departed_at).unwrap_or(0);
                (!only_pending || m.pending_customers + m.pending_groups > 0)
                    && q.q
                        .as_deref()
                        .is_none_or(|s| contains(&m.name, s) || contains(&m.id, s))
                    && q.department
                        .as_deref()
                        .is_none_or(|d| d.is_empty() || m.department.id == d)
                    && from.is_none_or(|f| at >= f)
                    && to.is_none_or(|t| at < t + DAY)
            })
            .collect();
        match q.sort.as_deref().unwrap_or("departed_at_desc") {
            "departed_at_desc" => all.sort_by(|a, b| b.departed_at.cmp(&a.departed_at)),
            "departed_at_asc" => all.sort_by(|a, b| a.departed_at.cmp(&b.departed_at)),
            "pending_desc" => {
                all.sort_by_key(|m| std::cmp::Reverse(m.pending_customers + m.pending_groups))
            }
            _ => {
                return Err(Problem::invalid().field(
                    "sort",
                    "invalid",
                    "sort is departed_at_desc, departed_at_asc or pending_desc",
                ))
            }
        }
        paginate(all, q.cursor.as_deref(), q.limit, 50, 200)
    }

    fn find_departed(&self, id: &str) -> Result<usize, Problem> {
        self.departed_index(id)
            .ok_or_else(|| Problem::not_found(&format!("departed member {id}")))
    }

    pub fn customers(
        &self,
        actor: &str,
        departed: &str,
        q: &PageQuery,
        now: i64,
    ) -> Result<Page<Customer>, Problem> {
        self.authenticate(actor)?;
        let i = self.find_departed(departed)?;
        let states = self.customer_states(departed, now);
        let pending: Vec<&SeedCustomer> = self
            .seed_customers(i)
            .iter()
            .filter(|c| status_of(&states, &c.id) != Some(ItemStatus::TakenOver))
            .collect();
        // Page first, then build the views: a page costs its own size, not the list's.
        let page = paginate(pending, q.cursor.as_deref(), q.limit, 1000, 1000)?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|c| {
                    let busy = c.locked || status_of(&states, &c.id) == Some(ItemStatus::Waiting);
                    Customer {
                        id: c.id.clone(),
                        name: c.name.clone(),
                        kind: c.kind,
                        corp_name: c.corp_name.clone(),
                        remark: c.remark.clone(),
                        tags: c.tags.clone(),
                        added_at: self.ago(c.added_days_ago),
                        last_contact_at: c.last_contact_days_ago.map(|d| self.ago(d)),
                        important: c.important,
                        transferable: !busy,
                        reason: busy.then_some(codes::CUSTOMER_IN_TRANSFER),
                    }
                })
                .collect(),
            next_cursor: page.next_cursor,
            total: page.total,
        })
    }

    pub fn groups(
        &self,
        actor: &str,
        departed: &str,
        q: &PageQuery,
        now: i64,
    ) -> Result<Page<Group>, Problem> {
        self.authenticate(actor)?;
        let i = self.find_departed(departed)?;
        let states = self.customer_states(departed, now);
        let all = self
            .seed_groups(i)
            .iter()
            .filter(|g| !g.inherited && status_of(&states, &g.id) != Some(ItemStatus::TakenOver))
            .map(|g| {
                let busy = status_of(&states, &g.id) == Some(ItemStatus::Waiting);
                Group {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    member_count: g.member_count,
                    created_at: self.ago(g.created_days_ago),
                    transferable: !busy,
                    reason: busy.then_some(codes::GROUP_IN_PROGRESS),
                }
            })
            .collect();
        paginate(all, q.cursor.as_deref(), q.limit, 1000, 1000)
    }

    /// Customers a successor holds or has been promised by accepted transfers.
    fn reserved(&self, member: &str) -> u32 {
        self.state
            .handovers
            .iter()
            .flat_map(|h| &h.items)
            .filter(|it| {
                it.successor == member
                    && it.kind == ItemKind::Customer
                    && matches!(
                        it.sent,
                        Some(Sent::Accepted {
                            fate: Fate::TakenOver,
                            ..
                        })
                    )
            })
            .count() as u32
    }

    fn successor_problem(&self, member: &str, departed: Option<&str>) -> Option<&'static str> {
        if departed == Some(member) || self.departed_index(member).is_some() {
            return Some("is_departed_member");
        }
        let m = self.data.members.iter().find(|m| m.id == member)?;
        if !m.contact_enabled {
            Some("contact_disabled")
        } else if !m.verified {
            Some("not_verified")
        } else if m.last_active_days_ago > 365 {
            Some("inactive_over_a_year")
        } else {
            None
        }
    }

    pub fn members(&self, actor: &str, q: &MembersQuery) -> Result<Page<Member>, Problem> {
        self.authenticate(actor)?;
        if let Some(d) = q.for_departed.as_deref() {
            self.find_departed(d)?;
        }
        let all = self
            .data
            .members
            .iter()
            .filter(|m| {
                q.q.as_deref()
                    .is_none_or(|s| contains(&m.name, s) || contains(&m.id, s))
                    && q.department
                        .as_deref()
                        .is_none_or(|d| d.is_empty() || self.data.departments[m.department].id == d)
            })
            .map(|m| {
                let reason = q
                    .for_departed
                    .as_deref()
                    .map(|d| self.successor_problem(&m.id, Some(d)));
                Member {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    department: self.department(m.department),
                    position: m.position.clone(),
                    customer_count: m.customer_count + self.reserved(&m.id),
                    customer_limit: m.customer_limit,
                    eligible: reason.map(|r| r.is_none()),
                    reason: reason.flatten().map(str::to_string),
                }
            })
            .collect();
        paginate(all, q.cursor.as_deref(), q.limit, 50, 200)
    }

    // ---- handovers ----

    fn find_handover(&self, id: &str) -> Result<usize, Problem> {
        self.state
            .handovers
            .iter()
            .position(|h| h.request.id == id)
            .ok_or_else(|| Problem::not_found(&format!("handover {id}")))
    }

    /// The state the admin sees: running/submitted become completed once no item is open.
    fn effective_state(h: &HandoverRec, now: i64) -> HandoverState {
        match h.state {
            HandoverState::Running | HandoverState::Submitted => {
                let open = h.items.iter().any(|it| {
                    matches!(
                        item_status(&it.sent, now),
                        ItemStatus::Unsent | ItemStatus::Waiting
                    )
                });
                match (open, h.items.iter().all(|it| it.sent.is_some())) {
                    (false, _) => HandoverState::Completed,
                    (true, true) => HandoverState::Submitted,
                    (true, false) => HandoverState::Running,
                }
            }
            s => s,
        }
    }

    fn handover_view(&self, h: &HandoverRec, now: i64) -> Handover {
        let mut counts = StatusCounts::default();
        for it in &h.items {
            let c = match item_status(&it.sent, now) {
                ItemStatus::Unsent => &mut counts.unsent,
                ItemStatus::Waiting => &mut counts.waiting,
                ItemStatus::TakenOver => &mut counts.taken_over,
                ItemStatus::Refused => &mut counts.refused,
                ItemStatus::LimitExceeded => &mut counts.limit_exceeded,
                ItemStatus::Failed => &mut counts.failed,
            };
            *c += 1;
        }
        let departed = &h.request.departed_member;
        let departed_name = self
            .departed_index(departed)
            .map(|i| self.data.departed[i].name.clone())
            .unwrap_or_else(|| departed.clone());
        Handover {
            id: h.request.id.clone(),
            state: Self::effective_state(h, now),
            departed_member: Admin {
                id: departed.clone(),
                name: departed_name,
            },
            successors: h
                .request
                .assignments
                .iter()
                .map(|a| self.member_ref(&a.successor))
                .collect(),
            created_by: admin(&h.created_by),
            created_at: to_rfc3339(h.created_at),
            chat_history: h.request.chat_history.clone(),
            note: h.request.note.clone(),
            customer_count: h
                .items
                .iter()
                .filter(|i| i.kind == ItemKind::Customer)
                .count() as u32,
            group_count: h.items.iter().filter(|i| i.kind == ItemKind::Group).count() as u32,
            important_count: h.important_count,
            approval_required: !h.approval_reasons.is_empty(),
            approval_reasons: h.approval_reasons.clone(),
            decided_by: h.decided_by.as_deref().map(admin),
            rejection_reason: h.rejection_reason.clone(),
            counts,
        }
    }

    fn member_ref(&self, id: &str) -> Admin {
        let name = self
            .data
            .members
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.name.clone())
            .unwrap_or_else(|| id.to_string());
        Admin {
            id: id.into(),
            name,
        }
    }

    /// Creates a handover; the same id with the same request answers the same handover
    /// (`Ok((handover, false))`), with a different request it is a conflict.
    pub fn create_handover(
        &mut self,
        actor: &str,
        req: &NewHandover,
        now: i64,
    ) -> Result<(Handover, bool), Problem> {
        self.authenticate(actor)?;
        if let Ok(i) = self.find_handover(&req.id) {
            let h = &self.state.handovers[i];
            let same = NewHandover {
                verification_token: None,
                ..h.request.clone()
            } == NewHandover {
                verification_token: None,
                ..req.clone()
            };
            return if same && h.created_by == actor {
                Ok((self.handover_view(h, now), false))
            } else {
                Err(Problem::conflict(
                    "id_conflict",
                    "another handover already uses this id",
                ))
            };
        }
        let mut p = Problem::invalid();
        if req.id.trim().is_empty() || req.id.len() > 64 {
            p = p.field("id", "invalid", "id must be 1 to 64 characters");
        }
        let Some(di) = self.departed_index(&req.departed_member) else {
            return Err(p.field("departed_member", "not_found", "no such departed member"));
        };
        let view = self.departed_view(actor, di, now);
        if view.reason.as_deref() == Some("no_permission") {
            return Err(Problem::new(403, "forbidden", "Not allowed")
                .detail("you may not hand over members of this department"));
        }
        if !view.eligible {
            p = p.field(
                "departed_member",
                "departed_over_a_year",
                "the member left more than a year ago",
            );
        }
        match (req.chat_history.scope, req.chat_history.days) {
            (ChatScope::Recent, Some(d)) if (1..=3650).contains(&d) => {}
            (ChatScope::Recent, _) => {
                p = p.field(
                    "chat_history/days",
                    "out_of_range",
                    "days must be 1 to 3650",
                )
            }
            _ => {}
        }
        if req.note.as_deref().is_some_and(|n| n.chars().count() > 500) {
            p = p.field("note", "too_long", "the note is at most 500 characters");
        }
        if req.assignments.is_empty() {
            p = p.field("assignments", "empty", "at least one successor is required");
        }
        let customers: HashMap<&str, &SeedCustomer> = self
            .seed_customers(di)
            .iter()
            .map(|c| (c.id.as_str(), c))
            .collect();
        let groups: HashSet<&str> = self.seed_groups(di).iter().map(|g| g.id.as_str()).collect();
        let mut seen = HashSet::new();
        let mut items = Vec::new();
        let mut important = 0;
        for (ai, a) in req.assignments.iter().enumerate() {
            if !self.data.members.iter().any(|m| m.id == a.successor)
                && self.departed_index(&a.successor).is_none()
            {
                p = p.field(
                    &format!("assignments/{ai}/successor"),
                    "not_found",
                    "no such member",
                );
            } else if let Some(r) = self.successor_problem(&a.successor, Some(&req.departed_member))
            {
                let code = if r == "is_departed_member" {
                    codes::SUCCESSOR_IS_DEPARTED.to_string()
                } else {
                    r.to_string()
                };
                p = p.field(
                    &format!("assignments/{ai}/successor"),
                    &code,
                    "successor not eligible",
                );
            }
            if a.customer_ids.is_empty() && a.group_ids.is_empty() {
                p = p.field(&format!("assignments/{ai}"), "empty", "nothing assigned");
            }
            for (j, c) in a.customer_ids.iter().enumerate() {
                match customers.get(c.as_str()) {
                    None => {
                        p = p.field(
                            &format!("assignments/{ai}/customer_ids/{j}"),
                            &codes::NOT_FOLLOWING.to_string(),
                            "not a customer of the departed member",
                        )
                    }
                    Some(sc) => important += u32::from(sc.important),
                }
                if !seen.insert(c.as_str()) {
                    p = p.field(
                        &format!("assignments/{ai}/customer_ids/{j}"),
                        "duplicate",
                        "listed twice",
                    );
                }
                items.push(ItemRec {
                    id: c.clone(),
                    kind: ItemKind::Customer,
                    successor: a.successor.clone(),
                    sent: None,
                });
            }
            for (j, g) in a.group_ids.iter().enumerate() {
                if !groups.contains(g.as_str()) {
                    p = p.field(
                        &format!("assignments/{ai}/group_ids/{j}"),
                        &codes::NOT_CUSTOMER_GROUP.to_string(),
                        "not a group of the departed member",
                    );
                }
                if !seen.insert(g.as_str()) {
                    p = p.field(
                        &format!("assignments/{ai}/group_ids/{j}"),
                        "duplicate",
                        "listed twice",
                    );
                }
                items.push(ItemRec {
                    id: g.clone(),
                    kind: ItemKind::Group,
                    successor: a.successor.clone(),
                    sent: None,
                });
            }
        }
        if !p.errors.is_empty() {
            return Err(p);
        }
        let token_ok = req.verification_token.as_deref().is_some_and(|t| {
            self.state
                .tokens
                .iter()
                .any(|r| r.token == t && r.admin == actor && r.expires > now)
        });
        if !token_ok {
            return Err(Problem::new(
                428,
                "verification_required",
                "Identity verification required",
            )
            .detail("verify your identity, then send the handover with the verification token"));
        }
        let customer_count = items
            .iter()
            .filter(|i| i.kind == ItemKind::Customer)
            .count() as u32;
        let mut approval_reasons = Vec::new();
        if important > 0 {
            approval_reasons.push("important_customers".to_string());
        }
        if customer_count > MAX_WITHOUT_APPROVAL {
            approval_reasons.push("large_handover".to_string());
        }
        let mut events = vec![
            EventRec {
                kind: "created".into(),
                at: now,
                actor: actor.into(),
                detail: format!(
                    "{customer_count} customers, {} groups",
                    items.len() as u32 - customer_count
                ),
            },
            EventRec {
                kind: "verified".into(),
                at: now,
                actor: actor.into(),
                detail: "identity verified".into(),
            },
        ];
        if !approval_reasons.is_empty() {
            events.push(EventRec {
                kind: "approval_requested".into(),
                at: now,
                actor: actor.into(),
                detail: approval_reasons.join(", "),
            });
        }
        let rec = HandoverRec {
            request: NewHandover {
                verification_token: None,
                ..req.clone()
            },
            created_by: actor.into(),
            created_at: now,
            state: if approval_reasons.is_empty() {
                HandoverState::Ready
            } else {
                HandoverState::PendingApproval
            },
            approval_reasons,
            important_count: important,
            decided_by: None,
            rejection_reason: None,
            items,
            batches: Vec::new(),
            events,
        };
        let view = self.handover_view(&rec, now);
        self.state.handovers.push(rec);
        Ok((view, true))
    }

    pub fn submit_batch(
        &mut self,
        actor: &str,
        handover: &str,
        batch: &NewBatch,
        now: i64,
    ) -> Result<BatchResult, Problem> {
        self.authenticate(actor)?;
        let hi = self.find_handover(handover)?;
        let h = &self.state.handovers[hi];
        if h.created_by != actor && h.decided_by.as_deref() != Some(actor) {
            return Err(Problem::new(403, "forbidden", "Not allowed")
                .detail("only the creator or the approver may run this handover"));
        }
        if let Some(b) = h.batches.iter().find(|b| b.request.seq == batch.seq) {
            return if b.request == *batch {
                Ok(b.result.clone())
            } else {
                Err(Problem::conflict(
                    "seq_conflict",
                    "this sequence number was used for other items",
                ))
            };
        }
        match h.state {
            HandoverState::PendingApproval => {
                return Err(Problem::conflict(
                    "approval_pending",
                    "the handover awaits approval",
                ))
            }
            HandoverState::Rejected | HandoverState::Cancelled => {
                return Err(Problem::conflict(
                    "handover_closed",
                    "the handover was rejected or cancelled",
                ))
            }
            _ => {}
        }
        let mut p = Problem::invalid();
        let (ids, kind) = match (batch.customer_ids.is_empty(), batch.group_ids.is_empty()) {
            (false, true) => (&batch.customer_ids, ItemKind::Customer),
            (true, false) => (&batch.group_ids, ItemKind::Group),
            _ => {
                return Err(p.field(
                    "customer_ids",
                    "one_kind",
                    "a batch carries either customer_ids or group_ids",
                ))
            }
        };
        if ids.len() > ITEMS_PER_BATCH {
            p = p.field(
                if kind == ItemKind::Customer {
                    "customer_ids"
                } else {
                    "group_ids"
                },
                "too_many",
                "at most 100 items per batch",
            );
        }
        let field = if kind == ItemKind::Customer {
            "customer_ids"
        } else {
            "group_ids"
        };
        let mut idx = Vec::with_capacity(ids.len());
        let wanted: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let positions: HashMap<&str, usize> = h
            .items
            .iter()
            .enumerate()
            .filter(|(_, it)| {
                it.kind == kind
                    && it.successor == batch.successor
                    && wanted.contains(it.id.as_str())
            })
            .map(|(k, it)| (it.id.as_str(), k))
            .collect();
        for (j, id) in ids.iter().enumerate() {
            match positions.get(id.as_str()).copied() {
                Some(k) => idx.push(k),
                None => {
                    p = p.field(
                        &format!("{field}/{j}"),
                        "not_in_handover",
                        "not assigned to this successor here",
                    )
                }
            }
        }
        if !p.errors.is_empty() {
            return Err(p);
        }
        let departed = h.request.departed_member.clone();
        let di = self.find_departed(&departed)?;
        let takeover_at = now + self.opts.takeover_delay_ms;
        // Busy elsewhere: waiting in another handover of the same departed member.
        let busy: HashSet<String> = self
            .state
            .handovers
            .iter()
            .enumerate()
            .filter(|(i, o)| *i != hi && o.request.departed_member == departed)
            .flat_map(|(_, o)| &o.items)
            .filter(|it| item_status(&it.sent, now) == ItemStatus::Waiting)
            .map(|it| it.id.clone())
            .collect();
        let locked: HashSet<&str> = self
            .seed_customers(di)
            .iter()
            .filter(|c| c.locked)
            .map(|c| c.id.as_str())
            .collect();
        let inherited: HashSet<&str> = self
            .seed_groups(di)
            .iter()
            .filter(|g| g.inherited)
            .map(|g| g.id.as_str())
            .collect();
        let limit = self
            .data
            .members
            .iter()
            .find(|m| m.id == batch.successor)
            .map(|m| (m.customer_count, m.customer_limit));
        let mut holding = limit.map(|(c, _)| c).unwrap_or(0) + self.reserved(&batch.successor);
        let day_key = format!("{departed}|{}", now.div_euclid(DAY));
        let mut groups_today = self.state.group_days.get(&day_key).copied().unwrap_or(0);
        let mut decisions = Vec::with_capacity(idx.len());
        for &k in &idx {
            let it = &self.state.handovers[hi].items[k];
            let already = matches!(it.sent, Some(Sent::Accepted { .. }));
            let rejection = if already {
                Some(if kind == ItemKind::Customer {
                    codes::CUSTOMER_BEING_TRANSFERRED
                } else {
                    codes::GROUP_IN_PROGRESS
                })
            } else if kind == ItemKind::Customer
                && (locked.contains(it.id.as_str()) || busy.contains(&it.id))
            {
                Some(codes::CUSTOMER_IN_TRANSFER)
            } else if kind == ItemKind::Group && inherited.contains(it.id.as_str()) {
                Some(codes::GROUP_INHERITED)
            } else if kind == ItemKind::Group && busy.contains(&it.id) {
                Some(codes::GROUP_IN_PROGRESS)
            } else if kind == ItemKind::Group && groups_today >= GROUPS_PER_OWNER_PER_DAY {
                Some(codes::TOO_FREQUENT)
            } else {
                None
            };
            let sent = match rejection {
                Some(code) => Sent::Rejected { code },
                None => {
                    let fate = if kind == ItemKind::Group {
                        groups_today += 1;
                        Fate::TakenOver
                    } else if hash(&it.id) % 1000 < self.opts.refuse_per_mille {
                        Fate::Refused
                    } else if limit.is_some_and(|(_, cap)| holding >= cap) {
                        Fate::LimitExceeded
                    } else {
                        holding += 1;
                        Fate::TakenOver
                    };
                    Sent::Accepted { takeover_at, fate }
                }
            };
            decisions.push((k, sent));
        }
        self.state.group_days.insert(day_key, groups_today);
        let h = &mut self.state.handovers[hi];
        let mut outcomes = Vec::with_capacity(decisions.len());
        let (mut acc, mut rej) = (0, 0);
        for (k, sent) in decisions {
            let it = &mut h.items[k];
            outcomes.push(match &sent {
                Sent::Accepted { takeover_at, .. } => {
                    acc += 1;
                    ItemOutcome::Accepted {
                        id: it.id.clone(),
                        kind,
                        takeover_at: to_rfc3339(*takeover_at),
                    }
                }
                Sent::Rejected { code } => {
                    rej += 1;
                    ItemOutcome::Rejected {
                        id: it.id.clone(),
                        kind,
                        code: *code,
                        message: codes::message(*code),
                    }
                }
            });
            // An item accepted earlier keeps its acceptance; the duplicate send is only reported.
            if !matches!(it.sent, Some(Sent::Accepted { .. })) {
                it.sent = Some(sent);
            }
        }
        let result = BatchResult {
            seq: batch.seq,
            outcomes,
        };
        h.batches.push(BatchRec {
            request: batch.clone(),
            result: result.clone(),
            at: now,
            takeover_at,
        });
        h.events.push(EventRec {
            kind: "batch_submitted".into(),
            at: now,
            actor: actor.into(),
            detail: format!("batch {}: {acc} accepted, {rej} rejected", batch.seq),
        });
        if h.state == HandoverState::Ready {
            h.state = HandoverState::Running;
        }
        Ok(result)
    }

    pub fn handovers(
        &self,
        actor: &str,
        q: &HandoversQuery,
        now: i64,
    ) -> Result<Page<Handover>, Problem> {
        self.authenticate(actor)?;
        let from = date_bound("created_from", &q.created_from)?;
        let to = date_bound("created_to", &q.created_to)?;
        let mut all: Vec<Handover> = self
            .state
            .handovers
            .iter()
            .filter(|h| {
                from.is_none_or(|f| h.created_at >= f)
                    && to.is_none_or(|t| h.created_at < t + DAY)
                    && q.departed_member
                        .as_deref()
                        .is_none_or(|d| h.request.departed_member == d)
                    && q.created_by.as_deref().is_none_or(|c| h.created_by == c)
                    && q.successor
                        .as_deref()
                        .is_none_or(|s| h.request.assignments.iter().any(|a| a.successor == s))
            })
            .map(|h| self.handover_view(h, now))
            .filter(|h| q.state.is_none_or(|s| h.state == s))
            .collect();
        all.reverse(); // newest first
        paginate(all, q.cursor.as_deref(), q.limit, 50, 200)
    }

    pub fn handover(&self, actor: &str, id: &str, now: i64) -> Result<Handover, Problem> {
        self.authenticate(actor)?;
        let i = self.find_handover(id)?;
        Ok(self.handover_view(&self.state.handovers[i], now))
    }

    pub fn items(
        &self,
        actor: &str,
        id: &str,
        q: &ItemsQuery,
        now: i64,
    ) -> Result<Page<HandoverItem>, Problem> {
        self.authenticate(actor)?;
        let h = &self.state.handovers[self.find_handover(id)?];
        let di = self.find_departed(&h.request.departed_member)?;
        let names: HashMap<&str, &str> = self
            .seed_customers(di)
            .iter()
            .map(|c| (c.id.as_str(), c.name.as_str()))
            .chain(
                self.seed_groups(di)
                    .iter()
                    .map(|g| (g.id.as_str(), g.name.as_str())),
            )
            .collect();
        let all = h
            .items
            .iter()
            .map(|it| {
                let status = item_status(&it.sent, now);
                let (takeover_at, code) = match &it.sent {
                    Some(Sent::Accepted { takeover_at, .. }) => {
                        (Some(to_rfc3339(*takeover_at)), None)
                    }
                    Some(Sent::Rejected { code }) => (None, Some(*code)),
                    None => (None, None),
                };
                HandoverItem {
                    id: it.id.clone(),
                    kind: it.kind,
                    name: names
                        .get(it.id.as_str())
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    successor: it.successor.clone(),
                    status,
                    takeover_at,
                    code,
                    message: code.map(codes::message),
                }
            })
            .filter(|it| q.status.is_none_or(|s| it.status == s))
            .collect();
        paginate(all, q.cursor.as_deref(), q.limit, 200, 1000)
    }

    pub fn events(
        &self,
        actor: &str,
        id: &str,
        q: &PageQuery,
        now: i64,
    ) -> Result<Page<HandoverEvent>, Problem> {
        self.authenticate(actor)?;
        let h = &self.state.handovers[self.find_handover(id)?];
        let mut all: Vec<(i64, HandoverEvent)> = h
            .events
            .iter()
            .map(|e| {
                (
                    e.at,
                    HandoverEvent {
                        kind: e.kind.clone(),
                        at: to_rfc3339(e.at),
                        actor: admin(&e.actor),
                        detail: e.detail.clone(),
                    },
                )
            })
            .collect();
        // Outcomes arrive from WeCom when each batch's takeover time passes.
        for b in h.batches.iter().filter(|b| b.takeover_at <= now) {
            let mut c = StatusCounts::default();
            for o in &b.result.outcomes {
                if let ItemOutcome::Accepted { id, kind, .. } = o {
                    let it = h.items.iter().find(|it| it.id == *id && it.kind == *kind);
                    match it.map(|it| item_status(&it.sent, now)) {
                        Some(ItemStatus::TakenOver) => c.taken_over += 1,
                        Some(ItemStatus::Refused) => c.refused += 1,
                        Some(ItemStatus::LimitExceeded) => c.limit_exceeded += 1,
                        _ => {}
                    }
                }
            }
            if c != StatusCounts::default() {
                all.push((
                    b.takeover_at,
                    HandoverEvent {
                        kind: "outcome_changed".into(),
                        at: to_rfc3339(b.takeover_at),
                        actor: admin("wecom"),
                        detail: format!(
                            "batch {}: {} taken over, {} refused, {} limit exceeded",
                            b.request.seq, c.taken_over, c.refused, c.limit_exceeded
                        ),
                    },
                ));
            }
        }
        all.sort_by_key(|(at, _)| *at);
        paginate(
            all.into_iter().map(|(_, e)| e).collect(),
            q.cursor.as_deref(),
            q.limit,
            200,
            1000,
        )
    }

    fn decide(
        &mut self,
        actor: &str,
        id: &str,
        reject: Option<&str>,
        now: i64,
    ) -> Result<Handover, Problem> {
        let me = self.session(actor)?;
        let i = self.find_handover(id)?;
        let h = &mut self.state.handovers[i];
        if !me.permissions.may_approve {
            return Err(Problem::new(403, "forbidden", "Not allowed")
                .detail("you may not approve handovers"));
        }
        if h.created_by == actor {
            return Err(Problem::new(403, "self_approval", "Not allowed")
                .detail("the creator cannot approve or reject their own handover"));
        }
        if h.state != HandoverState::PendingApproval {
            return Err(Problem::conflict(
                "not_pending",
                "the handover is not awaiting approval",
            ));
        }
        h.decided_by = Some(actor.into());
        match reject {
            Some(reason) => {
                h.state = HandoverState::Rejected;
                h.rejection_reason = Some(reason.into());
                h.events.push(EventRec {
                    kind: "rejected".into(),
                    at: now,
                    actor: actor.into(),
                    detail: reason.into(),
                });
            }
            None => {
                h.state = HandoverState::Ready;
                h.events.push(EventRec {
                    kind: "approved".into(),
                    at: now,
                    actor: actor.into(),
                    detail: String::new(),
                });
            }
        }
        Ok(self.handover_view(&self.state.handovers[i], now))
    }

    pub fn approve(&mut self, actor: &str, id: &str, now: i64) -> Result<Handover, Problem> {
        self.decide(actor, id, None, now)
    }

    pub fn reject(
        &mut self,
        actor: &str,
        id: &str,
        req: &RejectRequest,
        now: i64,
    ) -> Result<Handover, Problem> {
        let reason = req.reason.trim();
        if reason.is_empty() {
            return Err(Problem::invalid().field(
                "reason",
                "required",
                "say why the handover is rejected",
            ));
        }
        self.decide(actor, id, Some(reason), now)
    }
}
