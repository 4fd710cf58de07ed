//! Reusable pieces with no knowledge of the handover.

pub mod alert;
pub mod error;
pub mod load_progress;
pub mod pager;
pub mod repeats;
pub mod search;
pub mod stepper;
pub mod tag_filter;
pub mod virtual_list;
