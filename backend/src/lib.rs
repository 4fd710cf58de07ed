//! The reference backend: every path of openapi.yaml under `/api`, answered by the demo store
//! over the seeded demo company or, with `--source wecom`, over the company's WeCom (the
//! directory read from it, transfers made through it: `wecom`).

// Problems travel on the cold path only (see the app crate).
#![allow(clippy::result_large_err)]

mod auth;
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
mod whole_body;

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use handover_console::demo::{AdminSpec, Options, Policy, Store};
use tokio::net::TcpListener;

use auth::Admins;
pub use config::{Config, Source};
use ledger::{Ledger, Shared, SqlLedger};
use permissions::Permissions;

pub struct AppState {
    /// The demo store (the directory, and a cache of the ledger): one request at a time, held
    /// across the ledger's commit so that what is answered is what was stored.
    pub shared: tokio::sync::Mutex<Shared>,
    pub ledger: Ledger,
    pub config: Config,
    faults: faults::Tallies,
    /// How admins sign in (tokens, or the permissions file).
    admins: Admins,
    /// With `--source wecom`: the client transfers go through.
    wecom: Option<Arc<wecom::Client>>,
    /// Batches being sent to WeCom right now (the store is not held meanwhile).
    sending: routes::Sending,
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

/// The permissions file's admins as the store knows them.
fn admin_specs(p: &Permissions) -> Vec<AdminSpec> {
    p.admins
        .iter()
        .map(|a| AdminSpec {
            id: a.id.clone(),
            name: a.name.clone(),
            may_approve: a.approver,
            departments: a
                .departments
                .as_ref()
                .map(|d| d.iter().cloned().collect())
                .unwrap_or_default(),
        })
        .collect()
}

/// The whole app for `config`, its ledger opened and loaded (a database that cannot be read
/// fails here, not at the first request); with `--source wecom` the directory is read from
/// WeCom first (WeCom unreachable: start-up fails, nothing half-loaded is served).
pub async fn router(config: Config) -> Result<Router, String> {
    let permissions = match &config.permissions {
        Some(path) => Some(Permissions::load(path).map_err(|ps| ps.join("\n"))?),
        None if config.source == Source::Wecom => {
            return Err("--source wecom needs --permissions FILE (who may do what)".into())
        }
        None => None,
    };
    let ledger = open_ledger(&config.database).await?;
    let opts = Options {
        seed: config.seed,
        takeover_delay_ms: config.takeover_delay_ms,
        refuse_per_mille: config.refuse_per_mille,
    };
    let client = match config.source {
        Source::Demo => None,
        Source::Wecom => {
            let creds = match &config.wecom_credentials {
                Some(c) => c.clone(),
                None => wecom::Credentials::from_env()?,
            };
            Some(Arc::new(wecom::Client::new(
                &config.wecom_base_url,
                creds,
                config.wecom_backoff.clone(),
            )))
        }
    };
    let mut shared = Shared {
        store: Store::new(opts.clone(), now_ms()),
        synced: None,
    };
    ledger
        .refresh(&mut shared)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(client) = &client {
        let state = shared.store.state().clone();
        let loaded = wecom::dataset::load(client, state.anchor)
            .await
            .map_err(|e| format!("cannot read the directory from WeCom: {e}"))?;
        shared.store =
            Store::with_directory(opts, loaded.data, loaded.customers, loaded.groups, state);
    }
    if let Some(p) = &permissions {
        shared.store.set_policy(Policy {
            admins: admin_specs(p),
            hide_other_departments: true,
            external_verification: true,
            chat_archive: client.is_none(),
        });
    }
    let admins = match permissions {
        Some(p) => Admins::File(p),
        None => Admins::Tokens(config.tokens.clone()),
    };
    let poll = std::time::Duration::from_millis(config.wecom_poll_ms);
    let reload = std::time::Duration::from_millis(config.wecom_reload_ms);
    let state = Arc::new(AppState {
        shared: tokio::sync::Mutex::new(shared),
        ledger,
        config,
        faults: faults::Tallies::default(),
        admins,
        wecom: client.clone(),
        sending: routes::Sending::default(),
    });
    if let Some(client) = client {
        tokio::spawn(wecom::poller::run(state.clone(), client.clone(), poll));
        tokio::spawn(wecom::reload::run(state.clone(), client, reload));
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
    // The peer address: the SSO header is believed only from the proxy's ranges.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
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
