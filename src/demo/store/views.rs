//! Internal state and the seeded dataset turned into the contract's types.

use std::borrow::Cow;

use super::records::{HandoverRec, ItemRec, ItemStates, Sent};
use super::{wecom, Store};
use crate::api::types::{
    Admin, Customer, DepartedMember, DepartedReason, Department, EventFacts, EventKind, Group,
    Handover, HandoverEvent, HandoverItem, ItemKind, ItemOutcome, ItemStatus, Member, StatusCounts,
    SuccessorCounts,
};
use crate::demo::admins::{actor, AdminSpec, WECOM};
use crate::demo::seed::{days, SeedCustomer, SeedGroup, SeedMember};
use crate::domain::codes;
use crate::domain::time::to_rfc3339;

impl Store {
    pub(super) fn department(&self, i: usize) -> Department {
        let d = &self.data.departments[i];
        Department {
            id: d.id.clone(),
            name: d.name.clone(),
        }
    }

    /// A date `days_ago` days before the dataset's "today".
    fn ago(&self, days_ago: i64) -> String {
        to_rfc3339(self.state.anchor - days(days_ago))
    }

    /// Customers and groups of departed member `i` that WeCom has not handed over yet. Counted
    /// on the lists themselves once something was taken over: a directory reloaded from WeCom
    /// no longer lists what was handed over, so subtracting would count it twice.
    fn pending_counts(&self, i: usize, now: i64) -> (u32, u32) {
        let d = &self.data.departed[i];
        let states = self.state.item_states(&d.id, now);
        let customers = if states.taken_over(ItemKind::Customer) == 0 {
            d.customers
        } else {
            self.pending_customers(i, &states).count() as u32
        };
        let groups = self
            .seed_groups(i)
            .iter()
            .filter(|g| !g.inherited && !states.is(&g.id, ItemStatus::TakenOver))
            .count() as u32;
        (customers, groups)
    }

    /// Why `actor` cannot hand over departed member `i`, if anything stops them.
    pub(super) fn departed_reason(&self, actor: &str, i: usize) -> Option<DepartedReason> {
        let d = &self.data.departed[i];
        let department = &self.data.departments[d.department].id;
        wecom::departed_reason(
            d,
            department,
            self.policy.admins.iter().find(|a| a.id == actor),
        )
    }

    pub(super) fn departed_view(&self, actor: &str, i: usize, now: i64) -> DepartedMember {
        let d = &self.data.departed[i];
        let (pc, pg) = self.pending_counts(i, now);
        let reason = self.departed_reason(actor, i);
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
            reason,
        }
    }

    /// A customer the store made for this answer gives its strings to the view.
    pub(super) fn customer_view(&self, c: Cow<'_, SeedCustomer>, states: &ItemStates) -> Customer {
        let busy = c.locked || states.is(&c.id, ItemStatus::Waiting);
        let c = c.into_owned();
        Customer {
            id: c.id,
            name: c.name,
            kind: c.kind,
            corp_name: c.corp_name,
            remark: c.remark,
            tags: c.tags,
            added_at: self.ago(c.added_days_ago),
            last_contact_at: c.last_contact_days_ago.map(|d| self.ago(d)),
            important: c.important,
            transferable: !busy,
            reason: busy.then_some(codes::CUSTOMER_IN_TRANSFER),
        }
    }

    pub(super) fn group_view(&self, g: &SeedGroup, states: &ItemStates) -> Group {
        let busy = states.is(&g.id, ItemStatus::Waiting);
        Group {
            id: g.id.clone(),
            name: g.name.clone(),
            member_count: g.member_count,
            created_at: self.ago(g.created_days_ago),
            transferable: !busy,
            reason: busy.then_some(codes::GROUP_IN_PROGRESS),
        }
    }

    /// A member as a successor candidate; with `for_departed`, whether they may succeed them.
    pub(super) fn member_view(&self, m: &SeedMember, for_departed: Option<&str>) -> Member {
        let reason = for_departed.map(|d| wecom::successor_reason(&self.data, &m.id, d));
        Member {
            id: m.id.clone(),
            name: m.name.clone(),
            department: self.department(m.department),
            position: m.position.clone(),
            customer_count: m.customer_count + self.state.reserved(&m.id),
            customer_limit: m.customer_limit,
            eligible: reason.as_ref().map(Option::is_none),
            reason: reason.flatten(),
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

    pub(super) fn handover_view(&self, h: &HandoverRec, now: i64) -> Handover {
        let departed = &h.request.departed_member;
        let departed_name = self
            .departed_index(departed)
            .map(|i| self.data.departed[i].name.clone())
            .unwrap_or_else(|| departed.clone());
        Handover {
            id: h.request.id.clone(),
            state: h.effective_state(now),
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
            created_by: self.actor(&h.created_by),
            created_at: to_rfc3339(h.created_at),
            chat_history: h.request.chat_history.clone(),
            note: h.request.note.clone(),
            customer_count: h.count(ItemKind::Customer),
            group_count: h.count(ItemKind::Group),
            important_count: h.important_count,
            approval_required: !h.approval_reasons.is_empty(),
            approval_reasons: h.approval_reasons.clone(),
            decided_by: h.decided_by.as_deref().map(|a| self.actor(a)),
            rejection_reason: h.rejection_reason.clone(),
            counts: h.counts(now),
            // Only a split handover says it per successor (one successor: `counts` says it).
            by_successor: if h.request.assignments.len() > 1 {
                h.counts_by_successor(now)
                    .into_iter()
                    .map(|(s, customer_count, group_count, counts)| SuccessorCounts {
                        successor: self.member_ref(&s),
                        customer_count,
                        group_count,
                        counts,
                    })
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    /// Item `it` with its name and outcome at `now`. `di`: the departed member in the
    /// directory (`None` once a directory reloaded from WeCom no longer lists them: everything
    /// was handed over).
    pub(super) fn item_view(&self, it: &ItemRec, di: Option<usize>, now: i64) -> HandoverItem {
        let (takeover_at, code) = match &it.sent {
            Some(Sent::Accepted { takeover_at, .. }) => (Some(to_rfc3339(*takeover_at)), None),
            Some(Sent::Rejected { code }) => (None, Some(*code)),
            None => (None, None),
        };
        HandoverItem {
            id: it.id.clone(),
            kind: it.kind,
            // A directory reloaded from WeCom no longer lists customers handed over: their id
            // then stands in for the name (names are not kept in the records).
            name: di
                .and_then(|di| self.item_name(di, it))
                .unwrap_or_else(|| it.id.clone()),
            successor: it.successor.clone(),
            status: it.status(now),
            takeover_at,
            code,
            message: code.map(codes::message),
        }
    }

    fn item_name(&self, di: usize, it: &ItemRec) -> Option<String> {
        match it.kind {
            ItemKind::Customer => {
                let k = self.customer_position(di, &it.id)?;
                self.customer_at(di, k).map(|c| c.name.clone())
            }
            ItemKind::Group => self
                .seed_groups(di)
                .iter()
                .find(|g| g.id == it.id)
                .map(|g| g.name.clone()),
        }
    }
}

/// The timeline of `h` at `now`, oldest first: the recorded events plus, per batch whose
/// takeover time has passed, the outcomes WeCom reported for it.
pub(super) fn timeline(admins: &[AdminSpec], h: &HandoverRec, now: i64) -> Vec<HandoverEvent> {
    let mut all: Vec<(i64, HandoverEvent)> = h
        .events
        .iter()
        .map(|e| {
            (
                e.at,
                HandoverEvent {
                    kind: e.kind.clone(),
                    at: to_rfc3339(e.at),
                    actor: actor(admins, &e.actor),
                    detail: e.detail.clone(),
                    facts: e.facts.clone(),
                    prev_hash: None,
                    hash: None,
                },
            )
        })
        .collect();
    for b in h.batches.iter().filter(|b| b.takeover_at <= now) {
        let mut c = StatusCounts::default();
        for o in &b.result.outcomes {
            if let ItemOutcome::Accepted { id, kind, .. } = o {
                let it = h.items.iter().find(|it| it.id == *id && it.kind == *kind);
                match it.map(|it| it.status(now)) {
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
                    kind: EventKind::OutcomeChanged.as_str().into(),
                    at: to_rfc3339(b.takeover_at),
                    actor: actor(admins, WECOM),
                    detail: format!(
                        "batch {}: {} taken over, {} refused, {} limit exceeded",
                        b.request.seq, c.taken_over, c.refused, c.limit_exceeded
                    ),
                    facts: Some(EventFacts {
                        seq: Some(b.request.seq),
                        taken_over: Some(c.taken_over),
                        refused: Some(c.refused),
                        limit_exceeded: Some(c.limit_exceeded),
                        ..EventFacts::default()
                    }),
                    prev_hash: None,
                    hash: None,
                },
            ));
        }
    }
    // Stable: events recorded at the same time keep their order.
    all.sort_by_key(|(at, _)| *at);
    all.into_iter().map(|(_, e)| e).collect()
}
