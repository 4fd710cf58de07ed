//! Reusable pieces with no knowledge of the handover.

pub mod error;
pub mod pager;
pub mod stepper;
pub mod virtual_list;
