//! The contract's paths. Each handler authenticates, locks the store, calls one operation.
//! Around them: fault switches, CORS, the built app, panic catching and request logs.

use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use handover_console::api::types::*;
use serde::Serialize;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

use crate::{faults, lock, now_ms, request_id, statics, AppState};

type App = State<Arc<AppState>>;
type Answer<T> = Result<Json<T>, ApiError>;

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
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    app.config
        .tokens
        .iter()
        .find(|(t, _)| Some(t.as_str()) == token)
        .map(|(_, a)| a.clone())
        .ok_or_else(|| {
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

fn body<T>(b: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    b.map(|Json(v)| v).map_err(|e| {
        let status = e.status().as_u16();
        let p = if status == 422 {
            Problem::invalid()
        } else {
            Problem::new(status, "bad_request", "The body is not valid JSON")
        };
        p.field("body", "invalid", &e.body_text()).into()
    })
}

/// Runs one store operation for the authenticated admin.
fn with_store<T: Serialize>(
    app: &AppState,
    headers: &HeaderMap,
    f: impl FnOnce(&mut handover_console::demo::Store, &str, i64) -> Result<T, Problem>,
) -> Answer<T> {
    let who = actor(app, headers)?;
    let mut store = lock(&app.store);
    if app.config.faults.header && headers.get("x-fault").is_some_and(|v| v == "panic") {
        // Deliberate, test-only (`--fault-header`): panics with the store locked, to prove
        // that the lock recovers and the client still gets a problem.
        panic!("injected panic (X-Fault: panic)");
    }
    Ok(Json(f(&mut store, &who, now_ms())?))
}

async fn session(State(app): App, h: HeaderMap) -> Answer<Session> {
    with_store(&app, &h, |s, a, _| s.session(a))
}

async fn verification(
    State(app): App,
    h: HeaderMap,
    b: Result<Json<VerificationRequest>, JsonRejection>,
) -> Answer<VerificationToken> {
    let req = body(b)?;
    with_store(&app, &h, |s, a, now| s.verify(a, &req, now))
}

async fn departments(State(app): App, h: HeaderMap) -> Answer<Vec<Department>> {
    with_store(&app, &h, |s, a, _| s.departments(a))
}

async fn departed(
    State(app): App,
    h: HeaderMap,
    q: Result<Query<DepartedQuery>, QueryRejection>,
) -> Answer<Page<DepartedMember>> {
    let q = query(q)?;
    with_store(&app, &h, |s, a, now| s.departed_members(a, &q, now))
}

async fn customers(
    State(app): App,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Answer<Page<Customer>> {
    let q = query(q)?;
    with_store(&app, &h, |s, a, now| s.customers(a, &id, &q, now))
}

async fn groups(
    State(app): App,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Answer<Page<Group>> {
    let q = query(q)?;
    with_store(&app, &h, |s, a, now| s.groups(a, &id, &q, now))
}

async fn members(
    State(app): App,
    h: HeaderMap,
    q: Result<Query<MembersQuery>, QueryRejection>,
) -> Answer<Page<Member>> {
    let q = query(q)?;
    with_store(&app, &h, |s, a, _| s.members(a, &q))
}

async fn create_handover(
    State(app): App,
    h: HeaderMap,
    b: Result<Json<NewHandover>, JsonRejection>,
) -> Result<(StatusCode, Json<Handover>), ApiError> {
    let req = body(b)?;
    let Json((handover, created)) =
        with_store(&app, &h, |s, a, now| s.create_handover(a, &req, now))?;
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
    with_store(&app, &h, |s, a, now| s.handovers(a, &q, now))
}

async fn handover(State(app): App, h: HeaderMap, Path(id): Path<String>) -> Answer<Handover> {
    with_store(&app, &h, |s, a, now| s.handover(a, &id, now))
}

async fn batch(
    State(app): App,
    h: HeaderMap,
    Path(id): Path<String>,
    b: Result<Json<NewBatch>, JsonRejection>,
) -> Answer<BatchResult> {
    let req = body(b)?;
    with_store(&app, &h, |s, a, now| s.submit_batch(a, &id, &req, now))
}

async fn items(
    State(app): App,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<ItemsQuery>, QueryRejection>,
) -> Answer<Page<HandoverItem>> {
    let q = query(q)?;
    with_store(&app, &h, |s, a, now| s.items(a, &id, &q, now))
}

async fn events(
    State(app): App,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Answer<Page<HandoverEvent>> {
    let q = query(q)?;
    with_store(&app, &h, |s, a, now| s.events(a, &id, &q, now))
}

async fn approve(State(app): App, h: HeaderMap, Path(id): Path<String>) -> Answer<Handover> {
    with_store(&app, &h, |s, a, now| s.approve(a, &id, now))
}

/// No request body, like approve: a body, if one comes, is ignored.
async fn withdraw(State(app): App, h: HeaderMap, Path(id): Path<String>) -> Answer<Handover> {
    with_store(&app, &h, |s, a, now| s.withdraw(a, &id, now))
}

async fn reject(
    State(app): App,
    h: HeaderMap,
    Path(id): Path<String>,
    b: Result<Json<RejectRequest>, JsonRejection>,
) -> Answer<Handover> {
    let req = body(b)?;
    with_store(&app, &h, |s, a, now| s.reject(a, &id, &req, now))
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
        .fallback(api_not_found)
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
    let mut app = Router::new().nest("/api", api.with_state(state.clone()));
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
