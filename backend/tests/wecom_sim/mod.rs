//! A WeCom server simulator for tests, written from the published server API (see
//! `../shared/domain.md`): not shipped, only compiled into the test binaries that declare
//! `mod wecom_sim;`.
//!
//! Two layers:
//! - [`Sim`], a pure state machine: every endpoint is a method taking the request body as JSON
//!   and answering WeCom's JSON (`errcode`, `errmsg`, …). Time comes from [`Clock`], which runs
//!   compressed (`speed` simulated ms per real ms) and can be advanced by hand.
//! - [`serve`], an axum server on a loopback port exposing the same endpoints under WeCom's
//!   paths (`/cgi-bin/…`), always HTTP 200 with an errcode, as WeCom does; except during an
//!   injected outage (HTTP 503, no JSON).
//!
//! Paths served (POST bodies and GET queries as in the public API):
//! - `GET  /cgi-bin/gettoken?corpid&corpsecret`
//! - `GET  /cgi-bin/department/list`, `GET /cgi-bin/user/list?department_id`
//! - `POST /cgi-bin/externalcontact/get_unassigned_list` `{cursor, page_size ≤ 1000}`
//! - `GET  /cgi-bin/externalcontact/get?external_userid`
//! - `POST /cgi-bin/externalcontact/resigned/transfer_customer`
//!   `{handover_userid, takeover_userid, external_userid: [≤ 100]}`
//! - `POST /cgi-bin/externalcontact/resigned/transfer_result`
//!   `{handover_userid, takeover_userid, cursor}`
//! - `POST /cgi-bin/externalcontact/groupchat/list`
//!   `{status_filter, owner_filter: {userid_list}, cursor, limit ≤ 1000}`
//! - `POST /cgi-bin/externalcontact/groupchat/get` `{chat_id}`
//! - `POST /cgi-bin/externalcontact/groupchat/transfer` `{chat_id_list: [1..=100], new_owner}`
//!
//! Simulator choices where the documentation names no code: a list or page size out of range
//! answers 40058 (invalid parameter); the 301st group of one original owner in one (simulated)
//! day answers per-item 40128 (too many transfers, try later).
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::{json, Value};

pub const DAY_MS: i64 = 86_400_000;
/// Documented lifetime of an access token.
pub const TOKEN_TTL_S: i64 = 7200;
pub const MAX_CUSTOMERS_PER_CALL: usize = 100;
pub const MAX_GROUPS_PER_CALL: usize = 100;
pub const MAX_GROUPS_PER_OWNER_PER_DAY: usize = 300;
pub const MAX_UNASSIGNED_PAGE: usize = 1000;

// Transfer statuses (transfer_result).
pub const TAKEN_OVER: i64 = 1;
pub const WAITING: i64 = 2;
pub const REFUSED: i64 = 3;
pub const LIMIT: i64 = 4;

// ---------- time ----------

/// Simulated epoch ms: `base + real elapsed × speed + offset`. `speed` 0 means hand-driven only.
#[derive(Clone, Debug)]
pub struct Clock {
    start: Instant,
    base_ms: i64,
    speed: f64,
    offset_ms: i64,
}

impl Clock {
    pub fn new(base_ms: i64, speed: f64) -> Clock {
        Clock {
            start: Instant::now(),
            base_ms,
            speed,
            offset_ms: 0,
        }
    }
    pub fn now_ms(&self) -> i64 {
        let real = self.start.elapsed().as_secs_f64() * 1000.0;
        self.base_ms + (real * self.speed) as i64 + self.offset_ms
    }
    pub fn advance(&mut self, ms: i64) {
        self.offset_ms += ms;
    }
}

// ---------- the directory ----------

#[derive(Clone, Debug)]
pub struct SimMember {
    pub userid: String,
    pub name: String,
    pub department: Vec<i64>,
    /// Departure time (epoch s) for departed members.
    pub left_at: Option<i64>,
    pub real_name_verified: bool,
    /// How many customers the member may have; takeovers beyond it fail (status 4 / 40099).
    pub contact_limit: usize,
    /// The directory's status: 1 active, 2 disabled, 5 left (default: 5 when `left_at`).
    pub status: Option<i64>,
    /// Customer contact enabled (listed by get_follow_user_list).
    pub contact_enabled: bool,
}

#[derive(Clone, Debug)]
pub struct SimCustomer {
    pub external_userid: String,
    pub name: String,
    pub tags: Vec<String>,
    /// Who the customer currently belongs to (follow_user).
    pub owner: String,
    /// The customer refuses any transfer (status 3 at takeover time).
    pub refuses: bool,
    /// 1 WeChat user, 2 WeCom user (with a corp name).
    pub kind: i64,
    pub corp_name: String,
    pub remark: String,
    /// When the owner added the customer, epoch s.
    pub createtime: i64,
}

#[derive(Clone, Debug)]
pub struct SimGroup {
    pub chat_id: String,
    pub name: String,
    pub owner: String,
    pub members: usize,
    /// Group is full: a transfer needs confirmation on the client (90503).
    pub full: bool,
    /// An inheritance already under way from outside (90507).
    pub in_progress: bool,
    pub inherited: bool,
    pub create_time: i64,
}

/// One transfer of one customer (the simulator's memory of transfer_customer).
#[derive(Clone, Debug)]
pub struct Transfer {
    pub handover: String,
    pub takeover: String,
    pub external_userid: String,
    pub takeover_at_ms: i64,
    /// Final status once decided (1, 3, 4); `None` while waiting.
    pub status: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct Seed {
    pub departments: usize,
    pub active: usize,
    pub departed: usize,
    /// Customers per departed member (the last departed member has only groups).
    pub customers_each: usize,
    pub groups_each: usize,
    /// Every n-th customer refuses (0: none).
    pub refuse_every: usize,
    /// Contact limit of every active member.
    pub contact_limit: usize,
}

impl Default for Seed {
    fn default() -> Seed {
        Seed {
            departments: 3,
            active: 6,
            departed: 4,
            customers_each: 30,
            groups_each: 4,
            refuse_every: 7,
            contact_limit: 5000,
        }
    }
}

#[derive(Clone, Debug)]
struct Token {
    expires_ms: i64,
}

/// Simulator knobs and fault injection.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Errcodes answered (in order) by the next calls that carry a valid token.
    pub queued: Vec<i64>,
    /// Calls per token-holder per simulated minute before 45009 (0: no limit).
    pub per_minute: usize,
    /// WeCom down: HTTP 503 on every path.
    pub outage: bool,
    /// Paths this secret may not call: errcode 48002 (API forbidden).
    pub denied: Vec<String>,
}

pub struct Sim {
    pub clock: Clock,
    pub corpid: String,
    pub secret: String,
    pub takeover_ms: i64,
    pub departments: Vec<(i64, String, i64)>,
    pub members: BTreeMap<String, SimMember>,
    pub customers: BTreeMap<String, SimCustomer>,
    pub groups: BTreeMap<String, SimGroup>,
    pub transfers: Vec<Transfer>,
    tokens: HashMap<String, Token>,
    token_serial: u64,
    pub faults: Faults,
    /// (window start minute, calls in it).
    window: (i64, usize),
    /// (original owner, day number) → groups transferred.
    group_quota: HashMap<(String, i64), usize>,
    /// Every call: (path, errcode).
    pub log: Vec<(String, i64)>,
    pub tokens_issued: usize,
}

pub const CORP_ID: &str = "wwsimcorp0001";
pub const SECRET: &str = "sim-secret-DO-NOT-LOG-7f3a9c";

fn err(code: i64, msg: &str) -> Value {
    json!({"errcode": code, "errmsg": msg})
}

fn ok(mut v: Value) -> Value {
    v["errcode"] = json!(0);
    v["errmsg"] = json!("ok");
    v
}

fn code_of(v: &Value) -> i64 {
    v["errcode"].as_i64().unwrap_or(-1)
}

/// Cursors are opaque strings to the client; here the offset, prefixed so that clients can't
/// pass a bare number and be right by accident.
fn cursor_offset(v: &Value) -> Result<usize, Value> {
    match v.get("cursor").and_then(Value::as_str).unwrap_or("") {
        "" => Ok(0),
        c => c
            .strip_prefix("c:")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| err(40058, "invalid cursor")),
    }
}

/// A tag's opaque id (stable: derived from its name).
fn tag_id(name: &str) -> String {
    let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    format!("et{hex}")
}

fn next_cursor(end: usize, total: usize) -> String {
    if end >= total {
        String::new()
    } else {
        format!("c:{end}")
    }
}

const SURNAMES: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"];
const GIVEN: [&str; 8] = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋"];

impl Sim {
    pub fn new(seed: &Seed, clock: Clock) -> Sim {
        let now_s = clock.now_ms() / 1000;
        let mut departments = vec![(1, "总部".to_string(), 0)];
        for d in 0..seed.departments {
            departments.push((2 + d as i64, format!("销售{}部", d + 1), 1));
        }
        let dept = |i: usize| 2 + (i % seed.departments.max(1)) as i64;
        let name = |i: usize| format!("{}{}", SURNAMES[i % 8], GIVEN[(i / 8) % 8]);
        let mut members = BTreeMap::new();
        for i in 0..seed.active {
            let id = format!("act{i:03}");
            members.insert(
                id.clone(),
                SimMember {
                    userid: id,
                    name: name(i),
                    department: vec![dept(i)],
                    left_at: None,
                    // The last active member is not real-name verified.
                    real_name_verified: i + 1 != seed.active,
                    contact_limit: seed.contact_limit,
                    status: None,
                    contact_enabled: true,
                },
            );
        }
        let mut customers = BTreeMap::new();
        let mut groups = BTreeMap::new();
        let mut n = 0;
        for i in 0..seed.departed {
            let id = format!("left{i:03}");
            members.insert(
                id.clone(),
                SimMember {
                    userid: id.clone(),
                    name: name(i + 17),
                    department: vec![dept(i)],
                    left_at: Some(now_s - (i as i64 + 1) * 86_400),
                    real_name_verified: true,
                    contact_limit: seed.contact_limit,
                    status: None,
                    contact_enabled: true,
                },
            );
            let only_groups = i + 1 == seed.departed && seed.departed > 1;
            if !only_groups {
                for _ in 0..seed.customers_each {
                    let ext = format!("wmsim{n:06}");
                    customers.insert(
                        ext.clone(),
                        SimCustomer {
                            external_userid: ext,
                            name: format!("客户{}{}", SURNAMES[n % 8], n),
                            tags: vec![["重要", "VIP", "普通"][n % 3].to_string()],
                            owner: id.clone(),
                            refuses: seed.refuse_every > 0 && n % seed.refuse_every == 3,
                            kind: 1,
                            corp_name: String::new(),
                            remark: String::new(),
                            createtime: now_s - 200 * 86_400,
                        },
                    );
                    n += 1;
                }
            }
            for g in 0..seed.groups_each {
                let chat = format!("wrsim{i:03}g{g:03}");
                groups.insert(
                    chat.clone(),
                    SimGroup {
                        chat_id: chat,
                        name: format!("{}的客户群{}", name(i + 17), g + 1),
                        owner: id.clone(),
                        members: 20 + g,
                        full: false,
                        in_progress: false,
                        inherited: false,
                        create_time: now_s - 90 * 86_400,
                    },
                );
            }
        }
        Sim {
            clock,
            corpid: CORP_ID.into(),
            secret: SECRET.into(),
            takeover_ms: DAY_MS,
            departments,
            members,
            customers,
            groups,
            transfers: Vec::new(),
            tokens: HashMap::new(),
            token_serial: 0,
            faults: Faults::default(),
            window: (0, 0),
            group_quota: HashMap::new(),
            log: Vec::new(),
            tokens_issued: 0,
        }
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Expires every token now (the next call answers 42001).
    pub fn expire_tokens(&mut self) {
        let now = self.now_ms();
        for t in self.tokens.values_mut() {
            t.expires_ms = now;
        }
    }

    // ---------- token ----------

    pub fn gettoken(&mut self, corpid: &str, secret: &str) -> Value {
        let v = if corpid != self.corpid {
            err(40013, "invalid corpid")
        } else if secret != self.secret {
            err(40001, "invalid credential")
        } else {
            self.token_serial += 1;
            self.tokens_issued += 1;
            let token = format!("simtok{:08}x{}", self.token_serial, self.now_ms() % 9973);
            self.tokens.insert(
                token.clone(),
                Token {
                    expires_ms: self.now_ms() + TOKEN_TTL_S * 1000,
                },
            );
            ok(json!({"access_token": token, "expires_in": TOKEN_TTL_S}))
        };
        self.log.push(("gettoken".into(), code_of(&v)));
        v
    }

    /// Token check, injected faults and the frequency limit, in that order.
    fn admit(&mut self, token: &str) -> Result<(), Value> {
        let now = self.now_ms();
        match self.tokens.get(token) {
            None => return Err(err(40014, "invalid access_token")),
            Some(t) if t.expires_ms <= now => return Err(err(42001, "access_token expired")),
            Some(_) => {}
        }
        if !self.faults.queued.is_empty() {
            let code = self.faults.queued.remove(0);
            return Err(err(code, "injected"));
        }
        if self.faults.per_minute > 0 {
            let minute = now / 60_000;
            if self.window.0 != minute {
                self.window = (minute, 0);
            }
            self.window.1 += 1;
            if self.window.1 > self.faults.per_minute {
                return Err(err(45009, "api freq out of limit"));
            }
        }
        Ok(())
    }

    /// Answers `path` for `token` with `body` (POST JSON, or the GET query as a JSON object).
    pub fn call(&mut self, path: &str, token: &str, body: &Value) -> Value {
        self.settle();
        let v = match self.admit(token) {
            Err(e) => e,
            Ok(()) if self.faults.denied.iter().any(|d| d == path) => err(48002, "api forbidden"),
            Ok(()) => match path {
                "department/list" => self.department_list(),
                "user/list" => self.user_list(body),
                "externalcontact/get_unassigned_list" => self.get_unassigned_list(body),
                "externalcontact/get" => self.contact_get(body),
                "externalcontact/get_follow_user_list" => self.follow_user_list(),
                "externalcontact/batch/get_by_user" => self.batch_get_by_user(body),
                "externalcontact/get_corp_tag_list" => self.corp_tag_list(),
                "externalcontact/resigned/transfer_customer" => self.transfer_customer(body),
                "externalcontact/resigned/transfer_result" => self.transfer_result(body),
                "externalcontact/groupchat/list" => self.groupchat_list(body),
                "externalcontact/groupchat/get" => self.groupchat_get(body),
                "externalcontact/groupchat/transfer" => self.groupchat_transfer(body),
                _ => err(48001, "api not found"),
            },
        };
        self.log.push((path.to_string(), code_of(&v)));
        v
    }

    /// Decides every transfer whose takeover time has come.
    pub fn settle(&mut self) {
        let now = self.now_ms();
        for i in 0..self.transfers.len() {
            let t = &self.transfers[i];
            if t.status.is_some() || t.takeover_at_ms > now {
                continue;
            }
            let (ext, to) = (t.external_userid.clone(), t.takeover.clone());
            let refuses = self.customers.get(&ext).is_some_and(|c| c.refuses);
            let status = if refuses {
                REFUSED
            } else if self.contacts_of(&to) >= self.limit_of(&to) {
                LIMIT
            } else {
                if let Some(c) = self.customers.get_mut(&ext) {
                    c.owner = to;
                }
                TAKEN_OVER
            };
            self.transfers[i].status = Some(status);
        }
    }

    fn contacts_of(&self, userid: &str) -> usize {
        self.customers
            .values()
            .filter(|c| c.owner == userid)
            .count()
    }

    fn limit_of(&self, userid: &str) -> usize {
        self.members.get(userid).map_or(0, |m| m.contact_limit)
    }

    // ---------- directory ----------

    fn department_list(&self) -> Value {
        let list: Vec<Value> = self
            .departments
            .iter()
            .map(|(id, name, parent)| json!({"id": id, "name": name, "parentid": parent}))
            .collect();
        ok(json!({ "department": list }))
    }

    fn user_list(&self, q: &Value) -> Value {
        let Some(dept) = q["department_id"]
            .as_i64()
            .or_else(|| q["department_id"].as_str().and_then(|s| s.parse().ok()))
        else {
            return err(40058, "department_id missing");
        };
        let list: Vec<Value> = self
            .members
            .values()
            .filter(|m| m.department.contains(&dept))
            .map(|m| {
                json!({
                    "userid": m.userid, "name": m.name, "department": m.department,
                    // 1 active, 2 disabled, 5 left (as the directory API reports them).
                    "status": m.status.unwrap_or(if m.left_at.is_some() { 5 } else { 1 }),
                    "position": "",
                })
            })
            .collect();
        ok(json!({ "userlist": list }))
    }

    // ---------- customers ----------

    fn get_unassigned_list(&self, body: &Value) -> Value {
        let size = body["page_size"].as_u64().unwrap_or(1000) as usize;
        if size == 0 || size > MAX_UNASSIGNED_PAGE {
            return err(40058, "page_size out of range");
        }
        let from = match cursor_offset(body) {
            Ok(n) => n,
            Err(e) => return e,
        };
        let rows: Vec<(&SimCustomer, i64)> = self
            .customers
            .values()
            .filter_map(|c| Some((c, self.members.get(&c.owner)?.left_at?)))
            .collect();
        let end = (from + size).min(rows.len());
        // Only the page becomes JSON: the list may be long.
        let page: Vec<Value> = rows
            .get(from.min(rows.len())..end)
            .unwrap_or(&[])
            .iter()
            .map(|(c, left)| {
                json!({
                    "handover_userid": c.owner,
                    "external_userid": c.external_userid,
                    "dimission_time": left,
                })
            })
            .collect();
        let next = next_cursor(end, rows.len());
        ok(json!({"info": page, "is_last": next.is_empty(), "next_cursor": next}))
    }

    fn follow_user_list(&self) -> Value {
        let list: Vec<&str> = self
            .members
            .values()
            .filter(|m| m.contact_enabled)
            .map(|m| m.userid.as_str())
            .collect();
        ok(json!({ "follow_user": list }))
    }

    fn corp_tag_list(&self) -> Value {
        let mut all: Vec<&str> = self
            .customers
            .values()
            .flat_map(|c| c.tags.iter().map(String::as_str))
            .collect();
        all.sort();
        all.dedup();
        let tags: Vec<Value> = all
            .iter()
            .map(|name| json!({"id": tag_id(name), "name": name}))
            .collect();
        ok(json!({"tag_group": [{"group_id": "etg0", "group_name": "客户标签", "tag": tags}]}))
    }

    fn batch_get_by_user(&self, body: &Value) -> Value {
        let limit = body["limit"].as_u64().unwrap_or(50) as usize;
        if limit == 0 || limit > 100 {
            return err(40058, "limit: 1 to 100");
        }
        let users: Vec<&str> = body["userid_list"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if users.is_empty() || users.len() > 100 {
            return err(40058, "userid_list: 1 to 100");
        }
        let from = match cursor_offset(body) {
            Ok(n) => n,
            Err(e) => return e,
        };
        let rows: Vec<&SimCustomer> = self
            .customers
            .values()
            .filter(|c| users.contains(&c.owner.as_str()))
            .collect();
        let end = (from + limit).min(rows.len());
        let page: Vec<Value> = rows
            .get(from.min(rows.len())..end)
            .unwrap_or(&[])
            .iter()
            .map(|c| {
                let tag_id: Vec<String> = c.tags.iter().map(|t| tag_id(t)).collect();
                json!({
                    "external_contact": {"external_userid": c.external_userid, "name": c.name,
                        "type": c.kind, "corp_name": c.corp_name},
                    "follow_info": {"userid": c.owner, "remark": c.remark,
                        "createtime": c.createtime, "tag_id": tag_id},
                })
            })
            .collect();
        ok(json!({"external_contact_list": page, "next_cursor": next_cursor(end, rows.len())}))
    }

    fn contact_get(&self, q: &Value) -> Value {
        let id = q["external_userid"].as_str().unwrap_or("");
        let Some(c) = self.customers.get(id) else {
            return err(84061, "not external contact");
        };
        let tags: Vec<Value> = c
            .tags
            .iter()
            .map(|t| json!({"group_name": "客户等级", "tag_name": t, "type": 1}))
            .collect();
        ok(json!({
            "external_contact": {"external_userid": c.external_userid, "name": c.name, "type": 1},
            "follow_user": [{"userid": c.owner, "remark": "", "tags": tags}],
        }))
    }

    fn transfer_customer(&mut self, body: &Value) -> Value {
        let from = body["handover_userid"].as_str().unwrap_or("").to_string();
        let to = body["takeover_userid"].as_str().unwrap_or("").to_string();
        let Some(ids) = body["external_userid"].as_array() else {
            return err(40058, "external_userid missing");
        };
        if ids.is_empty() || ids.len() > MAX_CUSTOMERS_PER_CALL {
            return err(40058, "external_userid: 1 to 100");
        }
        let now = self.now_ms();
        let mut out = Vec::new();
        for id in ids {
            let id = id.as_str().unwrap_or("").to_string();
            let code = self.customer_code(&from, &to, &id);
            if code == 0 {
                self.transfers.push(Transfer {
                    handover: from.clone(),
                    takeover: to.clone(),
                    external_userid: id.clone(),
                    takeover_at_ms: now + self.takeover_ms,
                    status: None,
                });
            }
            out.push(json!({"external_userid": id, "errcode": code}));
        }
        ok(json!({ "customer": out }))
    }

    fn customer_code(&self, from: &str, to: &str, id: &str) -> i64 {
        let Some(c) = self.customers.get(id) else {
            return 40096;
        };
        let Some(fm) = self.members.get(from) else {
            return 40097;
        };
        if fm.left_at.is_none() {
            return 40097;
        }
        if from == to {
            return 40130;
        }
        let Some(tm) = self.members.get(to) else {
            return 40098;
        };
        if tm.left_at.is_some() || !tm.real_name_verified {
            return 40098;
        }
        let waiting = |t: &Transfer| t.external_userid == id && t.status.is_none();
        if self
            .transfers
            .iter()
            .any(|t| waiting(t) && t.handover == from)
        {
            return 40100;
        }
        if self.transfers.iter().any(waiting) {
            return 40129;
        }
        if c.owner != from {
            return 40131;
        }
        if self.contacts_of(to) >= tm.contact_limit {
            return 40099;
        }
        0
    }

    fn transfer_result(&self, body: &Value) -> Value {
        let from = body["handover_userid"].as_str().unwrap_or("");
        let to = body["takeover_userid"].as_str().unwrap_or("");
        let skip = match cursor_offset(body) {
            Ok(n) => n,
            Err(e) => return e,
        };
        // The latest transfer per customer for this pair.
        let mut latest: BTreeMap<&str, &Transfer> = BTreeMap::new();
        for t in self
            .transfers
            .iter()
            .filter(|t| t.handover == from && t.takeover == to)
        {
            latest.insert(&t.external_userid, t);
        }
        let rows: Vec<Value> = latest
            .values()
            .map(|t| {
                json!({
                    "external_userid": t.external_userid,
                    "status": t.status.unwrap_or(WAITING),
                    "takeover_time": t.takeover_at_ms / 1000,
                })
            })
            .collect();
        const PAGE: usize = 1000;
        let end = (skip + PAGE).min(rows.len());
        let page = rows.get(skip.min(rows.len())..end).unwrap_or(&[]).to_vec();
        ok(json!({"customer": page, "next_cursor": next_cursor(end, rows.len())}))
    }

    // ---------- groups ----------

    fn groupchat_list(&self, body: &Value) -> Value {
        let limit = body["limit"].as_u64().unwrap_or(0) as usize;
        if limit == 0 || limit > 1000 {
            return err(40058, "limit: 1 to 1000");
        }
        let from = match cursor_offset(body) {
            Ok(n) => n,
            Err(e) => return e,
        };
        let owners: Vec<&str> = body["owner_filter"]["userid_list"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        // status_filter 0 (default): all; 1: waiting for inheritance after the owner left.
        let status_filter = body["status_filter"].as_i64().unwrap_or(0);
        let rows: Vec<Value> = self
            .groups
            .values()
            .filter(|g| owners.is_empty() || owners.contains(&g.owner.as_str()))
            .filter_map(|g| {
                let left = self
                    .members
                    .get(&g.owner)
                    .is_some_and(|m| m.left_at.is_some());
                let status = if left { 1 } else { 0 };
                (status_filter == 0 || status_filter == status)
                    .then(|| json!({"chat_id": g.chat_id, "status": status}))
            })
            .collect();
        let end = (from + limit).min(rows.len());
        let page = rows.get(from.min(rows.len())..end).unwrap_or(&[]).to_vec();
        ok(json!({"group_chat_list": page, "next_cursor": next_cursor(end, rows.len())}))
    }

    fn groupchat_get(&self, body: &Value) -> Value {
        let id = body["chat_id"].as_str().unwrap_or("");
        let Some(g) = self.groups.get(id) else {
            return err(90501, "not a customer group");
        };
        ok(json!({"group_chat": {
            "chat_id": g.chat_id, "name": g.name, "owner": g.owner,
            "create_time": g.create_time,
            "member_list": (0..g.members).map(|i| json!({"userid": format!("m{i}"), "type": 2})).collect::<Vec<_>>(),
        }}))
    }

    fn groupchat_transfer(&mut self, body: &Value) -> Value {
        let to = body["new_owner"].as_str().unwrap_or("").to_string();
        let Some(ids) = body["chat_id_list"].as_array() else {
            return err(40058, "chat_id_list missing");
        };
        if ids.is_empty() || ids.len() > MAX_GROUPS_PER_CALL {
            return err(40058, "chat_id_list: 1 to 100");
        }
        match self.members.get(&to) {
            Some(m) if m.left_at.is_none() && m.real_name_verified => {}
            _ => return err(40098, "new_owner not eligible"),
        }
        let day = self.now_ms() / DAY_MS;
        let mut failed = Vec::new();
        for id in ids {
            let id = id.as_str().unwrap_or("").to_string();
            let code = match self.groups.get(&id) {
                None => 90501,
                Some(g) if g.inherited => 90508,
                Some(g) if g.in_progress => 90507,
                Some(g) if g.owner == to => 90504,
                Some(g)
                    if self
                        .members
                        .get(&g.owner)
                        .is_none_or(|m| m.left_at.is_none()) =>
                {
                    90500
                }
                Some(g) if g.full => 90503,
                Some(g) => {
                    let quota = self.group_quota.entry((g.owner.clone(), day)).or_insert(0);
                    if *quota >= MAX_GROUPS_PER_OWNER_PER_DAY {
                        40128
                    } else {
                        *quota += 1;
                        0
                    }
                }
            };
            if code == 0 {
                if let Some(g) = self.groups.get_mut(&id) {
                    g.owner = to.clone();
                    g.inherited = true;
                }
            } else {
                failed.push(json!({"chat_id": id, "errcode": code, "errmsg": "failed"}));
            }
        }
        ok(json!({ "failed_chat_list": failed }))
    }
}

// ---------- over HTTP ----------

pub type Shared = Arc<Mutex<Sim>>;

pub struct Server {
    pub base: String,
    pub sim: Shared,
    /// Requests being answered right now (45033 beyond `max_concurrent`).
    pub max_concurrent: Arc<AtomicUsize>,
}

fn lock(s: &Shared) -> std::sync::MutexGuard<'_, Sim> {
    s.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[derive(Clone)]
struct St {
    sim: Shared,
    in_flight: Arc<AtomicUsize>,
    max_concurrent: Arc<AtomicUsize>,
}

/// Serves `sim` on a free loopback port in a thread of its own; answers its base URL.
pub fn serve(sim: Sim) -> Server {
    use axum::extract::{Path, Query, State};
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};
    use axum::routing::any;
    use axum::Json;

    let shared: Shared = Arc::new(Mutex::new(sim));
    let st = St {
        sim: shared.clone(),
        in_flight: Arc::new(AtomicUsize::new(0)),
        max_concurrent: Arc::new(AtomicUsize::new(0)),
    };
    let max_concurrent = st.max_concurrent.clone();

    async fn handle(
        State(st): State<St>,
        Path(path): Path<String>,
        Query(q): Query<HashMap<String, String>>,
        body: axum::body::Bytes,
    ) -> Response {
        if lock(&st.sim).faults.outage {
            return (StatusCode::SERVICE_UNAVAILABLE, "down").into_response();
        }
        let n = st.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        struct Guard(Arc<AtomicUsize>);
        impl Drop for Guard {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::SeqCst);
            }
        }
        let _g = Guard(st.in_flight.clone());
        let max = st.max_concurrent.load(Ordering::SeqCst);
        if max > 0 {
            // Give overlapping calls a chance to overlap.
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            if n > max {
                lock(&st.sim).log.push((path, 45033));
                return Json(err(45033, "api concurrent out of limit")).into_response();
            }
        }
        let mut sim = lock(&st.sim);
        if path == "gettoken" {
            let id = q.get("corpid").map_or("", String::as_str);
            let secret = q.get("corpsecret").map_or("", String::as_str);
            return Json(sim.gettoken(id, secret)).into_response();
        }
        let token = q.get("access_token").cloned().unwrap_or_default();
        let input = if body.is_empty() {
            Value::Object(
                q.iter()
                    .filter(|(k, _)| k.as_str() != "access_token")
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            )
        } else {
            match serde_json::from_slice(&body) {
                Ok(v) => v,
                Err(_) => return Json(err(47001, "data format error")).into_response(),
            }
        };
        Json(sim.call(&path, &token, &input)).into_response()
    }

    let app = axum::Router::new()
        .route("/cgi-bin/{*path}", any(handle))
        .with_state(st);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    Server {
        base: format!("http://{}", rx.recv().expect("simulator address")),
        sim: shared,
        max_concurrent,
    }
}

impl Server {
    pub fn sim(&self) -> std::sync::MutexGuard<'_, Sim> {
        lock(&self.sim)
    }
}
