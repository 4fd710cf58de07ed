//! The audit chain: each event of a handover stores the hash of the previous one and
//! `hash = SHA-256(prev_hash + "\n" + content)`, content being the JSON array
//! `[handover_id, n, kind, at_ms, actor, detail, facts_json_or_null]`. Changing, inserting or
//! deleting an event row breaks the chain from there on.

use sha2::{Digest, Sha256};

use super::format::EventRec;

/// The `prev_hash` of a handover's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One event's place in the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub prev_hash: String,
    pub hash: String,
}

pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The hash of event `n` of `handover` after `prev`.
#[allow(clippy::too_many_arguments)]
pub fn event_hash(
    prev: &str,
    handover: &str,
    n: i64,
    kind: &str,
    at: i64,
    actor: &str,
    detail: &str,
    facts_json: Option<&str>,
) -> String {
    let content = serde_json::json!([handover, n, kind, at, actor, detail, facts_json]);
    sha256_hex(format!("{prev}\n{content}").as_bytes())
}

/// An event's facts as stored (compact JSON, keys sorted).
pub fn facts_json(e: &EventRec) -> Option<String> {
    e.facts.as_ref().map(|f| f.to_string())
}

/// The chain over `events` of `handover`, from the genesis hash.
pub fn links(handover: &str, events: &[EventRec]) -> Vec<Link> {
    let mut prev = GENESIS.to_string();
    events
        .iter()
        .enumerate()
        .map(|(n, e)| {
            let hash = event_hash(
                &prev,
                handover,
                n as i64,
                &e.kind,
                e.at,
                &e.actor,
                &e.detail,
                facts_json(e).as_deref(),
            );
            Link {
                prev_hash: std::mem::replace(&mut prev, hash.clone()),
                hash,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: &str, detail: &str) -> EventRec {
        EventRec {
            kind: kind.into(),
            at: 1,
            actor: "admin-1".into(),
            detail: detail.into(),
            facts: Some(serde_json::json!({"seq": 1})),
        }
    }

    #[test]
    fn each_link_depends_on_everything_before() {
        let a = links("h", &[ev("created", "x"), ev("verified", "y")]);
        assert_eq!(a[0].prev_hash, GENESIS);
        assert_eq!(a[1].prev_hash, a[0].hash);
        assert_eq!(a[0].hash.len(), 64);
        let b = links("h", &[ev("created", "x!"), ev("verified", "y")]);
        assert_ne!(
            a[1].hash, b[1].hash,
            "a change upstream changes every later hash"
        );
        assert_ne!(links("other", &[ev("created", "x")])[0].hash, a[0].hash);
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
