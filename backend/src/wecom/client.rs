//! One WeCom client per backend: a blocking HTTP agent driven from `spawn_blocking`, a token
//! cache behind an async mutex (whoever holds it refreshes; the others wait and reuse).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::Credentials;

/// What a WeCom call can end in. Carries codes and kinds only: never a URL (the token URL
/// holds the secret), never a body (bodies hold customer names).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// WeCom answered with this non-zero errcode.
    Api(i64),
    /// Still rate-limited (45009, 45033, -1 "system busy") after every backoff step.
    RateLimited(i64),
    /// WeCom could not be reached, or answered something other than HTTP 200 JSON.
    Unavailable(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(code) => write!(f, "WeCom answered errcode {code}"),
            Error::RateLimited(code) => write!(f, "WeCom is rate-limiting (errcode {code})"),
            Error::Unavailable(why) => write!(f, "WeCom is unavailable ({why})"),
        }
    }
}

impl std::error::Error for Error {}

/// Token codes: the token expired (42001) or is not valid (40014, also after a secret
/// rotation elsewhere). One refresh, then the code is the answer.
pub fn is_token_code(code: i64) -> bool {
    matches!(code, 40014 | 42001)
}

/// Frequency and concurrency limits, and "system busy".
pub fn is_rate_code(code: i64) -> bool {
    matches!(code, 45009 | 45033 | 45011 | -1)
}

/// Exponential backoff on rate-limit codes: `first`, doubled up to `max`, `tries` times.
#[derive(Clone, Debug)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
    pub tries: u32,
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff {
            first: Duration::from_millis(500),
            max: Duration::from_secs(30),
            tries: 8,
        }
    }
}

impl Backoff {
    pub fn delay(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX);
        self.first.saturating_mul(factor).min(self.max)
    }
}

#[derive(Clone)]
struct Token {
    value: String,
    generation: u64,
    /// Refresh a little before WeCom's `expires_in`.
    fresh_until: Instant,
}

pub struct Client {
    base: String,
    creds: Credentials,
    agent: ureq::Agent,
    backoff: Backoff,
    token: tokio::sync::Mutex<Option<Token>>,
    generation: AtomicU64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client").field("base", &self.base).finish()
    }
}

enum Method<'a> {
    Get(&'a [(&'a str, &'a str)]),
    Post(&'a Value),
}

impl Client {
    /// `base` is WeCom's origin (e.g. [`super::DEFAULT_BASE_URL`], a proxy, the simulator).
    pub fn new(base: &str, creds: Credentials, backoff: Backoff) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        Client {
            base: base.trim_end_matches('/').to_string(),
            creds,
            agent,
            backoff,
            token: tokio::sync::Mutex::new(None),
            generation: AtomicU64::new(0),
        }
    }

    /// How many tokens this client has fetched.
    pub fn tokens_fetched(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// `GET /cgi-bin/{api}?access_token=…&query…`; the answer when its errcode is 0.
    pub async fn get(&self, api: &str, query: &[(&str, &str)]) -> Result<Value, Error> {
        self.call(api, Method::Get(query)).await
    }

    /// `POST /cgi-bin/{api}?access_token=…` with `body`; the answer when its errcode is 0.
    pub async fn post(&self, api: &str, body: &Value) -> Result<Value, Error> {
        self.call(api, Method::Post(body)).await
    }

    async fn call(&self, api: &str, method: Method<'_>) -> Result<Value, Error> {
        let mut refreshed = false;
        let mut busy = 0;
        loop {
            let token = self.token().await?;
            let mut query = vec![("access_token", token.value.as_str())];
            let answer = match &method {
                Method::Get(q) => {
                    query.extend_from_slice(q);
                    self.send(api, &query, None).await?
                }
                Method::Post(body) => self.send(api, &query, Some(body)).await?,
            };
            let code = errcode(&answer);
            if code == 0 {
                return Ok(answer);
            }
            if is_token_code(code) && !refreshed {
                refreshed = true;
                self.invalidate(token.generation).await;
                continue;
            }
            if is_rate_code(code) {
                if busy >= self.backoff.tries {
                    return Err(Error::RateLimited(code));
                }
                // Up to half again at random: callers limited together retry apart.
                let delay = self.backoff.delay(busy).mul_f64(1.0 + jitter() / 2.0);
                tracing::warn!(
                    api,
                    errcode = code,
                    delay_ms = delay.as_millis() as u64,
                    "wecom: backing off"
                );
                tokio::time::sleep(delay).await;
                busy += 1;
                continue;
            }
            return Err(Error::Api(code));
        }
    }

    /// The cached token, or a new one. Holding the lock while fetching makes refreshes
    /// single-flight: callers who found the token expired wait here and reuse the new one.
    async fn token(&self) -> Result<Token, Error> {
        let mut slot = self.token.lock().await;
        if let Some(t) = slot.as_ref().filter(|t| t.fresh_until > Instant::now()) {
            return Ok(t.clone());
        }
        let mut busy = 0;
        let answer = loop {
            let q = [
                ("corpid", self.creds.corp_id.as_str()),
                ("corpsecret", self.creds.secret.as_str()),
            ];
            let answer = self.send("gettoken", &q, None).await?;
            let code = errcode(&answer);
            if is_rate_code(code) && busy < self.backoff.tries {
                tokio::time::sleep(self.backoff.delay(busy)).await;
                busy += 1;
                continue;
            }
            if is_rate_code(code) {
                return Err(Error::RateLimited(code));
            }
            if code != 0 {
                return Err(Error::Api(code));
            }
            break answer;
        };
        let value = answer["access_token"]
            .as_str()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| Error::Unavailable("gettoken answered no token".into()))?
            .to_string();
        let ttl = answer["expires_in"].as_u64().unwrap_or(7200);
        // A minute early (or a tenth for short lifetimes): no call should carry a token that
        // dies on the way.
        let margin = (ttl / 10).min(60);
        let token = Token {
            value,
            generation: self.generation.fetch_add(1, Ordering::SeqCst) + 1,
            fresh_until: Instant::now() + Duration::from_secs(ttl - margin),
        };
        *slot = Some(token.clone());
        Ok(token)
    }

    /// Drops the cached token if it is still the one that failed (a concurrent caller may
    /// already have replaced it: then nothing to do, and no second refresh).
    async fn invalidate(&self, generation: u64) {
        let mut slot = self.token.lock().await;
        if slot.as_ref().is_some_and(|t| t.generation == generation) {
            *slot = None;
        }
    }

    /// One HTTP exchange, logged with api, errcode and duration only.
    async fn send(
        &self,
        api: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Value, Error> {
        let url = format!("{}/cgi-bin/{api}", self.base);
        let agent = self.agent.clone();
        let query: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let body = body.cloned();
        let started = Instant::now();
        let result = tokio::task::spawn_blocking(move || exchange(&agent, &url, &query, body))
            .await
            .unwrap_or_else(|_| Err(Error::Unavailable("client task failed".into())));
        let ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(v) => tracing::info!(api, errcode = errcode(v), ms, "wecom call"),
            Err(e) => tracing::warn!(api, ms, error = %e, "wecom call failed"),
        }
        result
    }
}

/// A number in [0, 1), different on every call (no cryptographic claim).
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    static N: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(N.fetch_add(1, Ordering::Relaxed));
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

fn errcode(v: &Value) -> i64 {
    v.get("errcode").and_then(Value::as_i64).unwrap_or(0)
}

fn exchange(
    agent: &ureq::Agent,
    url: &str,
    query: &[(String, String)],
    body: Option<Value>,
) -> Result<Value, Error> {
    let response = match body {
        None => {
            let mut r = agent.get(url);
            for (k, v) in query {
                r = r.query(k, v);
            }
            r.call()
        }
        Some(b) => {
            let mut r = agent.post(url);
            for (k, v) in query {
                r = r.query(k, v);
            }
            r.send_json(&b)
        }
    };
    // The error's text may contain the URL, hence the secret: keep only its kind.
    let mut response = response.map_err(|e| Error::Unavailable(transport_kind(&e).into()))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(Error::Unavailable(format!("HTTP {status}")));
    }
    response
        .body_mut()
        .read_json::<Value>()
        .map_err(|_| Error::Unavailable("answer is not JSON".into()))
}

fn transport_kind(e: &ureq::Error) -> &'static str {
    match e {
        ureq::Error::Timeout(_) => "timeout",
        ureq::Error::Io(_) => "connection failed",
        ureq::Error::HostNotFound => "host not found",
        ureq::Error::ConnectionFailed => "connection failed",
        ureq::Error::Tls(_) => "TLS failed",
        _ => "transport error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let b = Backoff {
            first: Duration::from_millis(100),
            max: Duration::from_millis(1000),
            tries: 5,
        };
        let d: Vec<u128> = (0..6).map(|i| b.delay(i).as_millis()).collect();
        assert_eq!(d, [100, 200, 400, 800, 1000, 1000]);
        assert!(is_token_code(42001) && is_token_code(40014) && !is_token_code(45009));
        assert!(is_rate_code(45009) && is_rate_code(45033) && !is_rate_code(40096));
    }
}
