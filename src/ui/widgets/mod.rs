//! Reusable pieces with no knowledge of the handover.

pub mod alert;
pub mod error;
pub mod pager;
pub mod search;
pub mod stepper;
pub mod virtual_list;
