//! Query strings and links: decoding what the URL and the host page hand in, without trusting it.

/// A link the page may open: http(s) or same-site (`/…`, not `//…`). Anything else, `javascript:`
/// first, is dropped rather than trusted.
pub fn safe_link(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let ok = lower.starts_with("https://")
        || lower.starts_with("http://")
        || (url.starts_with('/') && !url.starts_with("//"));
    ok.then(|| url.to_string())
}

/// An origin as `postMessage` compares it: `scheme://host[:port]`, nothing after.
pub fn origin(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches('/');
    let lower = t.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let ok = !rest.is_empty()
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    ok.then_some(lower)
}

pub fn is_truthy(v: &str) -> bool {
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
    fn setting_a_param_keeps_the_others() {
        assert_eq!(
            with_query_param("?a=1&lang=en", "lang", Some("zh-CN")),
            "?a=1&lang=zh-CN"
        );
        assert_eq!(with_query_param("?lang=en", "lang", None), "");
        assert_eq!(with_query_param("", "lang", Some("en")), "?lang=en");
    }

    #[test]
    fn links_are_web_links_and_origins_have_no_path() {
        assert_eq!(safe_link(" /sso/login "), Some("/sso/login".into()));
        assert_eq!(safe_link("javascript:alert(1)"), None);
        assert_eq!(safe_link("//evil.example"), None);
        assert_eq!(
            origin("https://Portal.example:8443/"),
            Some("https://portal.example:8443".into())
        );
        assert_eq!(origin("https://portal.example/path"), None);
        assert_eq!(origin("*"), None);
        assert_eq!(origin("null"), None);
    }
}
