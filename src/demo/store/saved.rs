//! The demo's state as local storage keeps it. Saved as it is, one run of the demo's
//! 20,000-customer member made it 5 MB, each customer's id four times over, which is the whole
//! quota browsers give an origin's local storage: the last saves failed, and a reload lost the
//! end of the run. This form keeps what is sent of each item in the order the request
//! names the items, run-length, and each batch's answer by position (`by_position`); a
//! handover or batch of another shape is kept whole. `State`'s decoder reads both forms, so demos
//! saved before still load with one decoder (the later module's: `api::demo::read_saved`).
//!
//! Backends that persist the store take it apart by `State`'s own format, which is unchanged.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::records::{BatchRec, EventRec, HandoverRec, Head, ItemRec, Sent, State, TokenRec};
use crate::api::types::{
    ApprovalReason, BatchResult, HandoverState, ItemKind, NewBatch, NewHandover,
};
use crate::domain::by_position::{by_position, of_request, outcomes, ByPosition};

/// `State` as the demo saves it: the same fields, its handovers and batches in their saved
/// form.
#[derive(Serialize)]
struct SavedRef<'a> {
    anchor: i64,
    handovers: Vec<HandoverRef<'a>>,
    tokens: &'a [TokenRec],
    group_days: &'a BTreeMap<String, u32>,
    next_token: u64,
}

#[derive(Serialize)]
struct HandoverRef<'a> {
    #[serde(flatten)]
    head: Head<'a>,
    /// What was sent of the request's items, in its order, as runs: each run's length in
    /// `runs`, its value in `sent`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    runs: Vec<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sent: Option<Vec<&'a Option<Sent>>>,
    /// The items whole, when they are not the request's (`sent` is then absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<&'a [ItemRec]>,
    batches: Vec<BatchRef<'a>>,
    events: &'a [EventRec],
}

#[derive(Serialize)]
struct BatchRef<'a> {
    request: &'a NewBatch,
    #[serde(skip_serializing_if = "Option::is_none")]
    answers: Option<ByPosition<&'a str>>,
    /// The answer whole, when it is not by position.
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<&'a BatchResult>,
    at: i64,
    takeover_at: i64,
}

/// A handover as stored: as `State` writes it (`items`), or as the demo saves it (`sent`).
#[derive(Deserialize)]
pub(super) struct StoredHandover {
    request: NewHandover,
    created_by: String,
    created_at: i64,
    state: HandoverState,
    approval_reasons: Vec<ApprovalReason>,
    important_count: u32,
    decided_by: Option<String>,
    rejection_reason: Option<String>,
    #[serde(default)]
    items: Vec<ItemRec>,
    #[serde(default)]
    runs: Vec<u32>,
    #[serde(default)]
    sent: Option<Vec<Option<Sent>>>,
    batches: Vec<BatchRec>,
    events: Vec<EventRec>,
}

/// A batch as stored: its answer whole (`result`) or by position (`answers`).
#[derive(Deserialize)]
pub(super) struct StoredBatch {
    request: NewBatch,
    #[serde(default)]
    result: Option<BatchResult>,
    #[serde(default)]
    answers: Option<ByPosition<String>>,
    at: i64,
    takeover_at: i64,
}

/// The items a handover's request names, in its order (the order the store creates them in):
/// id, kind, successor.
fn named(request: &NewHandover) -> impl Iterator<Item = (&String, ItemKind, &String)> {
    request.assignments.iter().flat_map(|a| {
        let customers = a.customer_ids.iter().map(|id| (id, ItemKind::Customer));
        let groups = a.group_ids.iter().map(|id| (id, ItemKind::Group));
        customers
            .chain(groups)
            .map(move |(id, kind)| (id, kind, &a.successor))
    })
}

/// Runs of the items' `sent`, when the items are the request's: lengths and values.
type Runs<'a> = (Vec<u32>, Vec<&'a Option<Sent>>);

fn runs(h: &HandoverRec) -> Option<Runs<'_>> {
    let (mut lengths, mut values): Runs = (Vec::new(), Vec::new());
    let mut named = named(&h.request);
    for it in &h.items {
        let (id, kind, successor) = named.next()?;
        if it.id != *id || it.kind != kind || it.successor != *successor {
            return None;
        }
        match (lengths.last_mut(), values.last()) {
            (Some(n), Some(sent)) if **sent == it.sent => *n += 1,
            _ => {
                lengths.push(1);
                values.push(&it.sent);
            }
        }
    }
    named.next().is_none().then_some((lengths, values))
}

fn batch_ref(b: &BatchRec) -> BatchRef<'_> {
    let answers = (b.result.seq == b.request.seq)
        .then(|| by_position(&of_request(&b.request), &b.result.outcomes))
        .flatten();
    BatchRef {
        request: &b.request,
        result: answers.is_none().then_some(&b.result),
        answers,
        at: b.at,
        takeover_at: b.takeover_at,
    }
}

impl State {
    /// The state as the demo keeps it in local storage (see the module's doc).
    pub fn to_saved_json(&self) -> Result<String, serde_json::Error> {
        let handovers = self.handovers.iter().map(|h| {
            let (runs, sent) = match runs(h) {
                Some((lengths, values)) => (lengths, Some(values)),
                None => (Vec::new(), None),
            };
            HandoverRef {
                head: h.head(),
                items: sent.is_none().then_some(h.items.as_slice()),
                runs,
                sent,
                batches: h.batches.iter().map(batch_ref).collect(),
                events: &h.events,
            }
        });
        serde_json::to_string(&SavedRef {
            anchor: self.anchor,
            handovers: handovers.collect(),
            tokens: &self.tokens,
            group_days: &self.group_days,
            next_token: self.next_token,
        })
    }
}

impl TryFrom<StoredHandover> for HandoverRec {
    type Error = &'static str;

    fn try_from(h: StoredHandover) -> Result<HandoverRec, &'static str> {
        let items = match h.sent {
            None => h.items,
            Some(values) => {
                if values.len() != h.runs.len() {
                    return Err("runs without their length");
                }
                let unsent = |(id, kind, successor): (&String, ItemKind, &String)| ItemRec {
                    id: id.clone(),
                    kind,
                    successor: successor.clone(),
                    sent: None,
                };
                let mut items: Vec<ItemRec> = named(&h.request).map(unsent).collect();
                let mut at = 0;
                for (count, sent) in h.runs.into_iter().zip(values) {
                    let count = count as usize;
                    let run = items.get_mut(at..).and_then(|rest| rest.get_mut(..count));
                    let run = run.ok_or("more sent than items")?;
                    run.iter_mut().for_each(|it| it.sent.clone_from(&sent));
                    at += count;
                }
                if at != items.len() {
                    return Err("fewer sent than items");
                }
                items
            }
        };
        Ok(HandoverRec {
            request: h.request,
            created_by: h.created_by,
            created_at: h.created_at,
            state: h.state,
            approval_reasons: h.approval_reasons,
            important_count: h.important_count,
            decided_by: h.decided_by,
            rejection_reason: h.rejection_reason,
            items,
            batches: h.batches,
            events: h.events,
            positions: Default::default(),
            accepted: Default::default(),
        })
    }
}

impl TryFrom<StoredBatch> for BatchRec {
    type Error = &'static str;

    fn try_from(b: StoredBatch) -> Result<BatchRec, &'static str> {
        let result = match (b.result, b.answers) {
            (Some(result), _) => result,
            (None, Some(answers)) => BatchResult {
                seq: b.request.seq,
                outcomes: outcomes(&of_request(&b.request), answers)?,
            },
            (None, None) => return Err("a batch without its answer"),
        };
        Ok(BatchRec {
            request: b.request,
            result,
            at: b.at,
            takeover_at: b.takeover_at,
        })
    }
}
