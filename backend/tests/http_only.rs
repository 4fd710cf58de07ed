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

/// A fresh backend and a plain TCP connection to it (requests written by hand), with its
/// `host:port`.
fn raw_connection() -> (std::net::TcpStream, String) {
    let base = start_backend(Config::default());
    let addr = base.trim_start_matches("http://").to_string();
    let conn = std::net::TcpStream::connect(&addr).expect("connect");
    conn.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    (conn, addr)
}

/// A request whose body is still on its way when the answer is ready (approve reads none, a
/// refused token is answered before any handler) must not cost the client its connection: an
/// unread body makes the server close, and the client then meets a reset instead of the answer
/// or of its next request's answer.
#[test]
fn answers_wait_for_the_body_and_keep_the_connection() {
    use std::io::{BufRead, BufReader, Read, Write};
    let (mut conn, addr) = raw_connection();
    let mut reader = BufReader::new(conn.try_clone().expect("clone"));
    let mut answer = |conn: &mut std::net::TcpStream, head: &str, body: &str| -> u16 {
        conn.write_all(head.as_bytes()).expect("head");
        conn.flush().expect("flush");
        // The body as a separate, later segment, as clients that stream bodies send it.
        std::thread::sleep(std::time::Duration::from_millis(30));
        conn.write_all(body.as_bytes()).expect("body");
        let mut status = String::new();
        reader.read_line(&mut status).expect("status line");
        let code: u16 = status
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no status in {status:?}"));
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("header");
            if line == "\r\n" {
                break;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().expect("length");
            }
        }
        let mut rest = vec![0; length];
        reader.read_exact(&mut rest).expect("answer body");
        code
    };
    for (token, expected) in [
        ("admin-token", 404),
        ("no-such-token", 401),
        ("limited-token", 404),
    ] {
        let head = format!(
            "POST /api/handovers/h-none/approve HTTP/1.1\r\nHost: {addr}\r\n\
             Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
             Content-Length: 4\r\n\r\n"
        );
        assert_eq!(answer(&mut conn, &head, "null"), expected, "{token}");
    }
}

#[test]
fn oversized_bodies_are_refused_as_problems() {
    use std::io::{Read, Write};
    let (mut conn, addr) = raw_connection();
    let head = format!(
        "POST /api/handovers HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer admin-token\r\n\
         Content-Type: application/json\r\nContent-Length: 3000000\r\nConnection: close\r\n\r\n"
    );
    conn.write_all(head.as_bytes()).expect("head");
    let mut answer = String::new();
    let _ = conn.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(answer.contains("body_too_large"), "{answer}");
}

/// Fault switches that do not touch lists leave list answers as the store wrote them: the
/// page is not decoded and written again on its way out (a 10,000-customer page spent most
/// of its time there), and the field order shows it (re-encoding sorts the keys).
#[test]
fn list_answers_pass_through_unless_a_list_fault_is_on() {
    let first_key = |config: Config| {
        let base = start_backend(config);
        let body = agent()
            .get(&format!(
                "{base}/api/departed-members/d004/customers?limit=3"
            ))
            .header("Authorization", "Bearer admin-token")
            .call()
            .expect("answer")
            .body_mut()
            .read_to_string()
            .expect("body");
        // {"items":[{"<first key>":…
        body.split('"').nth(3).unwrap_or_default().to_string()
    };
    let mut latency = Config::default();
    latency.faults.latency_ms = 1;
    assert_eq!(first_key(latency), "id", "as the store wrote it");
    let mut loops = Config::default();
    loops.faults.loop_cursor = true;
    assert_eq!(first_key(loops), "added_at", "edited, so written again");
}
