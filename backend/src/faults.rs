//! Fault injection for tests and benchmarks: latency, a share of 503s, bursts of 429.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use handover_console::api::types::Problem;

use crate::routes::problem_response;
use crate::AppState;

#[derive(Default)]
pub struct Counter(AtomicU64);

pub async fn inject(State(app): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let f = &app.config.faults;
    if f.header {
        let fault = req
            .headers()
            .get("x-fault")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if let Some(r) = per_request(fault, f.retry_after_s).await {
            return r;
        }
    }
    if f.path
        .as_deref()
        .is_some_and(|p| !req.uri().path().contains(p))
    {
        return next.run(req).await.into_response();
    }
    if f.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(f.latency_ms)).await;
    }
    let n = app.faults.0.fetch_add(1, Ordering::Relaxed);
    let retry = f.retry_after_s;
    if f.burst_429 > 0 && n % (f.burst_429 + 3) >= f.burst_429 {
        return problem_response(
            Problem::new(429, "rate_limited", "Too many requests").detail("injected 429 burst"),
            Some(retry),
        );
    }
    if f.error_rate > 0.0 {
        // A fixed-point hash of the request number: reproducible, evenly spread.
        let x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11;
        if (x as f64 / (1u64 << 53) as f64) < f.error_rate {
            return problem_response(
                Problem::new(503, "unavailable", "Service unavailable").detail("injected fault"),
                Some(retry),
            );
        }
    }
    next.run(req).await.into_response()
}

/// `X-Fault` (only with `--fault-header`): `status=NNN` answers that status as a problem,
/// `delay=MS` waits first, `malformed` answers 200 with a body that is not the contract's.
async fn per_request(fault: Option<String>, retry: u64) -> Option<Response> {
    let fault = fault?;
    if let Some(ms) = fault.strip_prefix("delay=").and_then(|v| v.parse().ok()) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        return None;
    }
    if fault == "malformed" {
        let mut r = "{\"admin\": {\"id\": 7}}".into_response();
        r.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        );
        return Some(r);
    }
    if fault == "bad-problem" {
        return Some(
            (
                axum::http::StatusCode::BAD_GATEWAY,
                "<html>proxy error</html>",
            )
                .into_response(),
        );
    }
    let status = fault.strip_prefix("status=")?.parse::<u16>().ok()?;
    Some(problem_response(
        Problem::new(status, "injected", "Injected fault").detail("requested by X-Fault"),
        matches!(status, 429 | 503).then_some(retry),
    ))
}
