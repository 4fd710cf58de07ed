//! Whose run a saved ledger is, and who may drive it. A ledger left in local storage is a promise
//! to send batches under somebody's session: the next admin on the same browser must never send
//! it under theirs, a run saved for one backend means nothing to another, and two tabs must not
//! drive the same handover at once. The UI stores, lists and locks; these rules decide.

use serde::{Deserialize, Serialize};

use super::ledger::Ledger;
use crate::api::types::{Admin, Handover};
use crate::config::{encode_component, percent_decode, Mode};

/// Local-storage keys of saved runs start with this; the rest is backend, admin and handover.
pub const LEDGER_PREFIX: &str = "handover-console.run|";
/// Where versions before per-admin keys kept the one run ledger.
pub const LEGACY_KEY: &str = "handover-console.run";
/// The backend identity of demo mode (its store lives in this browser).
pub const DEMO_BACKEND: &str = "demo";
const LOCK_PREFIX: &str = "handover-console.drive|";

/// Which backend the page talks to, as saved ledgers name it: `demo`, or the contract's base
/// URL (relative bases are fine: local storage is per origin already).
pub fn backend_identity(mode: &Mode) -> String {
    match mode {
        Mode::Demo => DEMO_BACKEND.to_string(),
        Mode::Http { base_url } => base_url.trim().trim_end_matches('/').to_string(),
    }
}

/// Where one run is saved: per backend, per admin, per handover. The handover is part of it so
/// that a run kept with "Not now" survives the admin starting another one.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LedgerKey {
    pub backend: String,
    /// The admin whose session started (and alone may drive) the run.
    pub admin: String,
    pub handover: String,
}

impl LedgerKey {
    pub fn new(backend: &str, admin: &str, handover: &str) -> LedgerKey {
        LedgerKey {
            backend: backend.to_string(),
            admin: admin.to_string(),
            handover: handover.to_string(),
        }
    }

    /// The local-storage key. Parts are percent-encoded, so `|` only ever separates them.
    pub fn storage_key(&self) -> String {
        format!(
            "{LEDGER_PREFIX}{}|{}|{}",
            encode_component(&self.backend),
            encode_component(&self.admin),
            encode_component(&self.handover)
        )
    }

    /// The key back from a storage key; `None` for anything that is not a saved run's.
    pub fn parse(key: &str) -> Option<LedgerKey> {
        let mut parts = key.strip_prefix(LEDGER_PREFIX)?.split('|');
        let (backend, admin, handover) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || [backend, admin, handover].iter().any(|p| p.is_empty()) {
            return None;
        }
        Some(LedgerKey::new(
            &percent_decode(backend),
            &percent_decode(admin),
            &percent_decode(handover),
        ))
    }

    /// The tab lock's name: per backend and handover, not per admin, so that not even two
    /// admins' tabs in one browser send the same handover's batches at once.
    pub fn lock_name(&self) -> String {
        lock_name(&self.backend, &self.handover)
    }

    /// The admin of this session, on this backend, may drive this run.
    pub fn may_drive(&self, backend: &str, admin: &str) -> bool {
        self.backend == backend && self.admin == admin
    }
}

/// See `LedgerKey::lock_name`; also for a run saved without a session (no admin known).
pub fn lock_name(backend: &str, handover: &str) -> String {
    format!(
        "{LOCK_PREFIX}{}|{}",
        encode_component(backend),
        encode_component(handover)
    )
}

/// A run as saved: the ledger, its handover (for the run panel and the offer's sentence), and
/// who started it when (for "started by … at …").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedRun {
    pub handover: Handover,
    pub ledger: Ledger,
    pub started_by: Admin,
    /// ISO 8601 instant.
    pub started_at: String,
}

/// A `SavedRun` by reference: what a save writes (the same JSON), without copying the ledger
/// first.
#[derive(Serialize)]
pub struct SavedRunRef<'a> {
    pub handover: &'a Handover,
    pub ledger: &'a Ledger,
    pub started_by: &'a Admin,
    pub started_at: &'a str,
}

/// What a version before per-admin keys saved under `LEGACY_KEY`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LegacyRun {
    pub handover: Handover,
    pub ledger: Ledger,
}

impl LegacyRun {
    /// The saved run and its key. The old format named neither backend nor admin: it goes to
    /// the page's backend (a host page rarely changes backend) and to the admin who created the
    /// handover, so it is only ever offered to them, and never resumed without their word.
    pub fn migrate(self, backend: &str) -> (LedgerKey, SavedRun) {
        let key = LedgerKey::new(backend, &self.handover.created_by.id, &self.handover.id);
        let saved = SavedRun {
            started_by: self.handover.created_by.clone(),
            started_at: self.handover.created_at.clone(),
            handover: self.handover,
            ledger: self.ledger,
        };
        (key, saved)
    }
}

/// What the start-up offer does with one saved run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offer {
    /// This admin's unfinished run on this backend: "Resume" or "Not now".
    Resume,
    /// Another admin's unfinished run on this backend: named by its admin only ("kept for
    /// them"), never resumable here. The handover's names stay out: this admin's permissions
    /// may not reach that departed member's department.
    KeptForOther,
    /// Finished: nothing to resume; the records page has its outcome. The entry can go.
    Discard,
    /// Another backend's: not this page's to show or clean.
    Ignore,
}

pub fn offer(key: &LedgerKey, finished: bool, backend: &str, admin: &str) -> Offer {
    if key.backend != backend {
        Offer::Ignore
    } else if finished {
        Offer::Discard
    } else if key.admin == admin {
        Offer::Resume
    } else {
        Offer::KeptForOther
    }
}

/// What a tab notes in its session storage while it drives a run. Session storage survives a
/// reload of the same tab (and nothing else), so a reload goes on with the run the admin was
/// watching instead of asking again; every other start-up asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrivingNote {
    /// The run's storage key.
    pub key: String,
    /// The admin had paused it: a reload keeps it paused.
    pub paused: bool,
}

impl DrivingNote {
    /// The run a reload goes on with, if the note is this admin's on this backend.
    pub fn resumes(&self, backend: &str, admin: &str) -> Option<LedgerKey> {
        LedgerKey::parse(&self.key).filter(|k| k.may_drive(backend, admin))
    }
}

/// Where Web Locks are missing (older browsers, pages not in a secure context), tabs agree over
/// a BroadcastChannel: a tab that wants a lock asks, listens `CLAIM_LISTEN_MS`, then claims and
/// listens again; the tab that drives answers every ask and claim. Answers come from message
/// handlers, not timers, so a throttled background tab still answers.
pub const CLAIM_LISTEN_MS: u32 = 250;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Says {
    /// Who drives this lock?
    Ask,
    /// I want it (after nobody answered my ask).
    Claim,
    /// I drive it.
    Driving,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Beacon {
    pub lock: String,
    /// A random id per tab.
    pub tab: u64,
    pub says: Says,
}

impl Beacon {
    /// What a tab answers to `self`, given the locks it holds.
    pub fn answer(&self, me: u64, holds: impl Fn(&str) -> bool) -> Option<Says> {
        (self.tab != me && self.says != Says::Driving && holds(&self.lock)).then_some(Says::Driving)
    }
}

/// After listening: the claim stands unless a tab drives the lock, or a rival claimed it at the
/// same time with a lower id (so of two simultaneous claims exactly one wins).
pub fn claim_stands(me: u64, lock: &str, heard: &[Beacon]) -> bool {
    !heard.iter().any(|b| {
        b.lock == lock
            && b.tab != me
            && match b.says {
                Says::Driving => true,
                Says::Claim => b.tab < me,
                Says::Ask => false,
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::{BatchResult, HandoverState, ItemKind, ItemOutcome};
    use crate::domain::plan::BatchSpec;

    fn handover(id: &str, by: &str) -> Handover {
        let json = serde_json::json!({
            "id": id,
            "state": "ready",
            "departed_member": { "id": "d1", "name": "王伟" },
            "successors": [{ "id": "m1", "name": "李娜" }],
            "created_by": { "id": by, "name": "周静" },
            "created_at": "2026-01-02T03:04:05Z",
            "chat_history": { "scope": "none" },
            "customer_count": 2,
            "group_count": 0,
            "important_count": 0,
            "approval_required": false,
            "counts": { "unsent": 2, "waiting": 0, "taken_over": 0, "refused": 0, "limit_exceeded": 0, "failed": 0 }
        });
        serde_json::from_value(json).unwrap()
    }

    fn ledger(id: &str) -> Ledger {
        Ledger::new(
            id.into(),
            vec![BatchSpec {
                seq: 1,
                successor: "m1".into(),
                kind: ItemKind::Customer,
                ids: vec!["c1".into(), "c2".into()],
            }],
        )
    }

    #[test]
    fn the_key_names_backend_admin_and_handover_and_parses_back() {
        let k = LedgerKey::new("https://hr.example/api", "admin|1", "ho-1/é");
        let s = k.storage_key();
        assert!(s.starts_with(LEDGER_PREFIX));
        assert_eq!(s.matches('|').count(), 3, "separators only: {s}");
        assert_eq!(LedgerKey::parse(&s), Some(k.clone()));
        assert_ne!(
            k.storage_key(),
            LedgerKey::new("demo", "admin|1", "ho-1/é").storage_key()
        );
        assert_ne!(
            k.storage_key(),
            LedgerKey::new("https://hr.example/api", "admin-2", "ho-1/é").storage_key()
        );
        for bad in [
            LEGACY_KEY,
            "handover-console.run|a|b",
            "handover-console.run|a|b|c|d",
            "handover-console.run||b|c",
            "handover-console.wizard",
        ] {
            assert_eq!(LedgerKey::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_backend_identity_is_demo_or_the_base_url() {
        assert_eq!(backend_identity(&Mode::Demo), "demo");
        let m = Mode::Http {
            base_url: "/api/".into(),
        };
        assert_eq!(backend_identity(&m), "/api");
    }

    #[test]
    fn one_lock_per_backend_and_handover_whoever_the_admin() {
        let a = LedgerKey::new("demo", "admin-1", "ho-1");
        let b = LedgerKey::new("demo", "admin-2", "ho-1");
        assert_eq!(a.lock_name(), b.lock_name());
        assert_ne!(
            a.lock_name(),
            LedgerKey::new("/api", "admin-1", "ho-1").lock_name()
        );
        assert_ne!(
            a.lock_name(),
            LedgerKey::new("demo", "admin-1", "ho-2").lock_name()
        );
        assert_eq!(a.lock_name(), lock_name("demo", "ho-1"));
    }

    #[test]
    fn only_the_admin_who_started_a_run_is_offered_it() {
        let k = LedgerKey::new("demo", "admin-1", "ho-1");
        assert_eq!(offer(&k, false, "demo", "admin-1"), Offer::Resume);
        assert_eq!(offer(&k, false, "demo", "admin-2"), Offer::KeptForOther);
        assert_eq!(offer(&k, true, "demo", "admin-1"), Offer::Discard);
        assert_eq!(offer(&k, true, "demo", "admin-2"), Offer::Discard);
        assert_eq!(offer(&k, false, "/api", "admin-1"), Offer::Ignore);
        assert_eq!(offer(&k, true, "/api", "admin-1"), Offer::Ignore);
        assert!(k.may_drive("demo", "admin-1"));
        assert!(!k.may_drive("demo", "admin-2"));
        assert!(!k.may_drive("/api", "admin-1"));
    }

    #[test]
    fn a_reload_goes_on_only_with_this_admins_run_on_this_backend() {
        let k = LedgerKey::new("/api", "admin-1", "ho-1");
        let note = DrivingNote {
            key: k.storage_key(),
            paused: false,
        };
        assert_eq!(note.resumes("/api", "admin-1"), Some(k));
        assert_eq!(note.resumes("/api", "admin-2"), None, "another admin");
        assert_eq!(note.resumes("demo", "admin-1"), None, "another backend");
        let junk = DrivingNote {
            key: "nonsense".into(),
            paused: true,
        };
        assert_eq!(junk.resumes("/api", "admin-1"), None);
    }

    #[test]
    fn a_legacy_ledger_goes_to_the_admin_who_created_the_handover() {
        let legacy = LegacyRun {
            handover: handover("ho-9", "admin-2"),
            ledger: ledger("ho-9"),
        };
        let json = serde_json::to_string(&legacy).unwrap();
        let back: LegacyRun = serde_json::from_str(&json).unwrap();
        let (key, saved) = back.migrate("demo");
        assert_eq!(key, LedgerKey::new("demo", "admin-2", "ho-9"));
        assert_eq!(saved.started_by.id, "admin-2");
        assert_eq!(saved.started_at, "2026-01-02T03:04:05Z");
        assert_eq!(offer(&key, false, "demo", "admin-1"), Offer::KeptForOther);
        assert_eq!(offer(&key, false, "demo", "admin-2"), Offer::Resume);
        assert!(
            serde_json::from_str::<SavedRun>(&json).is_err(),
            "an old record never passes for a new one"
        );
    }

    #[test]
    fn a_saved_run_round_trips_with_its_progress() {
        let mut l = ledger("ho-1");
        let spec = l.take_next().unwrap();
        l.record(
            spec.seq,
            BatchResult {
                seq: spec.seq,
                outcomes: vec![ItemOutcome::Accepted {
                    id: "c1".into(),
                    kind: ItemKind::Customer,
                    takeover_at: "t".into(),
                }],
            },
        );
        let saved = SavedRun {
            handover: handover("ho-1", "admin-1"),
            ledger: l,
            started_by: Admin {
                id: "admin-1".into(),
                name: "周静".into(),
            },
            started_at: "2026-01-02T03:04:05.000Z".into(),
        };
        let json = serde_json::to_string(&saved).unwrap();
        let by_ref = SavedRunRef {
            handover: &saved.handover,
            ledger: &saved.ledger,
            started_by: &saved.started_by,
            started_at: &saved.started_at,
        };
        assert_eq!(
            serde_json::to_string(&by_ref).unwrap(),
            json,
            "saved by reference"
        );
        let back: SavedRun = serde_json::from_str(&json).unwrap();
        assert_eq!(back, saved);
        assert_eq!(back.handover.state, HandoverState::Ready);
        assert_eq!(back.ledger.tally().accepted, 1);
    }

    fn beacon(tab: u64, says: Says) -> Beacon {
        Beacon {
            lock: "L".into(),
            tab,
            says,
        }
    }

    #[test]
    fn of_two_simultaneous_claims_exactly_one_stands() {
        let heard_by_5 = [beacon(5, Says::Ask), beacon(9, Says::Claim)];
        let heard_by_9 = [beacon(9, Says::Ask), beacon(5, Says::Claim)];
        assert!(claim_stands(5, "L", &heard_by_5));
        assert!(!claim_stands(9, "L", &heard_by_9));
        assert!(!claim_stands(5, "L", &[beacon(7, Says::Driving)]));
        assert!(
            claim_stands(5, "L", &[beacon(1, Says::Ask)]),
            "an ask is no claim"
        );
        let other_lock = Beacon {
            lock: "M".into(),
            ..beacon(1, Says::Driving)
        };
        assert!(claim_stands(5, "L", &[other_lock]));
        assert!(claim_stands(5, "L", &[]));
    }

    #[test]
    fn the_driving_tab_answers_asks_and_claims_for_its_locks_only() {
        let holds = |l: &str| l == "L";
        assert_eq!(beacon(2, Says::Ask).answer(1, holds), Some(Says::Driving));
        assert_eq!(beacon(2, Says::Claim).answer(1, holds), Some(Says::Driving));
        assert_eq!(beacon(2, Says::Driving).answer(1, holds), None);
        assert_eq!(beacon(1, Says::Ask).answer(1, holds), None, "not to itself");
        assert_eq!(beacon(2, Says::Ask).answer(1, |_| false), None);
    }
}
