//! The demo store's stored format (`handover_console::demo::State` serialized), as far as the
//! ledger needs to take it apart into rows and put it back together. Sub-objects the ledger
//! does not look into stay JSON values, so they round-trip unchanged.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HandoverRec {
    /// `NewHandover` minus the verification token.
    pub request: Value,
    pub created_by: String,
    pub created_at: i64,
    /// `HandoverState`, a snake_case string.
    pub state: Value,
    pub approval_reasons: Value,
    pub important_count: i64,
    pub decided_by: Option<String>,
    pub rejection_reason: Option<String>,
    pub items: Vec<ItemRec>,
    pub batches: Vec<BatchRec>,
    pub events: Vec<EventRec>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ItemRec {
    pub id: String,
    /// `ItemKind`: "customer" or "group".
    pub kind: Value,
    pub successor: String,
    pub sent: Option<Value>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BatchRec {
    /// `NewBatch` as received.
    pub request: Value,
    /// `BatchResult` as first answered.
    pub result: Value,
    pub at: i64,
    pub takeover_at: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EventRec {
    pub kind: String,
    pub at: i64,
    pub actor: String,
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<Value>,
}

/// WeCom's answer for an item, as columns: (result, takeover_at, fate, code).
pub type SentColumns = (Option<String>, Option<i64>, Option<String>, Option<i64>);

/// `Sent` (`{"Accepted": {takeover_at, fate}}` or `{"Rejected": {code}}`) as columns.
pub fn sent_columns(sent: &Option<Value>) -> SentColumns {
    let Some(v) = sent else {
        return (None, None, None, None);
    };
    if let Some(a) = v.get("Accepted") {
        (
            Some("accepted".into()),
            a["takeover_at"].as_i64(),
            a["fate"].as_str().map(str::to_string),
            None,
        )
    } else if let Some(r) = v.get("Rejected") {
        (Some("rejected".into()), None, None, r["code"].as_i64())
    } else {
        (None, None, None, None)
    }
}

/// The columns back as `Sent`.
pub fn sent_value(c: SentColumns) -> Option<Value> {
    match c.0.as_deref() {
        Some("accepted") => Some(json!({ "Accepted": {
            "takeover_at": c.1.unwrap_or(0),
            "fate": c.2.unwrap_or_else(|| "TakenOver".into()),
        }})),
        Some("rejected") => Some(json!({ "Rejected": { "code": c.3.unwrap_or(0) } })),
        _ => None,
    }
}

/// A JSON value as a plain string column (enums serialize as strings).
pub fn text(v: &Value) -> String {
    v.as_str()
        .map(str::to_string)
        .unwrap_or_else(|| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use handover_console::api::types::*;
    use handover_console::demo::{Options, State, Store};

    /// The store's stored format decodes into these types and back without loss: a renamed
    /// field in src/demo/store/records.rs fails here instead of silently losing records.
    #[test]
    fn the_store_format_round_trips() {
        let now = 1_795_623_928_000;
        let mut s = Store::new(Options::default(), now);
        let t = s
            .verify(
                "admin-1",
                &VerificationRequest {
                    method: VerificationMethod::SmsCode,
                    code: handover_console::demo::DEMO_CODE.into(),
                },
                now,
            )
            .unwrap();
        let ids: Vec<String> = s
            .customers("admin-1", "d001", &PageQuery::default(), now)
            .unwrap()
            .items
            .into_iter()
            .filter(|c| c.transferable && !c.important)
            .take(3)
            .map(|c| c.id)
            .collect();
        let succ = s
            .members(
                "admin-1",
                &MembersQuery {
                    for_departed: Some("d001".into()),
                    limit: Some(200),
                    ..Default::default()
                },
            )
            .unwrap()
            .items
            .into_iter()
            .find(|m| m.eligible == Some(true))
            .unwrap()
            .id;
        let req = NewHandover {
            id: "h-1".into(),
            departed_member: "d001".into(),
            assignments: vec![Assignment {
                successor: succ.clone(),
                customer_ids: ids.clone(),
                group_ids: vec![],
            }],
            chat_history: ChatHistory {
                scope: ChatScope::All,
                days: None,
            },
            note: None,
            verification_token: Some(t.token),
        };
        s.create_handover("admin-1", &req, now).unwrap();
        s.submit_batch(
            "admin-1",
            "h-1",
            &NewBatch {
                seq: 1,
                successor: succ,
                customer_ids: ids[..2].to_vec(),
                group_ids: vec![],
            },
            now,
        )
        .unwrap();
        let raw = s.state().handover_record("h-1").unwrap();
        let rec: HandoverRec = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(serde_json::to_value(&rec).unwrap(), raw);
        for it in &rec.items {
            assert_eq!(sent_value(sent_columns(&it.sent)), it.sent, "{it:?}");
        }
        assert!(rec.items[0].sent.is_some() && rec.items[2].sent.is_none());
        let whole = serde_json::to_value(s.state()).unwrap();
        let back: State = serde_json::from_value(whole.clone()).unwrap();
        assert_eq!(serde_json::to_value(&back).unwrap(), whole);
    }
}
