//! Tells the host page what happens (`domain::host_events`): ready, each step, a created
//! handover, the run's progress and end, and a session that needs signing in again.

use std::time::Duration;

use leptos::prelude::*;

use super::run::SignIn;
use super::state::Ctx;
use super::{browser, host, Lang};
use crate::api::ApiError;
use crate::config::Config;
use crate::domain::host_events::{HostEvent, RunReporter};
use crate::domain::wizard::{Step, Wizard};

pub(crate) fn unauthenticated(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Status { status: 401, .. } | ApiError::BadProblem { status: 401, .. }
    )
}

/// `handover:created`, said where the handover is created (not when a remount restores it).
pub fn created(h: &crate::api::types::Handover) {
    if let Some(host) = host::current() {
        host.with_value(|host| {
            host.emit(&HostEvent::Created {
                id: h.id.clone(),
                customers: h.customer_count as usize,
                groups: h.group_count as usize,
            })
        });
    }
}

/// `told`: the step the first screen (`ui::first`) told the host it was on, after telling it
/// the console is ready; `told_unauthenticated`: it also told it the session got a 401, and
/// handed that failure over.
pub fn wire(ctx: Ctx, lang: Lang, config: &Config, told: Option<Step>, told_unauthenticated: bool) {
    let Some(host) = host::current() else {
        return;
    };
    let emit = move |e: HostEvent| {
        host.with_value(|h| h.emit(&e));
    };
    let demo = config.is_demo();
    Effect::new(move |done: Option<()>| {
        if done.is_none() && told.is_none() {
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
            if before.or(told.as_ref()) != Some(step) {
                emit(HostEvent::Step(*step))
            }
        },
        true,
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
    // A 401: a run's session expired, a token the host handed over did not help either, or the
    // session itself could not load. Each time, the host hears it (and may `setToken` again).
    let login_url = config.login_url.clone();
    let tell = move || {
        emit(HostEvent::Unauthenticated {
            login_url: login_url.clone(),
        })
    };
    let when_it_starts = {
        let tell = tell.clone();
        move |now: &bool, before: Option<&bool>, _: Option<()>| {
            if *now && before != Some(&true) {
                tell();
            }
        }
    };
    Effect::watch(move || ctx.run.expired.get(), when_it_starts.clone(), false);
    Effect::watch(
        move || ctx.run.signin.with(|s| s == &Some(SignIn::StillOut)),
        when_it_starts,
        false,
    );
    // Once for the failure the first screen handed over and told already.
    let already = StoredValue::new(told_unauthenticated);
    Effect::new(move |_| {
        if ctx
            .session
            .with(|s| matches!(s, Some(Err(e)) if unauthenticated(e)))
            && !already.try_update_value(std::mem::take).unwrap_or(false)
        {
            tell();
        }
    });
}
