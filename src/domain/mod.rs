//! Plain Rust: the product's rules, with no leptos, web-sys or HTTP. Tested natively.

pub mod codes;
pub mod selection;
pub mod time;
pub mod wizard;
