//! The seam where a backend puts the real WeCom in place of the store's imitation (`wecom.rs`).
//! A batch is checked and split into what only WeCom can answer ([`Store::prepare_batch`] →
//! [`TransferCall`]) and what the store knows itself: an item already sent (never sent twice:
//! the records are the memory WeCom lacks, it has no request ids) and groups beyond the
//! owner's daily quota. The backend makes the call and hands WeCom's per-item answers back
//! ([`Store::finish_batch`]); outcomes WeCom reports later are recorded with
//! [`Store::record_outcome`].

use std::collections::HashMap;

use super::records::{Fate, Sent};
use super::{validate, wecom, Store};
use crate::api::types::{BatchResult, ItemKind, ItemStatus, NewBatch, Problem};
use crate::domain::codes;
use crate::domain::time::DAY;

/// What WeCom must be asked for one batch: one call, at most 100 items of one kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferCall {
    pub kind: ItemKind,
    pub departed: String,
    pub successor: String,
    /// Empty when the store answered every item itself (no call needed).
    pub ids: Vec<String>,
}

/// A checked batch: answered before (same seq), or a call to make.
#[derive(Clone, Debug, PartialEq)]
pub enum Prepared {
    Replay(BatchResult),
    Call(TransferCall),
}

/// WeCom's answer for one item of a transfer call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Started: a customer is taken over at the planned time (its outcome is polled later);
    /// a group is handed over at once.
    Accepted { takeover_at: i64 },
    /// Refused for this item, with WeCom's code (kept).
    Rejected { code: u32 },
}

/// A waiting customer whose outcome WeCom has not reported yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreported {
    pub handover: String,
    pub departed: String,
    pub successor: String,
    pub id: String,
}

impl Store {
    /// Checks `batch` as [`Store::submit_batch`] does and says what WeCom must be asked.
    pub fn prepare_batch(
        &self,
        actor: &str,
        handover: &str,
        batch: &NewBatch,
        now: i64,
    ) -> Result<Prepared, Problem> {
        self.authenticate(actor)?;
        let hi = self.find_handover(handover)?;
        let h = &self.state.handovers[hi];
        if let Some(earlier) = validate::batch_gate(h, actor, batch)? {
            return Ok(Prepared::Replay(earlier));
        }
        let (kind, idx) = validate::check_batch(h, batch)?;
        self.visible_departed(actor, &h.request.departed_member)?;
        let local = self.local_answers(hi, kind, &idx, now);
        Ok(Prepared::Call(TransferCall {
            kind,
            departed: h.request.departed_member.clone(),
            successor: batch.successor.clone(),
            ids: idx
                .iter()
                .filter(|k| !local.contains_key(k))
                .map(|&k| h.items[k].id.clone())
                .collect(),
        }))
    }

    /// Records `batch` with WeCom's `answers` (by item id) for the call
    /// [`Store::prepare_batch`] asked for. Every item of that call must be answered.
    pub fn finish_batch(
        &mut self,
        actor: &str,
        handover: &str,
        batch: &NewBatch,
        answers: &HashMap<String, Answer>,
        now: i64,
    ) -> Result<BatchResult, Problem> {
        if let Prepared::Replay(r) = self.prepare_batch(actor, handover, batch, now)? {
            return Ok(r);
        }
        let hi = self.find_handover(handover)?;
        let h = &self.state.handovers[hi];
        let (kind, idx) = validate::check_batch(h, batch)?;
        let local = self.local_answers(hi, kind, &idx, now);
        let mut sent = Vec::with_capacity(idx.len());
        let mut moved_groups = 0;
        let mut takeover = now;
        for k in idx {
            let answer = match local.get(&k) {
                Some(&code) => Answer::Rejected { code },
                None => *answers.get(&h.items[k].id).ok_or_else(|| {
                    Problem::new(502, "bad_gateway", "WeCom did not answer for every item")
                })?,
            };
            sent.push((
                k,
                match (answer, kind) {
                    (Answer::Rejected { code }, _) => Sent::Rejected { code },
                    (Answer::Accepted { .. }, ItemKind::Group) => {
                        moved_groups += 1;
                        Sent::Accepted {
                            takeover_at: now,
                            fate: Fate::TakenOver,
                        }
                    }
                    (Answer::Accepted { takeover_at }, ItemKind::Customer) => {
                        takeover = takeover.max(takeover_at);
                        Sent::Accepted {
                            takeover_at,
                            fate: Fate::Unknown,
                        }
                    }
                },
            ));
        }
        if moved_groups > 0 {
            let day = self.group_day(hi, now);
            *self.state.group_days.entry(day).or_insert(0) += moved_groups;
        }
        Ok(self.state.handovers[hi].record_batch(actor, batch, kind, sent, takeover, now))
    }

    /// Customers WeCom accepted whose outcome is unknown and due by `now` (ask WeCom).
    pub fn unreported(&self, now: i64) -> Vec<Unreported> {
        self.state
            .handovers
            .iter()
            .flat_map(|h| {
                h.items.iter().filter_map(move |it| match it.sent {
                    Some(Sent::Accepted {
                        takeover_at,
                        fate: Fate::Unknown,
                    }) if takeover_at <= now => Some(Unreported {
                        handover: h.request.id.clone(),
                        departed: h.request.departed_member.clone(),
                        successor: it.successor.clone(),
                        id: it.id.clone(),
                    }),
                    _ => None,
                })
            })
            .collect()
    }

    /// Records the final outcome WeCom reported for a waiting customer (`status`: taken over,
    /// refused or limit exceeded) at `at` (never later than `now`: the outcome is known now).
    /// Answers whether anything changed.
    pub fn record_outcome(
        &mut self,
        handover: &str,
        id: &str,
        status: ItemStatus,
        at: i64,
        now: i64,
    ) -> bool {
        let fate = match status {
            ItemStatus::TakenOver => Fate::TakenOver,
            ItemStatus::Refused => Fate::Refused,
            ItemStatus::LimitExceeded => Fate::LimitExceeded,
            _ => return false,
        };
        let Some(hi) = self.state.find_handover(handover) else {
            return false;
        };
        let h = &mut self.state.handovers[hi];
        let Some(it) = h
            .items
            .iter_mut()
            .find(|it| it.id == id && it.kind == ItemKind::Customer)
        else {
            return false;
        };
        match it.sent {
            Some(Sent::Accepted {
                fate: Fate::Unknown,
                ..
            }) => {
                it.sent = Some(Sent::Accepted {
                    takeover_at: at.min(now),
                    fate,
                });
                if let Some(a) = h.accepted.get_mut() {
                    a.note(it);
                }
                true
            }
            _ => false,
        }
    }

    /// The owner's day in `State::group_days`.
    fn group_day(&self, hi: usize, now: i64) -> String {
        let departed = &self.state.handovers[hi].request.departed_member;
        format!("{departed}|{}", now.div_euclid(DAY))
    }

    /// What the store answers without asking WeCom, by item index: an item already accepted
    /// (in this handover or waiting in another of the same departed member) is never sent
    /// again; groups beyond the owner's 300 a day wait for another day.
    fn local_answers(
        &self,
        hi: usize,
        kind: ItemKind,
        idx: &[usize],
        now: i64,
    ) -> HashMap<usize, u32> {
        let h = &self.state.handovers[hi];
        let busy = self.state.busy(hi, now);
        let mut budget = wecom::GROUPS_PER_OWNER_PER_DAY.saturating_sub(
            self.state
                .group_days
                .get(&self.group_day(hi, now))
                .copied()
                .unwrap_or(0),
        );
        let mut out = HashMap::new();
        for &k in idx {
            let it = &h.items[k];
            let code = match kind {
                _ if it.is_accepted() => Some(match kind {
                    ItemKind::Customer => codes::CUSTOMER_BEING_TRANSFERRED,
                    ItemKind::Group => codes::GROUP_IN_PROGRESS,
                }),
                ItemKind::Customer if busy.contains(&it.id) => Some(codes::CUSTOMER_IN_TRANSFER),
                ItemKind::Group if busy.contains(&it.id) => Some(codes::GROUP_IN_PROGRESS),
                ItemKind::Group if budget == 0 => Some(codes::TOO_FREQUENT),
                ItemKind::Group => {
                    budget -= 1;
                    None
                }
                ItemKind::Customer => None,
            };
            if let Some(code) = code {
                out.insert(k, code);
            }
        }
        out
    }
}
