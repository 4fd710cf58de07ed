//! Who is calling. Without a permissions file: the `--token TOKEN=ADMIN` pairs (demo). With
//! `--permissions`: a bearer token whose SHA-256 the file lists (the token itself is stored
//! nowhere), or the user name a single-sign-on proxy puts in the configured header, believed
//! only when the request comes from one of the proxy's address ranges ([`strip_untrusted_sso`]
//! drops the header otherwise, before any handler sees it).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;

use crate::permissions::Permissions;
use crate::AppState;

/// How admins are recognised.
pub enum Admins {
    /// `--token` pairs (token, admin id).
    Tokens(Vec<(String, String)>),
    File(Permissions),
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// The admin id the request authenticates as, if any. `origins` are the other origins allowed
/// to call (`--cors-origin`).
pub fn who(admins: &Admins, headers: &HeaderMap, origins: &[String]) -> Option<String> {
    match admins {
        Admins::Tokens(pairs) => {
            let token = bearer(headers)?;
            pairs
                .iter()
                .find(|(t, _)| t == token)
                .map(|(_, a)| a.clone())
        }
        Admins::File(p) => {
            if let Some(token) = bearer(headers) {
                return p.by_token(token).map(|a| a.id.clone());
            }
            let sso = p.sso.as_ref()?;
            let user = headers.get(sso.header.as_str())?.to_str().ok()?.trim();
            if !from_an_allowed_page(headers, origins) {
                tracing::warn!("SSO request from another site's page refused");
                return None;
            }
            p.admins
                .iter()
                .find(|a| a.sso_user.as_deref() == Some(user))
                .map(|a| a.id.clone())
        }
    }
}

/// The proxy's sign-in travels with every request the browser makes, whichever page makes it:
/// a request another site's page sent (`Sec-Fetch-Site`, which page scripts cannot set) counts
/// only from an origin allowed to call. A bearer token needs no such check: a page cannot
/// send one it does not have.
fn from_an_allowed_page(headers: &HeaderMap, origins: &[String]) -> bool {
    let site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("same-origin");
    if matches!(site, "same-origin" | "none") {
        return true;
    }
    headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|o| origins.iter().any(|a| a == o))
}

/// Removes the SSO header from requests that do not come from a trusted proxy (or whose peer
/// is unknown), so that nobody can claim to be an admin by setting it themselves.
pub async fn strip_untrusted_sso(
    State(app): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
    if let Admins::File(p) = &app.admins {
        if let Some(sso) = &p.sso {
            let peer = req
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip());
            let trusted = peer.is_some_and(|ip| sso.proxies.iter().any(|c| c.contains(ip)));
            if !trusted && req.headers().contains_key(sso.header.as_str()) {
                tracing::warn!(peer = ?peer, "SSO header from an untrusted address ignored");
                req.headers_mut().remove(sso.header.as_str());
            }
        }
    }
    next.run(req).await
}
