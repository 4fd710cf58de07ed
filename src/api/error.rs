//! What can go wrong talking to a backend, told apart so the UI can say the right thing and
//! offer the right way forward. Plain Rust: the HTTP client feeds it status, headers and text.

use serde::de::DeserializeOwned;

use super::types::Problem;

/// Serialisable so a run's ledger can keep what went wrong as a kind and code (worded in the
/// admin's language only when shown, so a language switch rewords it).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ApiError {
    /// No answer: offline, DNS, CORS, connection refused.
    Network(String),
    /// No answer within the configured time.
    Timeout { after_ms: u32 },
    /// A newer request replaced this one; nothing to show.
    Aborted,
    /// An error status with a proper problem body.
    Status {
        status: u16,
        problem: Problem,
        retry_after_s: Option<u32>,
        /// The backend's `X-Request-Id`, for the support desk.
        request_id: Option<String>,
    },
    /// An error status whose body is not a problem document (e.g. a proxy's HTML page).
    BadProblem {
        status: u16,
        body: String,
        request_id: Option<String>,
    },
    /// A success status whose body does not match the contract.
    Decode { path: String, message: String },
    /// A paged list looped (a cursor came back, or more pages than its total allows); the
    /// listing stopped after `entries` distinct entries rather than load forever.
    PagingLoop { entries: usize },
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } | ApiError::BadProblem { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The stable machine code of a problem, if there is one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Status { problem, .. } => Some(&problem.code),
            _ => None,
        }
    }

    /// Worth trying again as is: network, timeout, 429, 5xx.
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Network(_) | ApiError::Timeout { .. } => true,
            ApiError::Status { status, .. } | ApiError::BadProblem { status, .. } => {
                *status == 429 || *status >= 500
            }
            _ => false,
        }
    }
}

impl From<Problem> for ApiError {
    fn from(problem: Problem) -> Self {
        ApiError::Status {
            status: problem.status,
            problem,
            retry_after_s: None,
            request_id: None,
        }
    }
}

/// One fact of an error for the "Technical details" a support desk asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TechField {
    Status,
    Code,
    Detail,
    Instance,
    RequestId,
    /// The JSON path that did not decode.
    Path,
    /// What the backend said when it did not say it as a problem document.
    Body,
}

impl ApiError {
    /// Attaches the backend's `X-Request-Id` to an error status.
    pub fn with_request_id(self, id: Option<String>) -> ApiError {
        match self {
            ApiError::Status {
                status,
                problem,
                retry_after_s,
                ..
            } => ApiError::Status {
                status,
                problem,
                retry_after_s,
                request_id: id,
            },
            ApiError::BadProblem { status, body, .. } => ApiError::BadProblem {
                status,
                body,
                request_id: id,
            },
            other => other,
        }
    }

    /// Every technical fact there is, in a fixed order; empty when there is nothing a support
    /// desk could use (e.g. offline).
    pub fn technical(&self) -> Vec<(TechField, String)> {
        let mut out = Vec::new();
        match self {
            ApiError::Status {
                status,
                problem,
                request_id,
                ..
            } => {
                out.push((TechField::Status, status.to_string()));
                out.push((TechField::Code, problem.code.clone()));
                if let Some(d) = &problem.detail {
                    out.push((TechField::Detail, d.clone()));
                }
                if let Some(i) = &problem.instance {
                    out.push((TechField::Instance, i.clone()));
                }
                if let Some(r) = request_id {
                    out.push((TechField::RequestId, r.clone()));
                }
            }
            ApiError::BadProblem {
                status,
                body,
                request_id,
            } => {
                out.push((TechField::Status, status.to_string()));
                if let Some(r) = request_id {
                    out.push((TechField::RequestId, r.clone()));
                }
                out.push((TechField::Body, body.clone()));
            }
            ApiError::Decode { path, message } => {
                out.push((TechField::Path, path.clone()));
                out.push((TechField::Detail, message.clone()));
            }
            _ => {}
        }
        out
    }
}

/// Turns an HTTP answer into the decoded value or the right error.
pub fn interpret<T: DeserializeOwned>(
    status: u16,
    retry_after: Option<&str>,
    body: &str,
) -> Result<T, ApiError> {
    decode(&check(status, retry_after, body.to_string())?)
}

/// A success status's body as is, or the error an error status means.
pub fn check(status: u16, retry_after: Option<&str>, body: String) -> Result<String, ApiError> {
    if (200..300).contains(&status) {
        return Ok(body);
    }
    let retry_after_s = retry_after.and_then(|v| v.trim().parse::<u32>().ok());
    match serde_json::from_str::<Problem>(&body) {
        Ok(problem) => Err(ApiError::Status {
            status,
            problem,
            retry_after_s,
            request_id: None,
        }),
        Err(_) => Err(ApiError::BadProblem {
            status,
            body: body.chars().take(200).collect(),
            request_id: None,
        }),
    }
}

/// Decodes a body, naming the JSON path of the first field that does not fit.
///
/// The path is worked out from the error's position only when decoding fails, by one
/// non-generic scan of the text: tracking it during every decode (serde_path_to_error) cost
/// the wasm build ~120 KB, one tracking wrapper per decoded type.
pub fn decode<T: DeserializeOwned>(body: &str) -> Result<T, ApiError> {
    serde_json::from_str(body).map_err(|e| ApiError::Decode {
        path: path_at(body, e.line(), e.column()),
        message: e.to_string(),
    })
}

/// The JSON path (`admin.id`, `items[3].name`; `.` for the root) of the value being read at
/// `line`/`column` (1-based, as serde_json reports them) of `body`.
fn path_at(body: &str, line: usize, column: usize) -> String {
    enum Level {
        Object { key: String, reading_key: bool },
        Array { index: usize },
    }
    let start = body
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let end = (start + column).min(body.len());
    let mut stack: Vec<Level> = Vec::new();
    let mut string: Option<String> = None;
    let mut escaped = false;
    for c in body.as_bytes()[..end].iter().map(|&b| b as char) {
        if let Some(text) = string.as_mut() {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => {
                    if let (
                        Some(Level::Object {
                            key,
                            reading_key: true,
                        }),
                        Some(t),
                    ) = (stack.last_mut(), string.take())
                    {
                        *key = t;
                    }
                    string = None;
                    continue;
                }
                _ => {}
            }
            // Keys are ASCII in this contract; other bytes only need to be skipped.
            if c.is_ascii() {
                text.push(c);
            }
            continue;
        }
        match (stack.last_mut(), c) {
            (_, '"') => string = Some(String::new()),
            (_, '{') => stack.push(Level::Object {
                key: String::new(),
                reading_key: true,
            }),
            (_, '[') => stack.push(Level::Array { index: 0 }),
            (_, '}' | ']') => {
                stack.pop();
            }
            (Some(Level::Array { index }), ',') => *index += 1,
            (Some(Level::Object { reading_key, .. }), ',') => *reading_key = true,
            (Some(Level::Object { reading_key, .. }), ':') => *reading_key = false,
            _ => {}
        }
    }
    let mut path = String::new();
    for level in &stack {
        match level {
            Level::Object { key, .. } if !key.is_empty() => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Level::Array { index } => path.push_str(&format!("[{index}]")),
            Level::Object { .. } => {}
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::Session;

    #[test]
    fn problems_keep_code_fields_and_retry_after() {
        let body = r#"{"title":"Invalid","status":422,"code":"invalid","errors":[{"field":"code","code":"wrong_code","message":"no"}]}"#;
        let e = interpret::<Session>(422, None, body).unwrap_err();
        match &e {
            ApiError::Status { problem, .. } => assert_eq!(problem.errors[0].field, "code"),
            other => panic!("{other:?}"),
        }
        assert!(!e.is_transient());
        let e = interpret::<Session>(
            429,
            Some("7"),
            r#"{"title":"Slow down","status":429,"code":"rate_limited"}"#,
        )
        .unwrap_err();
        assert!(matches!(
            e,
            ApiError::Status {
                retry_after_s: Some(7),
                ..
            }
        ));
        assert!(e.is_transient());
    }

    #[test]
    fn technical_details_name_status_code_detail_instance_and_request_id() {
        let body = r#"{"title":"Boom","status":503,"code":"unavailable","detail":"db down","instance":"/errors/42"}"#;
        let e = interpret::<Session>(503, None, body)
            .unwrap_err()
            .with_request_id(Some("req-7".into()));
        let facts = e.technical();
        let get = |f: TechField| facts.iter().find(|(k, _)| *k == f).map(|(_, v)| v.as_str());
        assert_eq!(get(TechField::Status), Some("503"));
        assert_eq!(get(TechField::Code), Some("unavailable"));
        assert_eq!(get(TechField::Detail), Some("db down"));
        assert_eq!(get(TechField::Instance), Some("/errors/42"));
        assert_eq!(get(TechField::RequestId), Some("req-7"));
        assert!(ApiError::Network("x".into()).technical().is_empty());
        let bad = interpret::<Session>(502, None, "<html>").unwrap_err();
        assert_eq!(bad.technical()[1], (TechField::Body, "<html>".to_string()));
    }

    #[test]
    fn non_problem_error_bodies_and_bad_success_bodies_are_told_apart() {
        let e = interpret::<Session>(502, None, "<html>proxy</html>").unwrap_err();
        assert_eq!(
            e,
            ApiError::BadProblem {
                status: 502,
                body: "<html>proxy</html>".into(),
                request_id: None,
            }
        );
        assert!(e.is_transient());
        let e = interpret::<Session>(200, None, r#"{"admin":{"id":7}}"#).unwrap_err();
        match e {
            ApiError::Decode { path, .. } => assert_eq!(path, "admin.id"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            interpret::<Session>(200, None, "not json").unwrap_err(),
            ApiError::Decode { .. }
        ));
    }

    #[test]
    fn the_path_is_found_from_the_error_position() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Item {
            id: String,
            tags: Vec<String>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct List {
            items: Vec<Item>,
        }
        let path = |body: &str| match decode::<List>(body).unwrap_err() {
            ApiError::Decode { path, .. } => path,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            path(r#"{"items":[{"id":"a","tags":[]},{"id":3}]}"#),
            "items[1].id"
        );
        assert_eq!(
            path("{\n \"items\": [\n  {\"id\": \"a,]}\\\"\", \"tags\": [\"x\", 4]}]}"),
            "items[0].tags[1]"
        );
        // A missing field is reported on the object that lacks it.
        assert_eq!(path(r#"{"items":[{"id":"a"}]}"#), "items[0]");
        assert_eq!(path(r#"[]"#), ".");
    }
}
