//! The WeCom server API client (issue 15): credentials, the access-token cache and WeCom's
//! manners (token refresh on 40014/42001 once and single-flight, backoff on rate-limit codes).
//!
//! Secrets (the corp id and the customer-contact secret) come only from environment variables
//! or a file ([`Credentials::from_env`]); they are never logged and never part of an error: a
//! transport failure is reported by kind only, because the token URL carries the secret.
//! Every call is logged (target `handover_backend::wecom`) with the API path, the errcode and
//! the duration; never a body (bodies carry customer names).

pub mod api;
mod client;
pub mod dataset;
pub mod directory;
pub mod poller;
pub mod reload;
pub mod transfer;

pub use client::{Backoff, Client, Error};

use std::fmt;
use std::path::Path;

/// Where WeCom's server API lives unless `--wecom-base-url` says otherwise.
pub const DEFAULT_BASE_URL: &str = "https://qyapi.weixin.qq.com";
/// WeCom hands customers over 24 hours after an accepted transfer.
pub const TAKEOVER_MS: i64 = 24 * 3_600_000;
/// Environment variables read by [`Credentials::from_env`].
pub const ENV_CORP_ID: &str = "WECOM_CORP_ID";
pub const ENV_SECRET: &str = "WECOM_SECRET";
/// A file holding `corp_id = "…"` and `secret = "…"` lines (mode 0600 recommended).
pub const ENV_CREDENTIALS_FILE: &str = "WECOM_CREDENTIALS_FILE";

/// The corp id and the customer-contact secret. `Debug` shows neither.
#[derive(Clone)]
pub struct Credentials {
    pub(crate) corp_id: String,
    pub(crate) secret: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials { corp_id: <redacted>, secret: <redacted> }")
    }
}

impl Credentials {
    pub fn new(corp_id: impl Into<String>, secret: impl Into<String>) -> Credentials {
        Credentials {
            corp_id: corp_id.into(),
            secret: secret.into(),
        }
    }

    /// From `WECOM_CREDENTIALS_FILE` if set, otherwise from `WECOM_CORP_ID` and `WECOM_SECRET`.
    /// Errors name the variable or the line, never a value.
    pub fn from_env() -> Result<Credentials, String> {
        Credentials::from_lookup(|k| std::env::var(k).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Credentials, String> {
        if let Some(file) = get(ENV_CREDENTIALS_FILE).filter(|f| !f.is_empty()) {
            return Credentials::from_file(Path::new(&file));
        }
        let need = |k: &str| {
            get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| format!("{k} is not set (or set {ENV_CREDENTIALS_FILE})"))
        };
        Ok(Credentials::new(need(ENV_CORP_ID)?, need(ENV_SECRET)?))
    }

    /// `corp_id = "…"` and `secret = "…"` lines; `#` comments and blank lines allowed.
    pub fn from_file(path: &Path) -> Result<Credentials, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {}", path.display(), e.kind()))?;
        Credentials::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Credentials, String> {
        let (mut corp_id, mut secret) = (None, None);
        let mut problems = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((k, v)) = line.split_once('=') else {
                problems.push(format!("line {}: expected KEY = \"VALUE\"", i + 1));
                continue;
            };
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v)
                .to_string();
            match k.trim() {
                "corp_id" => corp_id = Some(v),
                "secret" => secret = Some(v),
                other => problems.push(format!("line {}: unknown key {other:?}", i + 1)),
            }
        }
        match (
            corp_id.filter(|v| !v.is_empty()),
            secret.filter(|v| !v.is_empty()),
        ) {
            (Some(c), Some(s)) if problems.is_empty() => Ok(Credentials::new(c, s)),
            (c, s) => {
                if c.is_none() {
                    problems.push("corp_id missing".into());
                }
                if s.is_none() {
                    problems.push("secret missing".into());
                }
                Err(problems.join("; "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_from_variables_or_a_file_and_debug_hides_them() {
        let env = |k: &str| match k {
            ENV_CORP_ID => Some("ww1".to_string()),
            ENV_SECRET => Some("s3cret".to_string()),
            _ => None,
        };
        let c = Credentials::from_lookup(env).unwrap();
        assert_eq!((c.corp_id.as_str(), c.secret.as_str()), ("ww1", "s3cret"));
        assert!(!format!("{c:?}").contains("s3cret"));
        let e = Credentials::from_lookup(|k| (k == ENV_CORP_ID).then(|| "ww1".into()));
        assert!(e.unwrap_err().contains(ENV_SECRET));
        let c = Credentials::parse("# x\ncorp_id = \"ww2\"\nsecret = \"abc\"\n").unwrap();
        assert_eq!(c.secret, "abc");
        let e = Credentials::parse("secret = \"hidden-value\"\nbogus\n").unwrap_err();
        assert!(e.contains("line 2") && e.contains("corp_id missing"), "{e}");
        assert!(!e.contains("hidden-value"));
    }
}
