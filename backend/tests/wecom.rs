//! The WeCom simulator (tests/wecom_sim) checked against the published API's behaviour.

mod wecom_sim;

use serde_json::{json, Value};
use wecom_sim::*;

const T0: i64 = 1_795_623_928_000;

/// A hand-driven simulator (speed 0) and a valid token.
fn sim_with(seed: &Seed) -> (Sim, String) {
    let mut sim = Sim::new(seed, Clock::new(T0, 0.0));
    let t = sim.gettoken(CORP_ID, SECRET);
    let token = t["access_token"].as_str().expect("token").to_string();
    (sim, token)
}

/// A fresh token (after the clock has moved past the last one's lifetime).
fn renew(sim: &mut Sim) -> String {
    sim.gettoken(CORP_ID, SECRET)["access_token"]
        .as_str()
        .expect("token")
        .to_string()
}

fn sim() -> (Sim, String) {
    sim_with(&Seed::default())
}

fn code(v: &Value) -> i64 {
    v["errcode"].as_i64().expect("errcode")
}

fn unassigned_all(sim: &mut Sim, token: &str, page: u64) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut cursor = String::new();
    loop {
        let v = sim.call(
            "externalcontact/get_unassigned_list",
            token,
            &json!({"cursor": cursor, "page_size": page}),
        );
        assert_eq!(code(&v), 0, "{v}");
        rows.extend(v["info"].as_array().unwrap().iter().cloned());
        cursor = v["next_cursor"].as_str().unwrap().to_string();
        if cursor.is_empty() {
            assert_eq!(v["is_last"], json!(true));
            return rows;
        }
    }
}

#[test]
fn token_is_issued_for_the_right_secret_and_expires() {
    let mut sim = Sim::new(&Seed::default(), Clock::new(T0, 0.0));
    assert_eq!(code(&sim.gettoken(CORP_ID, "wrong")), 40001);
    assert_eq!(code(&sim.gettoken("wwother", SECRET)), 40013);
    let t = sim.gettoken(CORP_ID, SECRET);
    assert_eq!(t["expires_in"], json!(7200));
    let token = t["access_token"].as_str().unwrap().to_string();
    assert_eq!(code(&sim.call("department/list", &token, &json!({}))), 0);
    assert_eq!(
        code(&sim.call("department/list", "nonsense", &json!({}))),
        40014
    );
    sim.clock.advance(TOKEN_TTL_S * 1000);
    assert_eq!(
        code(&sim.call("department/list", &token, &json!({}))),
        42001
    );
    let again = sim.gettoken(CORP_ID, SECRET);
    let token2 = again["access_token"].as_str().unwrap();
    assert_ne!(token2, token);
    assert_eq!(code(&sim.call("department/list", token2, &json!({}))), 0);
    assert_eq!(sim.tokens_issued, 2);
}

#[test]
fn unassigned_list_pages_with_cursors_and_omits_group_only_members() {
    let (mut sim, token) = sim();
    let seed = Seed::default();
    let rows = unassigned_all(&mut sim, &token, 7);
    // Every departed member but the last (groups only) has customers_each rows.
    assert_eq!(rows.len(), (seed.departed - 1) * seed.customers_each);
    let mut ids: Vec<&str> = rows
        .iter()
        .map(|r| r["external_userid"].as_str().unwrap())
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), rows.len(), "no row twice across pages");
    let last = format!("left{:03}", seed.departed - 1);
    assert!(rows.iter().all(|r| r["handover_userid"] != json!(last)));
    assert!(rows.iter().all(|r| r["dimission_time"].as_i64().is_some()));
    // …but the group-chat list by owner finds that member.
    let v = sim.call(
        "externalcontact/groupchat/list",
        &token,
        &json!({"owner_filter": {"userid_list": [last]}, "limit": 1000}),
    );
    assert_eq!(
        v["group_chat_list"].as_array().unwrap().len(),
        seed.groups_each
    );
    // Limits.
    for bad in [json!({"page_size": 1001}), json!({"cursor": "17"})] {
        let v = sim.call("externalcontact/get_unassigned_list", &token, &bad);
        assert_eq!(code(&v), 40058, "{bad}");
    }
}

#[test]
fn customer_transfer_takes_over_after_24_hours_with_refusals_and_codes() {
    let (mut sim, token) = sim();
    let mine: Vec<String> = sim
        .customers
        .values()
        .filter(|c| c.owner == "left000")
        .map(|c| c.external_userid.clone())
        .collect();
    let refusing = sim.customers[&mine[3]].refuses;
    assert!(refusing, "the seed makes customer 3 refuse");
    let mut ids: Vec<Value> = mine.iter().map(|s| json!(s)).collect();
    ids.push(json!("wmnobody"));
    ids.push(json!(
        sim.customers
            .values()
            .find(|c| c.owner == "left001")
            .unwrap()
            .external_userid
    ));
    let v = sim.call(
        "externalcontact/resigned/transfer_customer",
        &token,
        &json!({"handover_userid": "left000", "takeover_userid": "act000", "external_userid": ids}),
    );
    let codes: Vec<i64> = v["customer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["errcode"].as_i64().unwrap())
        .collect();
    assert_eq!(codes[..mine.len()], vec![0; mine.len()][..]);
    assert_eq!(codes[mine.len()..], [40096, 40131]);
    // Again while waiting: already in a transfer.
    let v = sim.call(
        "externalcontact/resigned/transfer_customer",
        &token,
        &json!({"handover_userid": "left000", "takeover_userid": "act001", "external_userid": [mine[0]]}),
    );
    assert_eq!(v["customer"][0]["errcode"], json!(40100));

    let result = |sim: &mut Sim| {
        let token = renew(sim);
        let v = sim.call(
            "externalcontact/resigned/transfer_result",
            &token,
            &json!({"handover_userid": "left000", "takeover_userid": "act000", "cursor": ""}),
        );
        assert_eq!(code(&v), 0);
        v["customer"].as_array().unwrap().clone()
    };
    let rows = result(&mut sim);
    assert_eq!(rows.len(), mine.len());
    assert!(rows.iter().all(|r| r["status"] == json!(WAITING)));
    assert_eq!(rows[0]["takeover_time"], json!((T0 + DAY_MS) / 1000));
    sim.clock.advance(DAY_MS - 1);
    assert!(result(&mut sim)
        .iter()
        .all(|r| r["status"] == json!(WAITING)));
    sim.clock.advance(1);
    let rows = result(&mut sim);
    for r in &rows {
        let c = &sim.customers[r["external_userid"].as_str().unwrap()];
        let want = if c.refuses { REFUSED } else { TAKEN_OVER };
        assert_eq!(r["status"], json!(want));
    }
    assert!(rows.iter().any(|r| r["status"] == json!(REFUSED)));
    assert_eq!(sim.customers[&mine[0]].owner, "act000");
}

#[test]
fn customer_transfer_limits_and_successor_checks() {
    let (mut sim, token) = sim_with(&Seed {
        customers_each: 120,
        ..Seed::default()
    });
    let mine: Vec<Value> = sim
        .customers
        .values()
        .filter(|c| c.owner == "left000")
        .map(|c| json!(c.external_userid))
        .collect();
    let call = |sim: &mut Sim, from: &str, to: &str, ids: &[Value]| {
        sim.call(
            "externalcontact/resigned/transfer_customer",
            &token,
            &json!({"handover_userid": from, "takeover_userid": to, "external_userid": ids}),
        )
    };
    assert_eq!(
        code(&call(&mut sim, "left000", "act000", &mine[..101])),
        40058
    );
    assert_eq!(code(&call(&mut sim, "left000", "act000", &[])), 40058);
    let first = |v: Value| v["customer"][0]["errcode"].as_i64().unwrap();
    assert_eq!(
        first(call(&mut sim, "left000", "left000", &mine[..1])),
        40130
    );
    assert_eq!(first(call(&mut sim, "act001", "act000", &mine[..1])), 40097);
    let unverified = format!("act{:03}", Seed::default().active - 1);
    assert_eq!(
        first(call(&mut sim, "left000", &unverified, &mine[..1])),
        40098
    );
}

#[test]
fn successor_at_contact_limit_fails_at_transfer_or_at_takeover() {
    let (mut sim, token) = sim();
    sim.members.get_mut("act000").unwrap().contact_limit = 2;
    let mine: Vec<Value> = sim
        .customers
        .values()
        .filter(|c| c.owner == "left000" && !c.refuses)
        .take(3)
        .map(|c| json!(c.external_userid))
        .collect();
    let v = sim.call(
        "externalcontact/resigned/transfer_customer",
        &token,
        &json!({"handover_userid": "left000", "takeover_userid": "act000", "external_userid": mine}),
    );
    // All three start (the successor has none yet); the third exceeds the limit at takeover.
    assert!(v["customer"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["errcode"] == json!(0)));
    sim.clock.advance(DAY_MS);
    let token = renew(&mut sim);
    let v = sim.call(
        "externalcontact/resigned/transfer_result",
        &token,
        &json!({"handover_userid": "left000", "takeover_userid": "act000"}),
    );
    let mut statuses: Vec<i64> = v["customer"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_i64().unwrap())
        .collect();
    statuses.sort();
    assert_eq!(statuses, [TAKEN_OVER, TAKEN_OVER, LIMIT]);
    // Now at the limit: a new transfer fails at once.
    let other = sim
        .customers
        .values()
        .find(|c| c.owner == "left001")
        .unwrap()
        .external_userid
        .clone();
    let v = sim.call(
        "externalcontact/resigned/transfer_customer",
        &token,
        &json!({"handover_userid": "left001", "takeover_userid": "act000", "external_userid": [other]}),
    );
    assert_eq!(v["customer"][0]["errcode"], json!(40099));
}

#[test]
fn group_transfer_limits_codes_and_daily_quota() {
    let (mut sim, _) = sim_with(&Seed {
        groups_each: 301,
        customers_each: 1,
        ..Seed::default()
    });
    let groups: Vec<Value> = sim
        .groups
        .values()
        .filter(|g| g.owner == "left000")
        .map(|g| json!(g.chat_id))
        .collect();
    let call = |sim: &mut Sim, to: &str, ids: &[Value]| {
        let token = renew(sim);
        sim.call(
            "externalcontact/groupchat/transfer",
            &token,
            &json!({"chat_id_list": ids, "new_owner": to}),
        )
    };
    assert_eq!(code(&call(&mut sim, "act000", &groups[..101])), 40058);
    assert_eq!(code(&call(&mut sim, "act000", &[])), 40058);
    for chunk in groups[..300].chunks(100) {
        let v = call(&mut sim, "act000", chunk);
        assert_eq!(v["failed_chat_list"], json!([]), "{v}");
    }
    let v = call(&mut sim, "act000", &groups[300..]);
    assert_eq!(v["failed_chat_list"][0]["errcode"], json!(40128));
    // Inherited groups, unknown chats, an active owner's group, a full group.
    assert_eq!(
        call(&mut sim, "act001", &groups[..1])["failed_chat_list"][0]["errcode"],
        json!(90508)
    );
    assert_eq!(
        call(&mut sim, "act001", &[json!("wrnothing")])["failed_chat_list"][0]["errcode"],
        json!(90501)
    );
    let g = sim
        .groups
        .values_mut()
        .find(|g| g.owner == "left001")
        .unwrap();
    g.full = true;
    let full = json!(g.chat_id);
    assert_eq!(
        call(&mut sim, "act001", &[full])["failed_chat_list"][0]["errcode"],
        json!(90503)
    );
    sim.groups.get_mut("wrsim002g000").unwrap().owner = "act002".into();
    assert_eq!(
        call(&mut sim, "act001", &[json!("wrsim002g000")])["failed_chat_list"][0]["errcode"],
        json!(90500)
    );
    assert_eq!(
        call(&mut sim, "act002", &[json!("wrsim002g000")])["failed_chat_list"][0]["errcode"],
        json!(90504)
    );
    // The next (simulated) day the quota is back.
    sim.clock.advance(DAY_MS);
    let v = call(&mut sim, "act000", &groups[300..]);
    assert_eq!(v["failed_chat_list"], json!([]));
}

#[test]
fn rate_limits_and_injected_codes() {
    let (mut sim, token) = sim();
    sim.faults.per_minute = 3;
    let codes: Vec<i64> = (0..5)
        .map(|_| code(&sim.call("department/list", &token, &json!({}))))
        .collect();
    assert_eq!(codes, [0, 0, 0, 45009, 45009]);
    sim.clock.advance(60_000);
    assert_eq!(code(&sim.call("department/list", &token, &json!({}))), 0);
    sim.faults.per_minute = 0;
    sim.faults.queued = vec![45033, -1];
    let codes: Vec<i64> = (0..3)
        .map(|_| code(&sim.call("department/list", &token, &json!({}))))
        .collect();
    assert_eq!(codes, [45033, -1, 0]);
}

#[test]
fn the_simulator_over_http() {
    let server = serve(Sim::new(&Seed::default(), Clock::new(T0, 0.0)));
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = |p: &str| format!("{}/cgi-bin/{p}", server.base);
    let t: Value = agent
        .get(&url(&format!(
            "gettoken?corpid={CORP_ID}&corpsecret={SECRET}"
        )))
        .call()
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    let token = t["access_token"].as_str().unwrap();
    let users: Value = agent
        .get(&url(&format!(
            "user/list?access_token={token}&department_id=2"
        )))
        .call()
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    assert_eq!(code(&users), 0);
    assert!(!users["userlist"].as_array().unwrap().is_empty());
    let v: Value = agent
        .post(&url(&format!(
            "externalcontact/get_unassigned_list?access_token={token}"
        )))
        .send_json(json!({"page_size": 10}))
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    assert_eq!(v["info"].as_array().unwrap().len(), 10);
    assert_eq!(v["next_cursor"], json!("c:10"));
    server.sim().faults.outage = true;
    let r = agent.get(&url("department/list")).call().unwrap();
    assert_eq!(r.status(), 503);
}

// ---------- the backend's WeCom client against the simulator ----------

mod client {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use handover_backend::wecom::{Backoff, Client, Credentials, Error};
    use serde_json::json;

    use super::wecom_sim::*;
    use super::T0;

    fn fast() -> Backoff {
        Backoff {
            first: Duration::from_millis(2),
            max: Duration::from_millis(10),
            tries: 4,
        }
    }

    fn setup() -> (Server, Arc<Client>) {
        let server = serve(Sim::new(&Seed::default(), Clock::new(T0, 0.0)));
        let client = Client::new(&server.base, Credentials::new(CORP_ID, SECRET), fast());
        (server, Arc::new(client))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn token_is_cached_and_refreshed_once_when_many_calls_see_it_expire() {
        let (server, client) = setup();
        for _ in 0..3 {
            client.get("department/list", &[]).await.expect("list");
        }
        assert_eq!(server.sim().tokens_issued, 1);
        server.sim().expire_tokens();
        let calls: Vec<_> = (0..16)
            .map(|_| {
                let c = client.clone();
                tokio::spawn(async move { c.get("department/list", &[]).await })
            })
            .collect();
        for c in calls {
            c.await
                .expect("task")
                .expect("every call succeeds after the refresh");
        }
        assert_eq!(server.sim().tokens_issued, 2, "one refresh, no storm");
        assert_eq!(client.tokens_fetched(), 2);
    }

    #[tokio::test]
    async fn rate_limit_codes_back_off_then_succeed_or_give_up() {
        let (server, client) = setup();
        server.sim().faults.queued = vec![45009, 45033, 45009];
        let v = client
            .post(
                "externalcontact/get_unassigned_list",
                &json!({"page_size": 5}),
            )
            .await
            .expect("succeeds after backing off");
        assert_eq!(v["info"].as_array().unwrap().len(), 5);
        server.sim().faults.queued = vec![45009; 10];
        let e = client.get("department/list", &[]).await.unwrap_err();
        assert_eq!(e, Error::RateLimited(45009));
        // Other codes are answers, not retried.
        server.sim().faults.queued = vec![40096];
        assert_eq!(
            client.get("department/list", &[]).await,
            Err(Error::Api(40096))
        );
    }

    #[tokio::test]
    async fn an_outage_and_bad_credentials_are_errors_without_secrets() {
        let (server, client) = setup();
        server.sim().faults.outage = true;
        let e = client.get("department/list", &[]).await.unwrap_err();
        assert_eq!(e, Error::Unavailable("HTTP 503".into()));
        server.sim().faults.outage = false;
        client.get("department/list", &[]).await.expect("back");
        let bad = Client::new(
            &server.base,
            Credentials::new(CORP_ID, "wrong-secret-xyz"),
            fast(),
        );
        let e = bad.get("department/list", &[]).await.unwrap_err();
        assert_eq!(e, Error::Api(40001));
        assert!(!e.to_string().contains("wrong-secret-xyz"));
        // Nobody listening: the error names no URL (it would carry the secret).
        let gone = Client::new(
            "http://127.0.0.1:9",
            Credentials::new(CORP_ID, SECRET),
            fast(),
        );
        let e = gone.get("department/list", &[]).await.unwrap_err();
        assert!(matches!(e, Error::Unavailable(_)), "{e:?}");
        assert!(!format!("{e} {e:?}").contains(SECRET));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_calls_beyond_the_limit_get_45033_and_back_off() {
        let (server, _) = setup();
        let patient = Backoff {
            tries: 12,
            ..fast()
        };
        let client = Arc::new(Client::new(
            &server.base,
            Credentials::new(CORP_ID, SECRET),
            patient,
        ));
        client.get("department/list", &[]).await.expect("token");
        server
            .max_concurrent
            .store(2, std::sync::atomic::Ordering::SeqCst);
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let c = client.clone();
                tokio::spawn(async move { c.get("department/list", &[]).await })
            })
            .collect();
        for c in calls {
            c.await.expect("task").expect("succeeds after backing off");
        }
        let busy = server.sim().log.iter().filter(|(_, c)| *c == 45033).count();
        assert!(busy > 0, "the limit was hit");
    }

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test]
    async fn calls_are_logged_with_errcode_and_duration_without_secrets_or_names() {
        let buf = Buf::default();
        let writer = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::DEBUG)
            .finish();
        // Global (the only test here that installs one): a thread-local default misses the
        // callsites other tests' threads registered first. Their calls land here too, which
        // only widens the scan.
        tracing::subscriber::set_global_default(subscriber).expect("one subscriber");
        let (server, client) = setup();
        let (id, name) = {
            let sim = server.sim();
            let c = sim.customers.values().next().unwrap();
            (c.external_userid.clone(), c.name.clone())
        };
        let v = client
            .get("externalcontact/get", &[("external_userid", &id)])
            .await
            .unwrap();
        assert_eq!(v["external_contact"]["name"], json!(name));
        server.sim().expire_tokens();
        server.sim().faults.queued = vec![45009];
        client.get("department/list", &[]).await.unwrap();
        let log = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains("api=\"externalcontact/get\""), "{log}");
        assert!(
            log.contains("errcode=0") && log.contains("errcode=42001"),
            "{log}"
        );
        assert!(
            log.contains("errcode=45009") && log.contains("ms="),
            "{log}"
        );
        assert!(server.sim().log.len() >= 5);
        for secret in [SECRET, CORP_ID, name.as_str()] {
            assert!(
                !log.contains(secret),
                "{secret} leaked into the log:\n{log}"
            );
        }
    }
}

// ---------- WeCom's endpoints through the client: pages, chunks, outcomes ----------

mod endpoints {
    use std::time::Duration;

    use handover_backend::wecom::api::{self, Outcome};
    use handover_backend::wecom::{Backoff, Client, Credentials};
    use handover_console::api::types::ItemStatus;

    use super::wecom_sim::*;
    use super::T0;

    fn setup(seed: Seed) -> (Server, Client) {
        let server = serve(Sim::new(&seed, Clock::new(T0, 0.0)));
        let backoff = Backoff {
            first: Duration::from_millis(2),
            max: Duration::from_millis(10),
            tries: 4,
        };
        let client = Client::new(&server.base, Credentials::new(CORP_ID, SECRET), backoff);
        (server, client)
    }

    fn calls(server: &Server, path: &str) -> usize {
        server.sim().log.iter().filter(|(p, _)| p == path).count()
    }

    #[tokio::test]
    async fn every_page_of_pending_customers_and_group_only_members() {
        let (server, client) = setup(Seed {
            customers_each: 400,
            ..Seed::default()
        });
        let rows = api::unassigned(&client).await.unwrap();
        assert_eq!(rows.len(), 1200);
        assert_eq!(calls(&server, "externalcontact/get_unassigned_list"), 2);
        let departed: Vec<String> = (0..4).map(|i| format!("left{i:03}")).collect();
        let with_customers: std::collections::BTreeSet<&str> =
            rows.iter().map(|r| r.handover_userid.as_str()).collect();
        assert!(!with_customers.contains("left003"), "groups only");
        let groups = api::groups_of(&client, &departed[3..]).await.unwrap();
        assert_eq!(groups.len(), Seed::default().groups_each);
    }

    #[tokio::test]
    async fn customers_go_in_chunks_of_100_and_codes_are_kept() {
        let (server, client) = setup(Seed {
            customers_each: 250,
            ..Seed::default()
        });
        let mut ids: Vec<String> = server
            .sim()
            .customers
            .values()
            .filter(|c| c.owner == "left000")
            .map(|c| c.external_userid.clone())
            .collect();
        ids.push("wmnobody".into());
        let out = api::transfer_customers(&client, "left000", "act000", &ids).await;
        assert_eq!(
            calls(&server, "externalcontact/resigned/transfer_customer"),
            3
        );
        assert_eq!(out.len(), 251);
        assert!(out[..250].iter().all(|o| o.status == ItemStatus::Waiting));
        let bad = &out[250];
        assert_eq!((bad.status, bad.code), (ItemStatus::Failed, Some(40096)));
        assert_eq!(bad.message.as_deref(), Some("Invalid customer id."));

        // A day later the token has expired too: one refresh, every outcome final.
        server.sim().clock.advance(DAY_MS);
        let before = server.sim().tokens_issued;
        let results = api::transfer_results(&client, "left000", "act000")
            .await
            .unwrap();
        assert_eq!(server.sim().tokens_issued, before + 1);
        assert_eq!(results.len(), 250);
        let refused = results
            .iter()
            .filter(|o| o.status == ItemStatus::Refused)
            .count();
        let taken = results
            .iter()
            .filter(|o| o.status == ItemStatus::TakenOver)
            .count();
        assert!(refused > 0 && taken + refused == 250, "{refused} {taken}");
    }

    #[tokio::test]
    async fn a_rate_limit_burst_slows_and_an_outage_loses_nothing() {
        let (server, client) = setup(Seed::default());
        let ids: Vec<String> = server
            .sim()
            .customers
            .values()
            .filter(|c| c.owner == "left001")
            .map(|c| c.external_userid.clone())
            .collect();
        let (first, rest) = ids.split_at(10);
        server.sim().faults.queued = vec![45009, 45033, 45009];
        let out = api::transfer_customers(&client, "left001", "act001", first).await;
        assert!(out.iter().all(|o| o.status == ItemStatus::Waiting));
        server.sim().faults.outage = true;
        let out = api::transfer_customers(&client, "left001", "act001", rest).await;
        assert!(out.iter().all(|o| o.status == ItemStatus::Unsent));
        server.sim().faults.outage = false;
        let out = api::transfer_customers(&client, "left001", "act001", rest).await;
        assert!(out.iter().all(|o| o.status == ItemStatus::Waiting));
        // 0 duplicates, 0 lost.
        let sim = server.sim();
        assert_eq!(sim.transfers.len(), ids.len());
        let mut sent: Vec<&str> = sim
            .transfers
            .iter()
            .map(|t| t.external_userid.as_str())
            .collect();
        sent.sort();
        sent.dedup();
        assert_eq!(sent.len(), ids.len());
    }

    #[tokio::test]
    async fn groups_go_in_chunks_and_failures_keep_their_code() {
        let (server, client) = setup(Seed {
            groups_each: 150,
            customers_each: 1,
            ..Seed::default()
        });
        let groups = api::groups_of(&client, &["left000".to_string()])
            .await
            .unwrap();
        assert_eq!(groups.len(), 150);
        let out = api::transfer_groups(&client, "act000", &groups).await;
        assert_eq!(calls(&server, "externalcontact/groupchat/transfer"), 2);
        assert!(out.iter().all(|o| o.status == ItemStatus::TakenOver));
        let again = api::transfer_groups(&client, "act001", &groups[..1]).await;
        assert_eq!(
            (again[0].status, again[0].code),
            (ItemStatus::Failed, Some(90508))
        );
        assert_eq!(
            Outcome::of_transfer_code("x", 40099).status,
            ItemStatus::LimitExceeded
        );
    }
}

mod directory {
    use std::time::Duration;

    use handover_backend::wecom::{directory, Backoff, Client, Credentials};

    use super::wecom_sim::*;
    use super::T0;

    #[tokio::test]
    async fn departed_members_with_customers_and_with_only_groups() {
        let server = serve(Sim::new(&Seed::default(), Clock::new(T0, 0.0)));
        let backoff = Backoff {
            first: Duration::from_millis(2),
            max: Duration::from_millis(10),
            tries: 4,
        };
        let client = Client::new(&server.base, Credentials::new(CORP_ID, SECRET), backoff);
        let dir = directory::load(&client).await.unwrap();
        assert_eq!(dir.departments.len(), 4);
        let list = directory::departed(&client, &dir, T0).await.unwrap();
        let seed = Seed::default();
        assert_eq!(list.len(), seed.departed);
        for m in &list[..seed.departed - 1] {
            assert_eq!(m.pending_customers as usize, seed.customers_each);
            assert!(m.eligible && !m.name.is_empty() && !m.department.name.is_empty());
        }
        let last = &list[seed.departed - 1];
        assert_eq!((last.pending_customers, last.pending_groups), (0, 4));
        assert_eq!(list[0].departed_at, "2026-11-24T16:25:28Z");
    }
}

mod polling {
    use std::time::Duration;

    use handover_backend::wecom::api;
    use handover_backend::wecom::{Backoff, Client, Credentials};
    use handover_console::api::types::ItemStatus;

    use super::wecom_sim::*;
    use super::T0;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn outcomes_are_polled_until_final_through_an_outage() {
        // 24 hours in 400 ms of real time.
        let server = serve(Sim::new(
            &Seed::default(),
            Clock::new(T0, DAY_MS as f64 / 400.0),
        ));
        let backoff = Backoff {
            first: Duration::from_millis(2),
            max: Duration::from_millis(10),
            tries: 4,
        };
        let client = Client::new(&server.base, Credentials::new(CORP_ID, SECRET), backoff);
        let ids: Vec<String> = server
            .sim()
            .customers
            .values()
            .filter(|c| c.owner == "left002")
            .take(12)
            .map(|c| c.external_userid.clone())
            .collect();
        let sent = api::transfer_customers(&client, "left002", "act002", &ids).await;
        assert!(sent.iter().all(|o| o.status == ItemStatus::Waiting));
        let sim = server.sim.clone();
        let outage = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            sim.lock().unwrap().faults.outage = true;
            tokio::time::sleep(Duration::from_millis(500)).await;
            sim.lock().unwrap().faults.outage = false;
        });
        let started = std::time::Instant::now();
        let done = api::poll_until_final(
            &client,
            "left002",
            "act002",
            &ids,
            Duration::from_millis(25),
        )
        .await
        .expect("final");
        outage.await.unwrap();
        assert!(
            started.elapsed() >= Duration::from_millis(600),
            "waited out the outage"
        );
        assert_eq!(done.len(), ids.len(), "0 lost");
        assert!(done
            .iter()
            .all(|o| matches!(o.status, ItemStatus::TakenOver | ItemStatus::Refused)));
        assert_eq!(server.sim().transfers.len(), ids.len(), "0 duplicates");
    }
}
