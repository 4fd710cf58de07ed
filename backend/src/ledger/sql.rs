//! The ledger in SQLite or PostgreSQL (sqlx's `Any` driver, chosen by the URL). Every statement
//! is a constant with bind parameters; generated parts are placeholders only, never input.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Duration;

use serde_json::{json, Value};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

use super::chain::{self, Link, GENESIS};
use super::format::{self, EventRec, HandoverRec};
use super::{LedgerError, Synced};
use handover_console::domain::time::DAY;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

pub struct SqlLedger {
    pool: AnyPool,
    kind: Kind,
}

fn unavailable(e: sqlx::Error) -> LedgerError {
    LedgerError::Unavailable(e.to_string())
}

/// Inside a commit: a database's refusal (a key taken, a serialization failure) means someone
/// else was first; anything else means the database is not there.
/// Writes what is now known of one item (WeCom's answer, its takeover time, its outcome and
/// code) onto its row: at the batch's commit and when a polled outcome arrives.
async fn store_answer(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    handover: &str,
    kind: &str,
    it: &format::ItemRec,
) -> Result<(), LedgerError> {
    let (result, takeover_at, fate, code) = format::sent_columns(&it.sent);
    sqlx::query(
        "UPDATE handover_items SET result = $1, takeover_at = $2, fate = $3, \
         code = $4 WHERE handover_id = $5 AND kind = $6 AND item_id = $7",
    )
    .bind(result)
    .bind(takeover_at)
    .bind(fate)
    .bind(code)
    .bind(handover)
    .bind(kind)
    .bind(&it.id)
    .execute(&mut **tx)
    .await
    .map_err(refused)?;
    Ok(())
}

fn refused(e: sqlx::Error) -> LedgerError {
    match e {
        sqlx::Error::Database(d) => LedgerError::Conflict(d.to_string()),
        e => unavailable(e),
    }
}

/// The kind of database a `--database` URL names, or why it names none.
pub fn kind_of(url: &str) -> Result<Kind, String> {
    if url.starts_with("sqlite:") {
        Ok(Kind::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Kind::Postgres)
    } else {
        Err(format!(
            "--database wants memory, sqlite://FILE or postgres://…, got `{}`",
            redact(url)
        ))
    }
}

/// A URL fit for logs: without the password.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

/// `$1, $2, …` groups for a multi-row insert of `rows` rows of `cols` columns.
fn placeholders(rows: usize, cols: usize) -> String {
    (0..rows)
        .map(|r| {
            let p: Vec<String> = (1..=cols).map(|c| format!("${}", r * cols + c)).collect();
            format!("({})", p.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl SqlLedger {
    /// Connects, creates a SQLite file if missing (WAL mode), and applies the migrations.
    pub async fn open(url: &str) -> Result<SqlLedger, String> {
        let kind = kind_of(url)?;
        sqlx::any::install_default_drivers();
        let url = match kind {
            Kind::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_string(),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect(&url)
            .await
            .map_err(|e| format!("cannot open the database {}: {e}", redact(&url)))?;
        if kind == Kind::Sqlite {
            // Persistent in the file; sqlx's default too, made explicit.
            sqlx::query("PRAGMA journal_mode=WAL")
                .execute(&pool)
                .await
                .map_err(|e| format!("cannot switch to WAL mode: {e}"))?;
        }
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| format!("cannot migrate the database {}: {e}", redact(&url)))?;
        Ok(SqlLedger { pool, kind })
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Sqlite => "sqlite",
            Kind::Postgres => "postgres",
        }
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn ping(&self) -> Result<(), LedgerError> {
        sqlx::query("SELECT 1")
            .fetch_one(&self.pool)
            .await
            .map(|_| ())
            .map_err(unavailable)
    }

    pub async fn version(&self) -> Result<i64, LedgerError> {
        sqlx::query("SELECT version FROM ledger_meta WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get::<i64, _>(0))
            .map_err(unavailable)
    }

    /// Everything, as the store's `State` JSON, from one consistent snapshot. `anchor` becomes
    /// the ledger's "today" if it has none yet.
    pub async fn load(&self, anchor: i64, now: i64) -> Result<(Value, Synced), LedgerError> {
        sqlx::query("UPDATE ledger_meta SET anchor = $1 WHERE id = 1 AND anchor = 0")
            .bind(anchor)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        if self.kind == Kind::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                .execute(&mut *tx)
                .await
                .map_err(unavailable)?;
        }
        let meta = sqlx::query("SELECT version, anchor FROM ledger_meta WHERE id = 1")
            .fetch_one(&mut *tx)
            .await
            .map_err(unavailable)?;
        let version: i64 = meta.try_get(0).map_err(unavailable)?;
        let anchor: i64 = meta.try_get(1).map_err(unavailable)?;

        let rows = sqlx::query(
            "SELECT id, request_json, departed_member, created_by, created_at, state, \
             approval_reasons_json, important_count, decided_by, rejection_reason \
             FROM handovers ORDER BY position",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(unavailable)?;
        let mut order = Vec::with_capacity(rows.len());
        let mut recs: HashMap<String, (String, HandoverRec)> = HashMap::new();
        for r in rows {
            let id: String = r.try_get(0).map_err(unavailable)?;
            let rec = HandoverRec {
                request: parse(&r, 1)?,
                created_by: r.try_get(3).map_err(unavailable)?,
                created_at: r.try_get(4).map_err(unavailable)?,
                state: Value::String(r.try_get(5).map_err(unavailable)?),
                approval_reasons: parse(&r, 6)?,
                important_count: r.try_get(7).map_err(unavailable)?,
                decided_by: r.try_get(8).map_err(unavailable)?,
                rejection_reason: r.try_get(9).map_err(unavailable)?,
                items: Vec::new(),
                batches: Vec::new(),
                events: Vec::new(),
            };
            let departed: String = r.try_get(2).map_err(unavailable)?;
            order.push(id.clone());
            recs.insert(id, (departed, rec));
        }

        let rows = sqlx::query(
            "SELECT handover_id, item_id, kind, successor, result, takeover_at, fate, code \
             FROM handover_items ORDER BY handover_id, position",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(unavailable)?;
        for r in rows {
            let id: String = r.try_get(0).map_err(unavailable)?;
            let Some((_, rec)) = recs.get_mut(&id) else {
                continue;
            };
            rec.items.push(format::ItemRec {
                id: r.try_get(1).map_err(unavailable)?,
                kind: Value::String(r.try_get(2).map_err(unavailable)?),
                successor: r.try_get(3).map_err(unavailable)?,
                sent: format::sent_value((
                    r.try_get(4).map_err(unavailable)?,
                    r.try_get(5).map_err(unavailable)?,
                    r.try_get(6).map_err(unavailable)?,
                    r.try_get(7).map_err(unavailable)?,
                )),
            });
        }

        let rows = sqlx::query(
            "SELECT handover_id, request_json, result_json, at, takeover_at \
             FROM batches ORDER BY position",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(unavailable)?;
        // Groups moved per "owner|day", which WeCom limits: what the accepted outcomes say.
        let mut group_days: BTreeMap<String, u32> = BTreeMap::new();
        for r in rows {
            let id: String = r.try_get(0).map_err(unavailable)?;
            let Some((departed, rec)) = recs.get_mut(&id) else {
                continue;
            };
            let b = format::BatchRec {
                request: parse(&r, 1)?,
                result: parse(&r, 2)?,
                at: r.try_get(3).map_err(unavailable)?,
                takeover_at: r.try_get(4).map_err(unavailable)?,
            };
            let groups = b.result["outcomes"].as_array().map_or(0, |o| {
                o.iter()
                    .filter(|o| o["result"] == "accepted" && o["kind"] == "group")
                    .count()
            }) as u32;
            if groups > 0 {
                *group_days
                    .entry(format!("{departed}|{}", b.at.div_euclid(DAY)))
                    .or_default() += groups;
            }
            rec.batches.push(b);
        }

        let rows = sqlx::query(
            "SELECT handover_id, kind, at, actor, detail, facts_json \
             FROM audit_events ORDER BY handover_id, n",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(unavailable)?;
        for r in rows {
            let id: String = r.try_get(0).map_err(unavailable)?;
            let Some((_, rec)) = recs.get_mut(&id) else {
                continue;
            };
            let facts: Option<String> = r.try_get(5).map_err(unavailable)?;
            rec.events.push(EventRec {
                kind: r.try_get(1).map_err(unavailable)?,
                at: r.try_get(2).map_err(unavailable)?,
                actor: r.try_get(3).map_err(unavailable)?,
                detail: r.try_get(4).map_err(unavailable)?,
                facts: facts.and_then(|f| serde_json::from_str(&f).ok()),
            });
        }

        let rows = sqlx::query(
            "SELECT token, admin, expires_at FROM verification_tokens WHERE expires_at > $1 \
             ORDER BY expires_at",
        )
        .bind(now)
        .fetch_all(&mut *tx)
        .await
        .map_err(unavailable)?;
        let mut tokens = Vec::with_capacity(rows.len());
        let mut next_token = 0u64;
        for r in rows {
            let token: String = r.try_get(0).map_err(unavailable)?;
            let n = token
                .split('-')
                .nth(1)
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0);
            next_token = next_token.max(n);
            tokens.push(json!({
                "token": token,
                "admin": r.try_get::<String, _>(1).map_err(unavailable)?,
                "expires": r.try_get::<i64, _>(2).map_err(unavailable)?,
            }));
        }
        tx.commit().await.map_err(unavailable)?;

        let mut synced = Synced {
            version,
            stored: HashMap::new(),
        };
        let mut handovers = Vec::with_capacity(order.len());
        for id in order {
            let (_, rec) = recs.remove(&id).expect("loaded above");
            synced
                .stored
                .insert(id, (rec.events.len(), rec.batches.len()));
            handovers.push(
                serde_json::to_value(rec).map_err(|e| {
                    LedgerError::Unavailable(format!("record does not encode: {e}"))
                })?,
            );
        }
        let state = json!({
            "anchor": anchor,
            "handovers": handovers,
            "tokens": tokens,
            "group_days": group_days,
            "next_token": next_token,
        });
        Ok((state, synced))
    }

    /// Moves the version from `expected` on, or fails if someone else moved it first.
    async fn bump(
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        expected: i64,
    ) -> Result<i64, LedgerError> {
        let done = sqlx::query("UPDATE ledger_meta SET version = $1 WHERE id = 1 AND version = $2")
            .bind(expected + 1)
            .bind(expected)
            .execute(&mut **tx)
            .await
            .map_err(refused)?;
        if done.rows_affected() != 1 {
            return Err(LedgerError::Conflict("the ledger moved on".into()));
        }
        Ok(expected + 1)
    }

    pub async fn commit_token(
        &self,
        expected: i64,
        token: &str,
        admin: &str,
        expires: i64,
        now: i64,
    ) -> Result<i64, LedgerError> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        sqlx::query("DELETE FROM verification_tokens WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(refused)?;
        sqlx::query(
            "INSERT INTO verification_tokens (token, admin, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token)
        .bind(admin)
        .bind(expires)
        .execute(&mut *tx)
        .await
        .map_err(refused)?;
        let v = Self::bump(&mut tx, expected).await?;
        tx.commit().await.map_err(refused)?;
        Ok(v)
    }

    /// Stores the outcomes WeCom reported later (polled) for `items` of handover `id`.
    pub async fn commit_outcomes(
        &self,
        expected: i64,
        id: &str,
        items: &[&format::ItemRec],
    ) -> Result<i64, LedgerError> {
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        for it in items {
            store_answer(&mut tx, id, &format::text(&it.kind), it).await?;
        }
        let v = Self::bump(&mut tx, expected).await?;
        tx.commit().await.map_err(refused)?;
        Ok(v)
    }

    /// Commits handover `id` as `rec`, given how many of its events and batches are stored
    /// (`None`: it is new). Batches first: their primary key decides who was first.
    pub async fn commit_handover(
        &self,
        expected: i64,
        id: &str,
        rec: &HandoverRec,
        before: Option<(usize, usize)>,
        events_total: usize,
    ) -> Result<i64, LedgerError> {
        let version = expected + 1;
        let mut tx = self.pool.begin().await.map_err(unavailable)?;
        let (events_from, batches_from, mut prev) = match before {
            None => {
                let request = rec.request.to_string();
                sqlx::query(
                    "INSERT INTO handovers (id, request_json, request_sha256, departed_member, \
                     created_by, created_at, state, approval_reasons_json, important_count, \
                     decided_by, rejection_reason, position, event_count, last_hash) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13)",
                )
                .bind(id)
                .bind(&request)
                .bind(chain::sha256_hex(request.as_bytes()))
                .bind(rec.request["departed_member"].as_str().unwrap_or_default())
                .bind(&rec.created_by)
                .bind(rec.created_at)
                .bind(format::text(&rec.state))
                .bind(rec.approval_reasons.to_string())
                .bind(rec.important_count)
                .bind(rec.decided_by.clone())
                .bind(rec.rejection_reason.clone())
                .bind(version)
                .bind(GENESIS)
                .execute(&mut *tx)
                .await
                .map_err(refused)?;
                const COLS: usize = 9;
                const ROWS: usize = 100;
                for (c, chunk) in rec.items.chunks(ROWS).enumerate() {
                    let sql = format!(
                        "INSERT INTO handover_items (handover_id, position, item_id, kind, \
                         successor, result, takeover_at, fate, code) VALUES {}",
                        placeholders(chunk.len(), COLS)
                    );
                    let mut q = sqlx::query(&sql);
                    for (k, it) in chunk.iter().enumerate() {
                        let (result, takeover_at, fate, code) = format::sent_columns(&it.sent);
                        q = q
                            .bind(id)
                            .bind((c * ROWS + k) as i64)
                            .bind(&it.id)
                            .bind(format::text(&it.kind))
                            .bind(&it.successor)
                            .bind(result)
                            .bind(takeover_at)
                            .bind(fate)
                            .bind(code);
                    }
                    q.execute(&mut *tx).await.map_err(refused)?;
                }
                (0, 0, GENESIS.to_string())
            }
            Some((events, batches)) => {
                let head =
                    sqlx::query("SELECT event_count, last_hash FROM handovers WHERE id = $1")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(refused)?;
                let count: i64 = head.try_get(0).map_err(unavailable)?;
                if count != events as i64 {
                    return Err(LedgerError::Conflict("the audit chain moved on".into()));
                }
                (
                    events,
                    batches,
                    head.try_get::<String, _>(1).map_err(unavailable)?,
                )
            }
        };
        // `rec` holds the batches and events from `before` on (`State::handover_part`).
        for (k, b) in rec.batches.iter().enumerate() {
            let k = batches_from + k;
            let request = b.request.to_string();
            sqlx::query(
                "INSERT INTO batches (handover_id, seq, body_sha256, request_json, result_json, \
                 at, takeover_at, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(b.request["seq"].as_i64().unwrap_or(-1))
            .bind(chain::sha256_hex(request.as_bytes()))
            .bind(&request)
            .bind(b.result.to_string())
            .bind(b.at)
            .bind(b.takeover_at)
            .bind(version * 1000 + k as i64)
            .execute(&mut *tx)
            .await
            .map_err(refused)?;
            // The items this batch answered for, as the store now has them.
            let sent: HashMap<(&str, &str), &format::ItemRec> = rec
                .items
                .iter()
                .map(|it| ((it.id.as_str(), it.kind.as_str().unwrap_or("")), it))
                .collect();
            for o in b.result["outcomes"].as_array().into_iter().flatten() {
                let key = (
                    o["id"].as_str().unwrap_or_default(),
                    o["kind"].as_str().unwrap_or_default(),
                );
                let Some(it) = sent.get(&key) else { continue };
                store_answer(&mut tx, id, key.1, it).await?;
            }
        }
        for (n, e) in rec.events.iter().enumerate() {
            let n = events_from + n;
            let facts = chain::facts_json(e);
            let hash = chain::event_hash(
                &prev,
                id,
                n as i64,
                &e.kind,
                e.at,
                &e.actor,
                &e.detail,
                facts.as_deref(),
            );
            sqlx::query(
                "INSERT INTO audit_events (handover_id, n, kind, at, actor, detail, facts_json, \
                 prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(n as i64)
            .bind(&e.kind)
            .bind(e.at)
            .bind(&e.actor)
            .bind(&e.detail)
            .bind(facts)
            .bind(&prev)
            .bind(&hash)
            .execute(&mut *tx)
            .await
            .map_err(refused)?;
            prev = hash;
        }
        sqlx::query(
            "UPDATE handovers SET state = $1, decided_by = $2, rejection_reason = $3, \
             event_count = $4, last_hash = $5 WHERE id = $6",
        )
        .bind(format::text(&rec.state))
        .bind(rec.decided_by.clone())
        .bind(rec.rejection_reason.clone())
        .bind(events_total as i64)
        .bind(&prev)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(refused)?;
        let v = Self::bump(&mut tx, expected).await?;
        tx.commit().await.map_err(refused)?;
        Ok(v)
    }

    /// The stored chain of a handover, oldest first.
    pub async fn links(&self, id: &str) -> Result<Vec<Link>, LedgerError> {
        let rows = sqlx::query(
            "SELECT prev_hash, hash FROM audit_events WHERE handover_id = $1 ORDER BY n",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)?;
        rows.iter()
            .map(|r| {
                Ok(Link {
                    prev_hash: r.try_get(0).map_err(unavailable)?,
                    hash: r.try_get(1).map_err(unavailable)?,
                })
            })
            .collect()
    }

    /// Walks every chain (or one handover's) and names the first broken link.
    pub async fn verify(&self, handover: Option<&str>) -> Result<Verified, LedgerError> {
        let heads = match handover {
            Some(h) => sqlx::query(
                "SELECT id, event_count, last_hash FROM handovers WHERE id = $1 ORDER BY position",
            )
            .bind(h)
            .fetch_all(&self.pool)
            .await
            .map_err(unavailable)?,
            None => {
                sqlx::query("SELECT id, event_count, last_hash FROM handovers ORDER BY position")
                    .fetch_all(&self.pool)
                    .await
                    .map_err(unavailable)?
            }
        };
        if let (Some(h), true) = (handover, heads.is_empty()) {
            return Ok(Verified::Broken(Broken {
                handover: h.to_string(),
                event: None,
                reason: "no such handover".into(),
            }));
        }
        let mut events_total = 0;
        for head in &heads {
            let id: String = head.try_get(0).map_err(unavailable)?;
            let count: i64 = head.try_get(1).map_err(unavailable)?;
            let last: String = head.try_get(2).map_err(unavailable)?;
            let rows = sqlx::query(
                "SELECT n, kind, at, actor, detail, facts_json, prev_hash, hash \
                 FROM audit_events WHERE handover_id = $1 ORDER BY n",
            )
            .bind(&id)
            .fetch_all(&self.pool)
            .await
            .map_err(unavailable)?;
            let broken = |event: Option<i64>, reason: String| {
                Ok(Verified::Broken(Broken {
                    handover: id.clone(),
                    event,
                    reason,
                }))
            };
            let mut prev = GENESIS.to_string();
            for (i, r) in rows.iter().enumerate() {
                let n: i64 = r.try_get(0).map_err(unavailable)?;
                let kind: String = r.try_get(1).map_err(unavailable)?;
                let facts: Option<String> = r.try_get(5).map_err(unavailable)?;
                let prev_hash: String = r.try_get(6).map_err(unavailable)?;
                let hash: String = r.try_get(7).map_err(unavailable)?;
                if n != i as i64 {
                    return broken(Some(i as i64), format!("event {i} is missing"));
                }
                if prev_hash != prev {
                    return broken(
                        Some(n),
                        format!("event {n} ({kind}) does not follow event {}", n - 1),
                    );
                }
                let again = chain::event_hash(
                    &prev,
                    &id,
                    n,
                    &kind,
                    r.try_get(2).map_err(unavailable)?,
                    &r.try_get::<String, _>(3).map_err(unavailable)?,
                    &r.try_get::<String, _>(4).map_err(unavailable)?,
                    facts.as_deref(),
                );
                if again != hash {
                    return broken(
                        Some(n),
                        format!(
                            "event {n} ({kind}) was changed: its content does not match its hash"
                        ),
                    );
                }
                prev = hash;
            }
            if rows.len() as i64 != count || prev != last {
                return broken(
                    Some(rows.len() as i64),
                    format!(
                        "event {} is missing: the chain has {} events but the handover recorded \
                         {count} (events were deleted)",
                        rows.len(),
                        rows.len()
                    ),
                );
            }
            events_total += rows.len();
        }
        Ok(Verified::Intact {
            chains: heads.len(),
            events: events_total,
        })
    }

    /// An online copy of a SQLite ledger into a new file (`VACUUM INTO`).
    pub async fn backup(&self, to: &Path) -> Result<(), String> {
        if self.kind != Kind::Sqlite {
            return Err(
                "backup copies SQLite ledgers; for PostgreSQL use pg_dump (see the README)".into(),
            );
        }
        if to.exists() {
            return Err(format!("{} exists; choose a new file", to.display()));
        }
        let path = to
            .to_str()
            .ok_or_else(|| format!("{} is not valid UTF-8", to.display()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| format!("backup to {path} failed: {e}"))
    }
}

fn parse(r: &AnyRow, i: usize) -> Result<Value, LedgerError> {
    let s: String = r.try_get(i).map_err(unavailable)?;
    serde_json::from_str(&s)
        .map_err(|e| LedgerError::Unavailable(format!("stored JSON does not parse: {e}")))
}

/// What `audit verify` found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    Intact { chains: usize, events: usize },
    Broken(Broken),
}

#[derive(Debug, PartialEq, Eq)]
pub struct Broken {
    pub handover: String,
    pub event: Option<i64>,
    pub reason: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "handover {}: {}", self.handover, self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(kind_of("sqlite://x.db"), Ok(Kind::Sqlite));
        assert_eq!(kind_of("postgres://u@h/db"), Ok(Kind::Postgres));
        assert!(kind_of("mysql://x").is_err());
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(placeholders(2, 2), "($1, $2), ($3, $4)");
    }
}
