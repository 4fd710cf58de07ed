//! Fault injection for tests and benchmarks. `inject`: latency, a share of 503s, bursts of 429,
//! per-request `X-Fault`. `transform`: the misbehaviours of issue #9 that a client must survive
//! (repeated ids across pages, cursor loops, a forgotten batch outcome, a smaller batch limit,
//! an expiring session, pages without `total`, a session that is briefly unavailable). They
//! rewrite requests and answers around the handlers, so the demo store stays the honest one.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use handover_console::api::types::Problem;
use serde_json::Value;

use crate::routes::{problem_response, valid_token};
use crate::{lock, AppState};

/// The cursor `--fault-loop-cursor` puts on a last page; asking for it serves the first page.
pub const LOOP_CURSOR: &str = "loop";
/// Larger bodies are not ours to rewrite (the JSON extractor's own limit is 2 MB).
const BODY_LIMIT: usize = 16 << 20;
/// Bounds the memory of `--fault-repeat-ids`: a client that never finishes a list cannot grow it.
const MAX_REMEMBERED_PAGES: usize = 10_000;

/// What the switches count and remember between requests.
#[derive(Default)]
pub struct Tallies {
    requests: AtomicU64,
    session_gets: AtomicU64,
    batches_ok: AtomicU64,
    /// Since when every API request answers 401 (`--fault-401-after`).
    unauth_since: Mutex<Option<Instant>>,
    /// (handover, seq) whose first batch answer went out (`--fault-drop-item`).
    answered: Mutex<HashSet<(String, u64)>>,
    /// The last items of served pages, by (list, next cursor) (`--fault-repeat-ids`).
    tails: Mutex<HashMap<(String, String), Vec<Value>>>,
}

/// Waits `d`, to within a fraction of a millisecond. Tokio's timer counts whole milliseconds and
/// wakes up to one late; benchmarks measure against exactly `d` (the run's floor), so the last
/// millisecond is slept by the OS's own timer on a blocking thread.
async fn latency(d: Duration) {
    let until = std::time::Instant::now() + d;
    let coarse = d.saturating_sub(Duration::from_millis(2));
    if !coarse.is_zero() {
        tokio::time::sleep(coarse).await;
    }
    let rest = until.saturating_duration_since(std::time::Instant::now());
    if !rest.is_zero() {
        let _ = tokio::task::spawn_blocking(move || std::thread::sleep(rest)).await;
    }
}

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
        latency(Duration::from_millis(f.latency_ms)).await;
    }
    let n = app.faults.requests.fetch_add(1, Ordering::Relaxed);
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
/// (`panic` is honoured by the handlers, where it poisons the store's lock.)
async fn per_request(fault: Option<String>, retry: u64) -> Option<Response> {
    let fault = fault?;
    if let Some(ms) = fault.strip_prefix("delay=").and_then(|v| v.parse().ok()) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        return None;
    }
    if fault == "malformed" {
        let mut r = "{\"admin\": {\"id\": 7}}".into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        return Some(r);
    }
    if fault == "bad-problem" {
        return Some((StatusCode::BAD_GATEWAY, "<html>proxy error</html>").into_response());
    }
    let status = fault.strip_prefix("status=")?.parse::<u16>().ok()?;
    Some(problem_response(
        Problem::new(status, "injected", "Injected fault").detail("requested by X-Fault"),
        matches!(status, 429 | 503).then_some(retry),
    ))
}

/// The API paths the switches tell apart (the router nests them under `/api`).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Op<'a> {
    Session,
    Batch {
        handover: &'a str,
    },
    /// A paged list; `repeats` and `loops` say which switches apply to it.
    List {
        repeats: bool,
        loops: bool,
    },
    Other,
}

fn op<'a>(method: &Method, path: &'a str) -> Op<'a> {
    let path = path
        .strip_prefix("/api")
        .filter(|p| p.starts_with('/'))
        .unwrap_or(path);
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let list = |repeats, loops| Op::List { repeats, loops };
    match (method, segs.as_slice()) {
        (&Method::GET, ["session"]) => Op::Session,
        (&Method::POST, ["handovers", id, "batches"]) => Op::Batch { handover: id },
        (&Method::GET, ["departed-members"]) => list(true, true),
        (&Method::GET, ["departed-members", _, "customers"]) => list(true, true),
        (&Method::GET, ["departed-members", _, "groups"]) => list(true, false),
        (&Method::GET, ["handovers"]) => list(true, false),
        (&Method::GET, ["handovers", _, "items"]) => list(true, false),
        (&Method::GET, ["members"]) => list(false, false),
        (&Method::GET, ["handovers", _, "events"]) => list(false, false),
        _ => Op::Other,
    }
}

/// The query without its `cursor`, and that cursor (raw, as sent).
fn split_cursor(query: Option<&str>) -> (String, Option<String>) {
    let mut rest = Vec::new();
    let mut cursor = None;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        match pair.strip_prefix("cursor=") {
            Some(c) => cursor = Some(c.to_string()),
            None if pair == "cursor" => cursor = Some(String::new()),
            None => rest.push(pair),
        }
    }
    (rest.join("&"), cursor.filter(|c| !c.is_empty()))
}

/// The query with `limit` at most `max` (added when absent).
fn cap_limit(query: Option<&str>, max: u32) -> String {
    let mut pairs: Vec<String> = Vec::new();
    let mut asked = None;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        match pair.strip_prefix("limit=") {
            Some(n) => asked = n.parse::<u32>().ok(),
            None => pairs.push(pair.to_string()),
        }
    }
    pairs.push(format!("limit={}", asked.map_or(max, |n| n.min(max))));
    pairs.join("&")
}

fn unauthenticated() -> Response {
    problem_response(
        Problem::new(401, "unauthenticated", "Not signed in")
            .detail("the session expired (injected by --fault-401-after)"),
        None,
    )
}

pub async fn transform(State(app): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let f = &app.config.faults;
    let t = &app.faults;
    if f.unauth_after.is_some() {
        let mut since = lock(&t.unauth_since);
        if let Some(at) = *since {
            let over = f
                .unauth_for_ms
                .is_some_and(|ms| at.elapsed() >= Duration::from_millis(ms));
            if !over {
                return unauthenticated();
            }
            *since = None;
        }
    }
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let op = op(&method, &path);
    if op == Op::Session && t.session_gets.fetch_add(1, Ordering::Relaxed) < f.session_503 {
        return problem_response(
            Problem::new(503, "unavailable", "Service unavailable")
                .detail("injected by --fault-session-503"),
            Some(f.retry_after_s),
        );
    }
    let (scope, cursor) = split_cursor(req.uri().query());
    let mut req = req;
    if let Some(max) = f.items_per_batch.filter(|_| matches!(op, Op::Batch { .. })) {
        let (parts, body) = req.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
            return problem_response(
                Problem::new(400, "bad_request", "The body could not be read"),
                None,
            );
        };
        if valid_token(&app, &parts.headers) {
            if let Some(p) = oversized_batch(&bytes, max) {
                return problem_response(p, None);
            }
        }
        req = Request::from_parts(parts, Body::from(bytes));
    }
    if let Some(max) = f.max_page_size.filter(|_| matches!(op, Op::List { .. })) {
        let capped = cap_limit(req.uri().query(), max);
        if let Ok(uri) = format!("{path}?{capped}").parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    let loops = matches!(op, Op::List { loops: true, .. }) && f.loop_cursor;
    if loops && cursor.as_deref() == Some(LOOP_CURSOR) {
        // Around the loop: the first page, as if no cursor had been sent.
        let uri = if scope.is_empty() {
            path.clone()
        } else {
            format!("{path}?{scope}")
        };
        if let Ok(uri) = uri.parse::<Uri>() {
            *req.uri_mut() = uri;
        }
    }
    let auth = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let resp = next.run(req).await;
    if resp.status() != StatusCode::OK {
        return resp;
    }
    match op {
        Op::Session if f.items_per_batch.is_some() => {
            edit_json(resp, |v| {
                if let (Some(n), Some(limits)) = (f.items_per_batch, v.get_mut("limits")) {
                    limits["items_per_batch"] = Value::from(n);
                }
            })
            .await
        }
        Op::Batch { handover } => {
            if let Some(limit) = f.unauth_after {
                if t.batches_ok.fetch_add(1, Ordering::Relaxed) + 1 >= limit {
                    t.batches_ok.store(0, Ordering::Relaxed);
                    *lock(&t.unauth_since) = Some(Instant::now());
                }
            }
            if !f.drop_item {
                return resp;
            }
            let handover = handover.to_string();
            edit_json(resp, |v| {
                let Some(seq) = v.get("seq").and_then(Value::as_u64) else {
                    return;
                };
                if lock(&t.answered).insert((handover, seq)) {
                    if let Some(outcomes) = v.get_mut("outcomes").and_then(Value::as_array_mut) {
                        outcomes.pop();
                    }
                }
            })
            .await
        }
        // `loops` (above): this list can loop and the switch is on; not the list's kind alone,
        // or every page of such a list would be decoded and written again for nothing.
        Op::List { repeats, .. } if f.no_total || (repeats && f.repeat_ids > 0) || loops => {
            let key = format!("{auth}\n{path}\n{scope}");
            edit_json(resp, |v| {
                if f.no_total {
                    if let Some(page) = v.as_object_mut() {
                        page.remove("total");
                    }
                }
                if loops && v.get("next_cursor").is_some_and(Value::is_null) {
                    v["next_cursor"] = Value::from(LOOP_CURSOR);
                }
                if repeats && f.repeat_ids > 0 {
                    repeat_tail(t, f.repeat_ids, key, cursor, v);
                }
            })
            .await
        }
        _ => resp,
    }
}

/// Remembers this page's last `n` items under its next cursor, then puts the previous page's
/// last items (remembered under the cursor this page was asked with) in front of it.
fn repeat_tail(t: &Tallies, n: usize, key: String, cursor: Option<String>, page: &mut Value) {
    let next = page
        .get("next_cursor")
        .and_then(Value::as_str)
        .map(str::to_string);
    let Some(items) = page.get_mut("items").and_then(Value::as_array_mut) else {
        return;
    };
    let mut tails = lock(&t.tails);
    if tails.len() >= MAX_REMEMBERED_PAGES {
        tails.clear();
    }
    let previous = cursor.and_then(|c| tails.get(&(key.clone(), c)).cloned());
    if let Some(next) = next {
        let tail = items[items.len().saturating_sub(n)..].to_vec();
        tails.insert((key, next), tail);
    }
    if let Some(mut previous) = previous {
        previous.append(items);
        *items = previous;
    }
}

/// A 422 like the store's own when the batch carries more than `max` ids. Bodies that do not
/// decode go on to the handler, which names the problem.
fn oversized_batch(body: &Bytes, max: u32) -> Option<Problem> {
    let v: Value = serde_json::from_slice(body).ok()?;
    ["customer_ids", "group_ids"].into_iter().find_map(|field| {
        let n = v.get(field).and_then(Value::as_array).map_or(0, Vec::len);
        (n > max as usize).then(|| {
            Problem::invalid().field(field, "too_many", &format!("at most {max} items per batch"))
        })
    })
}

/// Rewrites a JSON answer in place; anything that does not decode passes unchanged.
async fn edit_json(resp: Response, edit: impl FnOnce(&mut Value)) -> Response {
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return problem_response(
            Problem::new(500, "internal", "Internal error").detail("answer too large to edit"),
            None,
        );
    };
    let Ok(mut v) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    edit(&mut v);
    let Ok(out) = serde_json::to_vec(&v) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(out))
}

/// `POST /api/__test/reauth`: ends the 401s of `--fault-401-after` and starts counting again.
pub async fn reauth(State(app): State<Arc<AppState>>) -> StatusCode {
    *lock(&app.faults.unauth_since) = None;
    app.faults.batches_ok.store(0, Ordering::Relaxed);
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_the_operations_apart() {
        assert_eq!(op(&Method::GET, "/session"), Op::Session);
        assert_eq!(op(&Method::GET, "/api/session"), Op::Session);
        assert_eq!(
            op(&Method::POST, "/handovers/h-1/batches"),
            Op::Batch { handover: "h-1" }
        );
        assert_eq!(
            op(&Method::GET, "/departed-members/d001/customers"),
            Op::List {
                repeats: true,
                loops: true
            }
        );
        assert_eq!(
            op(&Method::GET, "/handovers/h-1/events"),
            Op::List {
                repeats: false,
                loops: false
            }
        );
        assert_eq!(op(&Method::POST, "/handovers"), Op::Other);
        assert_eq!(op(&Method::GET, "/apisession"), Op::Other);
    }

    #[test]
    fn caps_the_page_size() {
        assert_eq!(cap_limit(Some("q=a&limit=20"), 5), "q=a&limit=5");
        assert_eq!(cap_limit(Some("limit=3&cursor=x"), 5), "cursor=x&limit=3");
        assert_eq!(cap_limit(None, 5), "limit=5");
    }

    #[test]
    fn splits_the_cursor_off_the_query() {
        assert_eq!(
            split_cursor(Some("limit=3&cursor=o3&q=x")),
            ("limit=3&q=x".to_string(), Some("o3".to_string()))
        );
        assert_eq!(split_cursor(None), (String::new(), None));
        assert_eq!(
            split_cursor(Some("cursor=&limit=3")),
            ("limit=3".to_string(), None)
        );
    }

    #[test]
    fn finds_oversized_batches() {
        let body = Bytes::from(r#"{"seq":1,"successor":"m","customer_ids":["a","b","c"]}"#);
        assert_eq!(
            oversized_batch(&body, 2).map(|p| p.errors[0].field.clone()),
            Some("customer_ids".to_string())
        );
        assert!(oversized_batch(&body, 3).is_none());
        assert!(oversized_batch(&Bytes::from("not json"), 1).is_none());
    }

    /// Never shorter than asked (the floor a benchmark divides by would flatter it otherwise).
    #[tokio::test]
    async fn latency_is_never_shorter_than_asked() {
        for ms in [1, 3, 20] {
            let t = std::time::Instant::now();
            latency(Duration::from_millis(ms)).await;
            assert!(t.elapsed() >= Duration::from_millis(ms), "{ms} ms");
        }
    }
}
