//! The directory read again from WeCom now and then, so that members who left since start-up
//! (and customers or groups that appeared) show without a restart. Read without holding the
//! store; swapped in with the records and the policy kept. WeCom unreachable: the directory in
//! use stays, and the next round tries again.

use std::sync::Arc;
use std::time::Duration;

use handover_console::demo::Store;

use super::{dataset, Client};
use crate::AppState;

/// Runs forever (the task ends with the runtime).
pub async fn run(app: Arc<AppState>, client: Arc<Client>, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        if let Err(e) = once(&app, &client).await {
            tracing::warn!("wecom: directory not reloaded (the previous one stays): {e}");
        }
    }
}

/// One reload.
pub async fn once(app: &AppState, client: &Client) -> Result<(), String> {
    let anchor = app.shared.lock().await.store.state().anchor;
    let loaded = dataset::load(client, anchor)
        .await
        .map_err(|e| e.to_string())?;
    let mut shared = app.shared.lock().await;
    app.ledger
        .refresh(&mut shared)
        .await
        .map_err(|e| e.to_string())?;
    let old = &shared.store;
    let mut fresh = Store::with_directory(
        old.options().clone(),
        loaded.data,
        loaded.customers,
        loaded.groups,
        old.state().clone(),
    );
    fresh.set_policy(old.policy().clone());
    shared.store = fresh;
    Ok(())
}
