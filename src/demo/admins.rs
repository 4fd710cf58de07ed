//! The admins the demo knows, and the code its identity re-verification accepts. A backend may
//! replace the demo's admins with its own ([`AdminSpec`], e.g. from a permissions file).

use crate::api::types::Admin;

/// An admin of the demo company: who they are and how far their rights reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoAdmin {
    pub id: &'static str,
    pub name: &'static str,
    /// May approve other admins' handovers (the second level of review).
    pub may_approve: bool,
    /// Department ids whose departed members this admin may hand over; empty = all.
    pub departments: &'static [&'static str],
}

pub const ADMINS: &[DemoAdmin] = &[
    DemoAdmin {
        id: "admin-1",
        name: "周静",
        may_approve: true,
        departments: &[],
    },
    DemoAdmin {
        id: "admin-2",
        name: "郑海涛",
        may_approve: true,
        departments: &[],
    },
    DemoAdmin {
        id: "admin-3",
        name: "林晓",
        may_approve: false,
        departments: &["dept-01", "dept-02"],
    },
];

/// The code demo re-verification accepts; the UI shows it on screen.
pub const DEMO_CODE: &str = "246810";

/// The actor of events WeCom itself causes (outcomes arriving after the takeover time).
pub(super) const WECOM: &str = "wecom";

impl DemoAdmin {
    pub fn find(id: &str) -> Option<&'static DemoAdmin> {
        ADMINS.iter().find(|a| a.id == id)
    }

    /// Permission tiers: whether this admin may hand over members of `department`.
    pub fn may_hand_over(&self, department: &str) -> bool {
        self.departments.is_empty() || self.departments.contains(&department)
    }
}

/// An admin as the store knows them: the demo's, or a deployment's own (owned strings, so a
/// backend can build them from its configuration).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminSpec {
    pub id: String,
    pub name: String,
    pub may_approve: bool,
    /// Department ids this admin may hand over; empty = all.
    pub departments: Vec<String>,
}

impl AdminSpec {
    /// The demo company's admins.
    pub fn demo() -> Vec<AdminSpec> {
        ADMINS
            .iter()
            .map(|a| AdminSpec {
                id: a.id.into(),
                name: a.name.into(),
                may_approve: a.may_approve,
                departments: a.departments.iter().map(|d| d.to_string()).collect(),
            })
            .collect()
    }

    /// Permission tiers: whether this admin may hand over members of `department`.
    pub fn may_hand_over(&self, department: &str) -> bool {
        self.departments.is_empty() || self.departments.iter().any(|d| d == department)
    }
}

/// Who an actor id is, for records and events: an admin, WeCom itself, or the bare id.
pub(super) fn actor(admins: &[AdminSpec], id: &str) -> Admin {
    let name = admins
        .iter()
        .find(|a| a.id == id)
        .map(|a| a.name.as_str())
        .unwrap_or(if id == WECOM { "企业微信" } else { id });
    Admin {
        id: id.into(),
        name: name.into(),
    }
}
