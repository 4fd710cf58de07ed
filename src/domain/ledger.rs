//! The run's ledger: what was sent, what was answered, what waits. WeCom gives no request ids,
//! so the client keeps this record itself; it lives in local storage so a reloaded tab resumes
//! without sending any batch again as new work (a batch that was in flight is re-sent with its
//! sequence number, which the backend answers idempotently). Every item of a batch must come
//! back with an outcome: an answer that leaves some out is asked again (same seq, same body)
//! before the run may call the batch done.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::plan::BatchSpec;
use crate::api::types::{BatchResult, ItemKind, ItemOutcome};
use crate::api::ApiError;

mod saved;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BatchState {
    Pending,
    InFlight,
    Done,
    /// Retries spent: waits for the admin's "retry".
    Waiting,
    /// Answered, but the answers left items without an outcome even after `MAX_REASKS` more
    /// asks: waits for the admin's "retry" (which asks again).
    Unconfirmed,
}

/// Times a batch is asked again for outcomes its answer left out, before the admin decides.
pub const MAX_REASKS: u32 = 3;

/// What an answer did to its batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// Every item has an outcome: the batch is done.
    Confirmed,
    /// `missing` items have no outcome: ask again (the `reask`th time) with the same seq and
    /// body.
    AskAgain { missing: usize, reask: u32 },
    /// Still `missing` outcomes with the re-asks spent: the batch waits for the admin.
    Unconfirmed { missing: usize },
    /// No batch with this seq is in flight (a late answer); nothing changed.
    Unknown,
}

/// Where the run stands, as far as the ledger knows (pause, offline and an expired session are
/// the page's flags; see `RunFlags`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Batches to send or in flight.
    Running,
    /// Nothing left to send, but batches wait for the admin (failed or unconfirmed).
    Held { batches: usize },
    /// Every batch done.
    Finished,
}

/// Why a batch waits for the admin.
#[derive(Clone, Debug, PartialEq)]
pub enum HeldWhy {
    /// Its retries are spent: the error, worded when shown.
    Failed(ApiError),
    /// The same, from a ledger saved before errors were kept as kinds (already worded).
    FailedWorded(String),
    /// The backend never confirmed the outcome of this many of its items.
    Unconfirmed(usize),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Held {
    pub seq: u32,
    pub why: HeldWhy,
}

/// What the page adds to the ledger's phase.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunFlags {
    pub paused: bool,
    pub offline: bool,
    /// A request met a 401: every worker stopped.
    pub expired: bool,
    /// Another tab drives this run; this one only shows it.
    pub elsewhere: bool,
}

/// The one sentence the run's live status says, so it always agrees with the counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStatus {
    /// Another tab drives the run.
    Elsewhere,
    Expired,
    Offline,
    Paused,
    Progress {
        submitted: usize,
        total: usize,
    },
    Held {
        batches: usize,
    },
    /// Every batch done; `rejected` items were refused (0: everything accepted).
    Done {
        rejected: usize,
    },
}

impl RunStatus {
    /// From the same phase and tally the counts show, so the sentence cannot lag them. A
    /// finished run says how it ended whatever the flags (nothing is left to pause); otherwise
    /// another tab driving it, an expired session, offline and pause come first.
    pub fn of(phase: Phase, tally: &Tally, flags: RunFlags) -> RunStatus {
        if phase == Phase::Finished {
            return RunStatus::Done {
                rejected: tally.rejected,
            };
        }
        if flags.elsewhere {
            return RunStatus::Elsewhere;
        }
        if flags.expired {
            return RunStatus::Expired;
        }
        if flags.offline {
            return RunStatus::Offline;
        }
        if flags.paused {
            return RunStatus::Paused;
        }
        match phase {
            Phase::Held { batches } => RunStatus::Held { batches },
            _ => RunStatus::Progress {
                submitted: tally.submitted,
                total: tally.total,
            },
        }
    }
}

/// Paces what the run's live region announces. Every answer moves the count (dozens a second
/// on a fast run), and a polite region that changes that often has a screen reader reading
/// numbers without end. A change of state (paused, done, held, …) is said at once; progress at
/// most every `PROGRESS_EVERY_MS`. The visible sentence is not paced: it agrees with the counts.
#[derive(Clone, Debug, Default)]
pub struct Announcer {
    said: Option<(RunStatus, f64)>,
}

impl Announcer {
    pub const PROGRESS_EVERY_MS: f64 = 5_000.0;

    /// The status the region should say now (`None`: leave it as it is), at `now_ms`.
    pub fn hear(&mut self, status: RunStatus, now_ms: f64) -> Option<RunStatus> {
        let due = match self.said {
            Some((said, _)) if said == status => false,
            Some((RunStatus::Progress { .. }, at))
                if matches!(status, RunStatus::Progress { .. }) =>
            {
                now_ms - at >= Self::PROGRESS_EVERY_MS
            }
            _ => true,
        };
        due.then(|| {
            self.said = Some((status, now_ms));
            status
        })
    }
}

impl Tally {
    /// `(value, max)` of the run's progress bar (items with an outcome of all planned), or
    /// `None` for an indeterminate bar: never "of 0".
    pub fn bar(&self) -> Option<(usize, usize)> {
        (self.total > 0).then(|| (self.submitted.min(self.total), self.total))
    }
}

/// One batch of the run: its spec, where it stands and its answers (`saved` has its stored
/// form).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(try_from = "saved::StoredEntry")]
pub struct Entry {
    pub spec: BatchSpec,
    pub state: BatchState,
    pub attempts: u32,
    /// Why it waits, as ledgers saved before errors were kept as kinds said it (already
    /// worded); read only when `failure` is missing.
    pub error: Option<String>,
    /// Why it waits: the error itself (kind, status, code), worded when shown.
    pub failure: Option<ApiError>,
    pub outcomes: Vec<ItemOutcome>,
    /// Times the batch was asked again for outcomes an answer left out.
    pub reasks: u32,
}

/// The run's counts; `accepted + rejected + unconfirmed + remaining == total` always.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub total: usize,
    /// Items with an outcome (accepted or rejected).
    pub submitted: usize,
    pub accepted: usize,
    pub rejected: usize,
    /// Items of answered batches whose outcome the backend has not confirmed.
    pub unconfirmed: usize,
    pub remaining: usize,
}

/// One successor's part of a run; `accepted + rejected + remaining == total`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SuccessorTally {
    pub successor: String,
    pub total: usize,
    pub accepted: usize,
    pub rejected: usize,
    /// Not answered yet (to send, in flight, or unconfirmed).
    pub remaining: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub id: String,
    pub kind: ItemKind,
    pub code: u32,
    pub message: String,
}

/// The run's record. Every change goes through its methods, which keep a summary (`Index`) in
/// step, so that what the page shows after each answer costs the same at the first batch as at
/// the last: counts, per-successor progress, phase and rejections are read off the summary, not
/// recounted over the whole ledger. Only the record itself is saved; the summary is rebuilt when
/// a saved ledger is read back.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(from = "saved::StoredLedger")]
pub struct Ledger {
    pub handover_id: String,
    entries: Vec<Entry>,
    /// Items in the original plan (retries re-send some of them; they are not new items).
    pub planned: usize,
    #[serde(skip)]
    index: Index,
}

/// Two ledgers are equal when their records are (the summary follows from the record).
impl PartialEq for Ledger {
    fn eq(&self, other: &Ledger) -> bool {
        self.handover_id == other.handover_id
            && self.planned == other.planned
            && self.entries == other.entries
    }
}

/// What the ledger's readers need, kept up to date by each change (see `Ledger`).
#[derive(Clone, Debug, Default)]
struct Index {
    /// Every item any batch carries: its successor and its latest outcome.
    items: HashMap<String, Item>,
    /// Per successor, in the order the plan first names them.
    successors: Vec<SuccessorTally>,
    /// Items whose latest outcome is an acceptance, or a rejection.
    accepted: usize,
    rejected: usize,
    /// The latest outcomes that are rejections, by item id.
    rejections: BTreeMap<String, Rejection>,
    /// Changes whenever `rejections` does, and differs between ledgers (see `rejections_mark`).
    rejections_mark: u64,
    /// Batches in each state (`slot`).
    states: [usize; 5],
    /// Positions of batches that were asked again or are unconfirmed: only their items can be
    /// unconfirmed.
    reasked: BTreeSet<usize>,
    /// No batch before this position is pending.
    next_pending: usize,
}

#[derive(Clone, Copy, Debug)]
struct Item {
    /// Position in `Index::successors`: the successor of the first batch that carries it.
    successor: usize,
    /// The position of the batch that holds the item's latest outcome (a later batch's answer
    /// wins), and whether that outcome is an acceptance.
    latest: Option<(usize, bool)>,
}

/// A number no other change of any ledger in this page had (marks of `Index::rejections`).
fn fresh_mark() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn slot(state: BatchState) -> usize {
    match state {
        BatchState::Pending => 0,
        BatchState::InFlight => 1,
        BatchState::Done => 2,
        BatchState::Waiting => 3,
        BatchState::Unconfirmed => 4,
    }
}

impl Index {
    fn build(entries: &[Entry]) -> Index {
        let mut ix = Index::default();
        for (pos, e) in entries.iter().enumerate() {
            ix.add(pos, e);
        }
        for (pos, e) in entries.iter().enumerate() {
            for o in &e.outcomes {
                ix.outcome(pos, o);
            }
        }
        ix.next_pending = 0;
        ix
    }

    /// A batch joins the ledger at `pos`.
    fn add(&mut self, pos: usize, e: &Entry) {
        self.states[slot(e.state)] += 1;
        if e.state == BatchState::Pending {
            self.next_pending = self.next_pending.min(pos);
        }
        if e.state == BatchState::Unconfirmed || e.reasks > 0 {
            self.reasked.insert(pos);
        }
        let s = match self
            .successors
            .iter()
            .position(|t| t.successor == e.spec.successor)
        {
            Some(s) => s,
            None => {
                self.successors.push(SuccessorTally {
                    successor: e.spec.successor.clone(),
                    ..SuccessorTally::default()
                });
                self.successors.len() - 1
            }
        };
        for id in &e.spec.ids {
            // A retry re-sends items planned before: each item counts once.
            if !self.items.contains_key(id.as_str()) {
                self.items.insert(
                    id.clone(),
                    Item {
                        successor: s,
                        latest: None,
                    },
                );
                self.successors[s].total += 1;
                self.successors[s].remaining += 1;
            }
        }
    }

    /// The batch at `pos` answered `o` for one of its items.
    fn outcome(&mut self, pos: usize, o: &ItemOutcome) {
        let id = outcome_id(o);
        let Some(item) = self.items.get_mut(id) else {
            return;
        };
        if item.latest.is_some_and(|(p, _)| p > pos) {
            // A later batch already answered for it.
            return;
        }
        let t = &mut self.successors[item.successor];
        match item.latest {
            Some((_, true)) => {
                self.accepted -= 1;
                t.accepted -= 1;
            }
            Some((_, false)) => {
                self.rejected -= 1;
                t.rejected -= 1;
            }
            None => t.remaining -= 1,
        }
        match o {
            ItemOutcome::Accepted { .. } => {
                item.latest = Some((pos, true));
                self.accepted += 1;
                t.accepted += 1;
                if self.rejections.remove(id).is_some() {
                    self.rejections_mark = fresh_mark();
                }
            }
            ItemOutcome::Rejected {
                id,
                kind,
                code,
                message,
            } => {
                item.latest = Some((pos, false));
                self.rejected += 1;
                t.rejected += 1;
                self.rejections.insert(
                    id.clone(),
                    Rejection {
                        id: id.clone(),
                        kind: *kind,
                        code: *code,
                        message: message.clone(),
                    },
                );
                self.rejections_mark = fresh_mark();
            }
        }
    }

    fn has_outcome(&self, id: &str) -> bool {
        self.items.get(id).is_some_and(|i| i.latest.is_some())
    }
}

fn outcome_id(o: &ItemOutcome) -> &str {
    match o {
        ItemOutcome::Accepted { id, .. } | ItemOutcome::Rejected { id, .. } => id,
    }
}

fn new_entry(spec: BatchSpec) -> Entry {
    Entry {
        spec,
        state: BatchState::Pending,
        attempts: 0,
        error: None,
        failure: None,
        outcomes: Vec::new(),
        reasks: 0,
    }
}

impl Ledger {
    pub fn new(handover_id: String, plan: Vec<BatchSpec>) -> Ledger {
        let planned = plan.iter().map(|b| b.ids.len()).sum();
        let entries: Vec<Entry> = plan.into_iter().map(new_entry).collect();
        Ledger {
            handover_id,
            planned,
            index: Index::build(&entries),
            entries,
        }
    }

    /// The batches, in plan order (read only: changes go through the methods).
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Where the batch `seq` is. Sequence numbers grow with the position (the plan numbers
    /// them in order, retries add higher ones), so a binary search finds it; a ledger that
    /// breaks that order is still searched through.
    fn position(&self, seq: u32) -> Option<usize> {
        match self.entries.binary_search_by_key(&seq, |e| e.spec.seq) {
            Ok(p) => Some(p),
            Err(_) => self.entries.iter().position(|e| e.spec.seq == seq),
        }
        .filter(|&p| self.entries[p].spec.seq == seq)
    }

    fn set_state(&mut self, pos: usize, state: BatchState) {
        let Some(e) = self.entries.get_mut(pos) else {
            return;
        };
        let ix = &mut self.index;
        ix.states[slot(e.state)] -= 1;
        ix.states[slot(state)] += 1;
        e.state = state;
        if state == BatchState::Pending {
            ix.next_pending = ix.next_pending.min(pos);
        }
    }

    /// Attempts made at a batch so far (the first one included).
    pub fn attempts(&self, seq: u32) -> u32 {
        self.position(seq).map_or(0, |p| self.entries[p].attempts)
    }

    /// Puts an in-flight batch back to pending, keeping its seq: the run was paused, went
    /// offline or met an expired session while it waited.
    pub fn release(&mut self, seq: u32) {
        if let Some(p) = self
            .position(seq)
            .filter(|&p| self.entries[p].state == BatchState::InFlight)
        {
            self.set_state(p, BatchState::Pending);
        }
    }

    /// Puts an in-flight batch back to pending to be asked again as the same attempt (a re-ask
    /// of outcomes its answer left out is not a retry): the next `take_next` sends it first.
    /// For a run whose worker gave its place to the next batch when the answer's head came in.
    pub fn requeue(&mut self, seq: u32) {
        if let Some(p) = self
            .position(seq)
            .filter(|&p| self.entries[p].state == BatchState::InFlight)
        {
            self.set_state(p, BatchState::Pending);
            let e = &mut self.entries[p];
            e.attempts = e.attempts.saturating_sub(1);
        }
    }

    /// The next batch to send, now in flight.
    pub fn take_next(&mut self) -> Option<BatchSpec> {
        let from = self.index.next_pending;
        let found =
            (from..self.entries.len()).find(|&p| self.entries[p].state == BatchState::Pending);
        self.index.next_pending = found.unwrap_or(self.entries.len());
        let p = found?;
        self.set_state(p, BatchState::InFlight);
        let e = &mut self.entries[p];
        e.attempts += 1;
        Some(e.spec.clone())
    }

    /// One more attempt of an in-flight batch (after a transient failure).
    pub fn attempt(&mut self, seq: u32) -> u32 {
        self.position(seq).map_or(0, |p| {
            let e = &mut self.entries[p];
            e.attempts += 1;
            e.attempts
        })
    }

    /// Takes a batch's answer. Outcomes for items the batch did not carry are ignored; a later
    /// answer's outcome replaces an earlier one of the same item (a re-ask answers all again).
    /// Costs the batch's size, whatever the size of the run.
    pub fn record(&mut self, seq: u32, result: BatchResult) -> Recorded {
        // A pending batch may be answered too: a resume put it back while its request was out.
        let Some(p) = self.position(seq).filter(|&p| {
            matches!(
                self.entries[p].state,
                BatchState::InFlight | BatchState::Pending
            )
        }) else {
            return Recorded::Unknown;
        };
        let e = &mut self.entries[p];
        for o in result.outcomes {
            if !e.spec.ids.iter().any(|id| id == outcome_id(&o)) {
                continue;
            }
            self.index.outcome(p, &o);
            match e
                .outcomes
                .iter_mut()
                .find(|x| outcome_id(x) == outcome_id(&o))
            {
                Some(x) => *x = o,
                None => e.outcomes.push(o),
            }
        }
        let missing = e.spec.ids.len().saturating_sub(e.outcomes.len());
        e.error = None;
        if missing == 0 {
            self.set_state(p, BatchState::Done);
            Recorded::Confirmed
        } else if e.reasks < MAX_REASKS {
            e.reasks += 1;
            let reask = e.reasks;
            self.index.reasked.insert(p);
            self.set_state(p, BatchState::InFlight);
            Recorded::AskAgain { missing, reask }
        } else {
            self.index.reasked.insert(p);
            self.set_state(p, BatchState::Unconfirmed);
            Recorded::Unconfirmed { missing }
        }
    }

    /// Retries are spent: the batch waits for the admin.
    pub fn wait(&mut self, seq: u32, error: ApiError) {
        if let Some(p) = self.position(seq) {
            self.set_state(p, BatchState::Waiting);
            let e = &mut self.entries[p];
            e.error = None;
            e.failure = Some(error);
        }
    }

    /// The admin's "retry" on held batches (failed or unconfirmed): same seq, same items.
    pub fn retry_waiting(&mut self) {
        for p in 0..self.entries.len() {
            if !matches!(
                self.entries[p].state,
                BatchState::Waiting | BatchState::Unconfirmed
            ) {
                continue;
            }
            self.set_state(p, BatchState::Pending);
            self.index.reasked.remove(&p);
            let e = &mut self.entries[p];
            e.attempts = 0;
            e.reasks = 0;
            e.error = None;
            e.failure = None;
        }
    }

    /// After a reload or a pause: in-flight batches go back to pending, keeping their seq.
    pub fn resume(&mut self) {
        for p in 0..self.entries.len() {
            if self.entries[p].state == BatchState::InFlight {
                self.set_state(p, BatchState::Pending);
            }
        }
    }

    /// Items of answered batches still without any outcome (re-asks count as answered): only
    /// re-asked or unconfirmed batches can hold them.
    fn unconfirmed(&self) -> usize {
        let mut seen: HashSet<&str> = HashSet::new();
        for &p in &self.index.reasked {
            if let Some(e) = self.entries.get(p) {
                seen.extend(
                    e.spec
                        .ids
                        .iter()
                        .map(String::as_str)
                        .filter(|id| !self.index.has_outcome(id)),
                );
            }
        }
        seen.len()
    }

    pub fn tally(&self) -> Tally {
        let (accepted, rejected) = (self.index.accepted, self.index.rejected);
        let submitted = accepted + rejected;
        let unconfirmed = self.unconfirmed();
        Tally {
            total: self.planned,
            submitted,
            accepted,
            rejected,
            unconfirmed,
            remaining: self
                .planned
                .saturating_sub(submitted)
                .saturating_sub(unconfirmed),
        }
    }

    /// The run per successor (issue 13), in the order the plan first names them: each one's
    /// items, with an outcome accepted or rejected, and still to send or confirm.
    pub fn by_successor(&self) -> Vec<SuccessorTally> {
        self.index.successors.clone()
    }

    /// Changes exactly when `rejections` may have: a page recomputes that list only then. Two
    /// ledgers (e.g. one read back from storage) never share a mark.
    pub fn rejections_mark(&self) -> u64 {
        self.index.rejections_mark
    }

    /// Items whose latest outcome is a rejection, by id.
    pub fn rejections(&self) -> Vec<Rejection> {
        self.index.rejections.values().cloned().collect()
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
                let entry = new_entry(BatchSpec {
                    seq,
                    successor: successor.clone(),
                    kind,
                    ids: chunk.to_vec(),
                });
                self.index.add(self.entries.len(), &entry);
                self.entries.push(entry);
            }
        }
        again.len()
    }

    /// Batches that wait for the admin, and why.
    pub fn held(&self) -> Vec<Held> {
        if self.held_batches() == 0 {
            return Vec::new();
        }
        self.entries
            .iter()
            .filter_map(|e| {
                let why = match e.state {
                    BatchState::Waiting => match (&e.failure, &e.error) {
                        (Some(f), _) => HeldWhy::Failed(f.clone()),
                        (None, Some(text)) => HeldWhy::FailedWorded(text.clone()),
                        (None, None) => HeldWhy::Failed(ApiError::Network(String::new())),
                    },
                    BatchState::Unconfirmed => {
                        HeldWhy::Unconfirmed(e.spec.ids.len().saturating_sub(e.outcomes.len()))
                    }
                    _ => return None,
                };
                Some(Held {
                    seq: e.spec.seq,
                    why,
                })
            })
            .collect()
    }

    fn count(&self, state: BatchState) -> usize {
        self.index.states[slot(state)]
    }

    fn held_batches(&self) -> usize {
        self.count(BatchState::Waiting) + self.count(BatchState::Unconfirmed)
    }

    pub fn phase(&self) -> Phase {
        if self.count(BatchState::Pending) + self.count(BatchState::InFlight) > 0 {
            return Phase::Running;
        }
        match self.held_batches() {
            0 => Phase::Finished,
            batches => Phase::Held { batches },
        }
    }

    /// What the live status says (`RunStatus::of` with this ledger's phase and tally).
    pub fn status(&self, flags: RunFlags) -> RunStatus {
        RunStatus::of(self.phase(), &self.tally(), flags)
    }

    pub fn in_flight(&self) -> usize {
        self.count(BatchState::InFlight)
    }

    pub fn is_finished(&self) -> bool {
        self.count(BatchState::Done) == self.entries.len()
    }

    /// Leaving the page asks first only while this tab has batches out: their answers would be
    /// lost to the ledger (they are re-sent with their seq later, but the admin should know).
    /// A paused or finished run, or one another tab drives, lets the page go quietly.
    pub fn asks_before_leaving(&self, flags: RunFlags) -> bool {
        !flags.elsewhere && self.in_flight() > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::Assignment;
    use crate::domain::plan::plan;

    fn progress(submitted: usize) -> RunStatus {
        RunStatus::Progress {
            submitted,
            total: 1_000,
        }
    }

    #[test]
    fn the_announcer_says_states_at_once_and_progress_at_most_every_five_seconds() {
        let mut a = Announcer::default();
        assert_eq!(a.hear(progress(0), 0.0), Some(progress(0)), "the start");
        assert_eq!(a.hear(progress(100), 60.0), None, "an answer later");
        assert_eq!(a.hear(progress(900), 4_999.0), None);
        assert_eq!(
            a.hear(progress(950), 5_000.0),
            Some(progress(950)),
            "five seconds on"
        );
        assert_eq!(a.hear(progress(960), 5_100.0), None);
        assert_eq!(
            a.hear(RunStatus::Paused, 5_200.0),
            Some(RunStatus::Paused),
            "a pause at once"
        );
        assert_eq!(a.hear(RunStatus::Paused, 5_300.0), None, "said once");
        assert_eq!(
            a.hear(progress(960), 5_400.0),
            Some(progress(960)),
            "resumed"
        );
        assert_eq!(
            a.hear(RunStatus::Done { rejected: 0 }, 5_450.0),
            Some(RunStatus::Done { rejected: 0 }),
            "the end at once"
        );
    }

    fn ledger(n: usize) -> Ledger {
        let a = Assignment {
            successor: "s".into(),
            customer_ids: (0..n).map(|i| format!("c{i}")).collect(),
            group_ids: vec![],
        };
        Ledger::new("h".into(), plan(vec![a], 100))
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
    fn each_successor_has_its_own_tally_and_a_retry_counts_items_once() {
        let assign = |s: &str, n: usize| Assignment {
            successor: s.into(),
            customer_ids: (0..n).map(|i| format!("{s}-c{i}")).collect(),
            group_ids: vec![],
        };
        let mut l = Ledger::new(
            "h".into(),
            plan(vec![assign("a", 150), assign("b", 30)], 100),
        );
        let first = l.take_next().unwrap();
        l.record(
            first.seq,
            answer(&first, |id| (id == "a-c1").then_some(40128)),
        );
        let t = l.by_successor();
        assert_eq!(t.len(), 2);
        assert_eq!(
            (t[0].total, t[0].accepted, t[0].rejected, t[0].remaining),
            (150, 99, 1, 50)
        );
        assert_eq!((t[1].successor.as_str(), t[1].remaining), ("b", 30));
        while let Some(spec) = l.take_next() {
            l.record(spec.seq, answer(&spec, |_| None));
        }
        l.retry_rejected(|_| true, 100);
        let spec = l.take_next().unwrap();
        l.record(spec.seq, answer(&spec, |_| None));
        let t = l.by_successor();
        assert_eq!((t[0].total, t[0].accepted, t[0].rejected), (150, 150, 0));
        assert_eq!(t[1].accepted, 30);
        let sum: usize = t.iter().map(|t| t.total).sum();
        assert_eq!(sum, l.tally().total);
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
    fn held_reasons_are_kinds_and_old_worded_ones_still_load() {
        let mut l = ledger(100);
        let s = l.take_next().unwrap();
        l.wait(s.seq, ApiError::Timeout { after_ms: 15_000 });
        let json = serde_json::to_string(&l).unwrap();
        assert!(
            !json.contains("\"error\""),
            "no worded text is stored: {json}"
        );
        let back: Ledger = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back.held()[0].why,
            HeldWhy::Failed(ApiError::Timeout { after_ms: 15_000 })
        );
        // A ledger saved by an older version kept the sentence itself.
        let old = json.replace(
            "\"failure\":{\"Timeout\":{\"after_ms\":15000}}",
            "\"error\":\"请求超时\"",
        );
        assert_ne!(old, json);
        let back: Ledger = serde_json::from_str(&old).unwrap();
        assert_eq!(back.held()[0].why, HeldWhy::FailedWorded("请求超时".into()));
    }

    #[test]
    fn waiting_batches_retry_on_the_admins_word() {
        let mut l = ledger(100);
        let s = l.take_next().unwrap();
        assert_eq!(l.attempt(s.seq), 2);
        l.wait(s.seq, ApiError::Network("offline".into()));
        assert!(l.take_next().is_none());
        assert_eq!(
            l.held(),
            vec![Held {
                seq: s.seq,
                why: HeldWhy::Failed(ApiError::Network("offline".into()))
            }]
        );
        assert_eq!(l.phase(), Phase::Held { batches: 1 });
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

    fn drop_last(mut r: BatchResult) -> BatchResult {
        r.outcomes.pop();
        r
    }

    #[test]
    fn a_missing_outcome_is_unconfirmed_and_asked_again_until_confirmed() {
        let mut l = ledger(100);
        let s = l.take_next().unwrap();
        assert_eq!(
            l.record(s.seq, drop_last(answer(&s, |_| None))),
            Recorded::AskAgain {
                missing: 1,
                reask: 1
            }
        );
        let t = l.tally();
        assert_eq!(
            (t.accepted, t.unconfirmed, t.remaining),
            (99, 1, 0),
            "the missing item is unconfirmed, not remaining"
        );
        assert!(!l.is_finished());
        assert_eq!(l.phase(), Phase::Running);
        assert_eq!(l.take_next(), None, "the worker asks again itself");
        assert_eq!(l.record(s.seq, answer(&s, |_| None)), Recorded::Confirmed);
        let t = l.tally();
        assert_eq!((t.accepted, t.unconfirmed, t.remaining), (100, 0, 0));
        assert!(l.is_finished());
        assert_eq!(
            l.status(RunFlags::default()),
            RunStatus::Done { rejected: 0 }
        );
    }

    #[test]
    fn re_asks_are_bounded_then_the_batch_waits_as_unconfirmed() {
        let mut l = ledger(100);
        let s = l.take_next().unwrap();
        for _ in 0..MAX_REASKS {
            assert!(matches!(
                l.record(s.seq, drop_last(answer(&s, |_| None))),
                Recorded::AskAgain { .. }
            ));
        }
        assert_eq!(
            l.record(s.seq, drop_last(answer(&s, |_| None))),
            Recorded::Unconfirmed { missing: 1 }
        );
        assert_eq!(
            l.held(),
            vec![Held {
                seq: s.seq,
                why: HeldWhy::Unconfirmed(1)
            }]
        );
        assert_eq!(
            l.status(RunFlags::default()),
            RunStatus::Held { batches: 1 }
        );
        assert!(!l.is_finished(), "never \"everything was accepted\"");
        l.retry_waiting();
        let again = l.take_next().unwrap();
        assert_eq!(again, s, "same seq, same body");
        assert_eq!(l.record(s.seq, answer(&s, |_| None)), Recorded::Confirmed);
        assert!(l.is_finished());
    }

    #[test]
    fn outcomes_for_items_the_batch_did_not_carry_are_ignored() {
        let mut l = ledger(100);
        let s = l.take_next().unwrap();
        let mut r = answer(&s, |_| None);
        r.outcomes.push(ItemOutcome::Accepted {
            id: "stranger".into(),
            kind: ItemKind::Customer,
            takeover_at: "t".into(),
        });
        r.outcomes.push(r.outcomes[0].clone());
        assert_eq!(l.record(s.seq, r), Recorded::Confirmed);
        let t = l.tally();
        assert_eq!((t.submitted, t.accepted, t.total), (100, 100, 100));
        assert_eq!(
            l.record(s.seq, answer(&s, |_| None)),
            Recorded::Unknown,
            "late"
        );
        assert_eq!(l.record(99, answer(&s, |_| None)), Recorded::Unknown);
    }

    #[test]
    fn release_puts_an_in_flight_batch_back_with_its_attempts() {
        let mut l = ledger(200);
        let s = l.take_next().unwrap();
        assert_eq!(l.attempt(s.seq), 2);
        assert_eq!(l.attempts(s.seq), 2);
        l.release(s.seq);
        assert_eq!(l.take_next().unwrap().seq, s.seq);
        assert_eq!(l.attempts(s.seq), 3);
        assert_eq!(l.attempts(42), 0);
    }

    #[test]
    fn a_requeued_re_ask_goes_out_next_as_the_same_attempt() {
        let mut l = ledger(300);
        let first = l.take_next().unwrap();
        let second = l.take_next().unwrap();
        // The answer left c1 out: asked again, by whichever worker sends next.
        let partial = answer(&first, |_| None);
        let partial = BatchResult {
            outcomes: partial
                .outcomes
                .into_iter()
                .filter(|o| outcome_id(o) != "c1")
                .collect(),
            ..partial
        };
        assert_eq!(
            l.record(first.seq, partial),
            Recorded::AskAgain {
                missing: 1,
                reask: 1
            }
        );
        l.requeue(first.seq);
        assert_eq!(l.in_flight(), 1, "only the second batch is out");
        let again = l.take_next().unwrap();
        assert_eq!(
            (again.seq, again.ids.clone()),
            (first.seq, first.ids.clone())
        );
        assert_eq!(l.attempts(first.seq), 1, "a re-ask is not a retry");
        assert_eq!(
            l.record(again.seq, answer(&again, |_| None)),
            Recorded::Confirmed
        );
        // Neither a batch that is not in flight nor an unknown seq moves.
        l.requeue(first.seq);
        l.requeue(77);
        let third = l.take_next().unwrap();
        assert!(third.seq != first.seq && third.seq != second.seq);
        assert_eq!(l.take_next(), None);
    }

    #[test]
    fn the_live_status_agrees_with_the_counts() {
        let mut l = ledger(150);
        let flags = RunFlags::default();
        assert_eq!(
            l.status(flags),
            RunStatus::Progress {
                submitted: 0,
                total: 150
            }
        );
        let s = l.take_next().unwrap();
        l.record(s.seq, answer(&s, |id| (id == "c3").then_some(40096)));
        assert_eq!(
            l.status(flags),
            RunStatus::Progress {
                submitted: 100,
                total: 150
            }
        );
        let paused = RunFlags {
            paused: true,
            ..flags
        };
        assert_eq!(l.status(paused), RunStatus::Paused);
        let all = RunFlags {
            paused: true,
            offline: true,
            expired: true,
            elsewhere: false,
        };
        assert_eq!(
            l.status(all),
            RunStatus::Expired,
            "the expired session first"
        );
        let elsewhere = RunFlags {
            elsewhere: true,
            ..all
        };
        assert_eq!(
            l.status(elsewhere),
            RunStatus::Elsewhere,
            "another tab's run is that tab's to pause or resume"
        );
        let s = l.take_next().unwrap();
        l.record(s.seq, answer(&s, |_| None));
        for f in [flags, paused, all, elsewhere] {
            assert_eq!(l.status(f), RunStatus::Done { rejected: 1 }, "never 0 of N");
        }
        let t = l.tally();
        assert_eq!(
            t.accepted + t.rejected + t.unconfirmed + t.remaining,
            t.total
        );
        assert_eq!(t.bar(), Some((150, 150)));
        assert_eq!(Tally::default().bar(), None, "never of 0");
    }

    #[test]
    fn leaving_asks_first_only_while_batches_are_out_here() {
        let mut l = ledger(150);
        let here = RunFlags::default();
        assert!(!l.asks_before_leaving(here), "nothing sent yet");
        let s = l.take_next().unwrap();
        assert!(l.asks_before_leaving(here));
        let elsewhere = RunFlags {
            elsewhere: true,
            ..here
        };
        assert!(!l.asks_before_leaving(elsewhere), "another tab's batches");
        l.release(s.seq);
        assert!(!l.asks_before_leaving(here), "paused: nothing out");
        while let Some(s) = l.take_next() {
            l.record(s.seq, answer(&s, |_| None));
        }
        assert!(l.is_finished());
        assert!(!l.asks_before_leaving(here));
    }

    /// The summary's answers, recounted over the whole ledger the way the ledger counted before
    /// it kept a summary.
    mod recount {
        use super::*;

        fn latest(l: &Ledger) -> HashMap<&str, &ItemOutcome> {
            let mut m = HashMap::new();
            for e in l.entries() {
                for o in &e.outcomes {
                    m.insert(outcome_id(o), o);
                }
            }
            m
        }

        pub fn tally(l: &Ledger) -> Tally {
            let latest = latest(l);
            let accepted = latest
                .values()
                .filter(|o| matches!(o, ItemOutcome::Accepted { .. }))
                .count();
            let unconfirmed: HashSet<&str> = l
                .entries()
                .iter()
                .filter(|e| e.state == BatchState::Unconfirmed || e.reasks > 0)
                .flat_map(|e| e.spec.ids.iter().map(String::as_str))
                .filter(|id| !latest.contains_key(id))
                .collect();
            let submitted = latest.len();
            Tally {
                total: l.planned,
                submitted,
                accepted,
                rejected: submitted - accepted,
                unconfirmed: unconfirmed.len(),
                remaining: l
                    .planned
                    .saturating_sub(submitted)
                    .saturating_sub(unconfirmed.len()),
            }
        }

        pub fn by_successor(l: &Ledger) -> Vec<SuccessorTally> {
            let latest = latest(l);
            let mut out: Vec<SuccessorTally> = Vec::new();
            let mut seen: HashSet<&str> = HashSet::new();
            for e in l.entries() {
                let pos = match out.iter().position(|t| t.successor == e.spec.successor) {
                    Some(p) => p,
                    None => {
                        out.push(SuccessorTally {
                            successor: e.spec.successor.clone(),
                            ..SuccessorTally::default()
                        });
                        out.len() - 1
                    }
                };
                let t = &mut out[pos];
                for id in e.spec.ids.iter().filter(|id| seen.insert(id.as_str())) {
                    t.total += 1;
                    match latest.get(id.as_str()) {
                        Some(ItemOutcome::Accepted { .. }) => t.accepted += 1,
                        Some(ItemOutcome::Rejected { .. }) => t.rejected += 1,
                        None => t.remaining += 1,
                    }
                }
            }
            out
        }

        pub fn rejections(l: &Ledger) -> Vec<Rejection> {
            let mut out: Vec<Rejection> = latest(l)
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

        pub fn phase(l: &Ledger) -> Phase {
            let mut held = 0;
            for e in l.entries() {
                match e.state {
                    BatchState::Pending | BatchState::InFlight => return Phase::Running,
                    BatchState::Waiting | BatchState::Unconfirmed => held += 1,
                    BatchState::Done => {}
                }
            }
            if held == 0 {
                Phase::Finished
            } else {
                Phase::Held { batches: held }
            }
        }
    }

    fn assert_summary_agrees(l: &Ledger, when: &str) {
        assert_eq!(l.tally(), recount::tally(l), "tally {when}");
        assert_eq!(
            l.by_successor(),
            recount::by_successor(l),
            "by successor {when}"
        );
        assert_eq!(l.rejections(), recount::rejections(l), "rejections {when}");
        assert_eq!(l.phase(), recount::phase(l), "phase {when}");
        let in_flight = l
            .entries()
            .iter()
            .filter(|e| e.state == BatchState::InFlight)
            .count();
        assert_eq!(l.in_flight(), in_flight, "in flight {when}");
        let finished = l.entries().iter().all(|e| e.state == BatchState::Done);
        assert_eq!(l.is_finished(), finished, "finished {when}");
        // A ledger read back from storage rebuilds the same summary.
        let back: Ledger = serde_json::from_str(&serde_json::to_string(l).unwrap()).unwrap();
        assert_eq!(&back, l);
        assert_eq!(back.tally(), l.tally(), "tally read back {when}");
        assert_eq!(back.by_successor(), l.by_successor(), "read back {when}");
        assert_eq!(back.rejections(), l.rejections(), "read back {when}");
    }

    #[test]
    fn the_kept_summary_matches_a_full_recount_through_any_run() {
        // A small deterministic generator: no dependency, the same sequence every time.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for round in 0..16 {
            let assign = |s: &str, n: usize, g: usize| Assignment {
                successor: s.into(),
                customer_ids: (0..n).map(|i| format!("{s}-c{i}")).collect(),
                group_ids: (0..g).map(|i| format!("{s}-g{i}")).collect(),
            };
            let mut l = Ledger::new(
                "h".into(),
                plan(
                    vec![assign("a", 23, 4), assign("b", 9, 0), assign("c", 14, 3)],
                    5,
                ),
            );
            let mut out: Vec<BatchSpec> = Vec::new();
            for step in 0..300 {
                let when = format!("round {round}, step {step}");
                let before = (l.rejections_mark(), l.rejections());
                match next(9) {
                    0..=2 => {
                        if let Some(s) = l.take_next() {
                            out.push(s);
                        }
                    }
                    3..=5 if !out.is_empty() => {
                        let s = out.remove(next(out.len() as u64) as usize);
                        let (m, code) = (next(3) as usize, 40096 + next(2) as u32 * 32);
                        let mut r = answer(&s, |id| (id.len() % 3 == m).then_some(code));
                        if next(4) == 0 {
                            r.outcomes.pop();
                        }
                        if let Recorded::AskAgain { .. } = l.record(s.seq, r) {
                            out.push(s);
                        }
                    }
                    6 if !out.is_empty() => {
                        let s = out.remove(next(out.len() as u64) as usize);
                        match next(3) {
                            0 => l.release(s.seq),
                            1 => l.wait(s.seq, ApiError::Network("x".into())),
                            _ => {
                                l.attempt(s.seq);
                                out.push(s);
                            }
                        }
                    }
                    7 => {
                        if next(5) == 0 {
                            l.retry_waiting();
                        }
                        if next(7) == 0 && l.phase() != Phase::Running {
                            l.retry_rejected(|c| c == 40128, 4);
                        }
                    }
                    8 if next(6) == 0 => {
                        l.resume();
                        out.clear();
                    }
                    _ => {}
                }
                assert_summary_agrees(&l, &when);
                if l.rejections() != before.1 {
                    assert_ne!(l.rejections_mark(), before.0, "the mark moves {when}");
                }
            }
        }
    }

    #[test]
    fn ledgers_saved_before_re_asks_existed_still_load() {
        let mut l = ledger(10);
        l.take_next();
        let mut json: serde_json::Value = serde_json::to_value(&l).unwrap();
        json["entries"][0].as_object_mut().unwrap().remove("reasks");
        let back: Ledger = serde_json::from_value(json).unwrap();
        assert_eq!(back.entries[0].reasks, 0);
    }
}
