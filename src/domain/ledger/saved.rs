//! The ledger as local storage keeps it: an answered batch's outcomes by their position in its
//! spec (`by_position`), so a 20,000-item ledger is about a seventh of the JSON it was. That
//! keeps a save short (one runs every 2 s during a run) and leaves room in the origin's storage
//! quota (about 5 MB) for other runs and the demo's state. Outcomes of another shape are saved
//! whole, and ledgers saved whole by earlier versions still load.

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use super::{BatchState, Entry, Index, Ledger};
use crate::api::types::ItemOutcome;
use crate::api::ApiError;
use crate::domain::by_position::{by_position, outcomes, ByPosition};
use crate::domain::plan::BatchSpec;

/// A ledger as saved (the same fields, without the summary, which is rebuilt).
#[derive(Deserialize)]
pub(super) struct StoredLedger {
    handover_id: String,
    entries: Vec<Entry>,
    planned: usize,
}

impl From<StoredLedger> for Ledger {
    fn from(s: StoredLedger) -> Ledger {
        let index = Index::build(&s.entries);
        Ledger {
            handover_id: s.handover_id,
            entries: s.entries,
            planned: s.planned,
            index,
        }
    }
}

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let answers = by_position(&self.spec.lists(), &self.outcomes);
        let mut s = serializer.serialize_struct("Entry", 6)?;
        s.serialize_field("spec", &self.spec)?;
        s.serialize_field("state", &self.state)?;
        s.serialize_field("attempts", &self.attempts)?;
        if let Some(error) = &self.error {
            s.serialize_field("error", error)?;
        }
        if let Some(failure) = &self.failure {
            s.serialize_field("failure", failure)?;
        }
        match answers {
            Some(a) if a.is_empty() => {}
            Some(a) => s.serialize_field("answers", &a)?,
            None => s.serialize_field("outcomes", &self.outcomes)?,
        }
        s.serialize_field("reasks", &self.reasks)?;
        s.end()
    }
}

/// An entry as saved: its outcomes whole (`outcomes`: earlier versions, and answers of
/// another shape) or by position (`answers`).
#[derive(Deserialize)]
pub(super) struct StoredEntry {
    spec: BatchSpec,
    state: BatchState,
    attempts: u32,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    failure: Option<ApiError>,
    #[serde(default)]
    outcomes: Vec<ItemOutcome>,
    #[serde(default)]
    answers: Option<ByPosition<String>>,
    /// Ledgers saved before re-asks existed have none.
    #[serde(default)]
    reasks: u32,
}

impl TryFrom<StoredEntry> for Entry {
    type Error = &'static str;

    fn try_from(s: StoredEntry) -> Result<Entry, &'static str> {
        let outcomes = match s.answers {
            Some(answers) => outcomes(&s.spec.lists(), answers)?,
            None => s.outcomes,
        };
        Ok(Entry {
            spec: s.spec,
            state: s.state,
            attempts: s.attempts,
            error: s.error,
            failure: s.failure,
            outcomes,
            reasks: s.reasks,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{Assignment, BatchResult, ItemKind};
    use crate::domain::by_position::tests::accepted;
    use crate::domain::plan::plan;
    use serde_json::json;

    fn rejected(id: &str, code: u32) -> ItemOutcome {
        ItemOutcome::Rejected {
            id: id.into(),
            kind: ItemKind::Customer,
            code,
            message: format!("<b>{code}</b> \"quoted\""),
        }
    }

    /// A ledger of one 10-customer batch (c0…c9) that got these outcomes.
    fn answered(outcomes: Vec<ItemOutcome>) -> Ledger {
        let a = Assignment {
            successor: "s".into(),
            customer_ids: (0..10).map(|i| format!("c{i}")).collect(),
            group_ids: vec![],
        };
        let mut l = Ledger::new("h".into(), plan(vec![a], 100));
        let spec = l.take_next().unwrap();
        l.entries[0].outcomes = outcomes;
        l.entries[0].state = BatchState::Done;
        l.index = Index::build(&l.entries);
        assert_eq!(spec.seq, 1);
        l
    }

    fn saved_entry(l: &Ledger) -> serde_json::Value {
        serde_json::to_value(l).unwrap()["entries"][0].clone()
    }

    fn read_back(l: &Ledger) -> Ledger {
        serde_json::from_str(&serde_json::to_string(l).unwrap()).unwrap()
    }

    #[test]
    fn a_backends_usual_answer_is_saved_by_position_and_reads_back_the_same() {
        let mut outcomes: Vec<ItemOutcome> = (0..10)
            .map(|i| accepted(&format!("c{i}"), ItemKind::Customer, "2026-11-27T10:00:00Z"))
            .collect();
        outcomes[3] = rejected("c3", 40096);
        outcomes[7] = accepted("c7", ItemKind::Customer, "2026-11-27T10:00:01Z");
        outcomes.remove(8); // left out: asked again later
        let l = answered(outcomes);
        let e = saved_entry(&l);
        assert!(e.get("outcomes").is_none(), "{e}");
        assert_eq!(
            e["answers"],
            serde_json::json!({
                "times": ["2026-11-27T10:00:00Z", "2026-11-27T10:00:01Z"],
                "accepted": [3, 0, 3, 4, 7, 9, 10, 1, 7, 8],
                "rejected": [3, 40096],
                "messages": ["<b>40096</b> \"quoted\""],
            })
        );
        let back = read_back(&l);
        assert_eq!(back, l);
        assert_eq!(back.tally(), l.tally());
        assert_eq!(back.rejections(), l.rejections());
    }

    #[test]
    fn answers_of_another_shape_are_saved_whole() {
        let t = "2026-11-27T10:00:00Z";
        let shapes = [
            (
                "out of order",
                vec![
                    accepted("c2", ItemKind::Customer, t),
                    accepted("c1", ItemKind::Customer, t),
                ],
            ),
            (
                "twice",
                vec![accepted("c1", ItemKind::Customer, t), rejected("c1", 40096)],
            ),
            (
                "not in the batch",
                vec![
                    accepted("c1", ItemKind::Customer, t),
                    accepted("x", ItemKind::Customer, t),
                ],
            ),
            ("another kind", vec![accepted("c1", ItemKind::Group, t)]),
        ];
        for (what, outcomes) in shapes {
            let l = answered(outcomes);
            let e = saved_entry(&l);
            assert!(e.get("answers").is_none(), "{what}: {e}");
            assert_eq!(read_back(&l), l, "{what}");
        }
        let none = answered(Vec::new());
        let e = saved_entry(&none);
        assert!(
            e.get("answers").is_none() && e.get("outcomes").is_none(),
            "{e}"
        );
        assert_eq!(read_back(&none), none);
    }

    #[test]
    fn ledgers_saved_whole_by_earlier_versions_still_load() {
        let outcomes = vec![
            accepted("c0", ItemKind::Customer, "t"),
            rejected("c1", 40128),
        ];
        let l = answered(outcomes.clone());
        let mut json = serde_json::to_value(&l).unwrap();
        let e = json["entries"][0].as_object_mut().unwrap();
        assert!(e.remove("answers").is_some());
        e.insert("outcomes".into(), serde_json::to_value(&outcomes).unwrap());
        let back: Ledger = serde_json::from_value(json).unwrap();
        assert_eq!(back, l);
        assert_eq!(back.rejections(), l.rejections());
    }

    #[test]
    fn a_damaged_save_is_an_error_not_a_crash() {
        let l = answered(vec![accepted("c0", ItemKind::Customer, "t")]);
        let json = serde_json::to_value(&l).unwrap();
        let with = |answers: serde_json::Value| {
            let mut saved = json.clone();
            saved["entries"][0]["answers"] = answers;
            serde_json::from_value::<Ledger>(saved)
        };
        let whole = with(serde_json::json!({"times": ["t"], "accepted": [1, 0, 1]}));
        assert_eq!(whole.ok(), Some(l), "undamaged");
        for (what, answers) in [
            (
                "past the batch",
                json!({"times": ["t"], "accepted": [1, 9, 11]}),
            ),
            (
                "to the end of numbers",
                json!({"times": ["t"], "accepted": [1, 0, u32::MAX]}),
            ),
            (
                "a range without its end",
                json!({"times": ["t"], "accepted": [1, 1]}),
            ),
            ("a time without its ranges", json!({"times": ["t"]})),
            ("ranges without their time", json!({"accepted": [1, 0, 1]})),
            (
                "a rejection without its message",
                json!({"rejected": [1, 40096]}),
            ),
            (
                "one item twice",
                json!({"times": ["t"], "accepted": [1, 0, 2], "rejected": [1, 1], "messages": ["m"]}),
            ),
        ] {
            assert!(with(answers).is_err(), "{what}");
        }
    }

    #[test]
    fn a_twenty_thousand_item_ledger_saves_little_more_than_its_ids() {
        let ids: Vec<String> = (0..20_000)
            .map(|i| format!("wmAbCdEfGhIjKlMnOpQrStUvWx{i:06}"))
            .collect();
        let id_bytes: usize = ids.iter().map(|id| id.len() + 3).sum();
        let a = Assignment {
            successor: "s".into(),
            customer_ids: ids,
            group_ids: vec![],
        };
        let mut l = Ledger::new("h".into(), plan(vec![a], 100));
        while let Some(spec) = l.take_next() {
            let outcomes = spec
                .ids
                .iter()
                .map(|id| match id.ends_with('7') {
                    true => rejected(id, 40096),
                    false => accepted(id, ItemKind::Customer, "2026-11-27T10:00:00.123Z"),
                })
                .collect();
            l.record(
                spec.seq,
                BatchResult {
                    seq: spec.seq,
                    outcomes,
                },
            );
        }
        assert!(l.is_finished());
        let json = serde_json::to_string(&l).unwrap();
        // The ids are saved once (in the specs): whole outcomes would repeat each of them
        // with its kind and time, more than three times the ids' bytes.
        assert!(
            json.len() < id_bytes * 3 / 2,
            "{} bytes saved for {id_bytes} bytes of ids",
            json.len()
        );
        let back: Ledger = serde_json::from_str(&json).unwrap();
        assert_eq!(back, l);
        assert_eq!(back.tally(), l.tally());
    }
}
