#![allow(clippy::result_large_err)]
//! The two implementations the contract suite runs against: the demo store called directly
//! (with a hand-driven clock) and the reference backend over HTTP (with real time).
#![allow(dead_code)]

pub mod pg;

use std::time::Duration;

use handover_backend::Config;
use handover_console::api::types::*;
use handover_console::demo::{Options, Store};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

pub type R<T> = Result<T, Problem>;

/// Takeover delay used by both drivers: short so HTTP tests can wait for it, long enough that a
/// customer a scenario sent is still waiting a few hundred batches later on a loaded machine.
pub const TAKEOVER_MS: i64 = 2_000;

pub trait Contract {
    fn name(&self) -> &'static str;
    fn session(&mut self, who: &str) -> R<Session>;
    fn verify(&mut self, who: &str, req: &VerificationRequest) -> R<VerificationToken>;
    fn departments(&mut self, who: &str) -> R<Vec<Department>>;
    fn departed(&mut self, who: &str, q: &DepartedQuery) -> R<Page<DepartedMember>>;
    fn customers(&mut self, who: &str, id: &str, q: &PageQuery) -> R<Page<Customer>>;
    fn groups(&mut self, who: &str, id: &str, q: &PageQuery) -> R<Page<Group>>;
    fn members(&mut self, who: &str, q: &MembersQuery) -> R<Page<Member>>;
    /// The handover, and whether this call created it.
    fn create(&mut self, who: &str, req: &NewHandover) -> R<(Handover, bool)>;
    fn batch(&mut self, who: &str, id: &str, b: &NewBatch) -> R<BatchResult>;
    fn handovers(&mut self, who: &str, q: &HandoversQuery) -> R<Page<Handover>>;
    fn handover(&mut self, who: &str, id: &str) -> R<Handover>;
    fn items(&mut self, who: &str, id: &str, q: &ItemsQuery) -> R<Page<HandoverItem>>;
    fn events(&mut self, who: &str, id: &str, q: &PageQuery) -> R<Page<HandoverEvent>>;
    fn approve(&mut self, who: &str, id: &str) -> R<Handover>;
    fn reject(&mut self, who: &str, id: &str, req: &RejectRequest) -> R<Handover>;
    fn withdraw(&mut self, who: &str, id: &str) -> R<Handover>;
    /// Lets this much time pass.
    fn advance(&mut self, ms: i64);
}

pub fn options() -> Options {
    Options {
        takeover_delay_ms: TAKEOVER_MS,
        ..Options::default()
    }
}

// ---------- the store, directly ----------

pub struct Direct {
    store: Store,
    now: i64,
}

impl Direct {
    pub fn new() -> Direct {
        let now = 1_795_623_928_000;
        Direct {
            store: Store::new(options(), now),
            now,
        }
    }
}

impl Contract for Direct {
    fn name(&self) -> &'static str {
        "store"
    }
    fn session(&mut self, who: &str) -> R<Session> {
        self.store.session(who)
    }
    fn verify(&mut self, who: &str, req: &VerificationRequest) -> R<VerificationToken> {
        self.store.verify(who, req, self.now)
    }
    fn departments(&mut self, who: &str) -> R<Vec<Department>> {
        self.store.departments(who)
    }
    fn departed(&mut self, who: &str, q: &DepartedQuery) -> R<Page<DepartedMember>> {
        self.store.departed_members(who, q, self.now)
    }
    fn customers(&mut self, who: &str, id: &str, q: &PageQuery) -> R<Page<Customer>> {
        self.store.customers(who, id, q, self.now)
    }
    fn groups(&mut self, who: &str, id: &str, q: &PageQuery) -> R<Page<Group>> {
        self.store.groups(who, id, q, self.now)
    }
    fn members(&mut self, who: &str, q: &MembersQuery) -> R<Page<Member>> {
        self.store.members(who, q)
    }
    fn create(&mut self, who: &str, req: &NewHandover) -> R<(Handover, bool)> {
        self.store.create_handover(who, req, self.now)
    }
    fn batch(&mut self, who: &str, id: &str, b: &NewBatch) -> R<BatchResult> {
        self.store.submit_batch(who, id, b, self.now)
    }
    fn handovers(&mut self, who: &str, q: &HandoversQuery) -> R<Page<Handover>> {
        self.store.handovers(who, q, self.now)
    }
    fn handover(&mut self, who: &str, id: &str) -> R<Handover> {
        self.store.handover(who, id, self.now)
    }
    fn items(&mut self, who: &str, id: &str, q: &ItemsQuery) -> R<Page<HandoverItem>> {
        self.store.items(who, id, q, self.now)
    }
    fn events(&mut self, who: &str, id: &str, q: &PageQuery) -> R<Page<HandoverEvent>> {
        self.store.events(who, id, q, self.now)
    }
    fn approve(&mut self, who: &str, id: &str) -> R<Handover> {
        self.store.approve(who, id, self.now)
    }
    fn reject(&mut self, who: &str, id: &str, req: &RejectRequest) -> R<Handover> {
        self.store.reject(who, id, req, self.now)
    }
    fn withdraw(&mut self, who: &str, id: &str) -> R<Handover> {
        self.store.withdraw(who, id, self.now)
    }
    fn advance(&mut self, ms: i64) {
        self.now += ms;
    }
}

// ---------- the reference backend, over HTTP ----------

/// Starts the backend in-process on a free loopback port; returns its base URL.
pub fn start_backend(config: Config) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            // The binary's way of serving (it knows each request's peer address).
            handover_backend::serve_on(listener, config, std::future::pending())
                .await
                .expect("the app starts and serves");
        });
    });
    format!("http://{}", rx.recv().expect("backend address"))
}

pub struct Http {
    pub base: String,
    agent: ureq::Agent,
    /// A SQLite ledger's files, removed when the driver goes.
    _files: Option<TempDb>,
}

/// A SQLite database file (and its WAL files) in the temp folder, removed on drop.
pub struct TempDb(pub std::path::PathBuf);

impl TempDb {
    pub fn new(what: &str) -> TempDb {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        TempDb(std::env::temp_dir().join(format!("hoc-{what}-{}-{n}.db", std::process::id())))
    }

    pub fn url(&self) -> String {
        format!("sqlite://{}", self.0.display())
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

pub fn token(who: &str) -> String {
    match who {
        "admin-1" => "admin-token".into(),
        "admin-2" => "approver-token".into(),
        "admin-3" => "limited-token".into(),
        other => format!("no-such-token-{other}"),
    }
}

impl Http {
    pub fn new() -> Http {
        Http::with_config(Config {
            takeover_delay_ms: TAKEOVER_MS,
            ..Config::default()
        })
    }

    /// A backend of its own, e.g. with fault switches on.
    pub fn with_config(config: Config) -> Http {
        Http {
            base: start_backend(config),
            agent: agent(),
            _files: None,
        }
    }

    /// A backend already running at `base`.
    pub fn at(base: &str) -> Http {
        Http {
            base: base.to_string(),
            agent: agent(),
            _files: None,
        }
    }

    /// The backend with its ledger in a fresh SQLite file.
    pub fn sqlite() -> Http {
        let db = TempDb::new("contract");
        let mut http = Http::with_config(Config {
            takeover_delay_ms: TAKEOVER_MS,
            database: db.url(),
            ..Config::default()
        });
        http._files = Some(db);
        http
    }

    /// The backend with its ledger in a fresh database of the test binary's PostgreSQL.
    pub fn postgres() -> Http {
        Http::with_config(Config {
            takeover_delay_ms: TAKEOVER_MS,
            database: pg::server().new_database(),
            ..Config::default()
        })
    }

    /// One request; checks the wire rules every answer must keep.
    pub fn raw(
        &self,
        who: &str,
        method: &str,
        path: &str,
        query: Option<Value>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let url = format!("{}/api{}", self.base, path);
        let auth = format!("Bearer {}", token(who));
        let pairs: Vec<(String, String)> = query
            .and_then(|q| q.as_object().cloned())
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k, v.as_str().map(str::to_string).unwrap_or(v.to_string())))
            .collect();
        let resp = if method == "GET" {
            let mut r = self.agent.get(&url).header("Authorization", &auth);
            for (k, v) in &pairs {
                r = r.query(k, v);
            }
            r.call()
        } else {
            self.agent
                .post(&url)
                .header("Authorization", &auth)
                .send_json(body.unwrap_or(Value::Null))
        };
        let mut resp = resp.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status().as_u16();
        let ctype = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let v: Value = resp.body_mut().read_json().unwrap_or(Value::Null);
        if status >= 400 {
            assert_eq!(
                ctype, "application/problem+json",
                "{method} {path} -> {status}"
            );
            assert_eq!(
                v["status"], status,
                "problem status matches HTTP status: {v}"
            );
            assert!(v["code"].is_string() && v["title"].is_string(), "{v}");
        } else {
            assert!(
                ctype.starts_with("application/json"),
                "{method} {path}: {ctype}"
            );
        }
        (status, v)
    }

    fn call<T: DeserializeOwned>(
        &self,
        who: &str,
        method: &str,
        path: &str,
        query: Option<Value>,
        body: Option<Value>,
    ) -> R<T> {
        let (status, v) = self.raw(who, method, path, query, body);
        if status >= 400 {
            Err(serde_json::from_value(v).expect("problem body"))
        } else {
            Ok(serde_json::from_value(v).expect("answer decodes"))
        }
    }

    fn get<T: DeserializeOwned, Q: Serialize>(&self, who: &str, path: &str, q: &Q) -> R<T> {
        self.call(who, "GET", path, serde_json::to_value(q).ok(), None)
    }

    fn post<T: DeserializeOwned, B: Serialize>(&self, who: &str, path: &str, b: &B) -> R<T> {
        self.call(who, "POST", path, None, serde_json::to_value(b).ok())
    }
}

impl Contract for Http {
    fn name(&self) -> &'static str {
        "http"
    }
    fn session(&mut self, who: &str) -> R<Session> {
        self.get(who, "/session", &())
    }
    fn verify(&mut self, who: &str, req: &VerificationRequest) -> R<VerificationToken> {
        self.post(who, "/session/verification", req)
    }
    fn departments(&mut self, who: &str) -> R<Vec<Department>> {
        self.get(who, "/departments", &())
    }
    fn departed(&mut self, who: &str, q: &DepartedQuery) -> R<Page<DepartedMember>> {
        self.get(who, "/departed-members", q)
    }
    fn customers(&mut self, who: &str, id: &str, q: &PageQuery) -> R<Page<Customer>> {
        self.get(who, &format!("/departed-members/{id}/customers"), q)
    }
    fn groups(&mut self, who: &str, id: &str, q: &PageQuery) -> R<Page<Group>> {
        self.get(who, &format!("/departed-members/{id}/groups"), q)
    }
    fn members(&mut self, who: &str, q: &MembersQuery) -> R<Page<Member>> {
        self.get(who, "/members", q)
    }
    fn create(&mut self, who: &str, req: &NewHandover) -> R<(Handover, bool)> {
        let (status, v) = self.raw(
            who,
            "POST",
            "/handovers",
            None,
            serde_json::to_value(req).ok(),
        );
        match status {
            201 | 200 => Ok((serde_json::from_value(v).expect("handover"), status == 201)),
            _ => Err(serde_json::from_value(v).expect("problem")),
        }
    }
    fn batch(&mut self, who: &str, id: &str, b: &NewBatch) -> R<BatchResult> {
        self.post(who, &format!("/handovers/{id}/batches"), b)
    }
    fn handovers(&mut self, who: &str, q: &HandoversQuery) -> R<Page<Handover>> {
        self.get(who, "/handovers", q)
    }
    fn handover(&mut self, who: &str, id: &str) -> R<Handover> {
        self.get(who, &format!("/handovers/{id}"), &())
    }
    fn items(&mut self, who: &str, id: &str, q: &ItemsQuery) -> R<Page<HandoverItem>> {
        self.get(who, &format!("/handovers/{id}/items"), q)
    }
    fn events(&mut self, who: &str, id: &str, q: &PageQuery) -> R<Page<HandoverEvent>> {
        self.get(who, &format!("/handovers/{id}/events"), q)
    }
    fn approve(&mut self, who: &str, id: &str) -> R<Handover> {
        self.post(
            who,
            &format!("/handovers/{id}/approve"),
            &serde_json::json!({}),
        )
    }
    fn reject(&mut self, who: &str, id: &str, req: &RejectRequest) -> R<Handover> {
        self.post(who, &format!("/handovers/{id}/reject"), req)
    }
    fn withdraw(&mut self, who: &str, id: &str) -> R<Handover> {
        // No body, as the app sends it.
        self.call(
            who,
            "POST",
            &format!("/handovers/{id}/withdraw"),
            None,
            None,
        )
    }
    fn advance(&mut self, ms: i64) {
        std::thread::sleep(Duration::from_millis(ms as u64));
    }
}
