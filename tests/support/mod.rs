//! End-to-end plumbing: a static server for `dist/`, and a small blocking WebDriver client that
//! drives Debian's Chromium through chromedriver and finds elements by role and accessible name.
#![allow(dead_code)]

pub mod backend;
pub mod flows;
pub mod seed;
pub mod server;
pub mod webdriver;

use std::path::PathBuf;

/// The release build under test; `make test-e2e` builds it first.
pub fn dist_dir() -> PathBuf {
    let dir = std::env::var_os("HOC_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dist"));
    assert!(
        dir.join("index.html").is_file(),
        "no release build at {} (run `make dist`)",
        dir.display()
    );
    dir
}
