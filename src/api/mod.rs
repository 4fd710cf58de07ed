//! The contract's types, the error type, and (with the UI) the one seam the app talks through:
//! `Backend::Http` for a real backend, `Backend::Demo` for the in-browser demo store.

pub mod error;
pub mod page_stream;
pub mod types;

#[cfg(feature = "ui")]
mod backend;
#[cfg(feature = "ui")]
pub mod demo;
#[cfg(feature = "ui")]
pub mod http;

#[cfg(feature = "ui")]
pub use backend::Backend;
pub use error::ApiError;
