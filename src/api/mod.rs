//! The backend seam and the contract's types.

pub mod types;
