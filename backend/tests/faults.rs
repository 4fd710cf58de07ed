#![allow(clippy::result_large_err)]
//! The fault switches of issue #9, each against a backend of its own: what a client sees, and
//! that the store underneath still did the honest thing.

mod drivers;

use std::collections::HashSet;
use std::time::Duration;

use drivers::{agent, Http};
use handover_backend::config::Faults;
use handover_backend::Config;
use serde_json::{json, Value};

const ME: &str = "admin-1";
/// Seeded departed members (see src/demo/seed.rs).
const SMALL: &str = "d001";
const MID: &str = "d004";
const GROUPS_ONLY: &str = "d006";

fn with_faults(faults: Faults) -> Http {
    Http::with_config(Config {
        faults: Faults {
            retry_after_s: faults.retry_after_s.max(1),
            ..faults
        },
        ..Config::default()
    })
}

fn get(h: &Http, path: &str, query: Value) -> Value {
    let (status, v) = h.raw(ME, "GET", path, Some(query), None);
    assert_eq!(status, 200, "GET {path}: {v}");
    v
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

/// Every page of a list, following cursors (at most `max_pages`).
fn pages(h: &Http, path: &str, query: Value, max_pages: usize) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    while out.len() < max_pages {
        let mut q = query.clone();
        if let Some(c) = cursor.take() {
            q["cursor"] = json!(c);
        }
        let page = get(h, path, q);
        cursor = page["next_cursor"].as_str().map(str::to_string);
        out.push(page);
        if cursor.is_none() {
            break;
        }
    }
    out
}

/// A verified handover of `n` plain customers of MID, created by ME; (id, successor, customers).
fn handover(h: &Http, id: &str, n: usize) -> (String, String, Vec<String>) {
    let (_, token) = h.raw(
        ME,
        "POST",
        "/session/verification",
        None,
        Some(json!({"method": "sms_code", "code": "246810"})),
    );
    let members = get(h, "/members", json!({"for": MID, "limit": "200"}));
    let successor = members["items"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| {
            m["eligible"] == json!(true)
                && m["customer_limit"].as_u64().unwrap_or(0)
                    > m["customer_count"].as_u64().unwrap_or(0) + 100
        })
        .and_then(|m| m["id"].as_str())
        .expect("a roomy successor")
        .to_string();
    let customers: Vec<String> = get(h, &format!("/departed-members/{MID}/customers"), json!({}))
        ["items"]
        .as_array()
        .expect("customers")
        .iter()
        .filter(|c| c["transferable"] == json!(true) && c["important"] == json!(false))
        .take(n)
        .map(|c| c["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(customers.len(), n);
    let (status, created) = h.raw(
        ME,
        "POST",
        "/handovers",
        None,
        Some(json!({
            "id": id,
            "departed_member": MID,
            "assignments": [{"successor": successor, "customer_ids": customers}],
            "chat_history": {"scope": "none"},
            "verification_token": token["token"],
        })),
    );
    assert_eq!(status, 201, "{created}");
    (id.to_string(), successor, customers)
}

fn batch(h: &Http, id: &str, seq: u32, successor: &str, customers: &[String]) -> (u16, Value) {
    h.raw(
        ME,
        "POST",
        &format!("/handovers/{id}/batches"),
        None,
        Some(json!({"seq": seq, "successor": successor, "customer_ids": customers})),
    )
}

#[test]
fn repeat_ids_start_each_page_with_the_previous_pages_tail() {
    let h = with_faults(Faults {
        repeat_ids: 2,
        ..Faults::default()
    });
    let query = json!({"only_pending": "false", "limit": "4"});
    let all = pages(&h, "/departed-members", query, 50);
    assert!(all.len() >= 3, "several pages");
    let total = all[0]["total"].as_u64().expect("total");
    for pair in all.windows(2) {
        let (prev, next) = (ids(&pair[0]), ids(&pair[1]));
        assert_eq!(next[..2], prev[prev.len() - 2..], "{prev:?} then {next:?}");
        assert_eq!(pair[1]["total"], json!(total), "total unchanged");
    }
    let seen: Vec<String> = all.iter().flat_map(ids).collect();
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len() as u64, total, "nothing lost");
    assert_eq!(seen.len() as u64, total + 2 * (all.len() as u64 - 1));

    // A member's customers too; a first page has nothing to repeat.
    let customers = pages(
        &h,
        &format!("/departed-members/{MID}/customers"),
        json!({"limit": "10"}),
        3,
    );
    assert_eq!(ids(&customers[0]).len(), 10);
    assert_eq!(ids(&customers[1]).len(), 12);
    assert_eq!(ids(&customers[1])[..2], ids(&customers[0])[8..]);
}

#[test]
fn loop_cursor_leads_from_the_last_page_back_to_the_first() {
    let h = with_faults(Faults {
        loop_cursor: true,
        ..Faults::default()
    });
    let query = json!({"only_pending": "false", "limit": "5"});
    let all = pages(&h, "/departed-members", query, 10);
    assert_eq!(all.len(), 10, "the cursor never ends");
    let first = ids(&all[0]);
    let lap = all
        .iter()
        .skip(1)
        .position(|p| ids(p) == first)
        .expect("back at the first page")
        + 1;
    assert!(lap >= 2, "more than one page per lap");
    assert_eq!(ids(&all[lap + 1]), ids(&all[1]), "and round again");

    // A single page of customers points at itself.
    let small = format!("/departed-members/{SMALL}/customers");
    let one = get(&h, &small, json!({}));
    let cursor = one["next_cursor"]
        .as_str()
        .expect("a cursor on the last page");
    assert_eq!(ids(&get(&h, &small, json!({"cursor": cursor}))), ids(&one));

    // Groups are not looped.
    let groups = get(
        &h,
        &format!("/departed-members/{GROUPS_ONLY}/groups"),
        json!({}),
    );
    assert_eq!(groups["next_cursor"], Value::Null);
}

#[test]
fn drop_item_forgets_one_outcome_on_the_first_answer_only() {
    let h = with_faults(Faults {
        drop_item: true,
        ..Faults::default()
    });
    let (id, successor, customers) = handover(&h, "h-drop", 5);
    let (status, first) = batch(&h, &id, 1, &successor, &customers);
    assert_eq!(status, 200, "{first}");
    let outcomes = |v: &Value| v["outcomes"].as_array().expect("outcomes").clone();
    assert_eq!(outcomes(&first).len(), 4, "the last outcome is missing");
    let (_, again) = batch(&h, &id, 1, &successor, &customers);
    assert_eq!(outcomes(&again).len(), 5, "the replay answers in full");
    assert_eq!(outcomes(&again)[..4], outcomes(&first)[..]);
    assert_eq!(
        outcomes(&again)[4]["id"].as_str(),
        Some(customers[4].as_str())
    );
    let items = get(&h, &format!("/handovers/{id}/items"), json!({}));
    let sent = items["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["status"] != json!("unsent"))
        .count();
    assert_eq!(sent, 5, "the store did the work for every item: {items}");
}

#[test]
fn items_per_batch_is_advertised_and_enforced() {
    let h = with_faults(Faults {
        items_per_batch: Some(3),
        ..Faults::default()
    });
    let session = get(&h, "/session", json!({}));
    assert_eq!(session["limits"]["items_per_batch"], json!(3));
    let (id, successor, customers) = handover(&h, "h-small-batches", 4);
    let (status, p) = batch(&h, &id, 1, &successor, &customers);
    assert_eq!(status, 422, "{p}");
    assert_eq!(p["code"], "invalid");
    assert_eq!(p["errors"][0]["field"], "customer_ids");
    assert_eq!(p["errors"][0]["code"], "too_many");
    let (status, r) = batch(&h, &id, 1, &successor, &customers[..3]);
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["outcomes"].as_array().map(Vec::len), Some(3));
    // Without a valid token the answer stays 401, whatever the size.
    let (status, _) = h.raw(
        "nobody",
        "POST",
        &format!("/handovers/{id}/batches"),
        None,
        Some(json!({"seq": 2, "successor": successor, "customer_ids": customers})),
    );
    assert_eq!(status, 401);
}

#[test]
fn session_expires_after_n_batches_until_reauth() {
    let h = with_faults(Faults {
        unauth_after: Some(2),
        ..Faults::default()
    });
    let (id, successor, customers) = handover(&h, "h-expiring", 3);
    assert_eq!(batch(&h, &id, 1, &successor, &customers[..1]).0, 200);
    assert_eq!(get(&h, "/session", json!({}))["admin"]["id"], ME);
    assert_eq!(batch(&h, &id, 2, &successor, &customers[1..2]).0, 200);
    for path in ["/session", "/departments", "/handovers"] {
        let (status, p) = h.raw(ME, "GET", path, None, None);
        assert_eq!((status, p["code"].as_str()), (401, Some("unauthenticated")));
    }
    let (status, _) = batch(&h, &id, 3, &successor, &customers[2..]);
    assert_eq!(status, 401, "batches too");
    let r = agent()
        .post(&format!("{}/api/__test/reauth", h.base))
        .send_empty()
        .expect("reauth");
    assert_eq!(r.status().as_u16(), 204);
    assert_eq!(batch(&h, &id, 3, &successor, &customers[2..]).0, 200);
    assert_eq!(get(&h, "/session", json!({}))["admin"]["id"], ME);
}

#[test]
fn session_expiry_can_end_by_itself() {
    let h = with_faults(Faults {
        unauth_after: Some(1),
        unauth_for_ms: Some(300),
        ..Faults::default()
    });
    let (id, successor, customers) = handover(&h, "h-timed", 1);
    assert_eq!(batch(&h, &id, 1, &successor, &customers).0, 200);
    assert_eq!(h.raw(ME, "GET", "/session", None, None).0, 401);
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(h.raw(ME, "GET", "/session", None, None).0, 200);
}

#[test]
fn test_routes_exist_only_with_a_fault_switch() {
    let h = Http::with_config(Config::default());
    let r = agent()
        .post(&format!("{}/api/__test/reauth", h.base))
        .send_empty()
        .expect("answer");
    assert_eq!(r.status().as_u16(), 404);
}

#[test]
fn no_total_leaves_total_out_of_every_page() {
    let plain = Http::with_config(Config::default());
    assert!(get(&plain, "/departed-members", json!({}))["total"].is_u64());
    let h = with_faults(Faults {
        no_total: true,
        ..Faults::default()
    });
    for path in [
        "/departed-members".to_string(),
        format!("/departed-members/{SMALL}/customers"),
        format!("/departed-members/{GROUPS_ONLY}/groups"),
        "/members".to_string(),
        "/handovers".to_string(),
    ] {
        let page = get(&h, &path, json!({}));
        assert!(page.get("total").is_none(), "{path}: {page}");
        assert!(page["items"].is_array(), "{path}");
    }
}

#[test]
fn first_session_requests_answer_503_with_retry_after() {
    let h = with_faults(Faults {
        session_503: 2,
        retry_after_s: 4,
        ..Faults::default()
    });
    let a = agent();
    let call = || {
        let r = a
            .get(&format!("{}/api/session", h.base))
            .header("Authorization", "Bearer admin-token")
            .call()
            .expect("answer");
        let retry = r
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        (r.status().as_u16(), retry)
    };
    let four = || Some("4".to_string());
    assert_eq!(
        [call(), call(), call()],
        [(503, four()), (503, four()), (200, None)]
    );
    // Other paths were never affected.
    assert_eq!(h.raw(ME, "GET", "/departments", None, None).0, 200);
}

#[test]
fn a_panicking_handler_answers_a_problem_and_the_next_request_works() {
    let h = with_faults(Faults {
        header: true,
        ..Faults::default()
    });
    let a = agent();
    for _ in 0..2 {
        let mut r = a
            .get(&format!("{}/api/session", h.base))
            .header("Authorization", "Bearer admin-token")
            .header("X-Fault", "panic")
            .call()
            .expect("an answer, not a dropped connection");
        assert_eq!(r.status().as_u16(), 500);
        assert_eq!(
            r.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
        let p: Value = r.body_mut().read_json().expect("problem");
        assert_eq!(p["code"], "internal");
        // The store's lock was poisoned by the panic; it must still serve.
        assert_eq!(get(&h, "/session", json!({}))["admin"]["id"], ME);
        assert!(get(&h, "/departed-members", json!({}))["items"].is_array());
    }
}
