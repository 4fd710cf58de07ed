//! Plain Rust: the product's rules, with no leptos, web-sys or HTTP. Tested natively.

pub mod approval;
pub mod backup;
pub mod by_position;
pub mod codes;
pub mod csv;
pub mod events;
#[cfg(test)]
mod fixtures;
pub mod host_events;
pub mod ledger;
pub mod local_time;
pub mod paging;
pub mod permissions;
pub mod plan;
pub mod polling;
pub mod retry;
pub mod run_owner;
pub mod selection;
pub mod snapshot;
pub mod split;
pub mod time;
pub mod withdraw;
pub mod wizard;
