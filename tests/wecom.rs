//! End-to-end against WeCom (issue 15): the release app, served by `handover-backend --source
//! wecom` (behind the contract proxy), which reads a company from the WeCom simulator
//! (`backend/examples/wecom-sim.rs`, built by `cargo build -p handover-backend --examples`) and
//! hands it over through the simulator's API. One whole handover in headless Chromium, by role
//! and accessible name: the departed member, every customer and group, the successor, the
//! chat-history scope (which the backend says it cannot act on), re-verification with TOTP (a
//! wrong code, then the right one), approval by a second admin, the run; then the handover's
//! record and the simulator's own state: every customer transferred exactly once.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::Value;
use support::backend::BackendProcess;
use support::runs::count;
use support::webdriver::Browser;

/// What `wecom-sim` seeds: the departed member handed over, one in another department the
/// creator may also hand over, one in a department the creator may not, and the successor.
const DEPARTED: &str = "left000";
const ALSO_MINE: &str = "left001";
const NOT_MINE: &str = "left002";
const SUCCESSOR: &str = "act000";
/// The simulator's credentials (`backend/tests/wecom_sim`): given to the backend in its
/// environment, as in production.
const CORP_ID: &str = "wwsimcorp0001";
const CORP_SECRET: &str = "sim-secret-DO-NOT-LOG-7f3a9c";
/// Admins' TOTP secrets (base32), as `handover-backend totp enroll` prints them.
const CREATOR_TOTP: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const APPROVER_TOTP: &str = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU";
/// The simulator's clock runs this many times real time ...
const SPEED: i64 = 600;
/// ... and WeCom's 24-hour takeover is compressed to 30 simulated minutes ...
const SIM_TAKEOVER_MS: i64 = 30 * 60_000;
/// ... which is this long for the backend, which plans and polls on real time.
const TAKEOVER_MS: i64 = SIM_TAKEOVER_MS / SPEED;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sim_bin() -> PathBuf {
    let bin = root().join("target/debug/examples/wecom-sim");
    assert!(
        bin.is_file(),
        "build the WeCom simulator first: cargo build -p handover-backend --examples"
    );
    bin
}

/// `wecom-sim` running: its base URL, and its state on request (one JSON line per command).
struct Sim {
    base_url: String,
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Sim {
    fn start() -> Sim {
        let mut child = Command::new(sim_bin())
            .args(["--speed", &SPEED.to_string()])
            .args(["--takeover-ms", &SIM_TAKEOVER_MS.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start wecom-sim");
        let stdin = child.stdin.take().expect("the simulator's stdin");
        let mut stdout = BufReader::new(child.stdout.take().expect("the simulator's stdout"));
        let mut line = String::new();
        stdout
            .read_line(&mut line)
            .expect("wecom-sim prints its address");
        let base_url = line
            .trim()
            .strip_prefix("wecom-sim listening on ")
            .filter(|u| u.starts_with("http://"))
            .unwrap_or_else(|| panic!("wecom-sim printed {line:?}"))
            .to_string();
        Sim {
            base_url,
            child,
            stdin,
            stdout,
        }
    }

    /// The simulator's memory (transfers due decided first): transfers, customers, groups.
    fn state(&mut self) -> Value {
        self.ask("state")
    }

    fn ask(&mut self, command: &str) -> Value {
        writeln!(self.stdin, "{command}").expect("ask the simulator");
        self.stdin.flush().expect("ask the simulator");
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .expect("the simulator answers");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"))
    }

    /// Calls the simulator answered, by API path and errcode.
    fn calls(&mut self) -> Value {
        self.ask("calls")
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The current code of an authenticator app holding `secret`.
fn totp(secret: &str) -> String {
    let out = Command::new(sim_bin())
        .args(["totp", secret])
        .output()
        .expect("wecom-sim totp");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A six-digit code that is not `right`.
fn wrong(right: &str) -> String {
    let n: u32 = right.parse().expect("a six-digit code");
    format!("{:06}", (n + 500_000) % 1_000_000)
}

fn sha256_hex(text: &str) -> String {
    let out = Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            c.stdin
                .take()
                .expect("sha256sum's stdin")
                .write_all(text.as_bytes())?;
            c.wait_with_output()
        })
        .expect("sha256sum");
    let hex = String::from_utf8_lossy(&out.stdout);
    let hex = hex
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(hex.len(), 64, "sha256sum printed {hex:?}");
    hex
}

/// A directory under the temp folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let dir = std::env::temp_dir().join(format!("hoc-wecom-e2e-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Bearer tokens for this run (random enough: never the demo's).
fn token(who: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{who}-{}-{nanos:09}", std::process::id())
}

/// The permissions file: the creator may hand over 销售1部 and 销售2部 (WeCom departments 2
/// and 3) only; the approver everything. Tokens are stored as their SHA-256 only.
fn permissions(creator_token: &str, approver_token: &str) -> String {
    format!(
        r#"[[admin]]
id = "admin-1"
name = "周静"
token_sha256 = "{}"
departments = ["2", "3"]
approver = true
totp_secret = "{CREATOR_TOTP}"

[[admin]]
id = "admin-2"
name = "郑海涛"
token_sha256 = "{}"
departments = ["*"]
approver = true
totp_secret = "{APPROVER_TOTP}"
"#,
        sha256_hex(creator_token),
        sha256_hex(approver_token)
    )
}

/// A request to the backend's API (through the contract proxy) as the admin of `token`.
fn api(backend: &BackendProcess, token: &str, method: &str, path: &str) -> Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{}/api{path}", backend.base_url);
    let auth = format!("Bearer {token}");
    let answer = match method {
        "POST" => agent.post(&url).header("Authorization", &auth).send_empty(),
        _ => agent.get(&url).header("Authorization", &auth).call(),
    };
    answer
        .expect("api answer")
        .body_mut()
        .read_json()
        .expect("json")
}

/// Every item of handover `id`, as its record holds them.
fn items(backend: &BackendProcess, token: &str, id: &str) -> Vec<Value> {
    let page = api(
        backend,
        token,
        "GET",
        &format!("/handovers/{id}/items?limit=1000"),
    );
    assert!(page["next_cursor"].is_null(), "one page: {page}");
    page["items"].as_array().cloned().unwrap_or_default()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `name` of the simulator's member `userid`.
fn name_of(state: &Value, userid: &str) -> String {
    state["members"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| m["userid"] == userid)
        .and_then(|m| m["name"].as_str())
        .unwrap_or_else(|| panic!("no member {userid} in the simulator"))
        .to_string()
}

fn ms_of(rfc3339: &str) -> i64 {
    handover_console::domain::time::parse_rfc3339(rfc3339)
        .unwrap_or_else(|| panic!("not a time: {rfc3339:?}"))
}

#[test]
fn a_whole_handover_through_the_browser_against_the_wecom_simulator() {
    let mut sim = Sim::start();
    let before = sim.state();
    let departed_name = name_of(&before, DEPARTED);
    let successor_name = name_of(&before, SUCCESSOR);
    let customers: Vec<&Value> = before["customers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["owner"] == DEPARTED)
        .collect();
    let customer_ids: BTreeSet<String> = customers
        .iter()
        .filter_map(|c| c["external_userid"].as_str().map(str::to_string))
        .collect();
    let refusing: BTreeSet<String> = customers
        .iter()
        .filter(|c| c["refuses"] == true)
        .filter_map(|c| c["external_userid"].as_str().map(str::to_string))
        .collect();
    let group_ids: BTreeSet<String> = before["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|g| g["owner"] == DEPARTED)
        .filter_map(|g| g["chat_id"].as_str().map(str::to_string))
        .collect();
    assert!(
        customer_ids.len() >= 24 && !refusing.is_empty() && !group_ids.is_empty(),
        "the simulator's company: {} customers, {} refusing, {} groups",
        customer_ids.len(),
        refusing.len(),
        group_ids.len()
    );
    assert!(before["transfers"].as_array().is_some_and(Vec::is_empty));

    let dir = TempDir::new();
    let creator = token("creator");
    let approver = token("approver");
    let perms = dir.0.join("permissions.toml");
    std::fs::write(&perms, permissions(&creator, &approver)).expect("permissions file");
    let perms = perms.to_string_lossy().to_string();
    // With a permissions file the page the backend serves carries no token (a single-sign-on
    // proxy may be signing requests in); this deployment gives the creator's in config.json.
    let site = support::site::assemble(Some(&format!(r#"{{"token":"{creator}"}}"#)));
    let backend = BackendProcess::start_serving_with_env(
        &site.0,
        &[
            "--source",
            "wecom",
            "--wecom-base-url",
            &sim.base_url,
            "--permissions",
            &perms,
            "--database",
            "memory",
            "--wecom-poll-ms",
            "200",
            "--wecom-takeover-ms",
            &TAKEOVER_MS.to_string(),
        ],
        &[("WECOM_CORP_ID", CORP_ID), ("WECOM_SECRET", CORP_SECRET)],
    );
    let session = api(&backend, &creator, "GET", "/session");
    assert_eq!(session["admin"]["id"], "admin-1", "{session}");
    assert_eq!(session["features"]["chat_archive"], false, "{session}");
    assert_eq!(
        api(&backend, "not-a-token", "GET", "/session")["status"],
        401,
        "an unknown token is refused"
    );

    let b = Browser::launch("zh-CN,zh");
    b.goto(&backend.base_url);

    // 1. The departed member, among those of the creator's departments only.
    b.by_role("radio", &name_of(&before, ALSO_MINE));
    assert!(
        b.all_by_role("radio", &name_of(&before, NOT_MINE))
            .is_empty(),
        "a departed member of 销售3部 is not the creator's to see"
    );
    assert!(!b.page_text().contains("销售3部"), "{}", b.page_text());
    b.click(&b.by_role("radio", &departed_name));
    b.click(&b.by_role("button", "下一步"));

    // 2. Every customer and every group (the wizard starts with all of them chosen).
    b.wait_until("lists", |b| !b.css_all(".hoc-count").is_empty());
    b.wait_text(&format!("已选 {0} / {0}", customer_ids.len()));
    b.click(&b.by_role("button", "下一步"));

    // 3. The successor.
    b.click(&b.by_role("radio", &successor_name));
    b.click(&b.by_role("button", "下一步"));

    // 4. Chat history: the session says the backend cannot act on it (`chat_archive` false),
    // and the page says the choice has no effect.
    b.wait_until("the chat-history note", |b| {
        b.css_all("[role=note]")
            .iter()
            .any(|n| b.text(n).contains("本系统无法交接聊天记录"))
    });
    b.click(&b.by_role("radio", "全部"));
    b.click(&b.by_role("button", "下一步"));

    // 5. Confirm: important customers, so a second admin must approve.
    b.by_role("heading", "确认交接");
    b.wait_text("包含重要客户");
    // The summary says it again beside the chosen scope.
    b.wait_text("全部 (仅记录，不会生效)");
    b.click(&b.by_role("button", "确认交接"));
    // The session prefers TOTP: the dialog asks for the authenticator app's code.
    b.wait_text("请输入身份验证器应用当前显示的 6 位动态码。");
    let code = b.by_role("textbox", "身份验证器动态码");
    b.type_text(&code, &wrong(&totp(CREATOR_TOTP)));
    b.click(&b.by_role("button", "验证并确认交接"));
    b.wait_text("验证码不正确。");
    // The refused code is the only failed request the browser logs.
    let refused = b.console_errors();
    assert!(
        refused.len() == 1
            && refused[0].contains("/api/session/verification")
            && refused[0].contains("422"),
        "{refused:#?}"
    );
    b.clear(&code);
    b.type_text(&code, &totp(CREATOR_TOTP));
    b.click(&b.by_role("button", "验证并确认交接"));
    b.by_role("heading", "交接已创建");
    b.wait_text("此交接需要另一位有审批权限的管理员审批后才能执行。");

    let list = api(&backend, &creator, "GET", "/handovers");
    let id = list["items"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a handover: {list}"))
        .to_string();
    let h = api(&backend, &creator, "GET", &format!("/handovers/{id}"));
    assert_eq!(h["state"], "pending_approval", "{h}");
    assert_eq!(
        h["chat_history"]["scope"], "all",
        "the scope is recorded: {h}"
    );
    assert!(
        sim.state()["transfers"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "nothing reaches WeCom before approval"
    );

    // 6. Approval by the second admin; the creator may not approve their own.
    let own = api(
        &backend,
        &creator,
        "POST",
        &format!("/handovers/{id}/approve"),
    );
    assert_eq!(own["code"], "self_approval", "{own}");
    let approved = api(
        &backend,
        &approver,
        "POST",
        &format!("/handovers/{id}/approve"),
    );
    assert_eq!(approved["state"], "ready", "{approved}");

    // 7. The run.
    b.goto(&format!("{}/?handover={id}", backend.base_url));
    let sent_from = now_ms();
    b.click(&b.by_role("button", "开始执行"));
    b.wait_until("the run is done", |b| {
        count(b, "remaining") == 0 && b.css_all(".hoc-run .hoc-result").len() == 1
    });
    let sent_by = now_ms();
    b.wait_text("全部已提交并被接受");
    let planned = customer_ids.len() + group_ids.len();
    assert_eq!(count(&b, "submitted"), planned);
    assert_eq!(count(&b, "accepted"), planned);
    assert_eq!(count(&b, "rejected"), 0);

    // 8. Right after the run: each item sent once and accepted by WeCom; the groups are the
    // successor's at once, the customers wait for the (compressed) takeover.
    let h = api(&backend, &creator, "GET", &format!("/handovers/{id}"));
    assert_eq!(h["counts"]["unsent"], 0, "nothing lost: {h}");
    assert_eq!(h["customer_count"], customer_ids.len(), "{h}");
    assert_eq!(h["group_count"], group_ids.len(), "{h}");
    for it in items(&backend, &creator, &id) {
        assert_eq!(it["successor"], SUCCESSOR, "{it}");
        assert!(it.get("code").is_none(), "WeCom refused an item: {it}");
        match (it["kind"].as_str(), it["status"].as_str()) {
            (Some("group"), status) => assert_eq!(status, Some("taken_over"), "{it}"),
            (Some("customer"), Some("waiting")) => {
                let at = ms_of(it["takeover_at"].as_str().unwrap_or_default());
                assert!(
                    (sent_from - 1000 + TAKEOVER_MS..=sent_by + 1000 + TAKEOVER_MS).contains(&at),
                    "takeover planned {TAKEOVER_MS} ms after sending: {it}"
                );
            }
            // Already decided: a slow run.
            (Some("customer"), Some("taken_over" | "refused")) => {}
            _ => panic!("unexpected item {it}"),
        }
    }

    // 9. The outcomes, polled from WeCom by the backend and from the backend by the page: the
    // customers who refuse stay with the departed member, everyone else is taken over.
    let refused = refusing.len();
    let taken_over = customer_ids.len() - refused + group_ids.len();
    b.wait_until("every outcome on the handover's page", |b| {
        let bar = |status: &str| {
            b.css_all(&format!(".hoc-bars [data-count={status}]"))
                .first()
                .map(|e| b.text(e).trim().to_string())
        };
        bar("waiting").is_none_or(|n| n == "0")
            && bar("taken_over") == Some(taken_over.to_string())
            && bar("refused") == Some(refused.to_string())
    });
    b.wait_text(&format!(
        "{refused} 项因客户拒绝、接替成员客户已达上限或失败未能交接，仍在离职成员名下。"
    ));
    // The handover's record says the same, customer by customer.
    let items = items(&backend, &creator, &id);
    let mut recorded: BTreeMap<String, usize> = BTreeMap::new();
    for it in &items {
        let key = format!("{}:{}", it["kind"].as_str().unwrap_or("?"), it["id"]);
        *recorded.entry(key).or_insert(0) += 1;
        if it["kind"] == "customer" {
            let ext = it["id"].as_str().unwrap_or_default();
            let want = if refusing.contains(ext) {
                "refused"
            } else {
                "taken_over"
            };
            assert_eq!(it["status"], want, "{it}");
        }
    }
    assert!(recorded.values().all(|n| *n == 1), "{recorded:?}");
    let recorded_customers: BTreeSet<String> = items
        .iter()
        .filter(|it| it["kind"] == "customer")
        .filter_map(|it| it["id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(recorded_customers, customer_ids, "the record's customers");
    let h = api(&backend, &creator, "GET", &format!("/handovers/{id}"));
    assert_eq!(h["counts"]["waiting"], 0, "{h}");
    assert_eq!(h["counts"]["taken_over"], taken_over, "{h}");
    assert_eq!(h["counts"]["refused"], refused, "{h}");

    // 10. WeCom's side, in the simulator's own memory: each customer transferred exactly once,
    // to the successor; refusing customers stay, the others and the groups are the successor's.
    let after = sim.state();
    let transfers = after["transfers"].as_array().cloned().unwrap_or_default();
    let mut per_customer: BTreeMap<String, usize> = BTreeMap::new();
    for t in &transfers {
        assert_eq!(t["handover_userid"], DEPARTED, "{t}");
        assert_eq!(t["takeover_userid"], SUCCESSOR, "{t}");
        *per_customer
            .entry(
                t["external_userid"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
            .or_insert(0) += 1;
    }
    let twice: Vec<_> = per_customer.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "transferred more than once: {twice:?}");
    assert_eq!(
        per_customer.keys().cloned().collect::<BTreeSet<_>>(),
        customer_ids,
        "every customer transferred"
    );
    for t in &transfers {
        let ext = t["external_userid"].as_str().unwrap_or_default();
        let want = if refusing.contains(ext) { 3 } else { 1 };
        assert_eq!(t["status"], want, "WeCom's outcome: {t}");
    }
    let owners: BTreeMap<String, String> = after["customers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            Some((
                c["external_userid"].as_str()?.to_string(),
                c["owner"].as_str()?.to_string(),
            ))
        })
        .collect();
    for ext in &customer_ids {
        let want = if refusing.contains(ext) {
            DEPARTED
        } else {
            SUCCESSOR
        };
        assert_eq!(owners.get(ext).map(String::as_str), Some(want), "{ext}");
    }
    let groups_now: BTreeSet<String> = after["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|g| g["owner"] == SUCCESSOR && g["inherited"] == true)
        .filter_map(|g| g["chat_id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(groups_now, group_ids, "every group the successor's");

    // The record's trail: approved by the second admin, then one batch of customers and one
    // of groups.
    let events = api(
        &backend,
        &creator,
        "GET",
        &format!("/handovers/{id}/events?limit=1000"),
    );
    let kinds: Vec<&str> = events["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    let approvals: Vec<&Value> = events["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["kind"] == "approved")
        .collect();
    assert!(
        approvals.len() == 1 && approvals[0]["actor"]["id"] == "admin-2",
        "{events}"
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == "batch_submitted").count(),
        2,
        "{kinds:?}"
    );

    // One call took every customer and one every group: nothing was sent to WeCom again (a
    // customer sent twice would be answered 40100 and leave no second transfer above).
    let calls = sim.calls();
    for path in [
        "externalcontact/resigned/transfer_customer",
        "externalcontact/groupchat/transfer",
    ] {
        assert_eq!(calls[path]["0"], 1, "{path} taken once: {calls}");
    }

    // Nothing but the refused code above failed in the browser: the member's batches wait
    // their turn in the backend rather than bounce, however many the app keeps in flight.
    let errors = b.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
    backend.assert_contract();
}
