//! WeCom's rules as the demo imitates them (shared/domain.md): who may be handed over and to
//! whom, and what WeCom answers for each item of a transfer call. A real backend inherits these
//! from WeCom; the demo must behave the same so that demo mode teaches the truth.

use std::collections::HashSet;

use super::records::{Busy, Fate, ItemRec, Sent};
use super::Store;
use crate::api::types::{DepartedReason, ItemKind, Limits, NewBatch, SuccessorReason};
use crate::demo::admins::AdminSpec;
use crate::demo::rng::hash;
use crate::demo::seed::{Dataset, SeedDeparted};
use crate::domain::codes;
use crate::domain::time::DAY;

/// Customers or groups per transfer call.
pub(super) const ITEMS_PER_BATCH: usize = 100;
/// Groups WeCom moves per original owner per day.
pub(super) const GROUPS_PER_OWNER_PER_DAY: u32 = 300;
/// Departed members, and successors since their last login, are eligible for this many days.
const ELIGIBLE_DAYS: i64 = 365;

pub(super) fn limits() -> Limits {
    Limits {
        items_per_batch: ITEMS_PER_BATCH as u32,
        groups_per_owner_per_day: GROUPS_PER_OWNER_PER_DAY,
    }
}

/// Why `admin` cannot hand over `d`: WeCom's one-year limit first, then the admin's tier.
pub(super) fn departed_reason(
    d: &SeedDeparted,
    department_id: &str,
    admin: Option<&AdminSpec>,
) -> Option<DepartedReason> {
    if d.departed_days_ago > ELIGIBLE_DAYS {
        Some(DepartedReason::DepartedOverAYear)
    } else if admin.is_some_and(|a| !a.may_hand_over(department_id)) {
        Some(DepartedReason::NoPermission)
    } else {
        None
    }
}

/// Why `member` cannot succeed `departed`; `None` also for an id that is nobody.
pub(super) fn successor_reason(
    data: &Dataset,
    member: &str,
    departed: &str,
) -> Option<SuccessorReason> {
    if member == departed || data.departed.iter().any(|d| d.id == member) {
        return Some(SuccessorReason::IsDepartedMember);
    }
    let m = data.members.iter().find(|m| m.id == member)?;
    if !m.contact_enabled {
        Some(SuccessorReason::ContactDisabled)
    } else if !m.verified {
        Some(SuccessorReason::NotVerified)
    } else if m.last_active_days_ago > ELIGIBLE_DAYS {
        Some(SuccessorReason::InactiveOverAYear)
    } else {
        None
    }
}

/// One departed member's items WeCom refuses whatever the batch: fixed by the directory.
#[derive(Debug, Default)]
pub(super) struct Unavailable {
    locked: HashSet<String>,
    inherited: HashSet<String>,
}

/// One transfer call as WeCom sees it: what is already moving, and what budgets remain.
pub(super) struct Call<'a> {
    kind: ItemKind,
    /// Waiting in another handover of the same departed member.
    busy: Busy<'a>,
    /// Customers already in a transfer started outside this app, and inherited groups.
    unavailable: &'a Unavailable,
    /// The successor's customer limit, when the successor is a known member.
    cap: Option<u32>,
    /// Customers the successor holds or has been promised.
    holding: u32,
    /// The owner's day in `State::group_days` ("owner|day"), and the groups moved on it so far.
    day: String,
    groups_today: u32,
    /// When accepted items are taken over.
    pub takeover_at: i64,
    refuse_per_mille: u64,
}

impl Store {
    /// What WeCom knows when `batch` of handover `hi` arrives at `now`.
    pub(super) fn call(
        &self,
        hi: usize,
        di: usize,
        batch: &NewBatch,
        kind: ItemKind,
        now: i64,
    ) -> Call<'_> {
        let departed = &self.state.handovers[hi].request.departed_member;
        let busy = self.state.busy(hi, now);
        let unavailable = self.unavailable[di].get_or_init(|| Unavailable {
            locked: self
                .customers_of(di)
                .filter(|c| c.locked)
                .map(|c| c.id.clone())
                .collect(),
            inherited: self
                .seed_groups(di)
                .iter()
                .filter(|g| g.inherited)
                .map(|g| g.id.clone())
                .collect(),
        });
        let successor = self.data.members.iter().find(|m| m.id == batch.successor);
        let day = format!("{departed}|{}", now.div_euclid(DAY));
        Call {
            kind,
            busy,
            unavailable,
            cap: successor.map(|m| m.customer_limit),
            holding: successor.map_or(0, |m| m.customer_count)
                + self.state.reserved(&batch.successor),
            groups_today: self.state.group_days.get(&day).copied().unwrap_or(0),
            day,
            takeover_at: now + self.opts.takeover_delay_ms,
            refuse_per_mille: self.opts.refuse_per_mille,
        }
    }
}

impl Call<'_> {
    /// The owner's day and the groups moved on it, to remember after the call.
    pub fn into_group_day(self) -> (String, u32) {
        (self.day, self.groups_today)
    }

    /// WeCom's answer for one item; an acceptance uses up the successor's room or the owner's day.
    pub fn answer(&mut self, item: &ItemRec) -> Sent {
        match self.rejection(item) {
            Some(code) => Sent::Rejected { code },
            None => Sent::Accepted {
                takeover_at: self.takeover_at,
                fate: self.fate(&item.id),
            },
        }
    }

    fn rejection(&self, item: &ItemRec) -> Option<u32> {
        let id = item.id.as_str();
        if item.is_accepted() {
            return Some(match self.kind {
                ItemKind::Customer => codes::CUSTOMER_BEING_TRANSFERRED,
                ItemKind::Group => codes::GROUP_IN_PROGRESS,
            });
        }
        match self.kind {
            ItemKind::Customer
                if self.unavailable.locked.contains(id) || self.busy.contains(id) =>
            {
                Some(codes::CUSTOMER_IN_TRANSFER)
            }
            ItemKind::Customer => None,
            ItemKind::Group if self.unavailable.inherited.contains(id) => {
                Some(codes::GROUP_INHERITED)
            }
            ItemKind::Group if self.busy.contains(id) => Some(codes::GROUP_IN_PROGRESS),
            ItemKind::Group if self.groups_today >= GROUPS_PER_OWNER_PER_DAY => {
                Some(codes::TOO_FREQUENT)
            }
            ItemKind::Group => None,
        }
    }

    /// Groups are always taken over; a customer may refuse, or find the successor full.
    fn fate(&mut self, id: &str) -> Fate {
        if self.kind == ItemKind::Group {
            self.groups_today += 1;
            Fate::TakenOver
        } else if hash(id) % 1000 < self.refuse_per_mille {
            Fate::Refused
        } else if self.cap.is_some_and(|cap| self.holding >= cap) {
            Fate::LimitExceeded
        } else {
            self.holding += 1;
            Fate::TakenOver
        }
    }
}
