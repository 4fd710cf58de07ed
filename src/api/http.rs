//! The HTTP client: gloo-net fetch with auth, a timeout, cancellation, and problem+json errors.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use gloo_net::http::{Request, RequestBuilder};
use js_sys::Uint8Array;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestCredentials};

use super::error::{check, decode, ApiError};
use super::page_stream::PageDecoder;
use super::types::Page;
use crate::config::{encode_component, Auth};

pub struct HttpClient {
    base: String,
    auth: Auth,
    timeout_ms: u32,
    /// Extra headers on every request (a tenant header, a test's fault switch).
    extra_headers: Vec<(String, String)>,
    /// The live request per supersede key; a newer request aborts the older one.
    inflight: RefCell<HashMap<&'static str, AbortController>>,
}

/// Clears the timer and aborts the request if the future is dropped before it finishes
/// (a component unmounted, a newer search): no stale request outlives its reader.
struct Guard {
    controller: AbortController,
    timer: Option<i32>,
    _on_timeout: Closure<dyn FnMut()>,
    done: bool,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let (Some(w), Some(t)) = (web_sys::window(), self.timer) {
            w.clear_timeout_with_handle(t);
        }
        if !self.done {
            self.controller.abort();
        }
    }
}

impl HttpClient {
    pub fn new(base: String, auth: Auth, timeout_ms: u32) -> HttpClient {
        HttpClient {
            base,
            auth,
            timeout_ms,
            extra_headers: Vec::new(),
            inflight: RefCell::new(HashMap::new()),
        }
    }

    /// A client for the configured backend: its timeout and extra headers, with `auth`.
    pub fn from_config(base: String, config: &crate::config::Config, auth: Auth) -> HttpClient {
        let mut c = HttpClient::new(base, auth, config.timeout_ms);
        c.extra_headers = config.headers.clone();
        c
    }

    pub fn with_header(mut self, name: &str, value: &str) -> HttpClient {
        self.extra_headers.push((name.into(), value.into()));
        self
    }

    pub async fn get<T: DeserializeOwned, Q: Serialize>(
        &self,
        path: &str,
        query: &Q,
        supersede: Option<&'static str>,
    ) -> Result<T, ApiError> {
        let url = format!("{}{}{}", self.base, path, query_string(query));
        decode(&self.send(Request::get(&url), None, supersede).await?)
    }

    /// GETs a page of a list, decoding its items while the body is read into the wasm memory
    /// in chunks (`page_stream`): a 10,000-row page is never there whole beside its rows.
    /// `capacity`: the rows asked for (`limit`).
    pub async fn get_page<T: DeserializeOwned, Q: Serialize>(
        &self,
        path: &str,
        query: &Q,
        capacity: usize,
    ) -> Result<Page<T>, ApiError> {
        let url = format!("{}{}{}", self.base, path, query_string(query));
        let answer = self.exchange(Request::get(&url), None, None, None).await?;
        if !(200..300).contains(&answer.status) {
            return answer.checked().and_then(|text| decode(&text));
        }
        let body = answer.body;
        let mut decoder = PageDecoder::with_capacity(capacity);
        let mut chunk = vec![0; CHUNK.min(body.length() as usize)];
        let mut at = 0;
        while at < body.length() {
            let end = (at + chunk.len() as u32).min(body.length());
            let part = &mut chunk[..(end - at) as usize];
            body.subarray(at, end).copy_to(part);
            decoder.feed(part);
            at = end;
        }
        decoder.finish()
    }

    /// POSTs `body` as JSON. A body that serialises to `null` (`&()`) or to an empty object is
    /// no body at all, without a Content-Type: the contract's operations without a request body
    /// (approve) get none, and no operation of the contract takes an empty object.
    pub async fn post<T: DeserializeOwned, B: Serialize>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        self.post_heard(path, body, None).await
    }

    /// [`post`](Self::post), telling `on_head` the answer's status as soon as its head is in,
    /// before its body is read: the run sends its next batch then (the server is done with this
    /// one), not after the body has been read and recorded.
    pub async fn post_heard<T: DeserializeOwned, B: Serialize>(
        &self,
        path: &str,
        body: &B,
        on_head: Option<&dyn Fn(u16)>,
    ) -> Result<T, ApiError> {
        let url = format!("{}{}", self.base, path);
        let json = serde_json::to_string(body).map_err(|e| ApiError::Network(e.to_string()))?;
        // `()` (and an empty object) mean "no body", as the contract's approve has none.
        let json = (json != "null" && json != "{}").then_some(json);
        let answer = self
            .exchange(Request::post(&url), json, None, on_head)
            .await?;
        decode(&answer.checked()?)
    }

    /// Sends and answers the success body's text.
    async fn send(
        &self,
        req: RequestBuilder,
        body: Option<String>,
        supersede: Option<&'static str>,
    ) -> Result<String, ApiError> {
        self.exchange(req, body, supersede, None).await?.checked()
    }

    /// Sends, and reads the whole answer within the timeout. Not generic over the decoded
    /// type: one copy of this state machine in the wasm build, not one per type
    /// (docs/performance.md).
    async fn exchange(
        &self,
        mut req: RequestBuilder,
        body: Option<String>,
        supersede: Option<&'static str>,
        on_head: Option<&dyn Fn(u16)>,
    ) -> Result<Answer, ApiError> {
        let controller =
            AbortController::new().map_err(|_| ApiError::Network("AbortController".into()))?;
        if let Some(key) = supersede {
            if let Some(old) = self.inflight.borrow_mut().insert(key, controller.clone()) {
                old.abort();
            }
        }
        let timed_out = Rc::new(Cell::new(false));
        let on_timeout = {
            let (flag, ctrl) = (timed_out.clone(), controller.clone());
            Closure::<dyn FnMut()>::new(move || {
                flag.set(true);
                ctrl.abort();
            })
        };
        let timer = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                on_timeout.as_ref().unchecked_ref(),
                self.timeout_ms as i32,
            )
            .ok()
        });
        let mut guard = Guard {
            controller: controller.clone(),
            timer,
            _on_timeout: on_timeout,
            done: false,
        };

        req = req
            .header("Accept", "application/json, application/problem+json")
            .abort_signal(Some(&controller.signal()));
        for (k, v) in &self.extra_headers {
            req = req.header(k, v);
        }
        match &self.auth {
            Auth::Bearer(token) => req = req.header("Authorization", &format!("Bearer {token}")),
            Auth::Cookie {
                csrf_header,
                csrf_cookie,
            } => {
                req = req.credentials(RequestCredentials::Include);
                if let Some(v) = cookie(csrf_cookie) {
                    req = req.header(csrf_header, &v);
                }
            }
        }
        let request = match body {
            Some(json) => req.header("Content-Type", "application/json").body(json),
            None => req.build(),
        }
        .map_err(|e| ApiError::Network(e.to_string()))?;

        let result = async {
            let resp = request.send().await.map_err(|e| e.to_string())?;
            let status = resp.status();
            if let Some(heard) = on_head {
                heard(status);
            }
            let retry_after = resp.headers().get("retry-after");
            let request_id = resp.headers().get("x-request-id");
            // The bytes, left in JS: a page of 10,000 customers is 2 MB that would otherwise
            // be decoded to a JS string and encoded back into a buffer of three bytes a
            // character in the wasm memory, which never shrinks; `get_page` takes them in
            // chunks.
            let raw: web_sys::Response = resp.into();
            let unread = || "the answer's body could not be read".to_string();
            let bytes = JsFuture::from(raw.array_buffer().map_err(|_| unread())?)
                .await
                .map_err(|_| unread())?;
            Ok::<_, String>((status, retry_after, request_id, Uint8Array::new(&bytes)))
        }
        .await;
        guard.done = true;
        if let Some(key) = supersede {
            let mut inflight = self.inflight.borrow_mut();
            if inflight.get(key) == Some(&controller) {
                inflight.remove(key);
            }
        }
        match result {
            Ok((status, retry_after, request_id, body)) => Ok(Answer {
                status,
                retry_after,
                request_id,
                body,
            }),
            Err(_) if timed_out.get() => Err(ApiError::Timeout {
                after_ms: self.timeout_ms,
            }),
            Err(_) if controller.signal().aborted() => Err(ApiError::Aborted),
            Err(e) => Err(ApiError::Network(e)),
        }
    }
}

/// Bytes of an answer at a time that `get_page` copies into the wasm memory.
const CHUNK: usize = 64 * 1024;

/// An answer, its body still in JS memory.
struct Answer {
    status: u16,
    retry_after: Option<String>,
    request_id: Option<String>,
    body: Uint8Array,
}

impl Answer {
    /// The body's text for a success; the problem it describes otherwise.
    fn checked(self) -> Result<String, ApiError> {
        check(
            self.status,
            self.retry_after.as_deref(),
            utf8(self.body.to_vec()),
        )
        .map_err(|e| e.with_request_id(self.request_id))
    }
}

/// A body's text as `Response.text()` reads it: UTF-8 without a byte-order mark, a malformed
/// sequence replaced (then decoding says what does not fit, as it would).
fn utf8(bytes: Vec<u8>) -> String {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `?k=v&…` from a query struct, skipping absent fields.
fn query_string<Q: Serialize>(query: &Q) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(query) else {
        return String::new();
    };
    let pairs: Vec<String> = map
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            format!("{}={}", encode_component(&k), encode_component(&v))
        })
        .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

fn cookie(name: &str) -> Option<String> {
    let doc: web_sys::HtmlDocument = web_sys::window()?.document()?.dyn_into().ok()?;
    let all = doc.cookie().ok()?;
    all.split(';').find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}
