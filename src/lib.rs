//! Handover console: hands a departed member's customers and customer groups to a successor.
//!
//! `domain`, `config` and `i18n` are plain Rust and build without the `ui` feature; the views
//! live under `ui`.

// Problems travel on the cold path only; boxing them everywhere would buy nothing measurable.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod config;
pub mod demo;
pub mod domain;
pub mod i18n;

#[cfg(feature = "ui")]
pub mod ui;

#[cfg(feature = "ui")]
pub use ui::App;
