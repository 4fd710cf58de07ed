//! The reference backend: every path of openapi.yaml under `/api`, answered by the demo store.

// Problems travel on the cold path only (see the app crate).
#![allow(clippy::result_large_err)]

pub mod config;
mod faults;
pub mod ledger;
pub mod ops;
pub mod permissions;
mod request_id;
mod routes;
mod statics;
pub mod totp;
pub mod wecom;

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use handover_console::demo::{Options, Store};
use tokio::net::TcpListener;

pub use config::Config;
use ledger::{Ledger, Shared, SqlLedger};

pub struct AppState {
    /// The demo store (the directory, and a cache of the ledger): one request at a time, held
    /// across the ledger's commit so that what is answered is what was stored.
    pub shared: tokio::sync::Mutex<Shared>,
    pub ledger: Ledger,
    pub config: Config,
    faults: faults::Tallies,
}

/// Locks and recovers from poisoning: one panicking handler must not turn every later request
/// into a 500. The demo store then serves whatever state the panic left, which for a test and
/// demo backend beats refusing all work until a restart.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Opens the ledger `database` names (`memory`, `sqlite://…`, `postgres://…`), migrated.
pub async fn open_ledger(database: &str) -> Result<Ledger, String> {
    if database == config::MEMORY {
        return Ok(Ledger::Memory);
    }
    Ok(Ledger::Sql(SqlLedger::open(database).await?))
}

/// The whole app for `config`, its ledger opened and loaded (a database that cannot be read
/// fails here, not at the first request).
pub async fn router(config: Config) -> Result<Router, String> {
    let ledger = open_ledger(&config.database).await?;
    let store = Store::new(
        Options {
            seed: config.seed,
            takeover_delay_ms: config.takeover_delay_ms,
            refuse_per_mille: config.refuse_per_mille,
        },
        now_ms(),
    );
    let state = Arc::new(AppState {
        shared: tokio::sync::Mutex::new(Shared {
            store,
            synced: None,
        }),
        ledger,
        config,
        faults: faults::Tallies::default(),
    });
    {
        let mut shared = state.shared.lock().await;
        state
            .ledger
            .refresh(&mut shared)
            .await
            .map_err(|e| e.to_string())?;
    }
    tracing::info!(ledger = state.ledger.name(), "records loaded");
    Ok(routes::router(state))
}

/// Serves until SIGINT or SIGTERM, then lets in-flight requests finish. The first line on
/// stdout is the bound address (useful with port 0): tools parse it, so logs go to stderr.
pub async fn serve(config: Config) -> std::io::Result<()> {
    // The ledger first: "listening" must mean ready.
    let app = router(config.clone())
        .await
        .map_err(std::io::Error::other)?;
    let listener = TcpListener::bind(&config.addr).await?;
    let addr = listener.local_addr()?;
    println!("handover-backend listening on http://{addr}");
    // Not "listening on": tools/with-backend.sh greps stdout and stderr together for that.
    tracing::info!(%addr, "accepting connections");
    run(listener, app, shutdown_signal()).await
}

/// [`serve`] on a bound listener until `shutdown` completes (tests pass their own signal).
pub async fn serve_on(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(config).await.map_err(std::io::Error::other)?;
    run(listener, app, shutdown).await
}

async fn run(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM (what `kill`, systemd and container runtimes send).
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

/// Request logs to stderr, filtered by `RUST_LOG` (default: this crate at info).
pub fn init_logging() {
    use tracing_subscriber::EnvFilter;
    const DEFAULT: &str = "handover_backend=info";
    let filter = match std::env::var("RUST_LOG") {
        Ok(v) if !v.trim().is_empty() => EnvFilter::try_new(&v).unwrap_or_else(|e| {
            eprintln!("handover-backend: ignoring RUST_LOG={v:?} ({e}); using {DEFAULT}");
            EnvFilter::new(DEFAULT)
        }),
        _ => EnvFilter::new(DEFAULT),
    };
    // Fails only when a subscriber is already installed; keep that one.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
