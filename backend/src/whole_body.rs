//! Every API request's body is read before it is answered. Hyper closes a connection whose
//! request body is unread when the answer goes out (approve and withdraw read none; a refused
//! token or an injected fault is answered before any handler). A body still on its way then
//! meets a closed socket, and the reset can reach the client before the answer does, or kill
//! the next request on that kept-alive connection.

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use handover_console::api::types::Problem;

use crate::routes::problem_response;

/// As axum's own default for `Json` bodies; the contract's largest body (a batch of 100 ids
/// with its successor) is far below it.
pub const LIMIT: usize = 2 * 1024 * 1024;

pub async fn read(req: Request, next: Next) -> Response {
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let too_large = || {
        Problem::new(413, "body_too_large", "Request body too large")
            .detail(format!("a request body may have at most {LIMIT} bytes"))
    };
    if announced.is_some_and(|n| n > LIMIT) {
        return problem_response(too_large(), None);
    }
    let (parts, body) = req.into_parts();
    match to_bytes(body, LIMIT).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        // Without a length, only reading finds out; a client that went away reads no answer.
        Err(_) if announced.is_none() => problem_response(too_large(), None),
        Err(_) => problem_response(
            Problem::new(400, "body_unreadable", "Request body could not be read"),
            None,
        ),
    }
}
