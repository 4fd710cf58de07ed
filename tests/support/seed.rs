//! The seeded demo dataset as the app shows it (same seed as the demo mode and the backend), so
//! tests can name members the way an admin sees them.

use handover_console::api::types::{DepartedMember, DepartedQuery, Member, MembersQuery};
use handover_console::demo::{Options, Store};

const NOW: i64 = 1_795_623_928_000;

fn store() -> Store {
    Store::new(Options::default(), NOW)
}

pub fn departed(id: &str) -> DepartedMember {
    let query = DepartedQuery {
        only_pending: Some(false),
        limit: Some(200),
        ..Default::default()
    };
    store()
        .departed_members("admin-1", &query, NOW)
        .expect("list")
        .items
        .into_iter()
        .find(|m| m.id == id)
        .expect("seeded member")
}

pub fn name_of(id: &str) -> String {
    departed(id).name
}

/// Eligible successors for a departed member, as the app lists them (first page of 30).
pub fn successors(departed: &str) -> Vec<Member> {
    let query = MembersQuery {
        for_departed: Some(departed.into()),
        limit: Some(30),
        ..Default::default()
    };
    store()
        .members("admin-1", &query)
        .expect("members")
        .items
        .into_iter()
        .filter(|m| m.eligible == Some(true))
        .collect()
}

/// A successor with plenty of room.
pub fn roomy(departed: &str) -> Member {
    successors(departed)
        .into_iter()
        .find(|m| m.customer_limit - m.customer_count > 2000)
        .expect("a roomy successor")
}

/// The departed members the worklist shows by default (those with pending work).
fn pending_departed() -> Vec<DepartedMember> {
    let query = DepartedQuery {
        limit: Some(200),
        ..Default::default()
    };
    store()
        .departed_members("admin-1", &query, NOW)
        .expect("list")
        .items
}

/// Their names.
pub fn pending_departed_names() -> Vec<String> {
    pending_departed().into_iter().map(|m| m.name).collect()
}

/// The departed member with more groups than WeCom moves a day.
pub fn many_groups() -> DepartedMember {
    pending_departed()
        .into_iter()
        .find(|m| m.pending_groups > 300)
        .expect("a member with over 300 groups")
}
