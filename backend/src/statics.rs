//! The built app (`--dist`): compressed, with cache headers that let browsers keep the
//! content-hashed files Trunk emits for a year and revalidate everything else.

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;

use crate::AppState;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Marks answers that are the app's index page, whatever path they were asked for.
#[derive(Clone, Copy)]
struct IndexPage;

pub fn router(dist: &Path, state: &AppState) -> Router {
    let index = app_index(dist, state);
    let page = move || {
        let index = index.clone();
        async move {
            let mut r = Html(index).into_response();
            r.extensions_mut().insert(IndexPage);
            r
        }
    };
    // ServeDir answers `.wasm` as application/wasm (mime_guess) and prefers `.br`/`.gz`
    // siblings when the build made them; the CompressionLayer covers files without them.
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(get(page.clone()));
    let csp = HeaderValue::from_str(&content_security_policy(&state.config.frame_ancestors))
        .unwrap_or_else(|_| HeaderValue::from_static(STRICT_CSP_NO_FRAMES));
    Router::new()
        .route("/", get(page.clone()))
        .route("/index.html", get(page))
        .fallback_service(files)
        .layer(axum::middleware::from_fn(cache_control))
        .layer(axum::middleware::from_fn(
            move |req: Request, next: Next| {
                let csp = csp.clone();
                async move {
                    let mut r = next.run(req).await;
                    r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, csp);
                    r
                }
            },
        ))
        .layer(CompressionLayer::new().br(true).gzip(true))
}

/// The built app's index.html, pointed at this backend (and, in the demo, at its first token).
fn app_index(dist: &Path, state: &AppState) -> String {
    let html = std::fs::read_to_string(dist.join("index.html")).unwrap_or_else(|e| {
        format!(
            "<!doctype html><title>dist missing</title><p>cannot read {}: {e}</p>",
            dist.display()
        )
    });
    // The demo's tokens only: with a permissions file admins bring their own (config.json, a
    // host page) or are signed in by the single-sign-on proxy, whose header a bearer token
    // would override.
    let token = match &state.config.permissions {
        None => state.config.tokens.first().map(|t| t.0.as_str()),
        Some(_) => None,
    };
    let mut meta = "<meta name=\"handover-console:api-base\" content=\"/api\" />".to_string();
    if let Some(token) = token {
        meta.push_str(&format!(
            "<meta name=\"handover-console:token\" content=\"{token}\" />"
        ));
    }
    html.replacen("</head>", &format!("{meta}</head>"), 1)
}

const STRICT_CSP_NO_FRAMES: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'";

/// The strict policy the app is built to run under (README, Embedding): no inline script or
/// style, no eval; the API is this very origin. Origins that do not look like origins are left
/// out rather than let into the header.
fn content_security_policy(frame_ancestors: &[String]) -> String {
    let mut ancestors = vec!["'self'".to_string()];
    ancestors.extend(
        frame_ancestors
            .iter()
            .map(|o| o.trim().trim_end_matches('/'))
            .filter(|o| {
                (o.starts_with("http://") || o.starts_with("https://"))
                    && !o.contains([' ', ';', ',', '\'', '"'])
            })
            .map(str::to_string),
    );
    STRICT_CSP_NO_FRAMES.replace(
        "frame-ancestors 'self'",
        &format!("frame-ancestors {}", ancestors.join(" ")),
    )
}

/// Hashed names change with their content, so they may be cached forever; the index page (also
/// the answer for unknown paths, hashed-looking or not) must be revalidated to pick up a deploy.
async fn cache_control(req: Request, next: Next) -> Response {
    let hashed = req
        .uri()
        .path()
        .rsplit('/')
        .next()
        .is_some_and(has_content_hash);
    let mut r = next.run(req).await;
    // A 304 too: browsers take the headers of a revalidation into their cached copy.
    let found = r.status().is_success() || r.status() == StatusCode::NOT_MODIFIED;
    let forever = hashed && found && r.extensions().get::<IndexPage>().is_none();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if forever { IMMUTABLE } else { "no-cache" }),
    );
    r
}

/// Trunk's names carry a hash segment of a u64 in hex without leading zeros (16 digits, rarely
/// fewer): `app-1a2b3c4d5e6f7a8b.css`, `handover-console-63cdce77959629d_bg.wasm`.
fn has_content_hash(name: &str) -> bool {
    name.split(['-', '_', '.'])
        .any(|seg| (13..=16).contains(&seg.len()) && seg.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::{content_security_policy, has_content_hash};

    #[test]
    fn the_policy_is_strict_and_names_only_real_frame_ancestors() {
        let p = content_security_policy(&["http://localhost:9/".into(), "x; script-src *".into()]);
        assert!(p.contains("script-src 'self' 'wasm-unsafe-eval';"), "{p}");
        assert!(p.contains("style-src 'self';"), "{p}");
        assert!(
            p.ends_with("frame-ancestors 'self' http://localhost:9"),
            "{p}"
        );
        assert!(!p.contains("unsafe-inline"), "{p}");
    }

    #[test]
    fn spots_trunk_hashes_only() {
        for hashed in [
            "handover-console-1a2b3c4d5e6f7a8b_bg.wasm",
            "handover-console-1a2b3c4d5e6f7a8b.js",
            "app-0123456789ABCDEF.css",
            "handover-console-63cdce77959629d_bg.wasm",
        ] {
            assert!(has_content_hash(hashed), "{hashed}");
        }
        for plain in [
            "index.html",
            "app.css",
            "app-1a2b3c4d5e6.css",
            "handover-console.js",
            "app-1a2b3c4d5e6f7a8b9.css",
            "app-1a2b3c4d5e6f7a8g.css",
            "",
        ] {
            assert!(!has_content_hash(plain), "{plain}");
        }
    }
}
