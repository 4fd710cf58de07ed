#![allow(clippy::result_large_err)]
//! What only the HTTP side has: every documented path routed, fault injection, CORS, and the
//! built app served against the backend.

mod drivers;

use drivers::{agent, start_backend};
use handover_backend::Config;

/// (method, path) of every operation in openapi.yaml.
fn documented_operations() -> Vec<(String, String)> {
    let spec = include_str!("../../openapi.yaml");
    let mut ops = Vec::new();
    let mut in_paths = false;
    let mut path = String::new();
    for line in spec.lines() {
        if line == "paths:" {
            in_paths = true;
        } else if in_paths && !line.starts_with(' ') && !line.is_empty() {
            break;
        } else if in_paths && line.starts_with("  /") && line.ends_with(':') {
            path = line.trim().trim_end_matches(':').to_string();
        } else if in_paths && (line == "    get:" || line == "    post:") {
            ops.push((
                line.trim().trim_end_matches(':').to_uppercase(),
                path.clone(),
            ));
        }
    }
    ops
}

#[test]
fn every_documented_operation_is_answered() {
    let ops = documented_operations();
    assert_eq!(ops.len(), 18, "{ops:?}");
    let base = start_backend(Config::default());
    let a = agent();
    for (method, path) in ops {
        let url = format!("{base}/api{}", path.replace("{id}", "d001"));
        let resp = if method == "GET" {
            a.get(&url)
                .header("Authorization", "Bearer admin-token")
                .call()
        } else {
            a.post(&url)
                .header("Authorization", "Bearer admin-token")
                .send_json(serde_json::json!({}))
        };
        let mut resp = resp.expect("answer");
        let status = resp.status().as_u16();
        let body: serde_json::Value = resp.body_mut().read_json().unwrap_or_default();
        assert_ne!(status, 405, "{method} {path}");
        assert!(
            body["detail"] != "this path does not exist",
            "{method} {path} is not routed"
        );
    }
}

#[test]
fn unknown_api_paths_and_bad_tokens_answer_problems() {
    let base = start_backend(Config::default());
    let a = agent();
    let mut r = a.get(&format!("{base}/api/nope")).call().expect("answer");
    assert_eq!(r.status().as_u16(), 404);
    let v: serde_json::Value = r.body_mut().read_json().expect("json");
    assert_eq!(v["code"], "not_found");
    let r = a
        .get(&format!("{base}/api/session"))
        .header("Authorization", "Bearer wrong")
        .call()
        .expect("answer");
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let mut r = a
        .post(&format!("{base}/api/handovers"))
        .header("Authorization", "Bearer admin-token")
        .header("Content-Type", "application/json")
        .send("{\"id\": 5}")
        .expect("answer");
    assert_eq!(r.status().as_u16(), 422);
    let v: serde_json::Value = r.body_mut().read_json().expect("json");
    assert_eq!(v["errors"][0]["field"], "body");
}

#[test]
fn injected_429_bursts_carry_retry_after() {
    let mut config = Config::default();
    config.faults.burst_429 = 2;
    config.faults.retry_after_s = 7;
    let base = start_backend(config);
    let a = agent();
    let statuses: Vec<(u16, Option<String>)> = (0..6)
        .map(|_| {
            let r = a
                .get(&format!("{base}/api/session"))
                .header("Authorization", "Bearer admin-token")
                .call()
                .expect("answer");
            let retry = r
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            (r.status().as_u16(), retry)
        })
        .collect();
    let seven = || Some("7".to_string());
    assert_eq!(
        statuses,
        vec![
            (200, None),
            (200, None),
            (429, seven()),
            (429, seven()),
            (429, seven()),
            (200, None)
        ]
    );
}

#[test]
fn injected_errors_answer_503_with_retry_after() {
    let mut config = Config::default();
    config.faults.error_rate = 1.0;
    let base = start_backend(config);
    let r = agent()
        .get(&format!("{base}/api/session"))
        .header("Authorization", "Bearer admin-token")
        .call()
        .expect("answer");
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(
        r.headers().get("retry-after").and_then(|v| v.to_str().ok()),
        Some("1")
    );
}

#[test]
fn cors_allows_configured_origins_only() {
    let config = Config {
        cors_origins: vec!["http://portal.test".into()],
        ..Config::default()
    };
    let base = start_backend(config);
    let a = agent();
    let preflight = |origin: &str| {
        let r = a
            .options(&format!("{base}/api/session"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization")
            .call()
            .expect("answer");
        r.headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    assert_eq!(
        preflight("http://portal.test").as_deref(),
        Some("http://portal.test")
    );
    assert_eq!(preflight("http://evil.test"), None);
}

#[test]
fn serves_the_built_app_pointed_at_itself() {
    let dir = std::env::temp_dir().join(format!("hoc-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><html><head><title>t</title></head><body></body></html>",
    )
    .expect("write");
    std::fs::write(dir.join("app.js"), "console.log(1)").expect("write");
    let config = Config {
        dist: Some(dir.clone()),
        ..Config::default()
    };
    let base = start_backend(config);
    let a = agent();
    for path in ["/", "/handovers/h-1", "/index.html"] {
        let mut r = a.get(&format!("{base}{path}")).call().expect("answer");
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let html = r.body_mut().read_to_string().expect("text");
        assert!(
            html.contains("<meta name=\"handover-console:api-base\" content=\"/api\" />"),
            "{path}: {html}"
        );
    }
    let mut r = a.get(&format!("{base}/app.js")).call().expect("answer");
    assert_eq!(
        r.body_mut().read_to_string().expect("text"),
        "console.log(1)"
    );
    let r = a
        .get(&format!("{base}/api/session"))
        .header("Authorization", "Bearer admin-token")
        .call()
        .expect("answer");
    assert_eq!(r.status().as_u16(), 200);
    let _ = std::fs::remove_dir_all(dir);
}
