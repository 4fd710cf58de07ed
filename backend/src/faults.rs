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
