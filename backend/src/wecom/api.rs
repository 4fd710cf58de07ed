//! WeCom's customer-contact endpoints, every page, and their per-item answers mapped to the
//! contract's item outcomes (the WeCom code kept). Building blocks of `--source wecom`.

use handover_console::api::types::ItemStatus;
use handover_console::domain::codes;
use serde_json::{json, Value};

use super::{Client, Error};

/// At most this many customers per `transfer_customer` call, groups per `groupchat/transfer`.
pub const CHUNK: usize = 100;
/// `get_unassigned_list` and `groupchat/list` pages (the documented maximum).
const PAGE: usize = 1000;

/// One row of `get_unassigned_list`: a departed member's pending customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub handover_userid: String,
    pub external_userid: String,
    /// Departure time, epoch seconds.
    pub dimission_time: i64,
}

/// A contract item outcome: status, WeCom code (kept), the code's English sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub id: String,
    pub status: ItemStatus,
    pub code: Option<u32>,
    pub message: Option<String>,
    /// Planned takeover, epoch seconds (waiting items).
    pub takeover_time: Option<i64>,
}

fn message(code: u32) -> Option<String> {
    codes::ALL
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, m)| (*m).to_string())
        .or_else(|| Some(format!("WeCom answered error {code}.")))
}

impl Outcome {
    /// The answer of a transfer call for one item: 0 starts the 24-hour wait; 40099 is the
    /// successor's limit; any other code fails the item and keeps the code.
    pub fn of_transfer_code(id: &str, code: i64) -> Outcome {
        let (status, code) = match code {
            0 => (ItemStatus::Waiting, None),
            c if c == i64::from(codes::SUCCESSOR_LIMIT) => {
                (ItemStatus::LimitExceeded, Some(codes::SUCCESSOR_LIMIT))
            }
            c => (ItemStatus::Failed, u32::try_from(c).ok()),
        };
        Outcome {
            id: id.to_string(),
            status,
            message: code.and_then(message),
            code,
            takeover_time: None,
        }
    }

    /// A `transfer_result` row: 1 taken over, 2 waiting, 3 refused, 4 limit reached.
    pub fn of_result(row: &Value) -> Outcome {
        let id = row["external_userid"].as_str().unwrap_or_default();
        let takeover_time = row["takeover_time"].as_i64();
        let (status, code) = match row["status"].as_i64() {
            Some(1) => (ItemStatus::TakenOver, None),
            Some(2) => (ItemStatus::Waiting, None),
            Some(3) => (ItemStatus::Refused, None),
            Some(4) => (ItemStatus::LimitExceeded, Some(codes::SUCCESSOR_LIMIT)),
            // 5 "no takeover record" (and anything newer): not final, ask again.
            _ => (ItemStatus::Waiting, None),
        };
        Outcome {
            id: id.to_string(),
            status,
            message: code.and_then(message),
            code,
            takeover_time,
        }
    }
}

fn cursor(v: &Value) -> String {
    v["next_cursor"].as_str().unwrap_or_default().to_string()
}

/// Every page of `get_unassigned_list` (the traps of domain.md: the cursor is followed).
pub async fn unassigned(client: &Client) -> Result<Vec<Pending>, Error> {
    let mut out = Vec::new();
    let mut next = String::new();
    loop {
        let v = client
            .post(
                "externalcontact/get_unassigned_list",
                &json!({"cursor": next, "page_size": PAGE}),
            )
            .await?;
        for row in v["info"].as_array().into_iter().flatten() {
            out.push(Pending {
                handover_userid: row["handover_userid"].as_str().unwrap_or_default().into(),
                external_userid: row["external_userid"].as_str().unwrap_or_default().into(),
                dimission_time: row["dimission_time"].as_i64().unwrap_or_default(),
            });
        }
        next = cursor(&v);
        if next.is_empty() || v["is_last"] == json!(true) {
            return Ok(out);
        }
    }
}

/// Every group owned by `owners` (chat ids), all pages; members who left with only groups are
/// found here, not in [`unassigned`].
pub async fn groups_of(client: &Client, owners: &[String]) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    // The owner filter takes at most 100 user ids.
    for owners in owners.chunks(CHUNK) {
        let mut next = String::new();
        loop {
            let v = client
                .post(
                    "externalcontact/groupchat/list",
                    &json!({"owner_filter": {"userid_list": owners}, "cursor": next, "limit": PAGE}),
                )
                .await?;
            for g in v["group_chat_list"].as_array().into_iter().flatten() {
                out.extend(g["chat_id"].as_str().map(String::from));
            }
            next = cursor(&v);
            if next.is_empty() {
                break;
            }
        }
    }
    Ok(out)
}

/// Starts the transfer of `customers` from `from` to `to`, in calls of at most 100. A call
/// that fails as a whole (rate-limited after backoff, WeCom down) leaves its items `Unsent`:
/// nothing is lost, the caller sends them again later.
pub async fn transfer_customers(
    client: &Client,
    from: &str,
    to: &str,
    customers: &[String],
) -> Vec<Outcome> {
    let mut out = Vec::with_capacity(customers.len());
    for chunk in customers.chunks(CHUNK) {
        let body =
            json!({"handover_userid": from, "takeover_userid": to, "external_userid": chunk});
        match client
            .post("externalcontact/resigned/transfer_customer", &body)
            .await
        {
            Ok(v) => {
                let answered: Vec<&Value> =
                    v["customer"].as_array().into_iter().flatten().collect();
                for id in chunk {
                    let row = answered
                        .iter()
                        .find(|r| r["external_userid"].as_str() == Some(id.as_str()));
                    out.push(match row {
                        Some(r) => {
                            Outcome::of_transfer_code(id, r["errcode"].as_i64().unwrap_or(0))
                        }
                        None => unsent(id),
                    });
                }
            }
            Err(_) => out.extend(chunk.iter().map(|id| unsent(id))),
        }
    }
    out
}

fn unsent(id: &str) -> Outcome {
    Outcome {
        id: id.to_string(),
        status: ItemStatus::Unsent,
        code: None,
        message: None,
        takeover_time: None,
    }
}

/// Every page of `transfer_result` for one (departed, successor) pair.
pub async fn transfer_results(
    client: &Client,
    from: &str,
    to: &str,
) -> Result<Vec<Outcome>, Error> {
    let mut out = Vec::new();
    let mut next = String::new();
    loop {
        let v = client
            .post(
                "externalcontact/resigned/transfer_result",
                &json!({"handover_userid": from, "takeover_userid": to, "cursor": next}),
            )
            .await?;
        out.extend(
            v["customer"]
                .as_array()
                .into_iter()
                .flatten()
                .map(Outcome::of_result),
        );
        next = cursor(&v);
        if next.is_empty() {
            return Ok(out);
        }
    }
}

/// Hands `groups` to `new_owner` in calls of 1 to 100. Groups WeCom does not list as failed
/// are taken over at once; failed ones keep their code. A failed call leaves its groups
/// `Unsent`. (The 300-per-owner-per-day quota is the caller's to respect; WeCom's refusal
/// arrives here as a per-group code.)
pub async fn transfer_groups(client: &Client, new_owner: &str, groups: &[String]) -> Vec<Outcome> {
    let mut out = Vec::with_capacity(groups.len());
    for chunk in groups.chunks(CHUNK) {
        let body = json!({"chat_id_list": chunk, "new_owner": new_owner});
        match client
            .post("externalcontact/groupchat/transfer", &body)
            .await
        {
            Ok(v) => {
                let failed: Vec<&Value> = v["failed_chat_list"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .collect();
                for id in chunk {
                    let code = failed
                        .iter()
                        .find(|f| f["chat_id"].as_str() == Some(id.as_str()))
                        .and_then(|f| f["errcode"].as_i64())
                        .unwrap_or(0);
                    let mut o = Outcome::of_transfer_code(id, code);
                    if code == 0 {
                        o.status = ItemStatus::TakenOver;
                    }
                    out.push(o);
                }
            }
            Err(_) => out.extend(chunk.iter().map(|id| unsent(id))),
        }
    }
    out
}

/// Polls `transfer_result` for one (departed, successor) pair every `every` until each of
/// `ids` has a final outcome (taken over, refused, limit reached). WeCom being down or
/// rate-limiting pauses the polling (logged) instead of failing: nothing is lost, the next
/// round asks again. Another error code ends the polling with that error.
pub async fn poll_until_final(
    client: &Client,
    from: &str,
    to: &str,
    ids: &[String],
    every: std::time::Duration,
) -> Result<Vec<Outcome>, Error> {
    loop {
        match transfer_results(client, from, to).await {
            Ok(rows) => {
                let finals: Vec<Outcome> = ids
                    .iter()
                    .filter_map(|id| rows.iter().find(|o| &o.id == id).cloned())
                    .filter(|o| o.status != ItemStatus::Waiting)
                    .collect();
                if finals.len() == ids.len() {
                    return Ok(finals);
                }
            }
            Err(Error::Unavailable(why)) => {
                tracing::warn!(why, "wecom: unavailable, outcome polling paused");
            }
            Err(Error::RateLimited(code)) => {
                tracing::warn!(
                    errcode = code,
                    "wecom: rate-limited, outcome polling paused"
                );
            }
            Err(e) => return Err(e),
        }
        tokio::time::sleep(every).await;
    }
}
