//! Outcomes of waiting customer transfers, asked for in the background: WeCom sends no
//! notification, so every (departed member, successor) pair with customers past their planned
//! takeover time is asked (`transfer_result`, all pages) until each outcome is final, and
//! each final outcome is written into the ledger (it survives a restart). WeCom being down or
//! rate-limiting pauses the round; nothing is lost, the next round asks again.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use handover_console::api::types::ItemStatus;
use handover_console::demo::Unreported;

use super::api::{self, Outcome};
use super::{Client, Error};
use crate::ledger::Touch;
use crate::{now_ms, AppState};

/// The actor of the ledger writes this task makes.
const WECOM: &str = "wecom";

/// Runs forever (the task ends with the runtime).
pub async fn run(app: Arc<AppState>, client: Arc<Client>, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        round(&app, &client).await;
    }
}

/// One round over every due pair.
pub async fn round(app: &AppState, client: &Client) {
    let due = {
        let mut shared = app.shared.lock().await;
        if let Err(e) = app.ledger.refresh(&mut shared).await {
            tracing::warn!("wecom: outcome polling paused: {e}");
            return;
        }
        shared.store.unreported(now_ms())
    };
    let mut pairs: BTreeMap<(String, String), Vec<Unreported>> = BTreeMap::new();
    for u in due {
        pairs
            .entry((u.departed.clone(), u.successor.clone()))
            .or_default()
            .push(u);
    }
    for ((from, to), waiting) in pairs {
        let rows = match api::transfer_results(client, &from, &to).await {
            Ok(rows) => rows,
            Err(e @ (Error::Unavailable(_) | Error::RateLimited(_))) => {
                tracing::warn!(error = %e, "wecom: outcome polling paused");
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, "wecom: transfer_result refused; asking again later");
                continue;
            }
        };
        record(app, &rows, &waiting).await;
    }
}

/// Writes the final outcomes among `rows` for the `waiting` customers.
async fn record(app: &AppState, rows: &[Outcome], waiting: &[Unreported]) {
    let finals: BTreeMap<&str, &Outcome> = rows
        .iter()
        .filter(|o| {
            matches!(
                o.status,
                ItemStatus::TakenOver | ItemStatus::Refused | ItemStatus::LimitExceeded
            )
        })
        .map(|o| (o.id.as_str(), o))
        .collect();
    let mut shared = app.shared.lock().await;
    if let Err(e) = app.ledger.refresh(&mut shared).await {
        tracing::warn!("wecom: outcomes not recorded this round: {e}");
        return;
    }
    let now = now_ms();
    let mut changed: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for u in waiting {
        let Some(o) = finals.get(u.id.as_str()) else {
            continue;
        };
        let at = o.takeover_time.map_or(now, |s| s * 1000);
        if shared
            .store
            .record_outcome(&u.handover, &u.id, o.status, at, now)
        {
            changed.entry(&u.handover).or_default().push(u.id.clone());
        }
    }
    for (handover, ids) in changed {
        let n = ids.len();
        match app
            .ledger
            .commit(
                &mut shared,
                Touch::Outcomes(handover, &ids),
                WECOM,
                &serde_json::Value::Null,
                now,
            )
            .await
        {
            Ok(()) => tracing::info!(handover, outcomes = n, "wecom: outcomes recorded"),
            // The cache is marked stale and reloads: the items are asked about again.
            Err(e) => tracing::warn!(handover, "wecom: outcomes not recorded: {e}"),
        }
    }
}
