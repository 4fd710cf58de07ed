//! End-to-end plumbing: a static server for `dist/`, and a small blocking WebDriver client that
//! drives Debian's Chromium through chromedriver and finds elements by role and accessible name.
#![allow(dead_code)]

pub mod backend;
pub mod flows;
pub mod runs;
pub mod seed;
pub mod server;
pub mod site;
pub mod webdriver;

use std::path::PathBuf;

use webdriver::Browser;

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

/// Wire tags, Debug names and Rust syntax that must never reach the page: in its text (hidden
/// parts included) or in what assistive technology reads out.
pub fn assert_no_raw_tags(b: &Browser, chinese: bool) {
    let v = b.exec(
        "const attrs = [...document.querySelectorAll('[aria-label],[title],[placeholder],[alt]')]
           .flatMap(e => ['aria-label', 'title', 'placeholder', 'alt'].map(a => e.getAttribute(a) || ''));
         return [document.body.innerText, document.body.textContent, ...attrs].join('\\n');",
        vec![],
    );
    let text = v.as_str().unwrap_or_default();
    let mut banned = vec![
        "PendingApproval",
        "pending_approval",
        "TakenOver",
        "taken_over",
        "LimitExceeded",
        "limit_exceeded",
        "batch_submitted",
        "approval_requested",
        "outcome_changed",
        "important_customers",
        "large_handover",
        "ImportantCustomers",
        "BatchSubmitted",
        "Some(",
        "Ok(",
        "Err(",
        "::",
        "{:?}",
    ];
    if chinese {
        banned.extend([
            "Ready",
            "Running",
            "Submitted",
            "Completed",
            "Rejected",
            "Cancelled",
            "Unsent",
            "Waiting",
            "Refused",
            "Failed",
            "Customer",
            "Wechat",
            "Wecom",
        ]);
    }
    for word in banned {
        assert!(
            !text.contains(word),
            "{word:?} reached the page: {}",
            text.lines()
                .filter(|l| l.contains(word))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
}
