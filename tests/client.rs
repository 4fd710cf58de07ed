//! The HTTP client in the browser against the running reference backend: each answer maps to
//! the right error variant. `make test-browser` starts the backend and sets HOC_TEST_BACKEND.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use handover_console::api::demo::DemoBackend;
use handover_console::api::http::HttpClient;
use handover_console::api::types::*;
use handover_console::api::{ApiError, Backend};
use handover_console::config::Auth;
use handover_console::ui::browser::sleep;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn base() -> String {
    let Some(url) = option_env!("HOC_TEST_BACKEND") else {
        panic!("HOC_TEST_BACKEND is set by `make test-browser` (tools/with-backend.sh)");
    };
    format!("{url}/api")
}

fn client(timeout_ms: u32) -> HttpClient {
    HttpClient::new(base(), Auth::Bearer("admin-token".into()), timeout_ms)
}

fn backend(c: HttpClient) -> Backend {
    Backend::Http(Rc::new(c))
}

#[wasm_bindgen_test]
async fn success_decodes_the_contract() {
    let s = backend(client(5_000)).session().await.expect("session");
    assert_eq!(s.admin.id, "admin-1");
    let page = backend(client(5_000))
        .departed_members(&DepartedQuery {
            q: Some("d00".into()),
            limit: Some(3),
            ..Default::default()
        })
        .await
        .expect("page");
    assert_eq!(page.items.len(), 3);
    assert!(page.next_cursor.is_some());
}

/// A page is decoded while it is read in chunks (`api::page_stream`): a whole member's
/// customers over HTTP, in pages of every size the contract allows, are the demo store's rows
/// (both seams run the same seeded dataset), and a body that is not a page still says so.
#[wasm_bindgen_test]
async fn pages_decode_as_they_stream_in() {
    let http = backend(client(10_000));
    let demo = Backend::Demo(Rc::new(DemoBackend::load("admin-1", 0)));
    for limit in [1, 7, 500, 10_000] {
        let q = PageQuery {
            limit: Some(limit),
            ..Default::default()
        };
        let over_http = http
            .customers("d001", &q)
            .await
            .expect("customers over HTTP");
        let in_demo = demo
            .customers("d001", &q)
            .await
            .expect("customers in the demo");
        assert_eq!(over_http.items.len(), in_demo.items.len(), "limit {limit}");
        assert_eq!(
            over_http.items.iter().map(|c| &c.id).collect::<Vec<_>>(),
            in_demo.items.iter().map(|c| &c.id).collect::<Vec<_>>(),
            "limit {limit}"
        );
        assert_eq!(over_http.total, in_demo.total, "limit {limit}");
        assert!(!over_http.items.is_empty());
        let groups = http.groups("d001", &q).await.expect("groups over HTTP");
        assert_eq!(
            groups.items.len(),
            demo.groups("d001", &q).await.expect("groups").items.len()
        );
    }
    let c = client(5_000).with_header("X-Fault", "malformed");
    match backend(c)
        .customers("d001", &PageQuery::default())
        .await
        .unwrap_err()
    {
        ApiError::Decode { .. } => {}
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test]
async fn invalid_input_keeps_field_errors() {
    let e = backend(client(5_000))
        .verify(&VerificationRequest {
            method: VerificationMethod::SmsCode,
            code: "000000".into(),
        })
        .await
        .unwrap_err();
    match e {
        ApiError::Status {
            status: 422,
            problem,
            ..
        } => {
            assert_eq!(problem.errors[0].field, "code");
            assert_eq!(problem.errors[0].code, "wrong_code");
        }
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test]
async fn rate_limits_carry_retry_after() {
    let c = client(5_000).with_header("X-Fault", "status=429");
    let e = backend(c).session().await.unwrap_err();
    assert!(
        matches!(
            &e,
            ApiError::Status {
                status: 429,
                retry_after_s: Some(1),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.is_transient());
}

#[wasm_bindgen_test]
async fn slow_answers_time_out() {
    let c = client(300).with_header("X-Fault", "delay=3000");
    let e = backend(c).session().await.unwrap_err();
    assert_eq!(e, ApiError::Timeout { after_ms: 300 });
}

#[wasm_bindgen_test]
async fn malformed_bodies_name_the_bad_field() {
    let c = client(5_000).with_header("X-Fault", "malformed");
    match backend(c).session().await.unwrap_err() {
        ApiError::Decode { path, .. } => assert_eq!(path, "admin.id"),
        other => panic!("{other:?}"),
    }
    let c = client(5_000).with_header("X-Fault", "bad-problem");
    let e = backend(c).session().await.unwrap_err();
    assert!(
        matches!(e, ApiError::BadProblem { status: 502, .. }),
        "{e:?}"
    );
}

#[wasm_bindgen_test]
async fn unreachable_backends_are_network_errors() {
    let c = HttpClient::new(
        "http://127.0.0.1:9/api".into(),
        Auth::Bearer("x".into()),
        5_000,
    );
    let e = backend(c).session().await.unwrap_err();
    assert!(matches!(e, ApiError::Network(_)), "{e:?}");
}

#[wasm_bindgen_test]
async fn a_newer_search_aborts_the_older_one() {
    let b = backend(client(5_000).with_header("X-Fault", "delay=800"));
    type Slot = Rc<RefCell<Option<Result<Page<DepartedMember>, ApiError>>>>;
    let first: Slot = Rc::default();
    {
        let (b, first) = (b.clone(), first.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let r = b.departed_members(&DepartedQuery::default()).await;
            *first.borrow_mut() = Some(r);
        });
    }
    sleep(50).await;
    let second = b
        .departed_members(&DepartedQuery {
            q: Some("d".into()),
            ..Default::default()
        })
        .await;
    assert!(second.is_ok(), "{second:?}");
    assert_eq!(
        first.borrow_mut().take().map(|r| r.err()),
        Some(Some(ApiError::Aborted))
    );
}

#[wasm_bindgen_test]
async fn the_demo_store_answers_through_the_same_seam() {
    let demo = Backend::Demo(Rc::new(DemoBackend::load("admin-1", 0)));
    assert_eq!(demo.session().await.expect("session").admin.id, "admin-1");
    let e = demo.handover("nope").await.unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert_eq!(e.code(), Some("not_found"));
}
