//! WeCom's directory and pending lists mapped to the contract's departed members: who left
//! with customers (`get_unassigned_list`) and who left with only groups (the directory's
//! departed members whose groups the group-chat list by owner finds).

use std::collections::BTreeMap;

use handover_console::api::types::{AccountState, DepartedMember, DepartedReason, Department};
use handover_console::domain::time::{to_rfc3339, DAY};
use serde_json::Value;

use super::api::{self, Pending};
use super::{Client, Error};

/// Departed members are eligible for this long after leaving (domain.md).
const ELIGIBLE_MS: i64 = 365 * DAY;

#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub userid: String,
    pub name: String,
    pub department: String,
    pub position: String,
    /// The directory's status 5: left the company.
    pub left: bool,
    /// The directory's status: 1 active, 2 disabled, 4 not activated, 5 left.
    pub status: i64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Directory {
    pub departments: Vec<Department>,
    pub users: BTreeMap<String, User>,
}

/// `department/list`, then `user/list` for each department.
pub async fn load(client: &Client) -> Result<Directory, Error> {
    let v = client.get("department/list", &[]).await?;
    let mut dir = Directory::default();
    for d in v["department"].as_array().into_iter().flatten() {
        let id = d["id"].as_i64().unwrap_or_default().to_string();
        let name = d["name"].as_str().unwrap_or_default().to_string();
        dir.departments.push(Department { id, name });
    }
    for d in dir.departments.clone() {
        let v = client
            .get("user/list", &[("department_id", d.id.as_str())])
            .await?;
        for u in v["userlist"].as_array().into_iter().flatten() {
            let user = user(u);
            dir.users.entry(user.userid.clone()).or_insert(user);
        }
    }
    Ok(dir)
}

fn user(u: &Value) -> User {
    let dept = u["department"]
        .as_array()
        .and_then(|a| a.first())
        .and_then(Value::as_i64)
        .map(|d| d.to_string())
        .unwrap_or_default();
    User {
        userid: u["userid"].as_str().unwrap_or_default().into(),
        name: u["name"].as_str().unwrap_or_default().into(),
        department: dept,
        position: u["position"].as_str().unwrap_or_default().into(),
        left: u["status"].as_i64() == Some(5),
        status: u["status"].as_i64().unwrap_or(1),
    }
}

/// Every departed member with something to hand over, from every page of both lists.
pub async fn departed(
    client: &Client,
    dir: &Directory,
    now_ms: i64,
) -> Result<Vec<DepartedMember>, Error> {
    let pending = api::unassigned(client).await?;
    let left: Vec<String> = dir
        .users
        .values()
        .filter(|u| u.left)
        .map(|u| u.userid.clone())
        .collect();
    let mut groups: BTreeMap<String, u32> = BTreeMap::new();
    for owner in &left {
        let n = api::groups_of(client, std::slice::from_ref(owner))
            .await?
            .len() as u32;
        if n > 0 {
            groups.insert(owner.clone(), n);
        }
    }
    Ok(departed_members(dir, &pending, &groups, now_ms))
}

/// The mapping itself (pure). WeCom's answers carry no departure time for a member who left
/// with only groups: `departed_at` is then `now_ms` and the member eligible (WeCom itself
/// refuses the transfer if not).
pub fn departed_members(
    dir: &Directory,
    pending: &[Pending],
    groups: &BTreeMap<String, u32>,
    now_ms: i64,
) -> Vec<DepartedMember> {
    let mut rows: BTreeMap<&str, (u32, Option<i64>)> = BTreeMap::new();
    for p in pending {
        let e = rows.entry(&p.handover_userid).or_default();
        e.0 += 1;
        e.1 = Some(p.dimission_time * 1000);
    }
    for owner in groups.keys() {
        rows.entry(owner).or_default();
    }
    rows.into_iter()
        .map(|(id, (customers, left_ms))| {
            let user = dir.users.get(id);
            let dept_id = user.map(|u| u.department.clone()).unwrap_or_default();
            let department = dir
                .departments
                .iter()
                .find(|d| d.id == dept_id)
                .cloned()
                .unwrap_or(Department {
                    id: dept_id,
                    name: String::new(),
                });
            let left_ms = left_ms.unwrap_or(now_ms);
            let too_old = now_ms - left_ms > ELIGIBLE_MS;
            DepartedMember {
                id: id.to_string(),
                name: user.map_or_else(|| id.to_string(), |u| u.name.clone()),
                department,
                position: user.map(|u| u.position.clone()).unwrap_or_default(),
                departed_at: to_rfc3339(left_ms),
                account_state: AccountState::Deleted,
                pending_customers: customers,
                pending_groups: groups.get(id).copied().unwrap_or(0),
                eligible: !too_old,
                reason: too_old.then_some(DepartedReason::DepartedOverAYear),
            }
        })
        .collect()
}
