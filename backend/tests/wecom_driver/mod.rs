//! The contract suite's driver for `--source wecom`: a WeCom simulator seeded with the demo
//! company (same ids, names, tags, departure days, groups), the reference backend reading it
//! through WeCom's API, a permissions file for the demo's three admins (same bearer tokens,
//! departments 1 and 2 for the limited one), and TOTP codes in place of the demo code.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use handover_backend::config::Source;
use handover_backend::wecom::{Backoff, Credentials};
use handover_backend::{permissions, totp, Config};
use handover_console::api::types::*;
use handover_console::demo::seed;

use crate::drivers::{Contract, Http, R, TAKEOVER_MS};
use crate::wecom_sim::{self, Clock, Seed, Server, Sim, SimCustomer, SimGroup, SimMember};

/// The demo admins' TOTP secrets (base32), by admin id.
pub const SECRETS: [(&str, &str); 3] = [
    ("admin-1", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
    ("admin-2", "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"),
    ("admin-3", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
];
/// How often the backend asks WeCom for outcomes in these tests.
pub const POLL_MS: u64 = 100;

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The current TOTP code of `admin`.
pub fn totp_code(admin: &str) -> String {
    let secret = SECRETS
        .iter()
        .find(|(a, _)| *a == admin)
        .and_then(|(_, s)| totp::base32_decode(s))
        .unwrap_or_default();
    totp::code_at(&secret, now_ms() / 1000)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The permissions file: admin-1 and admin-2 everything (approvers), admin-3 departments
/// `limited` only.
pub fn permissions_toml(limited: &[&str]) -> String {
    let mut out = String::new();
    for (id, name, token, approver, depts) in [
        ("admin-1", "周静", "admin-token", true, vec!["*"]),
        ("admin-2", "郑海涛", "approver-token", true, vec!["*"]),
        ("admin-3", "林晓", "limited-token", false, limited.to_vec()),
    ] {
        let secret = SECRETS.iter().find(|(a, _)| *a == id).map_or("", |s| s.1);
        let depts: Vec<String> = depts.iter().map(|d| format!("{d:?}")).collect();
        out.push_str(&format!(
            "[[admin]]\nid = {id:?}\nname = {name:?}\ntoken_sha256 = {:?}\n\
             departments = [{}]\napprover = {approver}\ntotp_secret = {secret:?}\n\n",
            hex(&permissions::sha256(token)),
            depts.join(", ")
        ));
    }
    out
}

/// A file in the temp folder, removed on drop.
pub struct TempFile(pub PathBuf);

impl TempFile {
    pub fn new(what: &str, text: &str) -> TempFile {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("hoc-{what}-{}-{n}", std::process::id()));
        std::fs::write(&p, text).expect("temp file");
        TempFile(p)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A simulator holding the demo company (`seed::generate` of the demo's seed), on a real-time
/// clock whose 24-hour takeover is compressed to `takeover_ms`.
pub fn demo_sim(takeover_ms: i64) -> Sim {
    let now = now_ms();
    let empty = Seed {
        departments: 0,
        active: 0,
        departed: 0,
        ..Seed::default()
    };
    let mut sim = Sim::new(&empty, Clock::new(now, 1.0));
    sim.takeover_ms = takeover_ms;
    // Days before the hour, as the store counts them.
    let anchor_s = (now - now.rem_euclid(3_600_000)) / 1000;
    let data = seed::generate(handover_console::demo::Options::default().seed);
    sim.departments = data
        .departments
        .iter()
        .enumerate()
        .map(|(i, d)| (i as i64 + 1, d.name.clone(), i64::from(i != 0)))
        .collect();
    sim.members.clear();
    sim.customers.clear();
    sim.groups.clear();
    for m in &data.members {
        sim.members.insert(
            m.id.clone(),
            SimMember {
                userid: m.id.clone(),
                name: m.name.clone(),
                department: vec![m.department as i64 + 1],
                left_at: None,
                real_name_verified: m.verified,
                contact_limit: m.customer_limit as usize,
                status: Some(1),
                contact_enabled: m.contact_enabled,
            },
        );
    }
    for d in &data.departed {
        sim.members.insert(
            d.id.clone(),
            SimMember {
                userid: d.id.clone(),
                name: d.name.clone(),
                department: vec![d.department as i64 + 1],
                left_at: Some(anchor_s - d.departed_days_ago * 86_400),
                real_name_verified: true,
                contact_limit: 5000,
                status: Some(match d.account_state {
                    AccountState::Active => 1,
                    AccountState::Disabled => 2,
                    _ => 5,
                }),
                contact_enabled: false,
            },
        );
        for (i, c) in seed::customers_of(d).into_iter().enumerate() {
            sim.customers.insert(
                c.id.clone(),
                SimCustomer {
                    external_userid: c.id.clone(),
                    name: c.name,
                    tags: c.tags,
                    owner: d.id.clone(),
                    refuses: i % 29 == 3,
                    kind: if c.kind == CustomerKind::Wecom { 2 } else { 1 },
                    corp_name: c.corp_name.unwrap_or_default(),
                    remark: c.remark,
                    createtime: anchor_s - c.added_days_ago * 86_400,
                },
            );
        }
        // Inherited groups belong to their new owner already: not the departed member's.
        for g in seed::groups_of(d).into_iter().filter(|g| !g.inherited) {
            sim.groups.insert(
                g.id.clone(),
                SimGroup {
                    chat_id: g.id,
                    name: g.name,
                    owner: d.id.clone(),
                    members: g.member_count as usize,
                    full: false,
                    in_progress: false,
                    inherited: false,
                    create_time: anchor_s - g.created_days_ago * 86_400,
                },
            );
        }
    }
    sim
}

/// The backend's configuration over `server`, with the permissions file at `perms`.
pub fn config(server: &Server, perms: &TempFile) -> Config {
    Config {
        source: Source::Wecom,
        wecom_base_url: server.base.clone(),
        wecom_credentials: Some(Credentials::new(wecom_sim::CORP_ID, wecom_sim::SECRET)),
        wecom_takeover_ms: TAKEOVER_MS,
        wecom_poll_ms: POLL_MS,
        wecom_backoff: Backoff {
            first: Duration::from_millis(20),
            max: Duration::from_millis(200),
            tries: 10,
        },
        permissions: Some(perms.0.clone()),
        ..Config::default()
    }
}

pub struct Wecom {
    pub http: Http,
    pub sim: Server,
    pub perms: TempFile,
}

impl Wecom {
    pub fn new() -> Wecom {
        Wecom::with(demo_sim(TAKEOVER_MS), |c| c)
    }

    /// Over `sim`, with the configuration changed by `tweak`.
    pub fn with(sim: Sim, tweak: impl FnOnce(Config) -> Config) -> Wecom {
        let sim = wecom_sim::serve(sim);
        let perms = TempFile::new("permissions.toml", &permissions_toml(&["1", "2"]));
        let http = Http::with_config(tweak(config(&sim, &perms)));
        Wecom { http, sim, perms }
    }

    /// Waits (short polling) until no handover admin-1 sees has a waiting item, or `limit`.
    pub fn settle(&mut self, limit: Duration) {
        let start = Instant::now();
        while start.elapsed() < limit {
            let waiting: u32 = self
                .http
                .handovers(
                    "admin-1",
                    &HandoversQuery {
                        limit: Some(200),
                        ..Default::default()
                    },
                )
                .map(|p| p.items.iter().map(|h| h.counts.waiting).sum())
                .unwrap_or(1);
            if waiting == 0 {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Contract for Wecom {
    fn name(&self) -> &'static str {
        "wecom"
    }
    fn session(&mut self, who: &str) -> R<Session> {
        self.http.session(who)
    }
    /// The suite's demo code stands for "the right code": here, the admin's current TOTP code.
    fn verify(&mut self, who: &str, req: &VerificationRequest) -> R<VerificationToken> {
        let mut req = req.clone();
        if req.code == handover_console::demo::DEMO_CODE {
            req.code = totp_code(who);
        }
        self.http.verify(who, &req)
    }
    fn departments(&mut self, who: &str) -> R<Vec<Department>> {
        self.http.departments(who)
    }
    fn departed(&mut self, who: &str, q: &DepartedQuery) -> R<Page<DepartedMember>> {
        self.http.departed(who, q)
    }
    fn customers(&mut self, who: &str, id: &str, q: &PageQuery) -> R<Page<Customer>> {
        self.http.customers(who, id, q)
    }
    fn groups(&mut self, who: &str, id: &str, q: &PageQuery) -> R<Page<Group>> {
        self.http.groups(who, id, q)
    }
    fn members(&mut self, who: &str, q: &MembersQuery) -> R<Page<Member>> {
        self.http.members(who, q)
    }
    fn create(&mut self, who: &str, req: &NewHandover) -> R<(Handover, bool)> {
        self.http.create(who, req)
    }
    fn batch(&mut self, who: &str, id: &str, b: &NewBatch) -> R<BatchResult> {
        self.http.batch(who, id, b)
    }
    fn handovers(&mut self, who: &str, q: &HandoversQuery) -> R<Page<Handover>> {
        self.http.handovers(who, q)
    }
    fn handover(&mut self, who: &str, id: &str) -> R<Handover> {
        self.http.handover(who, id)
    }
    fn items(&mut self, who: &str, id: &str, q: &ItemsQuery) -> R<Page<HandoverItem>> {
        self.http.items(who, id, q)
    }
    fn events(&mut self, who: &str, id: &str, q: &PageQuery) -> R<Page<HandoverEvent>> {
        self.http.events(who, id, q)
    }
    fn approve(&mut self, who: &str, id: &str) -> R<Handover> {
        self.http.approve(who, id)
    }
    fn reject(&mut self, who: &str, id: &str, req: &RejectRequest) -> R<Handover> {
        self.http.reject(who, id, req)
    }
    fn withdraw(&mut self, who: &str, id: &str) -> R<Handover> {
        self.http.withdraw(who, id)
    }
    /// Real time passes; then the backend's outcome polling gets its rounds (waited for).
    fn advance(&mut self, ms: i64) {
        std::thread::sleep(Duration::from_millis(ms as u64));
        self.settle(Duration::from_secs(10));
    }
}
