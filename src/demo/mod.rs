//! The demo store: the whole REST contract answered in plain Rust from a seeded dataset, with
//! WeCom's rules. The browser's demo mode and the reference backend both run this code, so
//! demo mode teaches exactly what a real backend does. No web-sys here; time comes in as `now`.

mod admins;
mod paging;
pub(crate) mod rng;
pub mod seed;
mod store;

pub use admins::{AdminSpec, DemoAdmin, ADMINS, DEMO_CODE};
pub use store::{
    Answer, Options, PartItems, Policy, Prepared, RecordPart, State, Store, TransferCall,
    Unreported,
};
