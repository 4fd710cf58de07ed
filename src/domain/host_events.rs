//! What the app tells the page that embeds it: the `handover:*` events, their details, and
//! how often progress may be told. Plain Rust; `ui::host` dispatches them.

use serde_json::{json, Value};

use super::ledger::{Phase, Tally};
use super::wizard::Step;

/// At most this many progress events a second (250 ms apart).
pub const PROGRESS_INTERVAL_MS: f64 = 250.0;

#[derive(Clone, Debug, PartialEq)]
pub enum HostEvent {
    Ready {
        demo: bool,
        locale: &'static str,
    },
    Step(Step),
    Created {
        id: String,
        customers: usize,
        groups: usize,
    },
    RunProgress {
        id: String,
        tally: Tally,
    },
    Completed {
        id: String,
        tally: Tally,
    },
    /// The run stopped on batches that need the admin.
    Failed {
        id: String,
        held_batches: usize,
        tally: Tally,
    },
    /// A request answered 401: the host refreshes the session and calls `setToken`.
    Unauthenticated {
        login_url: Option<String>,
    },
}

fn counts(t: &Tally) -> Value {
    json!({
        "total": t.total,
        "submitted": t.submitted,
        "accepted": t.accepted,
        "rejected": t.rejected,
        "remaining": t.remaining,
    })
}

impl HostEvent {
    pub fn name(&self) -> &'static str {
        match self {
            HostEvent::Ready { .. } => "handover:ready",
            HostEvent::Step(_) => "handover:step",
            HostEvent::Created { .. } => "handover:created",
            HostEvent::RunProgress { .. } => "handover:run-progress",
            HostEvent::Completed { .. } => "handover:completed",
            HostEvent::Failed { .. } => "handover:failed",
            HostEvent::Unauthenticated { .. } => "handover:unauthenticated",
        }
    }

    /// The event's `detail` (documented in the README's Embedding section).
    pub fn detail(&self) -> Value {
        match self {
            HostEvent::Ready { demo, locale } => json!({ "demo": demo, "locale": locale }),
            HostEvent::Step(s) => json!({ "step": s.slug(), "index": s.index() }),
            HostEvent::Created {
                id,
                customers,
                groups,
            } => json!({ "id": id, "customers": customers, "groups": groups }),
            HostEvent::RunProgress { id, tally } | HostEvent::Completed { id, tally } => {
                json!({ "id": id, "counts": counts(tally) })
            }
            HostEvent::Failed {
                id,
                held_batches,
                tally,
            } => json!({ "id": id, "heldBatches": held_batches, "counts": counts(tally) }),
            HostEvent::Unauthenticated { login_url } => json!({ "loginUrl": login_url }),
        }
    }
}

/// What a run's change means for the host: progress (throttled), or how it ended (once).
#[derive(Clone, Debug, Default)]
pub struct RunReporter {
    /// The handover whose run this reporter has seen.
    seen: Option<String>,
    last_progress_ms: Option<f64>,
    /// The handover whose end was already told.
    ended: Option<String>,
    /// A progress the throttle held back, for the trailing edge.
    pending: bool,
}

impl RunReporter {
    /// The events to dispatch now for the run's state at `now_ms`.
    pub fn observe(
        &mut self,
        id: &str,
        phase: Phase,
        tally: &Tally,
        now_ms: f64,
    ) -> Vec<HostEvent> {
        let mut out = Vec::new();
        if self.seen.as_deref() != Some(id) {
            // A run restored already over (a remount, a reload) was told when it ended.
            *self = RunReporter {
                seen: Some(id.into()),
                ended: (phase != Phase::Running).then(|| id.into()),
                ..RunReporter::default()
            };
        }
        if self.ended.as_deref() == Some(id) {
            if phase != Phase::Running {
                return out;
            }
            // Held batches sent again: the run may end again.
            self.ended = None;
        }
        let due = self
            .last_progress_ms
            .is_none_or(|t| now_ms - t >= PROGRESS_INTERVAL_MS);
        let end = match phase {
            Phase::Finished => Some(HostEvent::Completed {
                id: id.into(),
                tally: tally.clone(),
            }),
            Phase::Held { batches } => Some(HostEvent::Failed {
                id: id.into(),
                held_batches: batches,
                tally: tally.clone(),
            }),
            _ => None,
        };
        if due || end.is_some() {
            out.push(HostEvent::RunProgress {
                id: id.into(),
                tally: tally.clone(),
            });
            self.last_progress_ms = Some(now_ms);
            self.pending = false;
        } else {
            self.pending = true;
        }
        if let Some(e) = end {
            self.ended = Some(id.into());
            out.push(e);
        }
        out
    }

    /// A progress the throttle held back is owed (the caller schedules `observe` again).
    pub fn owes(&self) -> bool {
        self.pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(submitted: usize, total: usize) -> Tally {
        Tally {
            total,
            submitted,
            accepted: submitted,
            remaining: total - submitted,
            ..Tally::default()
        }
    }

    #[test]
    fn progress_is_told_at_most_four_times_a_second() {
        let mut r = RunReporter::default();
        let mut told = 0;
        for ms in 0..1000 {
            told += r
                .observe("h", Phase::Running, &tally(ms / 10, 200), ms as f64)
                .len();
        }
        assert_eq!(told, 4);
        assert!(r.owes(), "the latest progress is still owed");
    }

    #[test]
    fn the_end_is_told_once_with_a_last_progress() {
        let mut r = RunReporter::default();
        r.observe("h", Phase::Running, &tally(10, 20), 0.0);
        let end = r.observe("h", Phase::Finished, &tally(20, 20), 10.0);
        assert_eq!(
            end.iter().map(HostEvent::name).collect::<Vec<_>>(),
            vec!["handover:run-progress", "handover:completed"]
        );
        assert_eq!(end[1].detail()["counts"]["accepted"], 20);
        assert!(r
            .observe("h", Phase::Finished, &tally(20, 20), 900.0)
            .is_empty());
    }

    #[test]
    fn a_run_restored_already_over_is_not_told_again_but_a_retried_one_is() {
        let mut r = RunReporter::default();
        assert!(r
            .observe("h", Phase::Finished, &tally(20, 20), 0.0)
            .is_empty());
        assert!(r
            .observe("h", Phase::Held { batches: 1 }, &tally(10, 20), 0.0)
            .is_empty());
        // The admin sends the held batches again, and the run ends for real.
        assert_eq!(
            r.observe("h", Phase::Running, &tally(10, 20), 10.0).len(),
            1
        );
        let end = r.observe("h", Phase::Finished, &tally(20, 20), 20.0);
        assert_eq!(end[1].name(), "handover:completed");
        // Another run: told from its start.
        assert_eq!(r.observe("k", Phase::Running, &tally(0, 5), 30.0).len(), 1);
    }

    #[test]
    fn held_batches_are_a_failure() {
        let mut r = RunReporter::default();
        r.observe("h", Phase::Running, &tally(0, 20), 0.0);
        let out = r.observe("h", Phase::Held { batches: 2 }, &tally(10, 20), 500.0);
        assert_eq!(out[1].name(), "handover:failed");
        assert_eq!(out[1].detail()["heldBatches"], 2);
    }

    #[test]
    fn details_name_what_a_host_needs() {
        assert_eq!(
            HostEvent::Step(Step::Customers).detail(),
            json!({"step": "customers", "index": 1})
        );
        let c = HostEvent::Created {
            id: "ho-1".into(),
            customers: 3,
            groups: 1,
        };
        assert_eq!(
            c.detail(),
            json!({"id": "ho-1", "customers": 3, "groups": 1})
        );
        assert_eq!(
            HostEvent::Unauthenticated { login_url: None }.detail(),
            json!({ "loginUrl": null })
        );
    }
}
