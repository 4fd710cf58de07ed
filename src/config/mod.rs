//! Runtime configuration: which sources there are, the order they merge in, and what each key
//! means. Plain Rust, no browser calls: the UI collects the raw layers (config.json, `<meta>`
//! tags, the mount element's attributes, the `options` object, the query string) and hands them
//! in. A bad value is never silently replaced by a default: it is a `Problem` the app shows.

pub mod route;
pub mod url;

pub use route::{Route, Routing};
pub use url::{encode_component, percent_decode, query_param, safe_link, with_query_param};

use crate::i18n::Locale;

/// Which backend the app talks to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Mocked data in the browser: nothing configured, or `demo` on.
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

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorScheme {
    Light,
    Dark,
    /// Follow the operating system's setting.
    #[default]
    System,
}

impl ColorScheme {
    pub const ALL: [ColorScheme; 3] = [ColorScheme::Light, ColorScheme::Dark, ColorScheme::System];

    pub fn as_str(self) -> &'static str {
        match self {
            ColorScheme::Light => "light",
            ColorScheme::Dark => "dark",
            ColorScheme::System => "system",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The locale configured (or asked for by `?lang=`), if any; otherwise the saved choice and
    /// the browser's languages decide.
    pub locale: Option<Locale>,
    pub mode: Mode,
    pub auth: Auth,
    /// Sent with every request (a tenant header).
    pub headers: Vec<(String, String)>,
    pub timeout_ms: u32,
    /// Batches a run keeps in flight at once.
    pub in_flight: usize,
    pub color_scheme: ColorScheme,
    /// Prefix of every local/session storage key, so two consoles on one origin keep apart.
    pub storage_prefix: String,
    pub routing: Routing,
    /// Hash routes live under `#/<prefix>/…`.
    pub hash_prefix: String,
    /// The only origin an embedding parent may talk to the app from (inside an iframe).
    pub parent_origin: Option<String>,
    /// Where the admin signs in again when the session expires, opened in a new tab so the
    /// run's tab keeps its ledger and workers.
    pub login_url: Option<String>,
    /// Mounted into a host page (not the standalone index.html).
    pub embedded: bool,
    /// Demo only: which seeded admin the demo acts as (`?as=admin-2` to try approvals).
    pub demo_admin: String,
    /// Demo only: the demo's session expires after this many batches (`?expire_after=N`), to
    /// show and test the sign-in prompt without a backend.
    pub demo_expire_after: Option<u32>,
}

pub const DEFAULT_TIMEOUT_MS: u32 = 15_000;
pub const DEFAULT_IN_FLIGHT: usize = 4;
pub const DEFAULT_STORAGE_PREFIX: &str = "handover-console";
pub const TIMEOUT_RANGE: (u32, u32) = (100, 600_000);
pub const IN_FLIGHT_RANGE: (u32, u32) = (1, 16);

impl Config {
    pub fn is_demo(&self) -> bool {
        self.mode == Mode::Demo
    }
}

/// Every configuration key. Each source spells it its own way (`apiBase` in JSON and options,
/// `api-base` in attributes and `<meta>`); `Key::parse` accepts both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    ApiBase,
    Token,
    CsrfHeader,
    CsrfCookie,
    Headers,
    Locale,
    Demo,
    ColorScheme,
    InFlight,
    TimeoutMs,
    StoragePrefix,
    Routing,
    HashPrefix,
    ParentOrigin,
    LoginUrl,
}

impl Key {
    pub const ALL: [Key; 15] = [
        Key::ApiBase,
        Key::Token,
        Key::CsrfHeader,
        Key::CsrfCookie,
        Key::Headers,
        Key::Locale,
        Key::Demo,
        Key::ColorScheme,
        Key::InFlight,
        Key::TimeoutMs,
        Key::StoragePrefix,
        Key::Routing,
        Key::HashPrefix,
        Key::ParentOrigin,
        Key::LoginUrl,
    ];

    /// The JSON / options spelling.
    pub fn name(self) -> &'static str {
        match self {
            Key::ApiBase => "apiBase",
            Key::Token => "token",
            Key::CsrfHeader => "csrfHeader",
            Key::CsrfCookie => "csrfCookie",
            Key::Headers => "headers",
            Key::Locale => "locale",
            Key::Demo => "demo",
            Key::ColorScheme => "colorScheme",
            Key::InFlight => "inFlight",
            Key::TimeoutMs => "timeoutMs",
            Key::StoragePrefix => "storagePrefix",
            Key::Routing => "routing",
            Key::HashPrefix => "hashPrefix",
            Key::ParentOrigin => "parentOrigin",
            Key::LoginUrl => "loginUrl",
        }
    }

    /// `apiBase`, `api-base`, `api_base` (any case) are one key; `lang` is `locale`.
    pub fn parse(name: &str) -> Option<Key> {
        let folded: String = name
            .chars()
            .filter(|c| !matches!(c, '-' | '_'))
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if folded == "lang" {
            return Some(Key::Locale);
        }
        Key::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(&folded))
    }
}

/// Where a setting came from, in merge order (later wins).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// `config.json` beside the app.
    File,
    /// `<meta name="handover-console:KEY">` in the page.
    Meta,
    /// `data-*` attributes of the mount element, or attributes of `<handover-console>`.
    Element,
    /// The `options` object given to `mountHandover`.
    Options,
    /// `?lang=` / `?demo=` on the standalone page.
    Query,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::File => "config.json",
            Source::Meta => "<meta>",
            Source::Element => "element",
            Source::Options => "options",
            Source::Query => "query",
        }
    }
}

/// A value as a source gave it: text from HTML, typed values from JSON and JavaScript.
#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    Text(String),
    Number(f64),
    Bool(bool),
    Map(Vec<(String, Raw)>),
    /// Arrays, functions, `null`: nothing any key takes.
    Other(&'static str),
}

impl Raw {
    /// A short rendering for error messages (never a secret: see `Problem::got`).
    fn show(&self) -> String {
        let s = match self {
            Raw::Text(t) => format!("\"{t}\""),
            Raw::Number(n) => crate::i18n::plain_number(*n),
            Raw::Bool(b) => b.to_string(),
            Raw::Map(_) => "{…}".into(),
            Raw::Other(what) => (*what).into(),
        };
        if s.chars().count() > 60 {
            format!("{}…", s.chars().take(59).collect::<String>())
        } else {
            s
        }
    }

    fn text(&self) -> Option<&str> {
        match self {
            Raw::Text(t) => Some(t.as_str()),
            _ => None,
        }
    }

    fn boolean(&self) -> Option<bool> {
        match self {
            Raw::Bool(b) => Some(*b),
            Raw::Number(n) if *n == 0.0 || *n == 1.0 => Some(*n == 1.0),
            Raw::Text(t) => {
                let t = t.trim().to_ascii_lowercase();
                if url::is_truthy(&t) {
                    Some(true)
                } else {
                    matches!(t.as_str(), "0" | "false" | "no" | "off").then_some(false)
                }
            }
            _ => None,
        }
    }

    fn integer(&self, (lo, hi): (u32, u32)) -> Option<u32> {
        let n = match self {
            Raw::Number(n) if n.fract() == 0.0 => *n,
            Raw::Text(t) => t.trim().parse::<u32>().ok()? as f64,
            _ => return None,
        };
        (n >= lo as f64 && n <= hi as f64).then_some(n as u32)
    }
}

/// One source's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    pub source: Source,
    pub entries: Vec<(String, Raw)>,
    /// The source exists but could not be read as settings (config.json that is not a JSON
    /// object, `options` that are not an object): what it was instead.
    pub unreadable: Option<&'static str>,
}

impl Layer {
    pub fn new(source: Source, entries: Vec<(String, Raw)>) -> Layer {
        Layer {
            source,
            entries,
            unreadable: None,
        }
    }

    pub fn unreadable(source: Source, what: &'static str) -> Layer {
        Layer {
            source,
            entries: Vec::new(),
            unreadable: Some(what),
        }
    }

    /// Text settings (`<meta>` contents, attributes).
    pub fn text<K: Into<String>, V: Into<String>>(
        source: Source,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Layer {
        Layer::new(
            source,
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), Raw::Text(v.into())))
                .collect(),
        )
    }

    /// The standalone page's query: only `lang` and `demo` configure anything; every other
    /// parameter (the page's route, a campaign tag) is not the configuration's business.
    pub fn from_query(query: &str) -> Layer {
        let entries = ["lang", "demo"]
            .into_iter()
            .filter_map(|k| query_param(query, k).map(|v| (k.to_string(), Raw::Text(v))))
            .collect();
        Layer::new(Source::Query, entries)
    }
}

/// What a key accepts, for the message that says a value is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// An `http(s)://` URL or a same-site path.
    BaseUrl,
    Text,
    /// A header name (letters, digits, `-`), not one the app sets itself.
    HeaderName,
    /// An object of header names to text values.
    Headers,
    /// One of the locale tags the app speaks.
    Locale,
    Bool,
    ColorScheme,
    Range(u32, u32),
    StoragePrefix,
    /// `query` (standalone page only), `hash` or `memory`.
    Routing,
    HashPrefix,
    Origin,
    Link,
    /// `demo: false` needs `apiBase`.
    BackendForLive,
    /// `routing: "query"` would rewrite the host page's address.
    NotWhenEmbedded,
    /// A whole source (config.json, `options`) must be an object of settings.
    Object,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    UnknownKey,
    Invalid { expected: Expected, got: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The key as the source spelled it.
    pub key: String,
    pub source: Source,
    pub kind: ProblemKind,
}

/// The merged configuration, and everything wrong with the sources. With problems, the app
/// shows them instead of running on half a configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    pub config: Config,
    pub problems: Vec<Problem>,
}

/// How the app was started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page {
    /// The standalone index.html; its query string (`location.search`).
    Standalone { query: String },
    /// Mounted into a host page: the host's address is not the app's.
    Embedded,
}

/// Headers the app sets itself; a host may not override them through `headers`.
const RESERVED_HEADERS: [&str; 8] = [
    "accept",
    "authorization",
    "content-type",
    "content-length",
    "cookie",
    "host",
    "origin",
    "x-request-id",
];

fn header_name(name: &str) -> Option<String> {
    let n = name.trim();
    let token =
        !n.is_empty() && n.len() <= 64 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    (token && !RESERVED_HEADERS.contains(&n.to_ascii_lowercase().as_str())).then(|| n.into())
}

fn header_value(v: &str) -> Option<String> {
    (v.len() <= 1024 && !v.chars().any(|c| c.is_control())).then(|| v.trim().to_string())
}

fn headers(raw: &Raw) -> Option<Vec<(String, String)>> {
    let pairs: Vec<(String, Raw)> = match raw {
        Raw::Map(m) => m.clone(),
        // Text sources give the object as JSON: data-headers='{"X-Tenant":"acme"}'.
        Raw::Text(t) => match serde_json::from_str::<serde_json::Value>(t).ok()? {
            serde_json::Value::Object(o) => o
                .into_iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => (k, Raw::Text(s)),
                    _ => (k, Raw::Other("not text")),
                })
                .collect(),
            _ => return None,
        },
        _ => return None,
    };
    pairs
        .iter()
        .map(|(k, v)| Some((header_name(k)?, header_value(v.text()?)?)))
        .collect()
}

fn storage_prefix(t: &str) -> Option<String> {
    let t = t.trim();
    let ok = (1..=40).contains(&t.len())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    ok.then(|| t.to_string())
}

fn base_url(t: &str) -> Option<String> {
    let t = t.trim();
    if t.is_empty() {
        return Some(String::new());
    }
    safe_link(t).map(|u| u.trim_end_matches('/').to_string())
}

/// The settings as merged so far: `None` is "not given".
#[derive(Default)]
struct Given {
    api_base: Option<String>,
    token: Option<String>,
    csrf_header: Option<String>,
    csrf_cookie: Option<String>,
    headers: Option<Vec<(String, String)>>,
    locale: Option<Locale>,
    demo: Option<(bool, Source)>,
    color_scheme: Option<ColorScheme>,
    in_flight: Option<u32>,
    timeout_ms: Option<u32>,
    storage_prefix: Option<String>,
    routing: Option<(Routing, Source)>,
    hash_prefix: Option<String>,
    parent_origin: Option<String>,
    login_url: Option<String>,
}

impl Given {
    /// Applies one setting; `Err` says what the key accepts.
    fn apply(&mut self, key: Key, raw: &Raw, source: Source) -> Result<(), Expected> {
        let text = |e: Expected| raw.text().ok_or(e);
        match key {
            Key::ApiBase => {
                self.api_base = Some(base_url(text(Expected::BaseUrl)?).ok_or(Expected::BaseUrl)?)
            }
            Key::Token => {
                let t = text(Expected::Text)?.trim();
                self.token = Some(header_value(t).ok_or(Expected::Text)?);
            }
            Key::CsrfHeader => {
                self.csrf_header =
                    Some(header_name(text(Expected::HeaderName)?).ok_or(Expected::HeaderName)?)
            }
            Key::CsrfCookie => {
                let t = text(Expected::Text)?.trim();
                let ok = !t.is_empty() && !t.contains([';', '=', ' ', ',']);
                self.csrf_cookie = Some(ok.then(|| t.to_string()).ok_or(Expected::Text)?);
            }
            Key::Headers => self.headers = Some(headers(raw).ok_or(Expected::Headers)?),
            Key::Locale => {
                // Exact tags first; `zh-HK` or `zh-Hant` mean the Chinese the app speaks for them.
                let t = text(Expected::Locale)?;
                let l = Locale::from_tag(t).or_else(|| Locale::from_browser_tag(t));
                self.locale = Some(l.ok_or(Expected::Locale)?);
            }
            Key::Demo => self.demo = Some((raw.boolean().ok_or(Expected::Bool)?, source)),
            Key::ColorScheme => {
                let t = text(Expected::ColorScheme)?.trim();
                self.color_scheme = Some(
                    ColorScheme::ALL
                        .into_iter()
                        .find(|c| c.as_str().eq_ignore_ascii_case(t))
                        .ok_or(Expected::ColorScheme)?,
                );
            }
            Key::InFlight => {
                let r = Expected::Range(IN_FLIGHT_RANGE.0, IN_FLIGHT_RANGE.1);
                self.in_flight = Some(raw.integer(IN_FLIGHT_RANGE).ok_or(r)?);
            }
            Key::TimeoutMs => {
                let r = Expected::Range(TIMEOUT_RANGE.0, TIMEOUT_RANGE.1);
                self.timeout_ms = Some(raw.integer(TIMEOUT_RANGE).ok_or(r)?);
            }
            Key::StoragePrefix => {
                self.storage_prefix = Some(
                    storage_prefix(text(Expected::StoragePrefix)?)
                        .ok_or(Expected::StoragePrefix)?,
                )
            }
            Key::Routing => {
                let t = text(Expected::Routing)?.trim();
                let r = Routing::ALL
                    .into_iter()
                    .find(|r| r.as_str().eq_ignore_ascii_case(t))
                    .ok_or(Expected::Routing)?;
                self.routing = Some((r, source));
            }
            Key::HashPrefix => {
                self.hash_prefix = Some(
                    route::hash_prefix(text(Expected::HashPrefix)?).ok_or(Expected::HashPrefix)?,
                )
            }
            Key::ParentOrigin => {
                self.parent_origin =
                    Some(url::origin(text(Expected::Origin)?).ok_or(Expected::Origin)?)
            }
            Key::LoginUrl => {
                self.login_url = Some(safe_link(text(Expected::Link)?).ok_or(Expected::Link)?)
            }
        }
        Ok(())
    }
}

/// Merges `layers` in the order given (later wins), then the query string on the standalone
/// page. Every unknown key and bad value becomes a `Problem`; the config returned is what the
/// good values make, for the error panel's language and nothing else.
pub fn resolve(layers: &[Layer], page: &Page) -> Resolved {
    let mut given = Given::default();
    let mut problems = Vec::new();
    let query_layer = match page {
        Page::Standalone { query } => Some(Layer::from_query(query)),
        Page::Embedded => None,
    };
    for layer in layers.iter().chain(query_layer.as_ref()) {
        if let Some(what) = layer.unreadable {
            problems.push(Problem {
                key: layer.source.as_str().into(),
                source: layer.source,
                kind: ProblemKind::Invalid {
                    expected: Expected::Object,
                    got: what.into(),
                },
            });
        }
        for (name, raw) in &layer.entries {
            let problem = |kind| Problem {
                key: name.clone(),
                source: layer.source,
                kind,
            };
            let Some(key) = Key::parse(name) else {
                problems.push(problem(ProblemKind::UnknownKey));
                continue;
            };
            if let Err(expected) = given.apply(key, raw, layer.source) {
                // A token is a secret: the message names the key, never the value.
                let got = if key == Key::Token {
                    "…".into()
                } else {
                    raw.show()
                };
                problems.push(problem(ProblemKind::Invalid { expected, got }));
            }
        }
    }
    let embedded = *page == Page::Embedded;
    let base = given.api_base.clone().filter(|b| !b.is_empty());
    let mode = match (given.demo, base) {
        (Some((true, _)), _) | (None, None) => Mode::Demo,
        (Some((false, source)), None) => {
            problems.push(Problem {
                key: Key::Demo.name().into(),
                source,
                kind: ProblemKind::Invalid {
                    expected: Expected::BackendForLive,
                    got: "false".into(),
                },
            });
            Mode::Demo
        }
        (_, Some(base_url)) => Mode::Http { base_url },
    };
    let routing = match given.routing {
        Some((Routing::Query, source)) if embedded => {
            problems.push(Problem {
                key: Key::Routing.name().into(),
                source,
                kind: ProblemKind::Invalid {
                    expected: Expected::NotWhenEmbedded,
                    got: "\"query\"".into(),
                },
            });
            Routing::Hash
        }
        Some((r, _)) => r,
        None if embedded => Routing::Hash,
        None => Routing::Query,
    };
    let auth = match given.token.filter(|t| !t.is_empty()) {
        Some(t) => Auth::Bearer(t),
        None => Auth::Cookie {
            csrf_header: given.csrf_header.unwrap_or_else(|| "X-CSRF-Token".into()),
            csrf_cookie: given.csrf_cookie.unwrap_or_else(|| "csrf_token".into()),
        },
    };
    let query = match page {
        Page::Standalone { query } => query.as_str(),
        Page::Embedded => "",
    };
    let config = Config {
        locale: given.locale,
        mode,
        auth,
        headers: given.headers.unwrap_or_default(),
        timeout_ms: given.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS),
        in_flight: given
            .in_flight
            .map(|n| n as usize)
            .unwrap_or(DEFAULT_IN_FLIGHT),
        color_scheme: given.color_scheme.unwrap_or_default(),
        storage_prefix: given
            .storage_prefix
            .unwrap_or_else(|| DEFAULT_STORAGE_PREFIX.into()),
        routing,
        hash_prefix: given.hash_prefix.unwrap_or_default(),
        parent_origin: given.parent_origin,
        login_url: given.login_url,
        embedded,
        demo_admin: query_param(query, "as")
            .filter(|a| a.starts_with("admin-"))
            .unwrap_or_else(|| "admin-1".into()),
        demo_expire_after: query_param(query, "expire_after")
            .and_then(|n| n.trim().parse::<u32>().ok()),
    };
    Resolved { config, problems }
}

#[cfg(test)]
mod tests;
