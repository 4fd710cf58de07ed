-- The ledger: what admins did (handovers, assignments, batches and item outcomes, approvals,
-- verifications, audit events). Who exists (the directory) is not stored here.
-- One set of migrations for SQLite and PostgreSQL: portable types only (TEXT, BIGINT).

-- One row. `version` grows with every committed change: an instance whose cached copy is older
-- reloads, and a commit based on a stale copy fails and is retried. `anchor` is the dataset's
-- "today", fixed on first start so relative dates stay put across restarts.
CREATE TABLE ledger_meta (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL,
    anchor BIGINT NOT NULL
);
INSERT INTO ledger_meta (id, version, anchor) VALUES (1, 0, 0);

CREATE TABLE handovers (
    id TEXT PRIMARY KEY,
    -- The request as received minus the verification token (JSON), and its SHA-256.
    request_json TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    departed_member TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    state TEXT NOT NULL,
    approval_reasons_json TEXT NOT NULL,
    important_count BIGINT NOT NULL,
    decided_by TEXT,
    rejection_reason TEXT,
    -- Creation order (the ledger version that created it).
    position BIGINT NOT NULL UNIQUE,
    -- The audit chain's length and head: deleting the last events breaks these.
    event_count BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);

-- Assignments: one row per customer or group of a handover, with WeCom's answer once sent.
CREATE TABLE handover_items (
    handover_id TEXT NOT NULL REFERENCES handovers (id),
    position BIGINT NOT NULL,
    item_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    successor TEXT NOT NULL,
    -- NULL while unsent; 'accepted' (takeover_at, fate) or 'rejected' (code).
    result TEXT,
    takeover_at BIGINT,
    fate TEXT,
    code BIGINT,
    PRIMARY KEY (handover_id, position),
    UNIQUE (handover_id, kind, item_id)
);

-- Batches: accepted once per (handover, seq), whatever the number of instances (the primary
-- key, not a lock); a replay answers result_json, a different body (body_sha256) conflicts.
CREATE TABLE batches (
    handover_id TEXT NOT NULL REFERENCES handovers (id),
    seq BIGINT NOT NULL,
    body_sha256 TEXT NOT NULL,
    request_json TEXT NOT NULL,
    result_json TEXT NOT NULL,
    at BIGINT NOT NULL,
    takeover_at BIGINT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (handover_id, seq)
);

-- Append-only. hash = SHA-256(prev_hash + "\n" + the event's content), prev_hash the previous
-- event's hash in the same handover (64 zeros for the first): `handover-backend audit verify`.
CREATE TABLE audit_events (
    handover_id TEXT NOT NULL REFERENCES handovers (id),
    n BIGINT NOT NULL,
    kind TEXT NOT NULL,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    detail TEXT NOT NULL,
    facts_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (handover_id, n)
);

-- Identity verifications: short-lived tokens, valid on every instance.
CREATE TABLE verification_tokens (
    token TEXT PRIMARY KEY,
    admin TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
