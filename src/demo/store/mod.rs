//! Contract operations over the seeded dataset plus what admins changed (`State`). Each public
//! operation authenticates, checks (`validate`, `policy`'s tiers), asks WeCom's rules (`wecom`,
//! imitated; a backend with the real WeCom goes through `transfer` instead), records
//! (`bookkeeping`) and answers in contract types (`views`).

mod bookkeeping;
mod customers;
mod policy;
mod records;
mod saved;
mod transfer;
mod validate;
mod views;
mod wecom;

use std::sync::OnceLock;

use super::admins::{actor, AdminSpec, DEMO_CODE};
use super::paging::paginate;
use super::seed::{self, Dataset, SeedCustomer, SeedGroup};
use crate::api::types::*;
use crate::domain::approval::{self, HandoverSize};
use crate::domain::time::HOUR;
use crate::domain::withdraw::{self, Withdraw, WithdrawBlock};
use customers::CustomerList;
use validate::{contains, DepartedFilter, HandoversFilter};

pub use policy::Policy;
pub use records::{PartItems, RecordPart, State};
pub use transfer::{Answer, Prepared, TransferCall, Unreported};

/// The approval policy the demo company chose; sessions advertise it and creation applies it.
const APPROVAL_POLICY: ApprovalPolicy = ApprovalPolicy {
    required_for_important: true,
    max_customers_without_approval: 1_000,
};

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

pub struct Store {
    opts: Options,
    policy: Policy,
    data: Dataset,
    /// Per departed member, on first use; the demo's own are made again when read
    /// (`customers::CustomerList`).
    customers: Vec<OnceLock<CustomerList>>,
    groups: Vec<OnceLock<Vec<SeedGroup>>>,
    /// Per departed member: ids of customers locked in another transfer and of inherited
    /// groups, built once (the directory does not change) instead of on every batch.
    unavailable: Vec<OnceLock<wecom::Unavailable>>,
    state: State,
    approval: ApprovalPolicy,
}

fn wrong_code() -> Problem {
    Problem::invalid().field("code", "wrong_code", "The verification code is wrong.")
}

fn unauthenticated() -> Problem {
    Problem::new(401, "unauthenticated", "Not signed in")
}

pub(super) fn forbidden(detail: &str) -> Problem {
    Problem::new(403, "forbidden", "Not allowed").detail(detail)
}

impl Store {
    pub fn new(opts: Options, now: i64) -> Store {
        Store::with_state(
            opts,
            State {
                anchor: now - now.rem_euclid(HOUR),
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
            policy: Policy::default(),
            customers: (0..n).map(|_| OnceLock::new()).collect(),
            groups: (0..n).map(|_| OnceLock::new()).collect(),
            unavailable: (0..n).map(|_| OnceLock::new()).collect(),
            data,
            state,
            approval: APPROVAL_POLICY,
        }
    }

    /// A store over a directory loaded elsewhere (a backend's WeCom) instead of the seeded one:
    /// `customers[i]` and `groups[i]` belong to `data.departed[i]`. Validation, paging, records
    /// and the ledger stay the same as over the demo's dataset.
    pub fn with_directory(
        opts: Options,
        data: Dataset,
        customers: Vec<Vec<SeedCustomer>>,
        groups: Vec<Vec<SeedGroup>>,
        state: State,
    ) -> Store {
        let n = data.departed.len();
        let mut customers = customers.into_iter();
        let mut groups = groups.into_iter();
        Store {
            opts,
            policy: Policy::default(),
            customers: (0..n)
                .map(|_| OnceLock::from(CustomerList::listed(customers.next().unwrap_or_default())))
                .collect(),
            groups: (0..n)
                .map(|_| OnceLock::from(groups.next().unwrap_or_default()))
                .collect(),
            unavailable: (0..n).map(|_| OnceLock::new()).collect(),
            data,
            state,
            approval: APPROVAL_POLICY,
        }
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn set_policy(&mut self, policy: Policy) {
        self.policy = policy;
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    /// Replaces what admins changed, keeping the dataset (a backend reloading its ledger).
    pub fn set_state(&mut self, state: State) {
        self.state = state;
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    fn departed_index(&self, id: &str) -> Option<usize> {
        self.data.departed.iter().position(|d| d.id == id)
    }

    fn find_departed(&self, id: &str) -> Result<usize, Problem> {
        self.departed_index(id)
            .ok_or_else(|| Problem::not_found(&format!("departed member {id}")))
    }

    fn find_handover(&self, id: &str) -> Result<usize, Problem> {
        self.state
            .find_handover(id)
            .ok_or_else(|| Problem::not_found(&format!("handover {id}")))
    }

    fn seed_groups(&self, i: usize) -> &[SeedGroup] {
        self.groups[i].get_or_init(|| seed::groups_of(&self.data.departed[i]))
    }

    fn admin(&self, actor_id: &str) -> Result<&AdminSpec, Problem> {
        self.policy
            .admins
            .iter()
            .find(|a| a.id == actor_id)
            .ok_or_else(unauthenticated)
    }

    pub fn authenticate(&self, actor_id: &str) -> Result<Admin, Problem> {
        self.admin(actor_id).map(|a| self.actor(&a.id))
    }

    fn actor(&self, id: &str) -> Admin {
        actor(&self.policy.admins, id)
    }

    // ---- session ----

    pub fn session(&self, actor_id: &str) -> Result<Session, Problem> {
        let a = self.admin(actor_id)?;
        let verification = if self.policy.external_verification {
            VerificationPolicy {
                required: true,
                methods: vec![VerificationMethod::Totp],
                demo_code: None,
            }
        } else {
            VerificationPolicy {
                required: true,
                methods: vec![VerificationMethod::SmsCode, VerificationMethod::Password],
                demo_code: Some(DEMO_CODE.into()),
            }
        };
        Ok(Session {
            admin: self.actor(&a.id),
            permissions: Permissions {
                departments: a.departments.clone(),
                may_approve: a.may_approve,
            },
            verification,
            approval: self.approval.clone(),
            limits: wecom::limits(),
            features: Features {
                chat_archive: self.policy.chat_archive,
            },
        })
    }

    pub fn verify(
        &mut self,
        actor: &str,
        req: &VerificationRequest,
        now: i64,
    ) -> Result<VerificationToken, Problem> {
        self.authenticate(actor)?;
        if self.policy.external_verification || req.code.trim() != DEMO_CODE {
            return Err(wrong_code());
        }
        Ok(self.state.issue_token(actor, now))
    }

    /// Issues a verification token after the backend checked the code itself (TOTP).
    pub fn issue_verification(
        &mut self,
        actor: &str,
        now: i64,
    ) -> Result<VerificationToken, Problem> {
        self.authenticate(actor)?;
        Ok(self.state.issue_token(actor, now))
    }

    // ---- reads ----

    pub fn departments(&self, actor: &str) -> Result<Vec<Department>, Problem> {
        let admin = self.admin(actor)?;
        Ok((0..self.data.departments.len())
            .filter(|&i| {
                !self.policy.hide_other_departments
                    || admin.may_hand_over(&self.data.departments[i].id)
            })
            .map(|i| self.department(i))
            .collect())
    }

    pub fn departed_members(
        &self,
        actor: &str,
        q: &DepartedQuery,
        now: i64,
    ) -> Result<Page<DepartedMember>, Problem> {
        self.authenticate(actor)?;
        let filter = DepartedFilter::parse(q)?;
        let mut all: Vec<DepartedMember> = (0..self.data.departed.len())
            .filter(|&i| self.sees(actor, i))
            .map(|i| self.departed_view(actor, i, now))
            .filter(|m| filter.matches(m))
            .collect();
        filter.sort(&mut all);
        paginate(all, q.cursor.as_deref(), q.limit, 50, 200)
    }

    pub fn customers(
        &self,
        actor: &str,
        departed: &str,
        q: &PageQuery,
        now: i64,
    ) -> Result<Page<Customer>, Problem> {
        self.authenticate(actor)?;
        let i = self.visible_departed(actor, departed)?;
        let states = self.state.item_states(departed, now);
        let pending: Vec<usize> = self.pending_customers(i, &states).collect();
        // Page first, then make the customers and their views: a page costs its own size, not
        // the list's.
        let page = paginate(pending, q.cursor.as_deref(), q.limit, 1000, 10_000)?;
        // Sized at once: growing a 10,000-row page doubles it and copies it on the way.
        let mut items = Vec::with_capacity(page.items.len());
        items.extend(
            page.items
                .into_iter()
                .filter_map(|k| self.customer_at(i, k))
                .map(|c| self.customer_view(c, &states)),
        );
        Ok(Page {
            items,
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
        let i = self.visible_departed(actor, departed)?;
        let states = self.state.item_states(departed, now);
        let all = self
            .seed_groups(i)
            .iter()
            .filter(|g| !g.inherited && !states.is(&g.id, ItemStatus::TakenOver))
            .map(|g| self.group_view(g, &states))
            .collect();
        paginate(all, q.cursor.as_deref(), q.limit, 1000, 10_000)
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
                self.sees_member(actor, m.department)
                    && q.q
                        .as_deref()
                        .is_none_or(|s| contains(&m.name, s) || contains(&m.id, s))
                    && q.department
                        .as_deref()
                        .is_none_or(|d| d.is_empty() || self.data.departments[m.department].id == d)
            })
            .map(|m| self.member_view(m, q.for_departed.as_deref()))
            .collect();
        paginate(all, q.cursor.as_deref(), q.limit, 50, 200)
    }

    // ---- handovers ----

    /// Creates a handover; the same id with the same request answers the same handover
    /// (`Ok((handover, false))`), with a different request it is a conflict.
    pub fn create_handover(
        &mut self,
        actor: &str,
        req: &NewHandover,
        now: i64,
    ) -> Result<(Handover, bool), Problem> {
        self.authenticate(actor)?;
        if let Some(i) = self.state.find_handover(&req.id) {
            return self.replay_create(i, actor, req, now);
        }
        let checked = self.check_new_handover(actor, req)?;
        if !self
            .state
            .token_valid(req.verification_token.as_deref(), actor, now)
        {
            return Err(Problem::new(
                428,
                "verification_required",
                "Identity verification required",
            )
            .detail("verify your identity, then send the handover with the verification token"));
        }
        let size = HandoverSize {
            customers: checked
                .items
                .iter()
                .filter(|i| i.kind == ItemKind::Customer)
                .count(),
            important: checked.important as usize,
        };
        let reasons = approval::reasons(&self.approval, size);
        let rec =
            records::HandoverRec::open(req, actor, now, checked.items, checked.important, reasons);
        let view = self.handover_view(&rec, now);
        self.state.handovers.push(rec);
        Ok((view, true))
    }

    /// A create with a known id: the same request (token aside) by the same admin is a retry.
    fn replay_create(
        &self,
        i: usize,
        actor: &str,
        req: &NewHandover,
        now: i64,
    ) -> Result<(Handover, bool), Problem> {
        let h = &self.state.handovers[i];
        let same = h.request
            == NewHandover {
                verification_token: None,
                ..req.clone()
            };
        if same && h.created_by == actor {
            Ok((self.handover_view(h, now), false))
        } else {
            Err(Problem::conflict(
                "id_conflict",
                "another handover already uses this id",
            ))
        }
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
        if let Some(earlier) = validate::batch_gate(h, actor, batch)? {
            return Ok(earlier);
        }
        let (kind, idx) = validate::check_batch(h, batch)?;
        let di = self.visible_departed(actor, &h.request.departed_member)?;
        let mut call = self.call(hi, di, batch, kind, now);
        let answers: Vec<_> = idx
            .into_iter()
            .map(|k| (k, call.answer(&h.items[k])))
            .collect();
        let takeover_at = call.takeover_at;
        let (day, groups_today) = call.into_group_day();
        self.state.group_days.insert(day, groups_today);
        Ok(self.state.handovers[hi].record_batch(actor, batch, kind, answers, takeover_at, now))
    }

    pub fn handovers(
        &self,
        actor: &str,
        q: &HandoversQuery,
        now: i64,
    ) -> Result<Page<Handover>, Problem> {
        self.authenticate(actor)?;
        let filter = HandoversFilter::parse(q)?;
        let mut all: Vec<Handover> = self
            .state
            .handovers
            .iter()
            .filter(|h| filter.matches_record(h))
            .filter(|h| {
                self.departed_index(&h.request.departed_member)
                    .is_none_or(|i| self.sees(actor, i))
            })
            .map(|h| self.handover_view(h, now))
            .filter(|h| filter.matches_view(h))
            .collect();
        all.reverse(); // newest first
        paginate(all, q.cursor.as_deref(), q.limit, 50, 200)
    }

    pub fn handover(&self, actor: &str, id: &str, now: i64) -> Result<Handover, Problem> {
        self.authenticate(actor)?;
        let i = self.find_handover(id)?;
        self.visible_handover(actor, i)?;
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
        let hi = self.find_handover(id)?;
        self.visible_handover(actor, hi)?;
        let h = &self.state.handovers[hi];
        let di = self.departed_index(&h.request.departed_member);
        let all = h
            .items
            .iter()
            .filter(|it| q.status.is_none_or(|s| it.status(now) == s))
            .collect();
        // Names are looked up for the page only.
        let page = paginate(all, q.cursor.as_deref(), q.limit, 200, 1000)?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|it| self.item_view(it, di, now))
                .collect(),
            next_cursor: page.next_cursor,
            total: page.total,
        })
    }

    pub fn events(
        &self,
        actor: &str,
        id: &str,
        q: &PageQuery,
        now: i64,
    ) -> Result<Page<HandoverEvent>, Problem> {
        self.authenticate(actor)?;
        let hi = self.find_handover(id)?;
        self.visible_handover(actor, hi)?;
        let h = &self.state.handovers[hi];
        paginate(
            views::timeline(&self.policy.admins, h, now),
            q.cursor.as_deref(),
            q.limit,
            200,
            1000,
        )
    }

    // ---- approval ----

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
        let reason = validate::rejection_reason(&req.reason)?;
        self.decide(actor, id, Some(reason), now)
    }

    /// The creator takes a handover back before any batch was sent (`domain::withdraw`): it
    /// becomes cancelled, with a `withdrawn` event. Withdrawing again answers it unchanged.
    pub fn withdraw(&mut self, actor: &str, id: &str, now: i64) -> Result<Handover, Problem> {
        self.authenticate(actor)?;
        let i = self.find_handover(id)?;
        let h = &mut self.state.handovers[i];
        let by_creator = h.created_by == actor;
        match withdraw::check(h.state, !h.batches.is_empty(), by_creator) {
            Ok(Withdraw::Now) => h.record_withdrawal(actor, now),
            Ok(Withdraw::Already) => {}
            Err(block) => {
                let detail = match block {
                    WithdrawBlock::NotCreator => "only the creator may withdraw a handover",
                    WithdrawBlock::Started => "batches were submitted; the handover runs",
                    WithdrawBlock::Closed => "the handover was rejected",
                };
                let (status, code) = block.problem();
                let title = if status == 403 {
                    "Not allowed"
                } else {
                    "Conflict"
                };
                return Err(Problem::new(status, code, title).detail(detail));
            }
        }
        Ok(self.handover_view(&self.state.handovers[i], now))
    }

    /// The second level of review: another admin who may approve decides a pending handover.
    fn decide(
        &mut self,
        actor: &str,
        id: &str,
        rejection: Option<&str>,
        now: i64,
    ) -> Result<Handover, Problem> {
        let may_approve = self.admin(actor)?.may_approve;
        let i = self.find_handover(id)?;
        self.visible_handover(actor, i)?;
        let h = &mut self.state.handovers[i];
        if !may_approve {
            return Err(forbidden("you may not approve handovers"));
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
        h.record_decision(actor, rejection, now);
        Ok(self.handover_view(&self.state.handovers[i], now))
    }
}

#[cfg(test)]
mod tests;
