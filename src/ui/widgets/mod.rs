//! Reusable pieces with no knowledge of the handover.

pub mod stepper;
