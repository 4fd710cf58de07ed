//! What was done, apart from who exists. The seeded directory (departments, members, departed
//! members, customers, groups) lives in the demo store and is regenerated from the seed; the
//! ledger (handovers, assignments, batches and outcomes, approvals, verifications, audit events)
//! is either kept in memory (`--database memory`, today's behaviour) or in SQLite / PostgreSQL.
//!
//! With a database, the store's state is a cache of the ledger: every request first checks the
//! ledger's version (another instance may have written) and reloads when it moved; every change
//! is committed, in one transaction, before the answer goes out. A commit based on a stale copy
//! fails (the version, and for batches the (handover, seq) primary key) and the request is run
//! again on a fresh copy, where the store answers a replay from the stored result.

pub mod chain;
pub mod format;
pub mod sql;

use std::collections::HashMap;

use handover_console::demo::{PartItems, State, Store};
use serde_json::Value;

pub use sql::SqlLedger;

/// Where the ledger lives.
pub enum Ledger {
    Memory,
    Sql(SqlLedger),
}

/// The request-side view of a database ledger: which version the store's state reflects, and
/// how many events and batches of each handover are stored (what is new after an operation).
#[derive(Default)]
pub struct Synced {
    pub version: i64,
    pub stored: HashMap<String, (usize, usize)>,
}

/// The store plus what it knows of the ledger. `synced` is `None` when the state may differ
/// from the ledger (at start, after a failed commit): the next request reloads it.
pub struct Shared {
    pub store: Store,
    pub synced: Option<Synced>,
}

/// What an operation may have changed, to commit after it.
#[derive(Clone, Copy, Debug)]
pub enum Touch<'a> {
    Nothing,
    /// A verification token was issued to the acting admin.
    Token,
    /// This handover may have changed (created, batch, decision, withdrawal).
    Handover(&'a str),
    /// WeCom reported outcomes for these customers of this handover (polled; no event: the
    /// timeline derives the outcome event from the items).
    Outcomes(&'a str, &'a [String]),
}

/// Why a request could not be answered from the ledger.
#[derive(Debug)]
pub enum LedgerError {
    /// Someone else committed first (version or primary key): reload and run again.
    Conflict(String),
    /// The database is unreachable or failed.
    Unavailable(String),
}

impl std::fmt::Display for LedgerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LedgerError::Conflict(e) => write!(f, "concurrent change: {e}"),
            LedgerError::Unavailable(e) => write!(f, "database unavailable: {e}"),
        }
    }
}

impl Ledger {
    pub fn name(&self) -> &'static str {
        match self {
            Ledger::Memory => "memory",
            Ledger::Sql(s) => s.kind_name(),
        }
    }

    /// Brings the store's state up to the ledger's version.
    pub async fn refresh(&self, shared: &mut Shared) -> Result<(), LedgerError> {
        let Ledger::Sql(db) = self else {
            return Ok(());
        };
        let version = db.version().await?;
        if shared.synced.as_ref().is_some_and(|s| s.version == version) {
            return Ok(());
        }
        shared.synced = None;
        let anchor = shared.store.state().anchor;
        let (state, synced) = db.load(anchor, crate::now_ms()).await?;
        let state: State = serde_json::from_value(state)
            .map_err(|e| LedgerError::Unavailable(format!("stored records do not decode: {e}")))?;
        shared.store.set_state(state);
        shared.synced = Some(synced);
        Ok(())
    }

    /// Commits what the operation changed; on failure the cache is marked stale.
    pub async fn commit(
        &self,
        shared: &mut Shared,
        touch: Touch<'_>,
        who: &str,
        answer: &Value,
        now: i64,
    ) -> Result<(), LedgerError> {
        let Ledger::Sql(db) = self else {
            return Ok(());
        };
        let Some(synced) = shared.synced.as_mut() else {
            return Err(LedgerError::Conflict("stale copy".into()));
        };
        let result = match touch {
            Touch::Nothing => return Ok(()),
            Touch::Outcomes(id, ids) => {
                let state = shared.store.state();
                let Some(part) =
                    state.handover_part(id, usize::MAX, usize::MAX, PartItems::Customers(ids))
                else {
                    return Ok(());
                };
                let rec = decode(part.record)?;
                let items: Vec<&format::ItemRec> = rec.items.iter().collect();
                db.commit_outcomes(synced.version, id, &items).await
            }
            Touch::Token => {
                let token = answer["token"].as_str().unwrap_or_default();
                let expires = answer["expires_at"]
                    .as_str()
                    .and_then(handover_console::domain::time::parse_rfc3339)
                    .unwrap_or(now);
                db.commit_token(synced.version, token, who, expires, now)
                    .await
            }
            Touch::Handover(id) => {
                let before = synced.stored.get(id).copied();
                // What is new since the last commit (all of it for a new handover): a batch's
                // commit encodes its own batch, events and items, not the whole run's.
                let state = shared.store.state();
                let part = match before {
                    Some((events, batches)) => {
                        state.handover_part(id, batches, events, PartItems::Answered)
                    }
                    None => state.handover_part(id, 0, 0, PartItems::All),
                };
                let Some(part) = part else {
                    return Ok(());
                };
                if before.is_some_and(|(events, _)| events >= part.events) {
                    // Every change appends an event: nothing new, nothing to commit.
                    return Ok(());
                }
                let totals = (part.events, part.batches);
                let rec = decode(part.record)?;
                let result = db
                    .commit_handover(synced.version, id, &rec, before, totals.0)
                    .await;
                if result.is_ok() {
                    synced.stored.insert(id.to_string(), totals);
                }
                result
            }
        };
        match result {
            Ok(version) => {
                synced.version = version;
                Ok(())
            }
            Err(e) => {
                shared.synced = None;
                Err(e)
            }
        }
    }

    /// The chain hashes of a handover's recorded events, oldest first: `(prev_hash, hash)`.
    pub async fn chain(&self, shared: &Shared, id: &str) -> Result<Vec<chain::Link>, LedgerError> {
        match self {
            Ledger::Memory => Ok(shared
                .store
                .state()
                .handover_record(id)
                .and_then(|r| serde_json::from_value::<format::HandoverRec>(r).ok())
                .map(|r| chain::links(id, &r.events))
                .unwrap_or_default()),
            Ledger::Sql(db) => db.links(id).await,
        }
    }

    /// Whether the ledger answers (readiness).
    pub async fn ping(&self) -> Result<(), LedgerError> {
        match self {
            Ledger::Memory => Ok(()),
            Ledger::Sql(db) => db.ping().await,
        }
    }
}

/// A record (or part of one) from the store, in the ledger's format.
fn decode(record: Value) -> Result<format::HandoverRec, LedgerError> {
    serde_json::from_value(record)
        .map_err(|e| LedgerError::Unavailable(format!("record does not encode: {e}")))
}
