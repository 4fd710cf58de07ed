//! `--source wecom`: the company's WeCom read into the store's directory (`Dataset`, plus each
//! departed member's customers and groups), every page of every list, so that validation,
//! paging, records and the ledger are the same code as in demo mode.
//!
//! What WeCom's API does not say, and what the mapping assumes instead:
//! - a member's customer limit and count: [`CUSTOMER_LIMIT`] and 0 (WeCom refuses with 40099,
//!   or reports status 4 at takeover, when the limit is reached);
//! - real-name verification and last login: assumed fine (WeCom refuses with 40098 per item);
//! - customers already in a transfer started elsewhere: unknown until a transfer answers 40100;
//! - the last contact with a customer: unknown (none).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use handover_console::api::types::{AccountState, CustomerKind};
use handover_console::demo::seed::{
    Dataset, SeedCustomer, SeedDeparted, SeedDepartment, SeedGroup, SeedMember, IMPORTANT_TAG,
};
use handover_console::domain::time::DAY;
use serde_json::{json, Value};

use super::directory;
use super::{api, Client, Error};

/// A member's customer limit as shown to admins (the API does not tell it).
pub const CUSTOMER_LIMIT: u32 = 50_000;
/// The department of members the address book could not place.
const UNKNOWN_DEPARTMENT: &str = "0";
/// `batch/get_by_user` pages (the documented maximum).
const DETAILS_PAGE: usize = 100;

/// The directory a store runs on: `customers[i]` and `groups[i]` belong to `data.departed[i]`.
pub struct Loaded {
    pub data: Dataset,
    pub customers: Vec<Vec<SeedCustomer>>,
    pub groups: Vec<Vec<SeedGroup>>,
}

/// Reads everything from WeCom. `anchor_ms` is the store's "today" (dates become days before
/// it, as the store keeps them).
pub async fn load(client: &Client, anchor_ms: i64) -> Result<Loaded, Error> {
    let dir = match directory::load(client).await {
        Ok(d) => d,
        // The secret may not read the address book (its visible range, or no directory
        // permission): the customer lists still work, members are then known by id only.
        Err(Error::Api(code)) => {
            tracing::warn!(
                errcode = code,
                "wecom: the address book cannot be read; members are shown by their ids"
            );
            directory::Directory::default()
        }
        Err(e) => return Err(e),
    };
    let followers: BTreeSet<String> = client
        .get("externalcontact/get_follow_user_list", &[])
        .await?["follow_user"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    let pending = api::unassigned(client).await?;
    let groups = waiting_groups(client).await?;
    let tags = tag_names(client).await?;

    // Departed: who has pending customers, who owns groups waiting for inheritance, and who the
    // directory says left (possibly with nothing pending).
    let mut left_at: BTreeMap<String, Option<i64>> = BTreeMap::new();
    for p in &pending {
        left_at.insert(p.handover_userid.clone(), Some(p.dimission_time * 1000));
    }
    for g in &groups {
        left_at.entry(g.owner.clone()).or_insert(None);
    }
    for u in dir.users.values().filter(|u| u.left) {
        left_at.entry(u.userid.clone()).or_insert(None);
    }

    let mut departments: Vec<SeedDepartment> = dir
        .departments
        .iter()
        .map(|d| SeedDepartment {
            id: d.id.clone(),
            name: d.name.clone(),
        })
        .collect();

    let mut members: Vec<SeedMember> = dir
        .users
        .values()
        .filter(|u| !left_at.contains_key(&u.userid) && u.status == 1)
        .map(|u| SeedMember {
            id: u.userid.clone(),
            name: u.name.clone(),
            department: dept_index(&u.department, &mut departments),
            position: u.position.clone(),
            customer_count: 0,
            customer_limit: CUSTOMER_LIMIT,
            contact_enabled: followers.contains(&u.userid),
            verified: true,
            last_active_days_ago: 0,
        })
        .collect();

    if dir.users.is_empty() {
        // Without the address book: whoever has customer contact enabled, by id.
        for id in followers.iter().filter(|id| !left_at.contains_key(*id)) {
            members.push(SeedMember {
                id: id.clone(),
                name: id.clone(),
                department: dept_index(UNKNOWN_DEPARTMENT, &mut departments),
                position: String::new(),
                customer_count: 0,
                customer_limit: CUSTOMER_LIMIT,
                contact_enabled: true,
                verified: true,
                last_active_days_ago: 0,
            });
        }
    }

    let mut pending_of: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for p in &pending {
        pending_of
            .entry(p.handover_userid.as_str())
            .or_default()
            .insert(p.external_userid.as_str());
    }
    let days_before = |ms: i64| (anchor_ms - ms).div_euclid(DAY).max(0);

    let mut departed = Vec::new();
    let mut customers = Vec::new();
    let mut group_lists = Vec::new();
    for (id, left) in &left_at {
        let user = dir.users.get(id);
        let wanted = pending_of.get(id.as_str()).cloned().unwrap_or_default();
        let list = if wanted.is_empty() {
            Vec::new()
        } else {
            customers_of(client, id, &wanted, &tags, &days_before).await?
        };
        let owned: Vec<SeedGroup> = groups
            .iter()
            .filter(|g| &g.owner == id)
            .map(|g| SeedGroup {
                id: g.chat_id.clone(),
                name: g.name.clone(),
                member_count: g.members,
                created_days_ago: days_before(g.create_time * 1000),
                inherited: false,
            })
            .collect();
        departed.push(SeedDeparted {
            id: id.clone(),
            name: user.map_or_else(|| id.clone(), |u| u.name.clone()),
            department: dept_index(
                user.map(|u| u.department.as_str()).unwrap_or_default(),
                &mut departments,
            ),
            position: user.map(|u| u.position.clone()).unwrap_or_default(),
            // WeCom gives no departure time for a member with only groups: "today".
            departed_days_ago: left.map_or(0, days_before),
            account_state: match user.map(|u| u.status) {
                Some(1) => AccountState::Active,
                Some(2) | Some(4) => AccountState::Disabled,
                _ => AccountState::Deleted,
            },
            customers: list.len() as u32,
            groups: owned.len() as u32,
            locked_per_mille: 0,
        });
        customers.push(list);
        group_lists.push(owned);
    }
    tracing::info!(
        departments = departments.len(),
        members = members.len(),
        departed = departed.len(),
        customers = pending.len(),
        groups = groups.len(),
        "wecom: directory loaded"
    );
    Ok(Loaded {
        data: Dataset {
            departments,
            members,
            departed,
        },
        customers,
        groups: group_lists,
    })
}

/// The index of department `id`, added (named by its id) when the list did not have it.
fn dept_index(id: &str, departments: &mut Vec<SeedDepartment>) -> usize {
    match departments.iter().position(|d| d.id == id) {
        Some(i) => i,
        None => {
            departments.push(SeedDepartment {
                id: id.to_string(),
                name: id.to_string(),
            });
            departments.len() - 1
        }
    }
}

struct WaitingGroup {
    chat_id: String,
    owner: String,
    name: String,
    members: u32,
    create_time: i64,
}

/// Every group whose owner left (status filter 1, all pages), with its details.
async fn waiting_groups(client: &Client) -> Result<Vec<WaitingGroup>, Error> {
    let mut ids = Vec::new();
    let mut next = String::new();
    loop {
        let v = client
            .post(
                "externalcontact/groupchat/list",
                &json!({"status_filter": 1, "cursor": next, "limit": 1000}),
            )
            .await?;
        for g in v["group_chat_list"].as_array().into_iter().flatten() {
            ids.extend(g["chat_id"].as_str().map(String::from));
        }
        next = v["next_cursor"].as_str().unwrap_or_default().to_string();
        if next.is_empty() {
            break;
        }
    }
    let mut out = Vec::with_capacity(ids.len());
    for chat_id in ids {
        let v = client
            .post(
                "externalcontact/groupchat/get",
                &json!({"chat_id": chat_id}),
            )
            .await?;
        let g = &v["group_chat"];
        out.push(WaitingGroup {
            owner: g["owner"].as_str().unwrap_or_default().to_string(),
            name: g["name"].as_str().unwrap_or_default().to_string(),
            members: g["member_list"].as_array().map_or(0, Vec::len) as u32,
            create_time: g["create_time"].as_i64().unwrap_or_default(),
            chat_id,
        });
    }
    Ok(out)
}

/// The company's customer tags: id → name.
async fn tag_names(client: &Client) -> Result<HashMap<String, String>, Error> {
    let v = client
        .post("externalcontact/get_corp_tag_list", &json!({}))
        .await?;
    let mut out = HashMap::new();
    for group in v["tag_group"].as_array().into_iter().flatten() {
        for t in group["tag"].as_array().into_iter().flatten() {
            if let (Some(id), Some(name)) = (t["id"].as_str(), t["name"].as_str()) {
                out.insert(id.to_string(), name.to_string());
            }
        }
    }
    Ok(out)
}

/// The details of `wanted` (a departed member's pending customers), all pages of
/// `batch/get_by_user`; a pending customer the batch does not describe is asked for alone.
async fn customers_of(
    client: &Client,
    userid: &str,
    wanted: &BTreeSet<&str>,
    tags: &HashMap<String, String>,
    days_before: &impl Fn(i64) -> i64,
) -> Result<Vec<SeedCustomer>, Error> {
    let mut found: HashMap<String, SeedCustomer> = HashMap::new();
    let mut next = String::new();
    loop {
        let v = client
            .post(
                "externalcontact/batch/get_by_user",
                &json!({"userid_list": [userid], "cursor": next, "limit": DETAILS_PAGE}),
            )
            .await?;
        for row in v["external_contact_list"].as_array().into_iter().flatten() {
            let c = customer(
                &row["external_contact"],
                &row["follow_info"],
                tags,
                days_before,
            );
            if wanted.contains(c.id.as_str()) {
                found.insert(c.id.clone(), c);
            }
        }
        next = v["next_cursor"].as_str().unwrap_or_default().to_string();
        if next.is_empty() {
            break;
        }
    }
    let mut out = Vec::with_capacity(wanted.len());
    for id in wanted {
        match found.remove(*id) {
            Some(c) => out.push(c),
            None => {
                let v = client
                    .get("externalcontact/get", &[("external_userid", id)])
                    .await?;
                let follow = v["follow_user"]
                    .as_array()
                    .and_then(|f| f.iter().find(|f| f["userid"] == json!(userid)))
                    .cloned()
                    .unwrap_or(Value::Null);
                let mut c = customer(&v["external_contact"], &follow, tags, days_before);
                if c.id.is_empty() {
                    c.id = id.to_string();
                }
                out.push(c);
            }
        }
    }
    Ok(out)
}

fn customer(
    contact: &Value,
    follow: &Value,
    tags: &HashMap<String, String>,
    days_before: &impl Fn(i64) -> i64,
) -> SeedCustomer {
    let id = contact["external_userid"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    // Tags come as ids (batch) or as objects with names (single get).
    let mut names: Vec<String> = follow["tag_id"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str().and_then(|t| tags.get(t)).cloned())
        .chain(
            follow["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t["tag_name"].as_str().map(String::from)),
        )
        .collect();
    names.sort();
    names.dedup();
    let wecom = contact["type"].as_i64() == Some(2);
    SeedCustomer {
        name: contact["name"]
            .as_str()
            .filter(|n| !n.is_empty())
            .map_or_else(|| id.clone(), String::from),
        id,
        kind: if wecom {
            CustomerKind::Wecom
        } else {
            CustomerKind::Wechat
        },
        corp_name: contact["corp_name"]
            .as_str()
            .filter(|c| wecom && !c.is_empty())
            .map(String::from),
        remark: follow["remark"].as_str().unwrap_or_default().to_string(),
        important: names.iter().any(|t| t == IMPORTANT_TAG),
        tags: names,
        added_days_ago: follow["createtime"]
            .as_i64()
            .map_or(0, |s| days_before(s * 1000)),
        last_contact_days_ago: None,
        locked: false,
    }
}
