//! Runtime configuration: where it comes from and what it means. Plain Rust, no browser calls;
//! the UI hands in the raw sources (query string, the host page's settings).

/// Which backend the app talks to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Mocked data in the browser: nothing configured, or `?demo=1`.
    Demo,
    /// A backend implementing openapi.yaml at this base URL.
    Http { base_url: String },
}

/// How requests prove who the admin is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    Bearer(String),
    /// The portal's session cookie; state-changing requests echo a CSRF cookie in a header.
    Cookie {
        csrf_header: String,
        csrf_cookie: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Raw `lang` query value; the i18n module decides what it means.
    pub lang: Option<String>,
    pub mode: Mode,
    pub auth: Auth,
    pub timeout_ms: u32,
    /// Demo only: which seeded admin the demo acts as (`?as=admin-2` to try approvals).
    pub demo_admin: String,
    /// Batches a run keeps in flight at once.
    pub in_flight: usize,
    /// Where the admin signs in again when the session expires (host setting `login-url`),
    /// opened in a new tab so the run's tab keeps its ledger and workers.
    pub login_url: Option<String>,
    /// Demo only: the demo's session expires after this many batches (`?expire_after=N`), to
    /// show and test the sign-in prompt without a backend.
    pub demo_expire_after: Option<u32>,
}

/// Settings a host page gives as `<meta name="handover-console:KEY" content=…>`.
pub mod keys {
    pub const API_BASE: &str = "api-base";
    pub const TOKEN: &str = "token";
    pub const CSRF_HEADER: &str = "csrf-header";
    pub const CSRF_COOKIE: &str = "csrf-cookie";
    pub const TIMEOUT_MS: &str = "timeout-ms";
    pub const IN_FLIGHT: &str = "in-flight";
    pub const LOGIN_URL: &str = "login-url";
}

pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;
pub const DEFAULT_IN_FLIGHT: usize = 4;

impl Config {
    /// `query` is `location.search` (with or without `?`); `api_base` is the backend URL the
    /// host page configured, if any. The URL can force demo mode but never names a backend, so a
    /// crafted link cannot point an admin's session at someone else's server.
    pub fn from_sources(query: &str, host: impl Fn(&str) -> Option<String>) -> Config {
        let demo_forced = query_param(query, "demo").is_some_and(|v| is_truthy(&v));
        let api_base = host(keys::API_BASE);
        let base = api_base.as_deref().map(str::trim).filter(|b| !b.is_empty());
        let mode = match base {
            Some(b) if !demo_forced => Mode::Http {
                base_url: b.trim_end_matches('/').to_string(),
            },
            _ => Mode::Demo,
        };
        let auth = match host(keys::TOKEN).filter(|t| !t.trim().is_empty()) {
            Some(t) => Auth::Bearer(t.trim().to_string()),
            None => Auth::Cookie {
                csrf_header: host(keys::CSRF_HEADER).unwrap_or_else(|| "X-CSRF-Token".into()),
                csrf_cookie: host(keys::CSRF_COOKIE).unwrap_or_else(|| "csrf_token".into()),
            },
        };
        let timeout_ms = host(keys::TIMEOUT_MS)
            .and_then(|t| t.trim().parse::<u32>().ok())
            .filter(|t| (100..=600_000).contains(t))
            .unwrap_or(DEFAULT_TIMEOUT_MS);
        Config {
            lang: query_param(query, "lang"),
            mode,
            auth,
            timeout_ms,
            in_flight: host(keys::IN_FLIGHT)
                .and_then(|t| t.trim().parse::<usize>().ok())
                .filter(|n| (1..=16).contains(n))
                .unwrap_or(DEFAULT_IN_FLIGHT),
            demo_admin: query_param(query, "as")
                .filter(|a| a.starts_with("admin-"))
                .unwrap_or_else(|| "admin-1".into()),
            login_url: host(keys::LOGIN_URL).and_then(|u| safe_link(&u)),
            demo_expire_after: query_param(query, "expire_after")
                .and_then(|n| n.trim().parse::<u32>().ok()),
        }
    }

    pub fn is_demo(&self) -> bool {
        self.mode == Mode::Demo
    }
}

/// Which page the URL asks for. Query parameters rather than paths, so deep links work on any
/// static host without rewrite rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Wizard,
    Records,
    /// Records the signed-in admin may approve now (`?view=approvals`).
    Approvals,
    Handover(String),
}

impl Route {
    pub fn from_query(query: &str) -> Route {
        match query_param(query, "handover").filter(|h| !h.trim().is_empty()) {
            Some(id) => Route::Handover(id),
            None => match query_param(query, "view").as_deref() {
                Some("records") => Route::Records,
                Some("approvals") => Route::Approvals,
                _ => Route::Wizard,
            },
        }
    }

    /// `query` with this route's parameters, the others (lang, demo, as) kept.
    pub fn to_query(&self, query: &str) -> String {
        let (view, handover) = match self {
            Route::Wizard => (None, None),
            Route::Records => (Some("records"), None),
            Route::Approvals => (Some("approvals"), None),
            Route::Handover(id) => (None, Some(id.as_str())),
        };
        let q = with_query_param(query, "view", view);
        with_query_param(&q, "handover", handover)
    }
}

/// A link the page may open: http(s) or same-site (`/…`, not `//…`). Anything else, `javascript:`
/// first, is dropped rather than trusted.
fn safe_link(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let ok = lower.starts_with("https://")
        || lower.starts_with("http://")
        || (url.starts_with('/') && !url.starts_with("//"));
    ok.then(|| url.to_string())
}

fn is_truthy(v: &str) -> bool {
    matches!(v, "" | "1" | "true" | "yes" | "on")
}

/// The first value of `key` in a query string, percent-decoded. Malformed escapes are kept
/// literally rather than rejected: a bad link should degrade, not break the page.
pub fn query_param(query: &str, key: &str) -> Option<String> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k) == key).then(|| percent_decode(v))
        })
}

/// Returns `query` with `key` set to `value` (or removed when `None`), other pairs kept in order.
pub fn with_query_param(query: &str, key: &str, value: Option<&str>) -> String {
    let mut pairs: Vec<String> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| percent_decode(p.split('=').next().unwrap_or("")) != key)
        .map(str::to_string)
        .collect();
    if let Some(v) = value {
        pairs.push(format!("{key}={}", encode_component(v)));
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

/// Decodes `%XX` escapes (and `+` as a space); see `query_param` for malformed ones.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| {
                    std::str::from_utf8(h)
                        .ok()
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                });
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn encode_component(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| pairs.iter().find(|p| p.0 == k).map(|p| p.1.to_string())
    }

    fn base(b: &str) -> [(&str, &str); 1] {
        [(keys::API_BASE, b)]
    }

    #[test]
    fn demo_when_nothing_configured() {
        let c = Config::from_sources("", host(&[]));
        assert!(c.is_demo());
        assert_eq!(c.lang, None);
        assert_eq!(c.timeout_ms, DEFAULT_TIMEOUT_MS);
        assert_eq!(c.demo_admin, "admin-1");
    }

    #[test]
    fn auth_is_a_bearer_token_or_cookies_with_csrf() {
        let c = Config::from_sources(
            "",
            host(&[(keys::TOKEN, " t0k "), (keys::TIMEOUT_MS, "500")]),
        );
        assert_eq!(c.auth, Auth::Bearer("t0k".into()));
        assert_eq!(c.timeout_ms, 500);
        let c = Config::from_sources(
            "?as=admin-2",
            host(&[
                (keys::CSRF_HEADER, "X-XSRF"),
                (keys::TIMEOUT_MS, "nonsense"),
            ]),
        );
        assert_eq!(
            c.auth,
            Auth::Cookie {
                csrf_header: "X-XSRF".into(),
                csrf_cookie: "csrf_token".into()
            }
        );
        assert_eq!(c.timeout_ms, DEFAULT_TIMEOUT_MS);
        assert_eq!(c.demo_admin, "admin-2");
    }

    #[test]
    fn http_when_a_base_is_configured_unless_demo_is_forced() {
        let c = Config::from_sources("?lang=en", host(&base("https://hr.example/api/")));
        assert_eq!(
            c.mode,
            Mode::Http {
                base_url: "https://hr.example/api".into()
            }
        );
        assert_eq!(c.lang.as_deref(), Some("en"));
        assert!(Config::from_sources("?demo=1", host(&base("https://x"))).is_demo());
        assert!(Config::from_sources("?demo", host(&base("https://x"))).is_demo());
        assert!(!Config::from_sources("?demo=0", host(&base("https://x"))).is_demo());
        assert!(Config::from_sources("", host(&base("   "))).is_demo());
    }

    #[test]
    fn query_params_decode_and_tolerate_garbage() {
        assert_eq!(
            query_param("?a=1&lang=zh%2DCN", "lang").as_deref(),
            Some("zh-CN")
        );
        assert_eq!(query_param("q=a+b%20c", "q").as_deref(), Some("a b c"));
        assert_eq!(query_param("q=%zz%", "q").as_deref(), Some("%zz%"));
        assert_eq!(query_param("q=%E4%B8%AD", "q").as_deref(), Some("中"));
        assert_eq!(query_param("&&x", "x").as_deref(), Some(""));
        assert_eq!(query_param("?a=1", "b"), None);
    }

    #[test]
    fn routes_round_trip_through_the_query() {
        assert_eq!(Route::from_query(""), Route::Wizard);
        assert_eq!(Route::from_query("?view=records&lang=en"), Route::Records);
        assert_eq!(Route::from_query("?view=approvals"), Route::Approvals);
        assert_eq!(
            Route::Approvals.to_query("?demo=1&view=records"),
            "?demo=1&view=approvals"
        );
        assert_eq!(
            Route::from_query("?handover=ho-1%2F2"),
            Route::Handover("ho-1/2".into())
        );
        assert_eq!(Route::from_query("?handover="), Route::Wizard);
        let q = Route::Handover("h 1".into()).to_query("?lang=en&view=records");
        assert_eq!(q, "?lang=en&handover=h%201");
        assert_eq!(Route::from_query(&q), Route::Handover("h 1".into()));
        assert_eq!(Route::Wizard.to_query(&q), "?lang=en");
    }

    #[test]
    fn the_login_url_is_a_web_link_or_nothing() {
        let login = |u: &str| Config::from_sources("", host(&[(keys::LOGIN_URL, u)])).login_url;
        assert_eq!(login(" /sso/login "), Some("/sso/login".into()));
        assert_eq!(
            login("https://sso.example/login?next=%2F"),
            Some("https://sso.example/login?next=%2F".into())
        );
        assert_eq!(login("javascript:alert(1)"), None);
        assert_eq!(login("//evil.example"), None);
        assert_eq!(login(""), None);
        assert_eq!(Config::from_sources("", host(&[])).login_url, None);
    }

    #[test]
    fn the_demo_can_be_told_to_expire_its_session() {
        assert_eq!(
            Config::from_sources("?demo=1&expire_after=3", host(&[])).demo_expire_after,
            Some(3)
        );
        assert_eq!(
            Config::from_sources("?expire_after=x", host(&[])).demo_expire_after,
            None
        );
    }

    #[test]
    fn setting_a_param_keeps_the_others() {
        assert_eq!(
            with_query_param("?a=1&lang=en", "lang", Some("zh-CN")),
            "?a=1&lang=zh-CN"
        );
        assert_eq!(with_query_param("?lang=en", "lang", None), "");
        assert_eq!(with_query_param("", "lang", Some("en")), "?lang=en");
    }
}
