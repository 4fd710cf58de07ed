//! The operator's subcommands: `audit verify`, `backup` and `totp enroll`.

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

/// Prints a new TOTP secret for `admin`: the otpauth URI for an authenticator app, and the
/// line for the admin's `[[admin]]` entry of the permissions file. Answers the exit code.
pub fn totp_enroll(admin: &str) -> i32 {
    if admin.trim().is_empty() {
        eprintln!("handover-backend: totp enroll needs the admin's id");
        return 2;
    }
    match crate::totp::new_secret() {
        Ok(secret) => {
            println!("{}", crate::totp::otpauth_uri(admin, &secret));
            println!("# in the [[admin]] entry with id = {admin:?} of the permissions file:");
            println!("totp_secret = \"{secret}\"");
            0
        }
        Err(e) => {
            eprintln!("handover-backend: {e}");
            1
        }
    }
}
