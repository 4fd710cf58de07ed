//! Requests and queries checked before anything is read or changed. Each failure becomes the
//! contract's Problem: 422 with one entry per offending field, in request order.

use std::collections::HashSet;

use super::records::{HandoverRec, ItemRec};
use super::{forbidden, wecom, Store};
use crate::api::types::{
    BatchResult, ChatScope, DepartedMember, DepartedQuery, DepartedReason, Handover, HandoverState,
    HandoversQuery, ItemKind, NewBatch, NewHandover, Problem, SuccessorReason,
};
use crate::domain::codes;
use crate::domain::time::{parse_rfc3339, DAY};

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

/// An optional upper bound, inclusive, as the first instant past it: a bare date means that
/// whole (UTC) day; a date-time (how the app sends the admin's own day, with their offset)
/// means up to that very instant.
fn end_bound(field: &str, v: &Option<String>) -> Result<Option<i64>, Problem> {
    let bare = v.as_deref().is_some_and(|s| s.trim().len() == 10);
    Ok(date_bound(field, v)?.map(|t| if bare { t + DAY } else { t + 1 }))
}

/// Case-insensitive substring search, as the list filters do it.
pub(super) fn contains(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(&needle.to_lowercase())
}

#[derive(Clone, Copy)]
enum DepartedSort {
    DepartedDesc,
    DepartedAsc,
    PendingDesc,
}

/// A checked `GET /departed-members` query.
pub(super) struct DepartedFilter<'q> {
    q: &'q DepartedQuery,
    from: Option<i64>,
    to: Option<i64>,
    sort: DepartedSort,
}

impl<'q> DepartedFilter<'q> {
    pub fn parse(q: &'q DepartedQuery) -> Result<DepartedFilter<'q>, Problem> {
        let from = date_bound("departed_from", &q.departed_from)?;
        let to = end_bound("departed_to", &q.departed_to)?;
        let sort = match q.sort.as_deref().unwrap_or("departed_at_desc") {
            "departed_at_desc" => DepartedSort::DepartedDesc,
            "departed_at_asc" => DepartedSort::DepartedAsc,
            "pending_desc" => DepartedSort::PendingDesc,
            _ => {
                return Err(Problem::invalid().field(
                    "sort",
                    "invalid",
                    "sort is departed_at_desc, departed_at_asc or pending_desc",
                ))
            }
        };
        Ok(DepartedFilter { q, from, to, sort })
    }

    pub fn matches(&self, m: &DepartedMember) -> bool {
        let q = self.q;
        let at = parse_rfc3339(&m.departed_at).unwrap_or(0);
        (!q.only_pending.unwrap_or(true) || m.pending_customers + m.pending_groups > 0)
            && q.q
                .as_deref()
                .is_none_or(|s| contains(&m.name, s) || contains(&m.id, s))
            && q.department
                .as_deref()
                .is_none_or(|d| d.is_empty() || m.department.id == d)
            && self.from.is_none_or(|f| at >= f)
            && self.to.is_none_or(|t| at < t)
    }

    /// One comparator for every order, so the wasm carries one copy of the sort (issue 12).
    pub fn sort(&self, all: &mut [DepartedMember]) {
        let pending = |m: &DepartedMember| m.pending_customers + m.pending_groups;
        let order = self.sort;
        all.sort_by(|a, b| match order {
            DepartedSort::DepartedDesc => b.departed_at.cmp(&a.departed_at),
            DepartedSort::DepartedAsc => a.departed_at.cmp(&b.departed_at),
            DepartedSort::PendingDesc => pending(b).cmp(&pending(a)),
        });
    }
}

/// A checked `GET /handovers` query.
pub(super) struct HandoversFilter<'q> {
    q: &'q HandoversQuery,
    from: Option<i64>,
    to: Option<i64>,
}

impl<'q> HandoversFilter<'q> {
    pub fn parse(q: &'q HandoversQuery) -> Result<HandoversFilter<'q>, Problem> {
        Ok(HandoversFilter {
            q,
            from: date_bound("created_from", &q.created_from)?,
            to: end_bound("created_to", &q.created_to)?,
        })
    }

    /// What can be decided on the record alone.
    pub fn matches_record(&self, h: &HandoverRec) -> bool {
        let q = self.q;
        self.from.is_none_or(|f| h.created_at >= f)
            && self.to.is_none_or(|t| h.created_at < t)
            && q.departed_member
                .as_deref()
                .is_none_or(|d| h.request.departed_member == d)
            && q.created_by.as_deref().is_none_or(|c| h.created_by == c)
            && q.successor
                .as_deref()
                .is_none_or(|s| h.request.assignments.iter().any(|a| a.successor == s))
    }

    /// The state filter, which needs the state the admin sees (completed is computed).
    pub fn matches_view(&self, h: &Handover) -> bool {
        self.q.state.is_none_or(|s| h.state == s)
    }
}

/// A new handover that passed validation, and what it counts.
pub(super) struct CheckedHandover {
    pub items: Vec<ItemRec>,
    pub important: u32,
}

impl Store {
    /// Checks a new handover against the dataset and `actor`'s rights. Answers 403 for a
    /// department outside the actor's tier, otherwise collects every field error.
    pub(super) fn check_new_handover(
        &self,
        actor: &str,
        req: &NewHandover,
    ) -> Result<CheckedHandover, Problem> {
        let mut p = Problem::invalid();
        if req.id.trim().is_empty() || req.id.len() > 64 {
            p = p.field("id", "invalid", "id must be 1 to 64 characters");
        }
        let Some(di) = self.departed_index(&req.departed_member) else {
            return Err(p.field("departed_member", "not_found", "no such departed member"));
        };
        match self.departed_reason(actor, di) {
            None => {}
            Some(DepartedReason::NoPermission) => {
                return Err(Problem::new(403, "forbidden", "Not allowed")
                    .detail("you may not hand over members of this department"))
            }
            Some(DepartedReason::DepartedOverAYear) => {
                p = p.field(
                    "departed_member",
                    "departed_over_a_year",
                    "the member left more than a year ago",
                )
            }
            Some(r @ DepartedReason::Other(_)) => {
                p = p.field("departed_member", r.as_str(), "the member is not eligible")
            }
        }
        if let (ChatScope::Recent, days) = (req.chat_history.scope, req.chat_history.days) {
            if !days.is_some_and(|d| (1..=3650).contains(&d)) {
                p = p.field(
                    "chat_history/days",
                    "out_of_range",
                    "days must be 1 to 3650",
                );
            }
        }
        if req.note.as_deref().is_some_and(|n| n.chars().count() > 500) {
            p = p.field("note", "too_long", "the note is at most 500 characters");
        }
        if req.assignments.is_empty() {
            p = p.field("assignments", "empty", "at least one successor is required");
        }
        let groups: HashSet<&str> = self.seed_groups(di).iter().map(|g| g.id.as_str()).collect();
        let mut seen = HashSet::new();
        let mut items = Vec::new();
        let mut important = 0;
        for (ai, a) in req.assignments.iter().enumerate() {
            p = self.check_successor(p, actor, ai, &a.successor, &req.departed_member);
            if a.customer_ids.is_empty() && a.group_ids.is_empty() {
                p = p.field(&format!("assignments/{ai}"), "empty", "nothing assigned");
            }
            for (j, c) in a.customer_ids.iter().enumerate() {
                let field = format!("assignments/{ai}/customer_ids/{j}");
                match self
                    .customer_position(di, c)
                    .and_then(|k| self.customer_at(di, k))
                {
                    None => {
                        p = p.field(
                            &field,
                            &codes::NOT_FOLLOWING.to_string(),
                            "not a customer of the departed member",
                        )
                    }
                    Some(sc) => important += u32::from(sc.important),
                }
                if !seen.insert(c.as_str()) {
                    p = p.field(&field, "duplicate", "listed twice");
                }
                items.push(ItemRec {
                    id: c.clone(),
                    kind: ItemKind::Customer,
                    successor: a.successor.clone(),
                    sent: None,
                });
            }
            for (j, g) in a.group_ids.iter().enumerate() {
                let field = format!("assignments/{ai}/group_ids/{j}");
                if !groups.contains(g.as_str()) {
                    p = p.field(
                        &field,
                        &codes::NOT_CUSTOMER_GROUP.to_string(),
                        "not a group of the departed member",
                    );
                }
                if !seen.insert(g.as_str()) {
                    p = p.field(&field, "duplicate", "listed twice");
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
        Ok(CheckedHandover { items, important })
    }

    /// Adds the field error for assignment `ai`'s successor, if they are nobody or ineligible.
    /// Members the actor's tiers hide count as nobody.
    fn check_successor(
        &self,
        p: Problem,
        actor: &str,
        ai: usize,
        successor: &str,
        departed: &str,
    ) -> Problem {
        let field = format!("assignments/{ai}/successor");
        let member = self.data.members.iter().find(|m| m.id == successor);
        if member.is_some_and(|m| !self.sees_member(actor, m.department))
            || (member.is_none() && self.departed_index(successor).is_none())
        {
            return p.field(&field, "not_found", "no such member");
        }
        match wecom::successor_reason(&self.data, successor, departed) {
            None => p,
            // WeCom's own code for this one (40130), as a real backend would pass it through.
            Some(SuccessorReason::IsDepartedMember) => p.field(
                &field,
                &codes::SUCCESSOR_IS_DEPARTED.to_string(),
                "successor not eligible",
            ),
            Some(r) => p.field(&field, r.as_str(), "successor not eligible"),
        }
    }
}

/// Whether `actor` may send `batch` now: only the creator or the approver runs a handover; a
/// sequence number already used answers its first result again (`Ok(Some)`) or conflicts; a
/// handover awaiting approval, rejected or cancelled runs nothing.
pub(super) fn batch_gate(
    h: &HandoverRec,
    actor: &str,
    batch: &NewBatch,
) -> Result<Option<BatchResult>, Problem> {
    if h.created_by != actor && h.decided_by.as_deref() != Some(actor) {
        return Err(forbidden(
            "only the creator or the approver may run this handover",
        ));
    }
    if let Some(b) = h.batches.iter().find(|b| b.request.seq == batch.seq) {
        return if b.request == *batch {
            Ok(Some(b.result.clone()))
        } else {
            Err(Problem::conflict(
                "seq_conflict",
                "this sequence number was used for other items",
            ))
        };
    }
    match h.state {
        HandoverState::PendingApproval => Err(Problem::conflict(
            "approval_pending",
            "the handover awaits approval",
        )),
        HandoverState::Rejected | HandoverState::Cancelled => Err(Problem::conflict(
            "handover_closed",
            "the handover was rejected or cancelled",
        )),
        _ => Ok(None),
    }
}

/// Checks a batch's shape against its handover: one kind of item, at most 100, each assigned to
/// this successor here. Answers the kind and the items' indexes in `h.items`, in batch order.
pub(super) fn check_batch(
    h: &HandoverRec,
    batch: &NewBatch,
) -> Result<(ItemKind, Vec<usize>), Problem> {
    let mut p = Problem::invalid();
    let (ids, kind, field) = match (batch.customer_ids.is_empty(), batch.group_ids.is_empty()) {
        (false, true) => (&batch.customer_ids, ItemKind::Customer, "customer_ids"),
        (true, false) => (&batch.group_ids, ItemKind::Group, "group_ids"),
        _ => {
            return Err(p.field(
                "customer_ids",
                "one_kind",
                "a batch carries either customer_ids or group_ids",
            ))
        }
    };
    if ids.len() > wecom::ITEMS_PER_BATCH {
        p = p.field(field, "too_many", "at most 100 items per batch");
    }
    let mut idx = Vec::with_capacity(ids.len());
    for (j, id) in ids.iter().enumerate() {
        // By the handover's index: a batch costs its own size, not the handover's.
        let here = h.position(id).filter(|&k| {
            let it = &h.items[k];
            it.kind == kind && it.successor == batch.successor
        });
        match here {
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
    Ok((kind, idx))
}

/// A rejection must say why.
pub(super) fn rejection_reason(reason: &str) -> Result<&str, Problem> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Problem::invalid().field(
            "reason",
            "required",
            "say why the handover is rejected",
        ));
    }
    Ok(reason)
}
