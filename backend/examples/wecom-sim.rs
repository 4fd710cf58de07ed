//! The WeCom simulator (`tests/wecom_sim`) as a process of its own, for the end-to-end test that
//! drives the browser through a whole handover against `handover-backend --source wecom`
//! (`tests/wecom.rs` of the app crate). Test tooling: never part of the backend binary.
//!
//! ```text
//! wecom-sim [--speed N] [--takeover-ms MS]
//! wecom-sim totp BASE32SECRET
//! ```
//!
//! Serving: seeds a small company (see [`seed`]), serves WeCom's API on a free loopback port and
//! prints `wecom-sim listening on http://ADDR` as its first stdout line. The simulated clock runs
//! `--speed` times real time (default 600: ten simulated minutes a second, so an access token
//! lives 12 s) and WeCom's 24-hour takeover is compressed to `--takeover-ms` simulated ms
//! (default 30 simulated minutes: 3 s of real time at the default speed).
//!
//! Then it reads commands on stdin, one a line, and answers each with one JSON line on stdout:
//! - `state`: every transfer the simulator took (transfer_customer), every customer with its
//!   owner and every group with its owner, after deciding the transfers whose takeover is due;
//! - `calls`: how often each API path was called, by errcode.
//!
//! It exits when stdin ends (the test that started it is gone).
//!
//! `totp BASE32SECRET` prints the current RFC 6238 code of that secret (the e2e test's
//! authenticator app).

#[path = "../tests/wecom_sim/mod.rs"]
mod wecom_sim;

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::process::ExitCode;

use handover_backend::totp;
use serde_json::{json, Value};
use wecom_sim::{Clock, Seed, Sim, SimCustomer, SimGroup, SimMember, DAY_MS};

const USAGE: &str = "usage: wecom-sim [--speed N] [--takeover-ms MS] | wecom-sim totp BASE32SECRET";

/// The departed member the e2e test hands over, with its customers and groups.
pub const DEPARTED: &str = "left000";
/// Customers of [`DEPARTED`] tagged as important (the handover then needs approval).
const IMPORTANT: [usize; 2] = [0, 5];
/// The console's important tag (`handover_console::demo::seed::IMPORTANT_TAG`).
const IMPORTANT_TAG: &str = "重点客户";

struct Args {
    speed: f64,
    takeover_ms: i64,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut out = Args {
        speed: 600.0,
        takeover_ms: 30 * 60_000,
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--speed" => {
                let v = value()?;
                out.speed = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| *s > 0.0)
                    .ok_or_else(|| format!("--speed wants a positive number, got {v:?}"))?;
            }
            "--takeover-ms" => {
                let v = value()?;
                out.takeover_ms = v
                    .parse()
                    .ok()
                    .filter(|ms: &i64| (0..=DAY_MS).contains(ms))
                    .ok_or_else(|| format!("--takeover-ms wants 0 to {DAY_MS}, got {v:?}"))?;
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(out)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A small company: headquarters and three sales departments (WeCom ids 2 to 4); five active
/// members (the last one not real-name verified: WeCom refuses them as a successor); departed
/// members `left000` (销售1部) and `left001` (销售2部) with 36 customers and three groups each
/// (every seventh customer refuses the transfer; two of `left000`'s are important), and
/// `left002` (销售3部) who left only groups. Successors have room for 5,000 customers each.
fn seed(speed: f64, takeover_ms: i64) -> Sim {
    let seed = Seed {
        departments: 3,
        active: 5,
        departed: 3,
        customers_each: 36,
        groups_each: 3,
        refuse_every: 7,
        contact_limit: 5000,
    };
    let mut sim = Sim::new(&seed, Clock::new(now_ms(), speed));
    sim.takeover_ms = takeover_ms;
    let mut mine: Vec<&mut SimCustomer> = sim
        .customers
        .values_mut()
        .filter(|c| c.owner == DEPARTED)
        .collect();
    for i in IMPORTANT {
        if let Some(c) = mine.get_mut(i) {
            c.tags.push(IMPORTANT_TAG.to_string());
        }
    }
    sim
}

fn member(m: &SimMember) -> Value {
    json!({
        "userid": m.userid,
        "name": m.name,
        "department": m.department,
        "departed": m.left_at.is_some(),
        "real_name_verified": m.real_name_verified,
    })
}

fn customer(c: &SimCustomer) -> Value {
    json!({"external_userid": c.external_userid, "name": c.name, "owner": c.owner,
        "refuses": c.refuses, "tags": c.tags})
}

fn group(g: &SimGroup) -> Value {
    json!({"chat_id": g.chat_id, "name": g.name, "owner": g.owner, "inherited": g.inherited})
}

/// What the simulator holds now, transfers due decided first.
fn state(sim: &mut Sim) -> Value {
    sim.settle();
    let transfers: Vec<Value> = sim
        .transfers
        .iter()
        .map(|t| {
            json!({
                "handover_userid": t.handover,
                "takeover_userid": t.takeover,
                "external_userid": t.external_userid,
                "takeover_at_ms": t.takeover_at_ms,
                "status": t.status,
            })
        })
        .collect();
    json!({
        "now_ms": sim.now_ms(),
        "members": sim.members.values().map(member).collect::<Vec<_>>(),
        "customers": sim.customers.values().map(customer).collect::<Vec<_>>(),
        "groups": sim.groups.values().map(group).collect::<Vec<_>>(),
        "transfers": transfers,
        "tokens_issued": sim.tokens_issued,
    })
}

/// Calls per path and errcode.
fn calls(sim: &Sim) -> Value {
    let mut by: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
    for (path, code) in &sim.log {
        *by.entry(path.as_str())
            .or_default()
            .entry(code.to_string())
            .or_insert(0) += 1;
    }
    json!(by)
}

fn print_totp(secret: &str) -> ExitCode {
    match totp::base32_decode(secret).filter(|s| !s.is_empty()) {
        Some(key) => {
            println!("{}", totp::code_at(&key, now_ms() / 1000));
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("wecom-sim: the secret is not base32");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("totp") => {
            return match args.get(1) {
                Some(secret) if args.len() == 2 => print_totp(secret),
                _ => {
                    eprintln!("{USAGE}");
                    ExitCode::from(2)
                }
            }
        }
        Some("-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let args = match parse(&args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("wecom-sim: {e}");
            return ExitCode::from(2);
        }
    };
    let server = wecom_sim::serve(seed(args.speed, args.takeover_ms));
    let mut out = std::io::stdout().lock();
    if writeln!(out, "wecom-sim listening on {}", server.base)
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let answer = match line.trim() {
            "" => continue,
            "state" => state(&mut server.sim()),
            "calls" => calls(&server.sim()),
            other => json!({"error": format!("unknown command {other:?}: state, calls")}),
        };
        if writeln!(out, "{answer}")
            .and_then(|()| out.flush())
            .is_err()
        {
            break;
        }
    }
    ExitCode::SUCCESS
}
