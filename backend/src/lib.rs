//! The reference backend: every path of openapi.yaml under `/api`, answered by the demo store.

// Problems travel on the cold path only (see the app crate).
#![allow(clippy::result_large_err)]

pub mod config;
mod faults;
mod routes;

use std::sync::{Arc, Mutex};

use axum::Router;
use handover_console::demo::{Options, Store};
use tokio::net::TcpListener;

pub use config::Config;

pub struct AppState {
    pub store: Mutex<Store>,
    pub config: Config,
    pub faults: faults::Counter,
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub fn router(config: Config) -> Router {
    let store = Store::new(
        Options {
            seed: config.seed,
            takeover_delay_ms: config.takeover_delay_ms,
            refuse_per_mille: config.refuse_per_mille,
        },
        now_ms(),
    );
    let state = Arc::new(AppState {
        store: Mutex::new(store),
        config,
        faults: faults::Counter::default(),
    });
    routes::router(state)
}

/// Serves until the process ends. Prints the bound address (useful with port 0).
pub async fn serve(config: Config) -> std::io::Result<()> {
    let listener = TcpListener::bind(&config.addr).await?;
    let addr = listener.local_addr()?;
    println!("handover-backend listening on http://{addr}");
    axum::serve(listener, router(config)).await
}
