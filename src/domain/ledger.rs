//! The run's ledger: what was sent, what was answered, what waits. WeCom gives no request ids,
//! so the client keeps this record itself; it lives in local storage so a reloaded tab resumes
//! without sending any batch again as new work (a batch that was in flight is re-sent with its
//! sequence number, which the backend answers idempotently).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::plan::BatchSpec;
use crate::api::types::{BatchResult, ItemKind, ItemOutcome};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BatchState {
    Pending,
    InFlight,
    Done,
    /// Retries spent: waits for the admin's "retry".
    Waiting,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub spec: BatchSpec,
    pub state: BatchState,
    pub attempts: u32,
    /// Why it waits (already in the admin's language).
    pub error: Option<String>,
    pub outcomes: Vec<ItemOutcome>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub total: usize,
    pub submitted: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub remaining: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub id: String,
    pub kind: ItemKind,
    pub code: u32,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    pub handover_id: String,
    pub entries: Vec<Entry>,
    /// Items in the original plan (retries re-send some of them; they are not new items).
    pub planned: usize,
}

fn outcome_id(o: &ItemOutcome) -> &str {
    match o {
        ItemOutcome::Accepted { id, .. } | ItemOutcome::Rejected { id, .. } => id,
    }
}

impl Ledger {
    pub fn new(handover_id: String, plan: Vec<BatchSpec>) -> Ledger {
        Ledger {
            handover_id,
            planned: plan.iter().map(|b| b.ids.len()).sum(),
            entries: plan
                .into_iter()
                .map(|spec| Entry {
                    spec,
                    state: BatchState::Pending,
                    attempts: 0,
                    error: None,
                    outcomes: Vec::new(),
                })
                .collect(),
        }
    }

    fn entry(&mut self, seq: u32) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.spec.seq == seq)
    }

    /// The next batch to send, now in flight.
    pub fn take_next(&mut self) -> Option<BatchSpec> {
        let e = self
            .entries
            .iter_mut()
            .find(|e| e.state == BatchState::Pending)?;
        e.state = BatchState::InFlight;
        e.attempts += 1;
        Some(e.spec.clone())
    }

    /// One more attempt of an in-flight batch (after a transient failure).
    pub fn attempt(&mut self, seq: u32) -> u32 {
        self.entry(seq).map_or(0, |e| {
            e.attempts += 1;
            e.attempts
        })
    }

    pub fn record(&mut self, seq: u32, result: BatchResult) {
        if let Some(e) = self.entry(seq) {
            e.state = BatchState::Done;
            e.error = None;
            e.outcomes = result.outcomes;
        }
    }

    /// Retries are spent: the batch waits for the admin.
    pub fn wait(&mut self, seq: u32, error: String) {
        if let Some(e) = self.entry(seq) {
            e.state = BatchState::Waiting;
            e.error = Some(error);
        }
    }

    /// The admin's "retry" on waiting batches.
    pub fn retry_waiting(&mut self) {
        for e in self
            .entries
            .iter_mut()
            .filter(|e| e.state == BatchState::Waiting)
        {
            e.state = BatchState::Pending;
            e.attempts = 0;
            e.error = None;
        }
    }

    /// After a reload or a pause: in-flight batches go back to pending, keeping their seq.
    pub fn resume(&mut self) {
        for e in self
            .entries
            .iter_mut()
            .filter(|e| e.state == BatchState::InFlight)
        {
            e.state = BatchState::Pending;
        }
    }

    /// Each item's latest outcome (a re-sent item's new answer replaces the old one).
    fn latest(&self) -> HashMap<&str, &ItemOutcome> {
        let mut m = HashMap::new();
        for e in &self.entries {
            for o in &e.outcomes {
                m.insert(outcome_id(o), o);
            }
        }
        m
    }

    pub fn tally(&self) -> Tally {
        let latest = self.latest();
        let accepted = latest
            .values()
            .filter(|o| matches!(o, ItemOutcome::Accepted { .. }))
            .count();
        let rejected = latest.len() - accepted;
        Tally {
            total: self.planned,
            submitted: latest.len(),
            accepted,
            rejected,
            remaining: self.planned.saturating_sub(latest.len()),
        }
    }

    pub fn rejections(&self) -> Vec<Rejection> {
        let latest = self.latest();
        let mut out: Vec<Rejection> = latest
            .values()
            .filter_map(|o| match o {
                ItemOutcome::Rejected {
                    id,
                    kind,
                    code,
                    message,
                } => Some(Rejection {
                    id: id.clone(),
                    kind: *kind,
                    code: *code,
                    message: message.clone(),
                }),
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// Sends rejected items whose code clears by itself again, as new batches. Returns how many.
    pub fn retry_rejected(&mut self, retryable: impl Fn(u32) -> bool, per_batch: usize) -> usize {
        let again: Vec<Rejection> = self
            .rejections()
            .into_iter()
            .filter(|r| retryable(r.code))
            .collect();
        // Keep each item with the successor and kind it was planned for.
        let mut groups: Vec<((String, ItemKind), Vec<String>)> = Vec::new();
        for r in &again {
            let Some(spec) = self
                .entries
                .iter()
                .find(|e| e.spec.ids.contains(&r.id))
                .map(|e| (e.spec.successor.clone(), e.spec.kind))
            else {
                continue;
            };
            match groups.iter_mut().find(|(k, _)| *k == spec) {
                Some((_, ids)) => ids.push(r.id.clone()),
                None => groups.push((spec, vec![r.id.clone()])),
            }
        }
        let mut seq = self.entries.iter().map(|e| e.spec.seq).max().unwrap_or(0);
        for ((successor, kind), ids) in groups {
            for chunk in ids.chunks(per_batch.max(1)) {
                seq += 1;
                self.entries.push(Entry {
                    spec: BatchSpec {
                        seq,
                        successor: successor.clone(),
                        kind,
                        ids: chunk.to_vec(),
                    },
                    state: BatchState::Pending,
                    attempts: 0,
                    error: None,
                    outcomes: Vec::new(),
                });
            }
        }
        again.len()
    }

    pub fn waiting(&self) -> Vec<&Entry> {
        self.entries
            .iter()
            .filter(|e| e.state == BatchState::Waiting)
            .collect()
    }

    pub fn in_flight(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.state == BatchState::InFlight)
            .count()
    }

    pub fn is_finished(&self) -> bool {
        self.entries.iter().all(|e| e.state == BatchState::Done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::Assignment;
    use crate::domain::plan::plan;

    fn ledger(n: usize) -> Ledger {
        let a = Assignment {
            successor: "s".into(),
            customer_ids: (0..n).map(|i| format!("c{i}")).collect(),
            group_ids: vec![],
        };
        Ledger::new("h".into(), plan(&[a], 100))
    }

    fn answer(spec: &BatchSpec, reject: impl Fn(&str) -> Option<u32>) -> BatchResult {
        BatchResult {
            seq: spec.seq,
            outcomes: spec
                .ids
                .iter()
                .map(|id| match reject(id) {
                    Some(code) => ItemOutcome::Rejected {
                        id: id.clone(),
                        kind: ItemKind::Customer,
                        code,
                        message: "m".into(),
                    },
                    None => ItemOutcome::Accepted {
                        id: id.clone(),
                        kind: ItemKind::Customer,
                        takeover_at: "t".into(),
                    },
                })
                .collect(),
        }
    }

    #[test]
    fn runs_to_the_end_and_tallies() {
        let mut l = ledger(250);
        assert_eq!(l.tally().remaining, 250);
        while let Some(spec) = l.take_next() {
            let r = answer(&spec, |id| (id == "c7").then_some(40100));
            l.record(spec.seq, r);
        }
        assert!(l.is_finished());
        let t = l.tally();
        assert_eq!(
            (t.total, t.submitted, t.accepted, t.rejected, t.remaining),
            (250, 250, 249, 1, 0)
        );
        assert_eq!(l.rejections()[0].code, 40100);
    }

    #[test]
    fn a_reload_resends_in_flight_batches_with_their_seq_and_never_done_ones() {
        let mut l = ledger(300);
        let first = l.take_next().unwrap();
        l.record(first.seq, answer(&first, |_| None));
        let second = l.take_next().unwrap();
        let json = serde_json::to_string(&l).unwrap();
        let mut back: Ledger = serde_json::from_str(&json).unwrap();
        back.resume();
        let again = back.take_next().unwrap();
        assert_eq!(again, second, "same seq, same items");
        let third = back.take_next().unwrap();
        assert_eq!(third.seq, 3);
        assert!(back.take_next().is_none());
    }

    #[test]
    fn waiting_batches_retry_on_the_admins_word() {
        let mut l = ledger(100);
        let s = l.take_next().unwrap();
        assert_eq!(l.attempt(s.seq), 2);
        l.wait(s.seq, "offline".into());
        assert!(l.take_next().is_none());
        assert_eq!(l.waiting().len(), 1);
        l.retry_waiting();
        assert_eq!(l.take_next().unwrap().seq, s.seq);
    }

    #[test]
    fn retryable_rejections_go_out_again_as_new_batches() {
        let mut l = ledger(150);
        while let Some(spec) = l.take_next() {
            let r = answer(&spec, |id| match id {
                "c1" | "c120" => Some(40128),
                "c2" => Some(40096),
                _ => None,
            });
            l.record(spec.seq, r);
        }
        assert_eq!(l.retry_rejected(crate::domain::codes::is_retryable, 100), 2);
        let spec = l.take_next().unwrap();
        assert_eq!(spec.seq, 3);
        assert_eq!(spec.ids, vec!["c1".to_string(), "c120".to_string()]);
        l.record(spec.seq, answer(&spec, |_| None));
        let t = l.tally();
        assert_eq!((t.accepted, t.rejected), (149, 1), "latest answer wins");
    }
}
