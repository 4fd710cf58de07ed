//! How a deployment differs from the demo company ([`Policy`]): its admins, whether lists
//! show only an admin's departments (permission tiers), who checks re-verification codes, and
//! whether the chat-history scope can be acted on; and the tier checks every operation uses.

use super::{forbidden, Store};
use crate::api::types::Problem;
use crate::demo::admins::AdminSpec;

/// How a deployment differs from the demo company. The browser's demo keeps the default; a
/// backend with its own admins (a permissions file) and a real WeCom sets its own.
#[derive(Clone, Debug)]
pub struct Policy {
    pub admins: Vec<AdminSpec>,
    /// Lists show only the departments an admin may hand over (the demo shows everyone and
    /// marks the others `no_permission`, to teach what tiers do).
    pub hide_other_departments: bool,
    /// Re-verification codes are checked by the backend (TOTP), which then calls
    /// [`Store::issue_verification`]; [`Store::verify`] accepts no code.
    pub external_verification: bool,
    /// Whether the backend can act on the chosen chat-history scope (WeCom's API cannot).
    pub chat_archive: bool,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            admins: AdminSpec::demo(),
            hide_other_departments: false,
            external_verification: false,
            chat_archive: true,
        }
    }
}

impl Store {
    /// Whether `actor` sees departed member `i` (always, unless the policy hides other
    /// departments).
    pub(super) fn sees(&self, actor: &str, i: usize) -> bool {
        !self.policy.hide_other_departments || self.may_hand_over(actor, i)
    }

    /// Whether `actor` sees a member of department index `department` among the successors
    /// (the tiers hide other departments' members, as WeCom's hierarchical admins see only
    /// their own range).
    pub(super) fn sees_member(&self, actor: &str, department: usize) -> bool {
        !self.policy.hide_other_departments
            || self
                .data
                .departments
                .get(department)
                .is_some_and(|d| self.admin(actor).is_ok_and(|a| a.may_hand_over(&d.id)))
    }

    fn may_hand_over(&self, actor: &str, i: usize) -> bool {
        let department = &self.data.departments[self.data.departed[i].department].id;
        self.admin(actor).is_ok_and(|a| a.may_hand_over(department))
    }

    /// 403 for a handover of a department the actor does not see (permission tiers).
    pub(super) fn visible_handover(&self, actor: &str, hi: usize) -> Result<(), Problem> {
        let departed = &self.state.handovers[hi].request.departed_member;
        match self.departed_index(departed) {
            Some(i) if !self.sees(actor, i) => Err(forbidden(
                "you may not hand over members of this department",
            )),
            _ => Ok(()),
        }
    }

    /// A departed member the actor may look at, or 403 (permission tiers).
    pub(super) fn visible_departed(&self, actor: &str, id: &str) -> Result<usize, Problem> {
        let i = self.find_departed(id)?;
        if self.sees(actor, i) {
            Ok(i)
        } else {
            Err(forbidden(
                "you may not hand over members of this department",
            ))
        }
    }
}
