//! Tells the host page what happens (`domain::host_events`): ready, each step, a created
//! handover, the run's progress and end, and a session that needs signing in again.

use std::time::Duration;

use leptos::prelude::*;

use super::state::Ctx;
use super::{browser, host, Lang};
use crate::api::ApiError;
use crate::config::Config;
use crate::domain::host_events::{HostEvent, RunReporter};
use crate::domain::ledger::Ledger;
use crate::domain::wizard::Wizard;

fn unauthenticated(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Status { status: 401, .. } | ApiError::BadProblem { status: 401, .. }
    )
}

pub fn wire(ctx: Ctx, lang: Lang, config: &Config) {
    let Some(host) = host::current() else {
        return;
    };
    let emit = move |e: HostEvent| {
        host.with_value(|h| h.emit(&e));
    };
    let demo = config.is_demo();
    Effect::new(move |done: Option<()>| {
        if done.is_none() {
            emit(HostEvent::Ready {
                demo,
                locale: lang.locale().tag(),
            });
        }
    });
    Effect::watch(
        move || ctx.wizard.with(Wizard::step),
        // Every change to the wizard notifies; only a new step is told.
        move |step, before, _| {
            if before != Some(step) {
                emit(HostEvent::Step(*step))
            }
        },
        true,
    );
    Effect::watch(
        move || {
            ctx.created.with(|c| {
                c.as_ref()
                    .map(|h| (h.id.clone(), h.customer_count, h.group_count))
            })
        },
        move |created, before, _| {
            // The same handover set again (a fresher copy) is not a new one.
            if let (Some(Some(b)), Some(c)) = (before, created) {
                if b.0 == c.0 {
                    return;
                }
            }
            if let Some((id, customers, groups)) = created.clone() {
                emit(HostEvent::Created {
                    id,
                    customers: customers as usize,
                    groups: groups as usize,
                });
            }
        },
        false,
    );
    let reporter = StoredValue::new(RunReporter::default());
    let trailing = StoredValue::new(false);
    fn report(
        ctx: Ctx,
        reporter: StoredValue<RunReporter>,
        trailing: StoredValue<bool>,
        emit: impl Fn(HostEvent) + Copy + 'static,
    ) {
        let Some(state) = ctx.run.ledger.try_with_untracked(|l| {
            l.as_ref()
                .map(|l| (l.handover_id.clone(), l.phase(), l.tally()))
        }) else {
            return;
        };
        let Some((id, phase, tally)) = state else {
            return;
        };
        let now = browser::now_ms() as f64;
        let Some(events) = reporter.try_update_value(|r| r.observe(&id, phase, &tally, now)) else {
            return;
        };
        for e in events {
            emit(e);
        }
        // The last progress the throttle held back goes out once the interval has passed.
        if reporter.with_value(RunReporter::owes) && !trailing.get_value() {
            trailing.set_value(true);
            set_timeout(
                move || {
                    if trailing.try_set_value(false).is_none() {
                        report(ctx, reporter, trailing, emit);
                    }
                },
                Duration::from_millis(260),
            );
        }
    }
    Effect::new(move |_| {
        ctx.run.ledger.track();
        report(ctx, reporter, trailing, emit);
    });
    // A retried run may end again.
    Effect::watch(
        move || ctx.run.ledger.with(|l| l.as_ref().map(Ledger::is_finished)),
        move |finished, _, _| {
            if *finished == Some(false) {
                reporter.update_value(RunReporter::reopen);
            }
        },
        false,
    );
    let login_url = config.login_url.clone();
    Effect::watch(
        move || {
            ctx.run.expired.get()
                || ctx
                    .session
                    .get()
                    .is_some_and(|s| s.as_ref().is_err_and(unauthenticated))
        },
        move |signed_out, before, _| {
            if *signed_out && before != Some(&true) {
                emit(HostEvent::Unauthenticated {
                    login_url: login_url.clone(),
                });
            }
        },
        true,
    );
}
