//! The operator's subcommands: `audit verify` and `backup`.

use std::path::Path;

use crate::ledger::sql::{SqlLedger, Verified};

/// Walks the audit chains; prints what it found and answers the exit code (0 intact, 1 broken,
/// 2 cannot check).
pub async fn audit_verify(database: &str, handover: Option<&str>) -> i32 {
    if database == crate::config::MEMORY {
        eprintln!("handover-backend: a memory ledger keeps nothing to verify; name --database");
        return 2;
    }
    let db = match SqlLedger::open(database).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("handover-backend: {e}");
            return 2;
        }
    };
    match db.verify(handover).await {
        Ok(Verified::Intact { chains, events }) => {
            println!("audit chain intact: {chains} handover(s), {events} event(s)");
            0
        }
        Ok(Verified::Broken(b)) => {
            println!("audit chain broken: {b}");
            1
        }
        Err(e) => {
            eprintln!("handover-backend: {e}");
            2
        }
    }
}

/// Copies a SQLite ledger into `to` while it may be in use.
pub async fn backup(database: &str, to: &Path) -> i32 {
    if database == crate::config::MEMORY {
        eprintln!("handover-backend: a memory ledger keeps nothing to back up; name --database");
        return 2;
    }
    let db = match SqlLedger::open(database).await {
        Ok(db) => db,
        Err(e) => {
            eprintln!("handover-backend: {e}");
            return 2;
        }
    };
    match db.backup(to).await {
        Ok(()) => {
            println!("backed up to {}", to.display());
            0
        }
        Err(e) => {
            eprintln!("handover-backend: {e}");
            1
        }
    }
}
