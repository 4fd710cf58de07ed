//! Which page is shown, and how that is written into the address: the query string on the
//! standalone page, a prefixed hash when embedded, or nowhere at all.

use super::url::{encode_component, percent_decode, query_param, with_query_param};

/// Which page the app shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Wizard,
    Records,
    /// Records the signed-in admin may approve now.
    Approvals,
    Handover(String),
}

/// Where the route lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Routing {
    /// `?view=records`, `?handover=<id>`: deep links on any static host without rewrite rules.
    /// The standalone page's default; the page owns its address.
    Query,
    /// `#<prefix>/records`, `#<prefix>/handover/<id>`: embedded pages keep their path and query.
    Hash,
    /// The address is never read or written.
    Memory,
}

impl Routing {
    pub const ALL: [Routing; 3] = [Routing::Query, Routing::Hash, Routing::Memory];

    pub fn as_str(self) -> &'static str {
        match self {
            Routing::Query => "query",
            Routing::Hash => "hash",
            Routing::Memory => "memory",
        }
    }
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

    /// The route a hash names under `prefix`, or `None` when the hash is not ours (the host
    /// page's own hash routes stay the host's).
    pub fn from_hash(hash: &str, prefix: &str) -> Option<Route> {
        let path = hash.trim_start_matches('#');
        let path = path.strip_prefix('/').unwrap_or(path);
        let rest = if prefix.is_empty() {
            path
        } else {
            let after = path.strip_prefix(prefix)?;
            if !(after.is_empty() || after.starts_with('/')) {
                return None;
            }
            after.trim_start_matches('/')
        };
        let mut parts = rest.splitn(2, '/');
        match (parts.next().unwrap_or(""), parts.next()) {
            ("" | "wizard", None) => Some(Route::Wizard),
            ("records", None) => Some(Route::Records),
            ("approvals", None) => Some(Route::Approvals),
            ("handover", Some(id)) if !id.trim().is_empty() => {
                Some(Route::Handover(percent_decode(id)))
            }
            _ => None,
        }
    }

    /// `#/<prefix>/…` for this route.
    pub fn to_hash(&self, prefix: &str) -> String {
        let base = if prefix.is_empty() {
            "#".to_string()
        } else {
            format!("#/{prefix}")
        };
        match self {
            Route::Wizard => format!("{base}/"),
            Route::Records => format!("{base}/records"),
            Route::Approvals => format!("{base}/approvals"),
            Route::Handover(id) => format!("{base}/handover/{}", encode_component(id)),
        }
    }
}

/// A hash prefix a host may configure: path segments of letters, digits, `-` and `_`.
pub fn hash_prefix(text: &str) -> Option<String> {
    let t = text.trim().trim_matches('/');
    let ok = t.len() <= 40
        && t.split('/').all(|seg| {
            !seg.is_empty()
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
        });
    (t.is_empty() || ok).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn routes_round_trip_through_a_prefixed_hash() {
        let all = [
            Route::Wizard,
            Route::Records,
            Route::Approvals,
            Route::Handover("ho-1/2 x".into()),
        ];
        for prefix in ["", "console", "hr/handover"] {
            for r in &all {
                let h = r.to_hash(prefix);
                assert_eq!(Route::from_hash(&h, prefix).as_ref(), Some(r), "{h}");
            }
        }
        assert_eq!(Route::Records.to_hash(""), "#/records");
        assert_eq!(Route::Records.to_hash("console"), "#/console/records");
        assert_eq!(Route::from_hash("", ""), Some(Route::Wizard));
        assert_eq!(Route::from_hash("#/records", ""), Some(Route::Records));
    }

    #[test]
    fn a_hash_that_is_the_hosts_is_left_alone() {
        assert_eq!(Route::from_hash("#/dashboard", "console"), None);
        assert_eq!(Route::from_hash("#/consoleX/records", "console"), None);
        assert_eq!(Route::from_hash("#/dashboard", ""), None);
        assert_eq!(Route::from_hash("#/handover/", ""), None);
    }

    #[test]
    fn hash_prefixes_are_plain_segments() {
        assert_eq!(hash_prefix("/console/"), Some("console".into()));
        assert_eq!(hash_prefix(""), Some(String::new()));
        assert_eq!(hash_prefix("hr/handover"), Some("hr/handover".into()));
        assert_eq!(hash_prefix("a//b"), None);
        assert_eq!(hash_prefix("<script>"), None);
        assert_eq!(hash_prefix("a?b"), None);
    }
}
