//! Handover console: hands a departed member's customers and customer groups to a successor.
//!
//! `domain`, `config` and `i18n` are plain Rust and build without the `ui` feature; the views
//! live under `ui`.

pub mod api;
pub mod config;
pub mod demo;
pub mod domain;
pub mod i18n;

#[cfg(feature = "ui")]
pub mod ui;

#[cfg(feature = "ui")]
pub use ui::App;
