//! Reading a run as the admin sees it and as the backend recorded it, for the run and resume
//! tests: the panel's counts, its live status, and the backend's batches.

use std::collections::HashSet;

use super::backend::BackendProcess;
use super::webdriver::Browser;

/// One of the run panel's counts (`submitted`, `accepted`, …).
pub fn count(b: &Browser, which: &str) -> usize {
    b.css_all(&format!(".hoc-run [data-count={which}]"))
        .first()
        .map(|e| b.text(e))
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(usize::MAX)
}

/// The run's status sentence, as shown.
pub fn status(b: &Browser) -> String {
    // The visible sentence; the live region beside it says the same, paced.
    b.css_all(".hoc-run .hoc-status")
        .first()
        .map(|e| b.text(e))
        .unwrap_or_default()
}

/// `(seq, accepted, rejected)` of every batch the backend took, from the `batch_submitted`
/// events ("batch 3: 50 accepted, 0 rejected").
pub fn batch_events(backend: &BackendProcess) -> Vec<(u32, usize, usize)> {
    let list = backend.get("/handovers");
    let id = list["items"][0]["id"]
        .as_str()
        .expect("a handover")
        .to_string();
    let events = backend.get(&format!("/handovers/{id}/events?limit=1000"));
    let number = |s: &str| s.trim().split(' ').next().and_then(|n| n.parse().ok());
    events["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|e| e["kind"] == "batch_submitted")
        .filter_map(|e| {
            let detail = e["detail"].as_str()?;
            let (head, tail) = detail.split_once(':')?;
            let seq = head.trim().strip_prefix("batch ")?.parse().ok()?;
            let (acc, rej) = tail.split_once(',')?;
            Some((seq, number(acc)?, number(rej)?))
        })
        .collect()
}

/// After a run: every planned item has exactly one outcome and the backend took each batch
/// once (0 duplicates), with nothing left unsent (0 lost).
pub fn assert_accounted(b: &Browser, backend: &BackendProcess) {
    let total = count(b, "submitted");
    assert_eq!(count(b, "remaining"), 0);
    assert!(
        b.css_all("[data-count=unconfirmed]").is_empty(),
        "nothing unconfirmed"
    );
    assert_eq!(count(b, "accepted") + count(b, "rejected"), total);
    let h = &backend.get("/handovers")["items"][0];
    assert_eq!(h["counts"]["unsent"], 0, "nothing lost: {h}");
    let planned =
        h["customer_count"].as_u64().unwrap_or(0) + h["group_count"].as_u64().unwrap_or(0);
    assert_eq!(planned, total as u64, "the count shown is the handover's");
    let batches = batch_events(backend);
    let seqs: HashSet<u32> = batches.iter().map(|(s, _, _)| *s).collect();
    assert_eq!(
        seqs.len(),
        batches.len(),
        "each batch taken once: {batches:?}"
    );
    let outcomes: usize = batches.iter().map(|(_, a, r)| a + r).sum();
    assert_eq!(outcomes, total, "each item sent once: {batches:?}");
}
