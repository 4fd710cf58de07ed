//! The contract's types (openapi.yaml), in one place. Shared by the client, the demo store and
//! the reference backend, so all three speak exactly the same JSON.

use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch; on the wire as RFC 3339 (see `time`).
pub type Millis = i64;

/// One page of a cursor-paged list. `next_cursor` is null at the end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    /// Total matching items, when the server knows it cheaply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Admin {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationMethod {
    Password,
    SmsCode,
    Totp,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Permissions {
    /// Department ids whose departed members this admin may hand over; empty = all.
    pub departments: Vec<String>,
    pub may_approve: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerificationPolicy {
    pub required: bool,
    pub methods: Vec<VerificationMethod>,
    /// Demo only: the code to type, shown on screen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demo_code: Option<String>,
}

impl VerificationPolicy {
    /// The method the admin is asked for: the backend lists its methods in its order of
    /// preference (a WeCom deployment offers `totp`); an empty list keeps the SMS code.
    pub fn preferred(&self) -> VerificationMethod {
        self.methods
            .first()
            .copied()
            .unwrap_or(VerificationMethod::SmsCode)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApprovalPolicy {
    pub required_for_important: bool,
    /// Handovers with more customers than this need approval.
    pub max_customers_without_approval: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    pub items_per_batch: u32,
    pub groups_per_owner_per_day: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Features {
    pub chat_archive: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub admin: Admin,
    pub permissions: Permissions,
    pub verification: VerificationPolicy,
    pub approval: ApprovalPolicy,
    pub limits: Limits,
    pub features: Features,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerificationRequest {
    pub method: VerificationMethod,
    pub code: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerificationToken {
    pub token: String,
    pub expires_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Department {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    Active,
    Disabled,
    Deleted,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepartedMember {
    pub id: String,
    pub name: String,
    pub department: Department,
    pub position: String,
    pub departed_at: String,
    pub account_state: AccountState,
    pub pending_customers: u32,
    pub pending_groups: u32,
    pub eligible: bool,
    /// Why not eligible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<DepartedReason>,
}

/// Declares a reason enum: the contract's tags, plus `Other` for a tag this build does not know.
///
/// `Other(String)` rather than `#[serde(other)] Unknown`: a newer or third-party backend's reason
/// still decodes, and its tag survives a round trip (the wizard draft is stored and read back)
/// and stays visible in logs; the UI shows a generic sentence for it, never the tag. No
/// `Display`, so the tag cannot end up on screen by accident.
macro_rules! reason_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $tag:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A tag this build does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// Every reason this build knows (not `Other`).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire tag.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $tag,)+
                    $name::Other(tag) => tag,
                }
            }

            /// Never fails: an unknown tag becomes `Other`.
            pub fn from_tag(tag: &str) -> $name {
                match tag {
                    $($tag => $name::$variant,)+
                    other => $name::Other(other.to_string()),
                }
            }
        }

        impl From<&str> for $name {
            fn from(tag: &str) -> $name {
                $name::from_tag(tag)
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                String::deserialize(d).map(|tag| $name::from_tag(&tag))
            }
        }
    };
}

reason_enum! {
    /// Why a departed member cannot be handed over (`DepartedMember::reason`).
    DepartedReason {
        /// WeCom only hands over members who left at most a year ago.
        DepartedOverAYear = "departed_over_a_year",
        /// The admin's permission tier does not cover the member's department.
        NoPermission = "no_permission",
    }
}

reason_enum! {
    /// Why a member cannot be the successor of a given departed member (`Member::reason`).
    SuccessorReason {
        IsDepartedMember = "is_departed_member",
        ContactDisabled = "contact_disabled",
        NotVerified = "not_verified",
        InactiveOverAYear = "inactive_over_a_year",
    }
}

reason_enum! {
    /// Why a handover needs a second admin's approval (`Handover::approval_reasons`).
    ApprovalReason {
        ImportantCustomers = "important_customers",
        LargeHandover = "large_handover",
    }
}

reason_enum! {
    /// What happened to a handover (`HandoverEvent::kind`): open, so a newer backend's kind
    /// still decodes; the timeline words each known kind and a generic sentence for the rest.
    EventKind {
        Created = "created",
        Verified = "verified",
        ApprovalRequested = "approval_requested",
        Approved = "approved",
        Rejected = "rejected",
        BatchSubmitted = "batch_submitted",
        OutcomeChanged = "outcome_changed",
        /// The creator withdrew the handover before anything was sent (contract 1.2).
        Withdrawn = "withdrawn",
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerKind {
    Wechat,
    Wecom,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    /// WeCom external user id.
    pub id: String,
    pub name: String,
    pub kind: CustomerKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corp_name: Option<String>,
    pub remark: String,
    pub tags: Vec<String>,
    pub added_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_contact_at: Option<String>,
    pub important: bool,
    pub transferable: bool,
    /// A code of shared/domain.md (e.g. 40100) when not transferable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub member_count: u32,
    pub created_at: String,
    pub transferable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub department: Department,
    pub position: String,
    pub customer_count: u32,
    pub customer_limit: u32,
    /// Present when asked `for=<departed id>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible: Option<bool>,
    /// Why not eligible, when asked `for=<departed id>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<SuccessorReason>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatScope {
    None,
    Recent,
    All,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatHistory {
    pub scope: ChatScope,
    /// Required (1..=3650) when scope is `recent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub successor: String,
    #[serde(default)]
    pub customer_ids: Vec<String>,
    #[serde(default)]
    pub group_ids: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewHandover {
    /// Client-generated; the same id twice creates one handover.
    pub id: String,
    pub departed_member: String,
    pub assignments: Vec<Assignment>,
    pub chat_history: ChatHistory,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_token: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoverState {
    PendingApproval,
    Ready,
    Running,
    Submitted,
    Completed,
    Rejected,
    Cancelled,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StatusCounts {
    pub unsent: u32,
    pub waiting: u32,
    pub taken_over: u32,
    pub refused: u32,
    pub limit_exceeded: u32,
    pub failed: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Handover {
    pub id: String,
    pub state: HandoverState,
    pub departed_member: Admin,
    pub successors: Vec<Admin>,
    pub created_by: Admin,
    pub created_at: String,
    pub chat_history: ChatHistory,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub customer_count: u32,
    pub group_count: u32,
    pub important_count: u32,
    pub approval_required: bool,
    /// Why approval is needed.
    #[serde(default)]
    pub approval_reasons: Vec<ApprovalReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<Admin>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection_reason: Option<String>,
    pub counts: StatusCounts,
    /// Counts per successor, in the request's order (issue 13); a backend that does not send
    /// them reads as empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_successor: Vec<SuccessorCounts>,
}

/// What the navigation's approvals count reads of a handover: the first screen decodes only
/// this (a whole `Handover`'s decoder is the later module's).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct HandoverHead {
    /// Listings that repeat a handover across pages count it once.
    pub id: String,
    pub state: HandoverState,
    pub created_by: Creator,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Creator {
    pub id: String,
}

impl HandoverHead {
    pub fn of(h: &Handover) -> HandoverHead {
        HandoverHead {
            id: h.id.clone(),
            state: h.state,
            created_by: Creator {
                id: h.created_by.id.clone(),
            },
        }
    }
}

/// One successor's part of a handover: how many customers and groups, and their outcomes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuccessorCounts {
    pub successor: Admin,
    pub customer_count: u32,
    pub group_count: u32,
    pub counts: StatusCounts,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewBatch {
    pub seq: u32,
    pub successor: String,
    /// Exactly one of the two lists is non-empty; only that one goes on the wire (openapi.yaml:
    /// `NewBatch` is a oneOf). The other reads back as empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customer_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_ids: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Customer,
    Group,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ItemOutcome {
    Accepted {
        id: String,
        kind: ItemKind,
        takeover_at: String,
    },
    Rejected {
        id: String,
        kind: ItemKind,
        code: u32,
        message: String,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchResult {
    pub seq: u32,
    pub outcomes: Vec<ItemOutcome>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Unsent,
    Waiting,
    TakenOver,
    Refused,
    LimitExceeded,
    Failed,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HandoverItem {
    pub id: String,
    pub kind: ItemKind,
    pub name: String,
    pub successor: String,
    pub status: ItemStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub takeover_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HandoverEvent {
    /// `created`, `verified`, `approval_requested`, `approved`, `rejected`, `batch_submitted`,
    /// `outcome_changed`, `withdrawn` (open: see [`EventKind`]).
    pub kind: String,
    pub at: String,
    pub actor: Admin,
    /// Free text for logs; for `rejected` the approver's reason as typed.
    pub detail: String,
    /// The event's numbers and reasons, typed, so the app words them in the admin's language
    /// instead of showing `detail` (contract 1.2). Absent from older backends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<EventFacts>,
    /// The audit chain (contract 1.4): the previous recorded event's hash, and the SHA-256 of
    /// that and this event, so a changed or deleted record breaks every later link. Exported
    /// with the timeline as evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

/// What an event counts or names; each kind fills the fields it has (see openapi.yaml).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFacts {
    /// `created`: customers and groups in the handover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customers: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<u32>,
    /// `approval_requested`: why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<ApprovalReason>,
    /// `batch_submitted`, `outcome_changed`: which batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u32>,
    /// `batch_submitted`: items WeCom accepted and rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected: Option<u32>,
    /// `outcome_changed`: what the takeover time decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_over: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_exceeded: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RejectRequest {
    pub reason: String,
}

/// RFC 9457 problem details with the contract's stable `code`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    #[serde(rename = "type", default = "about_blank")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub code: String,
    /// RFC 9457: identifies this occurrence (a support desk can look it up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

fn about_blank() -> String {
    "about:blank".into()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldError {
    /// JSON pointer-ish path of the offending field, e.g. `assignments/0/successor`.
    pub field: String,
    pub code: String,
    pub message: String,
}

impl Problem {
    pub fn new(status: u16, code: &str, title: &str) -> Problem {
        Problem {
            kind: about_blank(),
            title: title.into(),
            status,
            detail: None,
            code: code.into(),
            instance: None,
            errors: Vec::new(),
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Problem {
        self.detail = Some(detail.into());
        self
    }

    pub fn field(mut self, field: &str, code: &str, message: &str) -> Problem {
        self.errors.push(FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        });
        self
    }

    pub fn not_found(what: &str) -> Problem {
        Problem::new(404, "not_found", "Not found").detail(format!("{what} does not exist"))
    }

    pub fn invalid() -> Problem {
        Problem::new(422, "invalid", "The request is invalid")
    }

    pub fn conflict(code: &str, detail: &str) -> Problem {
        Problem::new(409, code, "Conflict").detail(detail)
    }
}

/// `GET /departed-members` query.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DepartedQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departed_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departed_to: Option<String>,
    /// Default true: only members with pending customers or groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_pending: Option<bool>,
    /// `departed_at_desc` (default), `departed_at_asc`, `pending_desc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// Plain paging, for lists without filters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /members` query.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MembersQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// A departed member's id: each member then carries eligible + reason for that handover.
    #[serde(default, rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_departed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /handovers` query.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HandoversQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<HandoverState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub departed_member: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /handovers/{id}/items` query.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemsQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ItemStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// Gives a plain enum its wire tags: `ALL` variants, `as_str()` (the serde name, for DOM values,
/// data attributes, CSS hooks and CSV, so no view formats `{:?}`) and `from_tag`. The match is
/// generated from the same list as `ALL`, so a variant missing here fails to compile.
macro_rules! wire_tags {
    ($name:ident { $($variant:ident = $tag:literal,)+ }) => {
        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; [$($tag),+].len()] = [$($name::$variant),+];

            /// The serde wire name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $tag,)+
                }
            }

            pub fn from_tag(tag: &str) -> Option<$name> {
                $name::ALL.into_iter().find(|v| v.as_str() == tag)
            }
        }
    };
}

wire_tags!(VerificationMethod {
    Password = "password",
    SmsCode = "sms_code",
    Totp = "totp",
});

wire_tags!(AccountState {
    Active = "active",
    Disabled = "disabled",
    Deleted = "deleted",
});

wire_tags!(CustomerKind {
    Wechat = "wechat",
    Wecom = "wecom",
});

wire_tags!(ChatScope {
    None = "none",
    Recent = "recent",
    All = "all",
});

wire_tags!(HandoverState {
    PendingApproval = "pending_approval",
    Ready = "ready",
    Running = "running",
    Submitted = "submitted",
    Completed = "completed",
    Rejected = "rejected",
    Cancelled = "cancelled",
});

wire_tags!(ItemKind {
    Customer = "customer",
    Group = "group",
});

wire_tags!(ItemStatus {
    Unsent = "unsent",
    Waiting = "waiting",
    TakenOver = "taken_over",
    Refused = "refused",
    LimitExceeded = "limit_exceeded",
    Failed = "failed",
});

#[cfg(test)]
mod wire_tag_tests {
    use super::*;

    fn serde_name<T: Serialize>(v: T) -> String {
        serde_json::to_value(v)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    macro_rules! check {
        ($($name:ident),+) => {$(
            for v in $name::ALL {
                assert_eq!(v.as_str(), serde_name(v), "{}::{v:?}", stringify!($name));
                assert_eq!($name::from_tag(v.as_str()), Some(v));
            }
            assert_eq!($name::from_tag("NoSuchTag"), None);
        )+};
    }

    #[test]
    fn tags_are_the_serde_names_of_every_variant() {
        check!(
            VerificationMethod,
            AccountState,
            CustomerKind,
            ChatScope,
            HandoverState,
            ItemKind,
            ItemStatus
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backends_first_method_is_asked_for() {
        let policy = |methods: Vec<VerificationMethod>| VerificationPolicy {
            required: true,
            methods,
            demo_code: None,
        };
        use VerificationMethod::*;
        assert_eq!(policy(vec![Totp]).preferred(), Totp);
        assert_eq!(policy(vec![Password, SmsCode]).preferred(), Password);
        assert_eq!(policy(vec![]).preferred(), SmsCode);
    }
}
