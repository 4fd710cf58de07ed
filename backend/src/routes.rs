//! The contract's paths. Each handler authenticates, locks the store, calls one operation.
//! Around them: fault switches, CORS, the built app, panic catching and request logs.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use handover_console::api::types::*;
use serde::Serialize;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

use crate::auth::{self, Admins};
use crate::ledger::format::EventRec;
use crate::ledger::{LedgerError, Shared, Touch};
use crate::wecom::{self, transfer};
use crate::{faults, now_ms, request_id, statics, totp, AppState};

type App = State<Arc<AppState>>;
type Answer<T> = Result<Json<T>, ApiError>;

/// A JSON answer, written into one growing buffer. (axum's `Json` writes through a `BytesMut`
/// writer, one bounds-checked append per token: a third of a 10,000-customer page's time.)
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        match serde_json::to_vec(&self.0) {
            Ok(body) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )],
                body,
            )
                .into_response(),
            Err(e) => ApiError(
                Problem::new(500, "internal", "Internal error")
                    .detail(format!("the answer could not be written: {e}")),
                None,
            )
            .into_response(),
        }
    }
}

pub struct ApiError(Problem, Option<u64>);

impl From<Problem> for ApiError {
    fn from(p: Problem) -> Self {
        ApiError(p, None)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        problem_response(self.0, self.1)
    }
}

pub fn problem_response(p: Problem, retry_after: Option<u64>) -> Response {
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(&p).unwrap_or_else(|_| "{}".into());
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if let Some(s) = retry_after {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
    r
}

/// Whether the request carries one of the configured tokens (the fault switches check this
/// before answering anything an anonymous caller should not learn).
pub fn valid_token(app: &AppState, headers: &HeaderMap) -> bool {
    actor(app, headers).is_ok()
}

fn actor(app: &AppState, headers: &HeaderMap) -> Result<String, ApiError> {
    auth::who(&app.admins, headers, &app.config.cors_origins).ok_or_else(|| {
        Problem::new(401, "unauthenticated", "Not signed in")
            .detail("send Authorization: Bearer <token>")
            .into()
    })
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(v)| v).map_err(|e| {
        Problem::invalid()
            .field("query", "invalid", &e.body_text())
            .into()
    })
}

fn body<T>(b: Result<axum::Json<T>, JsonRejection>) -> Result<T, ApiError> {
    b.map(|axum::Json(v)| v).map_err(|e| {
        let status = e.status().as_u16();
        let p = if status == 422 {
            Problem::invalid()
        } else {
            Problem::new(status, "bad_request", "The body is not valid JSON")
        };
        p.field("body", "invalid", &e.body_text()).into()
    })
}

/// How often an operation runs: again after another instance committed first. Each retry means
/// someone else made progress, so this bounds only a long burst of concurrent new batches.
const ATTEMPTS: usize = 20;

/// 503 for a ledger that cannot be reached (the client retries after Retry-After).
fn storage_problem(e: LedgerError) -> ApiError {
    tracing::warn!("{e}");
    ApiError(
        Problem::new(503, "unavailable", "Service unavailable")
            .detail("the records database cannot be reached; try again"),
        Some(1),
    )
}

/// Authenticates and locks the store, with the ledger's latest state loaded.
async fn enter<'a>(
    app: &'a AppState,
    headers: &HeaderMap,
) -> Result<(String, tokio::sync::MutexGuard<'a, Shared>), ApiError> {
    let who = actor(app, headers)?;
    if app.config.faults.header && headers.get("x-fault").is_some_and(|v| v == "panic") {
        let _held = app.shared.lock().await;
        // Deliberate, test-only (`--fault-header`): panics with the store locked, to prove
        // that the lock recovers and the client still gets a problem.
        panic!("injected panic (X-Fault: panic)");
    }
    Ok((who, locked(app).await?))
}

/// Locks the store with the ledger's latest state loaded.
async fn locked(app: &AppState) -> Result<tokio::sync::MutexGuard<'_, Shared>, ApiError> {
    let mut shared = app.shared.lock().await;
    app.ledger
        .refresh(&mut shared)
        .await
        .map_err(storage_problem)?;
    Ok(shared)
}

/// Runs one store operation for the authenticated admin and commits what it `touch`ed to the
/// ledger before answering. Someone else committing first runs it again on the fresh state
/// (where a replay finds the stored result).
async fn with_store<T: Serialize>(
    app: &AppState,
    headers: &HeaderMap,
    touch: Touch<'_>,
    mut f: impl FnMut(&mut handover_console::demo::Store, &str, i64) -> Result<T, Problem>,
) -> Answer<T> {
    let (who, mut shared) = enter(app, headers).await?;
    for attempt in 1..=ATTEMPTS {
        if attempt > 1 {
            // A short, growing pause lets the other instance's burst pass.
            let pause = (attempt as u64 * 3).min(50) + (now_ms() as u64 % 5);
            tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            app.ledger
                .refresh(&mut shared)
                .await
                .map_err(storage_problem)?;
        }
        let now = now_ms();
        let v = f(&mut shared.store, &who, now)?;
        let answer = match touch {
            Touch::Token => serde_json::to_value(&v).unwrap_or_default(),
            _ => serde_json::Value::Null,
        };
        match app
            .ledger
            .commit(&mut shared, touch, &who, &answer, now)
            .await
        {
            Ok(()) => return Ok(Json(v)),
            Err(LedgerError::Conflict(e)) => {
                tracing::info!(attempt, "someone committed first ({e}); running again");
            }
            Err(e) => return Err(storage_problem(e)),
        }
    }
    Err(storage_problem(LedgerError::Unavailable(
        "too many concurrent changes".into(),
    )))
}

async fn session(State(app): App, h: HeaderMap) -> Answer<Session> {
    with_store(&app, &h, Touch::Nothing, |s, a, _| s.session(a)).await
}

async fn verification(
    State(app): App,
    h: HeaderMap,
    b: Result<axum::Json<VerificationRequest>, JsonRejection>,
) -> Answer<VerificationToken> {
    let req = body(b)?;
    if let Admins::File(p) = &app.admins {
        // The TOTP secret lives in the permissions file: checked here, then a token issued.
        let who = actor(&app, &h)?;
        let secret = p.admin(&who).map(|a| a.totp_secret.as_slice());
        if !secret.is_some_and(|s| totp::verify(s, &req.code, now_ms() / 1000)) {
            return Err(Problem::invalid()
                .field("code", "wrong_code", "The verification code is wrong.")
                .into());
        }
        return with_store(&app, &h, Touch::Token, |s, a, now| {
            s.issue_verification(a, now)
        })
        .await;
    }
    with_store(&app, &h, Touch::Token, |s, a, now| s.verify(a, &req, now)).await
}

async fn departments(State(app): App, h: HeaderMap) -> Answer<Vec<Department>> {
    with_store(&app, &h, Touch::Nothing, |s, a, _| s.departments(a)).await
}

async fn departed(
    State(app): App,
    h: HeaderMap,
    q: Result<Query<DepartedQuery>, QueryRejection>,
) -> Answer<Page<DepartedMember>> {
    let q = query(q)?;
    with_store(&app, &h, Touch::Nothing, |s, a, now| {
        s.departed_members(a, &q, now)
    })
    .await
}

async fn customers(
    State(app): App,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Answer<Page<Customer>> {
    let q = query(q)?;
    with_store(&app, &h, Touch::Nothing, |s, a, now| {
        s.customers(a, &id, &q, now)
    })
    .await
}

async fn groups(
    State(app): App,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Answer<Page<Group>> {
    let q = query(q)?;
    with_store(&app, &h, Touch::Nothing, |s, a, now| {
        s.groups(a, &id, &q, now)
    })
    .await
}

async fn members(
    State(app): App,
    h: HeaderMap,
    q: Result<Query<MembersQuery>, QueryRejection>,
) -> Answer<Page<Member>> {
    let q = query(q)?;
    with_store(&app, &h, Touch::Nothing, |s, a, _| s.members(a, &q)).await
}

async fn create_handover(
    State(app): App,
    h: HeaderMap,
    b: Result<axum::Json<NewHandover>, JsonRejection>,
) -> Result<(StatusCode, Json<Handover>), ApiError> {
    let req = body(b)?;
    let Json((handover, created)) = with_store(&app, &h, Touch::Handover(&req.id), |s, a, now| {
        s.create_handover(a, &req, now)
    })
    .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(handover)))
}

async fn list_handovers(
    State(app): App,
    h: HeaderMap,
    q: Result<Query<HandoversQuery>, QueryRejection>,
) -> Answer<Page<Handover>> {
    let q = query(q)?;
    with_store(&app, &h, Touch::Nothing, |s, a, now| {
        s.handovers(a, &q, now)
    })
    .await
}

async fn handover(State(app): App, h: HeaderMap, Path(id): Path<String>) -> Answer<Handover> {
    with_store(&app, &h, Touch::Nothing, |s, a, now| {
        s.handover(a, &id, now)
    })
    .await
}

async fn batch(
    State(app): App,
    h: HeaderMap,
    Path(id): Path<String>,
    b: Result<axum::Json<NewBatch>, JsonRejection>,
) -> Answer<BatchResult> {
    let req = body(b)?;
    if let Some(client) = app.wecom.clone() {
        let who = actor(&app, &h)?;
        // Its own task: a client that gives up (timeout, closed tab) must not cancel it between
        // WeCom accepting the transfer and the ledger recording it.
        let task = tokio::spawn(wecom_batch(app.clone(), client, who, id, req));
        return task.await.unwrap_or_else(|e| {
            tracing::error!("wecom: batch task failed: {e}");
            Err(ApiError(
                Problem::new(500, "internal", "Internal error"),
                None,
            ))
        });
    }
    with_store(&app, &h, Touch::Handover(&id), |s, a, now| {
        s.submit_batch(a, &id, &req, now)
    })
    .await
}

/// Batches on their way to WeCom. One departed member's batches go one at a time, in turn
/// (what the store answers itself, an item already sent or a group over the day's quota, must
/// not change while WeCom is asked; later batches wait rather than bounce), and a handover
/// with a batch on its way cannot be withdrawn meanwhile.
#[derive(Default)]
pub struct Sending {
    turns: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    handovers: Mutex<HashSet<String>>,
}

/// Marks a handover as having a batch on its way; unmarks when dropped (also on error).
struct OnTheWay<'a> {
    sending: &'a Sending,
    handover: String,
}

impl Drop for OnTheWay<'_> {
    fn drop(&mut self) {
        crate::lock(&self.sending.handovers).remove(&self.handover);
    }
}

impl Sending {
    /// Waits for `departed`'s turn: held until this batch is recorded.
    async fn turn(&self, departed: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let queue = crate::lock(&self.turns)
            .entry(departed.to_string())
            .or_default()
            .clone();
        queue.lock_owned().await
    }

    /// Call with the store held, as withdraw checks it with the store held.
    fn mark(&self, handover: &str) -> OnTheWay<'_> {
        crate::lock(&self.handovers).insert(handover.to_string());
        OnTheWay {
            sending: self,
            handover: handover.to_string(),
        }
    }

    fn has_handover(&self, handover: &str) -> bool {
        crate::lock(&self.handovers).contains(handover)
    }
}

/// A batch through the real WeCom: checked by the store, sent (one call of at most 100),
/// recorded with WeCom's per-item answers and committed before answering. The store is not
/// held while WeCom is asked (its backoff may take a while); the departed member's turn is,
/// so the member's next batch waits and is then checked against what this one recorded.
/// WeCom unreachable or still rate-limiting: 503 with Retry-After, nothing recorded, nothing
/// sent (the batch is sent again when retried). One instance per ledger with this source.
async fn wecom_batch(
    app: Arc<AppState>,
    client: Arc<wecom::Client>,
    who: String,
    id: String,
    req: NewBatch,
) -> Answer<BatchResult> {
    use handover_console::demo::Prepared;
    let retry_after = Some(app.config.faults.retry_after_s.max(1));
    let departed = match locked(&app)
        .await?
        .store
        .prepare_batch(&who, &id, &req, now_ms())?
    {
        Prepared::Replay(r) => return Ok(Json(r)),
        Prepared::Call(c) => c.departed,
    };
    let _turn = app.sending.turn(&departed).await;
    // Checked again in turn: the batch before may have answered this one (a retry) or changed
    // what this one may send.
    let shared = locked(&app).await?;
    let call = match shared.store.prepare_batch(&who, &id, &req, now_ms())? {
        Prepared::Replay(r) => return Ok(Json(r)),
        Prepared::Call(c) => c,
    };
    let _on_the_way = app.sending.mark(&id);
    drop(shared);
    let answers = transfer::send(&client, &call, now_ms() + app.config.wecom_takeover_ms)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "wecom: batch not sent; the client may retry");
            ApiError(
                Problem::new(503, "wecom_unavailable", "WeCom is unavailable")
                    .detail("WeCom did not take the transfer; nothing was sent, try again"),
                retry_after,
            )
        })?;
    let mut shared = app.shared.lock().await;
    // The store was not held while WeCom was asked: catch up first. Someone else committing
    // first (another instance): record the same answers on the fresh state; WeCom is not
    // asked again.
    for attempt in 1..=ATTEMPTS {
        app.ledger
            .refresh(&mut shared)
            .await
            .map_err(|e| unrecorded(&id, req.seq, e))?;
        let now = now_ms();
        let result = shared
            .store
            .finish_batch(&who, &id, &req, &answers, now)
            .inspect_err(|p| {
                tracing::error!(
                    handover = id,
                    seq = req.seq,
                    code = p.code,
                    "sent to WeCom but refused by the records"
                );
            })?;
        match app
            .ledger
            .commit(
                &mut shared,
                Touch::Handover(&id),
                &who,
                &serde_json::Value::Null,
                now,
            )
            .await
        {
            Ok(()) => return Ok(Json(result)),
            Err(LedgerError::Conflict(e)) => {
                tracing::info!(attempt, "someone committed first ({e}); recording again");
            }
            Err(e) => return Err(unrecorded(&id, req.seq, e)),
        }
    }
    Err(unrecorded(
        &id,
        req.seq,
        LedgerError::Unavailable("too many concurrent changes".into()),
    ))
}

/// WeCom has the transfer but the ledger does not: said loudly (an operator reconciles it
/// through transfer_result); the client sees a retryable error.
fn unrecorded(id: &str, seq: u32, e: LedgerError) -> ApiError {
    tracing::error!(handover = id, seq, "sent to WeCom but not recorded: {e}");
    storage_problem(e)
}

async fn items(
    State(app): App,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<ItemsQuery>, QueryRejection>,
) -> Answer<Page<HandoverItem>> {
    let q = query(q)?;
    with_store(&app, &h, Touch::Nothing, |s, a, now| {
        s.items(a, &id, &q, now)
    })
    .await
}

async fn events(
    State(app): App,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Answer<serde_json::Value> {
    let q = query(q)?;
    let (who, shared) = enter(&app, &h).await?;
    let page = shared.store.events(&who, &id, &q, now_ms())?;
    let links = app
        .ledger
        .chain(&shared, &id)
        .await
        .map_err(storage_problem)?;
    let recorded: Vec<EventRec> = shared
        .store
        .state()
        .handover_record(&id)
        .and_then(|r| serde_json::from_value(r["events"].clone()).ok())
        .unwrap_or_default();
    drop(shared);
    let mut v = serde_json::to_value(&page).unwrap_or_default();
    if let Some(items) = v["items"].as_array_mut() {
        chain_hashes(items, &recorded, &links);
    }
    Ok(Json(v))
}

/// Adds `hash` and `prev_hash` to each recorded event of a timeline page (derived ones, the
/// outcomes WeCom reports at takeover time, carry none), matching them by content.
fn chain_hashes(
    items: &mut [serde_json::Value],
    recorded: &[EventRec],
    links: &[crate::ledger::chain::Link],
) {
    use handover_console::domain::time::to_rfc3339;
    let mut used = vec![false; recorded.len()];
    for e in items {
        let found = recorded.iter().enumerate().position(|(i, r)| {
            !used[i]
                && e["kind"] == r.kind.as_str()
                && e["at"] == to_rfc3339(r.at).as_str()
                && e["actor"]["id"] == r.actor.as_str()
                && e["detail"] == r.detail.as_str()
        });
        if let (Some(i), Some(obj)) = (found, e.as_object_mut()) {
            used[i] = true;
            if let Some(l) = links.get(i) {
                obj.insert("prev_hash".into(), l.prev_hash.clone().into());
                obj.insert("hash".into(), l.hash.clone().into());
            }
        }
    }
}

/// Readiness: the ledger answers.
async fn healthz(State(app): App) -> Response {
    match app.ledger.ping().await {
        Ok(()) => Json(serde_json::json!({ "status": "ok", "database": app.ledger.name() }))
            .into_response(),
        Err(e) => storage_problem(e).into_response(),
    }
}

/// Liveness: the process answers.
async fn livez() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

async fn approve(State(app): App, h: HeaderMap, Path(id): Path<String>) -> Answer<Handover> {
    with_store(&app, &h, Touch::Handover(&id), |s, a, now| {
        s.approve(a, &id, now)
    })
    .await
}

/// No request body, like approve: a body, if one comes, is ignored.
async fn withdraw(State(app): App, h: HeaderMap, Path(id): Path<String>) -> Answer<Handover> {
    let sending = &app.sending;
    with_store(&app, &h, Touch::Handover(&id), |s, a, now| {
        // Checked with the store held, as batches are marked: no race with a first batch.
        if sending.has_handover(&id) {
            return Err(Problem::conflict(
                "already_started",
                "a batch of this handover is being sent",
            ));
        }
        s.withdraw(a, &id, now)
    })
    .await
}

async fn reject(
    State(app): App,
    h: HeaderMap,
    Path(id): Path<String>,
    b: Result<axum::Json<RejectRequest>, JsonRejection>,
) -> Answer<Handover> {
    let req = body(b)?;
    with_store(&app, &h, Touch::Handover(&id), |s, a, now| {
        s.reject(a, &id, &req, now)
    })
    .await
}

async fn api_not_found() -> ApiError {
    Problem::not_found("this path").into()
}

fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let layer = CorsLayer::new()
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::HeaderName::from_static("x-csrf-token"),
            header::HeaderName::from_static("x-fault"),
        ])
        .expose_headers([
            header::RETRY_AFTER,
            header::HeaderName::from_static("x-request-id"),
        ]);
    Some(if origins.iter().any(|o| o == "*") {
        layer.allow_origin(AllowOrigin::any())
    } else {
        let list: Vec<HeaderValue> = origins.iter().filter_map(|o| o.parse().ok()).collect();
        layer.allow_origin(list).allow_credentials(true)
    })
}

pub fn router(state: Arc<AppState>) -> Router {
    let mut api = Router::new()
        .route("/session", get(session))
        .route("/session/verification", post(verification))
        .route("/departments", get(departments))
        .route("/departed-members", get(departed))
        .route("/departed-members/{id}/customers", get(customers))
        .route("/departed-members/{id}/groups", get(groups))
        .route("/members", get(members))
        .route("/handovers", post(create_handover).get(list_handovers))
        .route("/handovers/{id}", get(handover))
        .route("/handovers/{id}/batches", post(batch))
        .route("/handovers/{id}/items", get(items))
        .route("/handovers/{id}/events", get(events))
        .route("/handovers/{id}/approve", post(approve))
        .route("/handovers/{id}/reject", post(reject))
        .route("/handovers/{id}/withdraw", post(withdraw))
        .route("/healthz", get(healthz))
        .route("/livez", get(livez))
        .fallback(api_not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::strip_untrusted_sso,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            faults::transform,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ));
    if state.config.faults.any() {
        // Added after the fault layers, which therefore do not wrap it: a test must be able to
        // end an injected 401 spell even while every other request fails.
        api = api.route("/__test/reauth", post(faults::reauth));
    }
    if let Some(c) = cors(&state.config.cors_origins) {
        api = api.layer(c);
    }
    // Outermost, so that no answer (a fault, a refused token) leaves a body unread.
    api = api.layer(axum::middleware::from_fn(crate::whole_body::read));
    // Health also outside /api, where load balancers and orchestrators look for it.
    let health = Router::new()
        .route("/healthz", get(healthz))
        .route("/livez", get(livez))
        .with_state(state.clone());
    let mut app = Router::new()
        .nest("/api", api.with_state(state.clone()))
        .merge(health);
    if let Some(dist) = &state.config.dist {
        app = app.merge(statics::router(dist, &state));
    }
    app.layer(CatchPanicLayer::custom(panic_response))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::extract::Request| {
                    let id = req
                        .headers()
                        .get(request_id::HEADER)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    tracing::info_span!("request", id, method = %req.method(), uri = %req.uri())
                })
                .on_request(())
                .on_response(
                    |r: &Response, latency: std::time::Duration, _: &tracing::Span| {
                        tracing::info!(
                            status = r.status().as_u16(),
                            ms = latency.as_millis() as u64,
                            "answered"
                        );
                    },
                )
                .on_failure(()),
        )
        // Outermost: the log span and every answer (errors included) carry the id.
        .layer(axum::middleware::from_fn(request_id::assign))
}

/// A handler panicked: the client gets a problem, not a dropped connection. (Release builds
/// use `panic = "abort"` from the workspace profile, so this protects debug and test builds.)
fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = err
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| err.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    tracing::error!(panic = %what, "handler panicked");
    problem_response(
        Problem::new(500, "internal", "Internal error").detail(
            "the server failed while answering; the request may or may not have taken effect",
        ),
        None,
    )
}
