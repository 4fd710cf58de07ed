//! `X-Request-Id` on every answer, so an admin's "Technical details" name the request a support
//! desk can find in the log. A proxy's id is kept when it is short and plain; otherwise one is
//! made here.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

pub const HEADER: &str = "x-request-id";

static NEXT: AtomicU64 = AtomicU64::new(1);
static BOOT: OnceLock<u64> = OnceLock::new();

/// An id from upstream is kept only if it is safe to log and echo.
fn acceptable(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 64
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn fresh() -> String {
    // The start time keeps ids from two runs of the backend apart in one log.
    let boot = *BOOT.get_or_init(|| crate::now_ms().max(0) as u64);
    format!("req-{boot:x}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

pub async fn assign(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map(str::to_string)
        .unwrap_or_else(fresh);
    let value = HeaderValue::from_str(&id).ok();
    if let Some(v) = &value {
        req.headers_mut().insert(HEADER, v.clone());
    }
    let mut resp = next.run(req).await;
    if let Some(v) = value {
        resp.headers_mut().insert(HEADER, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_plain_ids_and_makes_the_rest() {
        assert!(acceptable("abc-123_x.y"));
        assert!(!acceptable(""));
        assert!(!acceptable("a b"));
        assert!(!acceptable("<script>"));
        assert!(!acceptable(&"x".repeat(65)));
        let (a, b) = (fresh(), fresh());
        assert!(a.starts_with("req-") && a != b);
    }
}
