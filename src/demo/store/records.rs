//! What the store remembers: handovers with their items, batches and events, and verification
//! tokens. This is the stored format (local storage in demo mode): renaming a field or variant
//! forgets every saved demo.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::api::types::{
    ApprovalReason, BatchResult, EventFacts, HandoverState, ItemKind, ItemOutcome, ItemStatus,
    NewBatch, NewHandover, StatusCounts,
};

/// Everything admins changed; the only part that is persisted.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct State {
    /// The dataset's "today": departure dates are relative to it.
    pub anchor: i64,
    pub(super) handovers: Vec<HandoverRec>,
    pub(super) tokens: Vec<TokenRec>,
    /// Groups transferred per "owner|day".
    pub(super) group_days: BTreeMap<String, u32>,
    pub(super) next_token: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct TokenRec {
    pub token: String,
    pub admin: String,
    pub expires: i64,
}

/// Read through `saved::StoredHandover`: the demo's own saves may leave the items out.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "super::saved::StoredHandover")]
pub(super) struct HandoverRec {
    /// As received, minus the verification token.
    pub request: NewHandover,
    pub created_by: String,
    pub created_at: i64,
    pub state: HandoverState,
    pub approval_reasons: Vec<ApprovalReason>,
    pub important_count: u32,
    pub decided_by: Option<String>,
    pub rejection_reason: Option<String>,
    pub items: Vec<ItemRec>,
    pub batches: Vec<BatchRec>,
    pub events: Vec<EventRec>,
    /// Item id → its index in `items`, built on first use: items never change after creation
    /// (only what was sent), so a batch finds its items without scanning the whole handover.
    #[serde(skip)]
    pub positions: OnceLock<HashMap<String, usize>>,
    /// What was accepted (`Accepted`), built on first use and kept up to date as answers are
    /// recorded: a batch's checks then look up its items instead of scanning every stored one.
    #[serde(skip)]
    pub accepted: OnceLock<Accepted>,
}

/// Which items `State::handover_part` includes.
#[derive(Clone, Copy, Debug)]
pub enum PartItems<'a> {
    All,
    /// Those the included batches answered for.
    Answered,
    /// These customers.
    Customers(&'a [String]),
}

/// `State::handover_part`: the part in the stored format, and how many batches and events the
/// whole handover has.
#[derive(Debug)]
pub struct RecordPart {
    pub record: serde_json::Value,
    pub batches: usize,
    pub events: usize,
}

/// `HandoverRec`'s own fields as they serialize, shared by the forms of it that carry its items
/// and batches differently (a part of it here, the demo's saved form in `saved`).
#[derive(Serialize)]
pub(super) struct Head<'a> {
    request: &'a NewHandover,
    created_by: &'a str,
    created_at: i64,
    state: HandoverState,
    approval_reasons: &'a [ApprovalReason],
    important_count: u32,
    decided_by: &'a Option<String>,
    rejection_reason: &'a Option<String>,
}

impl HandoverRec {
    pub(super) fn head(&self) -> Head<'_> {
        Head {
            request: &self.request,
            created_by: &self.created_by,
            created_at: self.created_at,
            state: self.state,
            approval_reasons: &self.approval_reasons,
            important_count: self.important_count,
            decided_by: &self.decided_by,
            rejection_reason: &self.rejection_reason,
        }
    }
}

/// `HandoverRec` as it serializes, with some of its items, batches and events.
#[derive(Serialize)]
struct Part<'a> {
    #[serde(flatten)]
    head: Head<'a>,
    items: Vec<&'a ItemRec>,
    batches: &'a [BatchRec],
    events: &'a [EventRec],
}

/// A handover's accepted items: customers promised to each successor, and when each accepted
/// item is taken over (`i64::MAX` while WeCom has not said).
#[derive(Clone, Debug, Default)]
pub(super) struct Accepted {
    taken_over_by: HashMap<String, u32>,
    until: HashMap<String, i64>,
}

impl Accepted {
    /// Takes in `it` once it is accepted, or once its fate becomes known.
    pub fn note(&mut self, it: &ItemRec) {
        let Some(Sent::Accepted { takeover_at, fate }) = it.sent else {
            return;
        };
        let until = if fate == Fate::Unknown {
            i64::MAX
        } else {
            takeover_at
        };
        self.until.insert(it.id.clone(), until);
        if fate == Fate::TakenOver && it.kind == ItemKind::Customer {
            *self.taken_over_by.entry(it.successor.clone()).or_default() += 1;
        }
    }
}

/// The items waiting (accepted, not yet taken over) in the other handovers of one departed
/// member: WeCom refuses to move them again meanwhile.
pub(super) struct Busy<'a> {
    others: Vec<&'a Accepted>,
    now: i64,
}

impl Busy<'_> {
    pub fn contains(&self, id: &str) -> bool {
        self.others
            .iter()
            .any(|a| a.until.get(id).is_some_and(|&t| self.now < t))
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct ItemRec {
    pub id: String,
    pub kind: ItemKind,
    pub successor: String,
    pub sent: Option<Sent>,
}

/// What happens to an accepted customer once the takeover time passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Fate {
    TakenOver,
    Refused,
    LimitExceeded,
    /// Not known yet: a real WeCom says it only when asked (transfer_result, polled), so the
    /// item waits until a backend records what WeCom reported.
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(super) enum Sent {
    Accepted { takeover_at: i64, fate: Fate },
    Rejected { code: u32 },
}

/// Read through `saved::StoredBatch`: the demo's own saves keep the answer by position.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "super::saved::StoredBatch")]
pub(super) struct BatchRec {
    pub request: NewBatch,
    /// Answered again, unchanged, when the same batch is sent twice.
    pub result: BatchResult,
    pub at: i64,
    pub takeover_at: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct EventRec {
    pub kind: String,
    pub at: i64,
    pub actor: String,
    pub detail: String,
    /// Typed numbers and reasons (contract 1.2); absent from demos saved before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<EventFacts>,
}

/// An item's status at `now`: an accepted item waits until its takeover time, then has its fate.
pub(super) fn item_status(sent: &Option<Sent>, now: i64) -> ItemStatus {
    match sent {
        None => ItemStatus::Unsent,
        Some(Sent::Rejected { .. }) => ItemStatus::Failed,
        Some(Sent::Accepted {
            fate: Fate::Unknown,
            ..
        }) => ItemStatus::Waiting,
        Some(Sent::Accepted { takeover_at, .. }) if now < *takeover_at => ItemStatus::Waiting,
        Some(Sent::Accepted { fate, .. }) => match fate {
            Fate::TakenOver => ItemStatus::TakenOver,
            Fate::Refused => ItemStatus::Refused,
            Fate::LimitExceeded => ItemStatus::LimitExceeded,
            Fate::Unknown => ItemStatus::Waiting,
        },
    }
}

impl ItemRec {
    pub fn status(&self, now: i64) -> ItemStatus {
        item_status(&self.sent, now)
    }

    pub fn is_accepted(&self) -> bool {
        matches!(self.sent, Some(Sent::Accepted { .. }))
    }
}

impl HandoverRec {
    pub fn accepted(&self) -> &Accepted {
        self.accepted.get_or_init(|| {
            let mut a = Accepted::default();
            for it in &self.items {
                a.note(it);
            }
            a
        })
    }

    /// Where item `id` is in `items` (ids are unique within a handover; the first one wins).
    pub fn position(&self, id: &str) -> Option<usize> {
        self.positions
            .get_or_init(|| {
                let mut m = HashMap::with_capacity(self.items.len());
                for (k, it) in self.items.iter().enumerate() {
                    m.entry(it.id.clone()).or_insert(k);
                }
                m
            })
            .get(id)
            .copied()
    }

    pub fn count(&self, kind: ItemKind) -> u32 {
        self.items.iter().filter(|i| i.kind == kind).count() as u32
    }

    /// Per successor, in the request's order: (successor, customers, groups, outcomes).
    pub fn counts_by_successor(&self, now: i64) -> Vec<(String, u32, u32, StatusCounts)> {
        let mut out: Vec<(String, u32, u32, StatusCounts)> = self
            .request
            .assignments
            .iter()
            .map(|a| (a.successor.clone(), 0, 0, StatusCounts::default()))
            .collect();
        for it in &self.items {
            let Some(part) = out.iter_mut().find(|p| p.0 == it.successor) else {
                continue;
            };
            match it.kind {
                ItemKind::Customer => part.1 += 1,
                ItemKind::Group => part.2 += 1,
            }
            *match it.status(now) {
                ItemStatus::Unsent => &mut part.3.unsent,
                ItemStatus::Waiting => &mut part.3.waiting,
                ItemStatus::TakenOver => &mut part.3.taken_over,
                ItemStatus::Refused => &mut part.3.refused,
                ItemStatus::LimitExceeded => &mut part.3.limit_exceeded,
                ItemStatus::Failed => &mut part.3.failed,
            } += 1;
        }
        out
    }

    pub fn counts(&self, now: i64) -> StatusCounts {
        let mut counts = StatusCounts::default();
        for it in &self.items {
            let c = match it.status(now) {
                ItemStatus::Unsent => &mut counts.unsent,
                ItemStatus::Waiting => &mut counts.waiting,
                ItemStatus::TakenOver => &mut counts.taken_over,
                ItemStatus::Refused => &mut counts.refused,
                ItemStatus::LimitExceeded => &mut counts.limit_exceeded,
                ItemStatus::Failed => &mut counts.failed,
            };
            *c += 1;
        }
        counts
    }

    /// The state the admin sees: running/submitted become completed once no item is open.
    pub fn effective_state(&self, now: i64) -> HandoverState {
        match self.state {
            HandoverState::Running | HandoverState::Submitted => {
                let open = self
                    .items
                    .iter()
                    .any(|it| matches!(it.status(now), ItemStatus::Unsent | ItemStatus::Waiting));
                match (open, self.items.iter().all(|it| it.sent.is_some())) {
                    (false, _) => HandoverState::Completed,
                    (true, true) => HandoverState::Submitted,
                    (true, false) => HandoverState::Running,
                }
            }
            s => s,
        }
    }
}

impl State {
    /// Per item of a departed member: the latest status any handover gave it (unsent ones left out).
    pub(super) fn item_states(&self, departed: &str, now: i64) -> ItemStates<'_> {
        let mut m = ItemStates::default();
        for h in self
            .handovers
            .iter()
            .filter(|h| h.request.departed_member == departed)
        {
            for it in &h.items {
                let s = it.status(now);
                if s != ItemStatus::Unsent {
                    m.0.insert(it.id.as_str(), (it.kind, s));
                }
            }
        }
        m
    }

    /// Customers a successor holds or has been promised by accepted transfers.
    pub(super) fn reserved(&self, member: &str) -> u32 {
        self.handovers
            .iter()
            .filter_map(|h| h.accepted().taken_over_by.get(member))
            .sum()
    }

    /// What waits in the other handovers of handover `hi`'s departed member at `now`.
    pub(super) fn busy(&self, hi: usize, now: i64) -> Busy<'_> {
        let departed = &self.handovers[hi].request.departed_member;
        Busy {
            others: self
                .handovers
                .iter()
                .enumerate()
                .filter(|(i, o)| *i != hi && o.request.departed_member == *departed)
                .map(|(_, o)| o.accepted())
                .collect(),
            now,
        }
    }

    /// One handover in the stored format (as in the serialized `State`), for a backend that
    /// persists each handover as it changes.
    pub fn handover_record(&self, id: &str) -> Option<serde_json::Value> {
        let i = self.find_handover(id)?;
        serde_json::to_value(&self.handovers[i]).ok()
    }

    /// Part of one handover in the stored format: what a backend that persists each change
    /// needs after an operation, without the whole record (a run of 20,000 customers has 200
    /// batches; encoding all of them and every item for each one made a batch's commit grow
    /// with the run). The batches from `batches_from` and the events from `events_from` on, the
    /// items `items` picks, and the handover's own fields.
    pub fn handover_part(
        &self,
        id: &str,
        batches_from: usize,
        events_from: usize,
        items: PartItems<'_>,
    ) -> Option<RecordPart> {
        let h = &self.handovers[self.find_handover(id)?];
        let batches = &h.batches[batches_from.min(h.batches.len())..];
        let pick = |id: &str, kind: ItemKind| {
            h.position(id)
                .map(|k| &h.items[k])
                .filter(|it| it.kind == kind)
        };
        let items: Vec<&ItemRec> = match items {
            PartItems::All => h.items.iter().collect(),
            PartItems::Answered => batches
                .iter()
                .flat_map(|b| &b.result.outcomes)
                .filter_map(|o| match o {
                    ItemOutcome::Accepted { id, kind, .. }
                    | ItemOutcome::Rejected { id, kind, .. } => pick(id, *kind),
                })
                .collect(),
            PartItems::Customers(ids) => ids
                .iter()
                .filter_map(|id| pick(id, ItemKind::Customer))
                .collect(),
        };
        let part = Part {
            head: h.head(),
            items,
            batches,
            events: &h.events[events_from.min(h.events.len())..],
        };
        Some(RecordPart {
            record: serde_json::to_value(&part).ok()?,
            batches: h.batches.len(),
            events: h.events.len(),
        })
    }

    pub(super) fn find_handover(&self, id: &str) -> Option<usize> {
        self.handovers.iter().position(|h| h.request.id == id)
    }
}

/// Latest status per item id of one departed member (see [`State::item_states`]).
#[derive(Default)]
pub(super) struct ItemStates<'a>(std::collections::HashMap<&'a str, (ItemKind, ItemStatus)>);

impl ItemStates<'_> {
    pub fn status(&self, id: &str) -> Option<ItemStatus> {
        self.0.get(id).map(|(_, s)| *s)
    }

    pub fn is(&self, id: &str, status: ItemStatus) -> bool {
        self.status(id) == Some(status)
    }

    /// How many items of `kind` WeCom has handed over already.
    pub fn taken_over(&self, kind: ItemKind) -> u32 {
        self.0
            .values()
            .filter(|(k, s)| *k == kind && *s == ItemStatus::TakenOver)
            .count() as u32
    }
}
