//! Command-line flags. Every flag can also come from `HANDOVER_<FLAG>` (upper case, `-` as `_`,
//! e.g. `HANDOVER_FAULT_REPEAT_IDS=2`) so containers and CI configure the backend without a
//! wrapper script; a flag on the command line wins over its variable.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::builder::FalseyValueParser;
use clap::Parser;

const DEFAULT_ADDR: &str = "127.0.0.1:8081";
const DEFAULT_SEED: u64 = 20_261_125;
const DEFAULT_TAKEOVER_DELAY_MS: i64 = 8_000;
const DEFAULT_REFUSE_PER_MILLE: u64 = 30;
const DEFAULT_RETRY_AFTER_S: u64 = 1;
const DEFAULT_WECOM_POLL_MS: u64 = 60_000;
const DEFAULT_WECOM_RELOAD_MS: u64 = 3_600_000;
/// Where the binary keeps its ledger unless told otherwise.
pub const DEFAULT_DATABASE: &str = "sqlite://handover.db";
/// The ledger in memory only: nothing survives a restart (tests, demos).
pub const MEMORY: &str = "memory";
const DEFAULT_TOKENS: [(&str, &str); 3] = [
    ("admin-token", "admin-1"),
    ("approver-token", "admin-2"),
    ("limited-token", "admin-3"),
];

#[derive(Clone, Debug)]
pub struct Config {
    pub addr: String,
    pub tokens: Vec<(String, String)>,
    pub cors_origins: Vec<String>,
    pub dist: Option<PathBuf>,
    /// Who may frame the served app (`frame-ancestors` of its Content-Security-Policy).
    pub frame_ancestors: Vec<String>,
    pub seed: u64,
    pub takeover_delay_ms: i64,
    pub refuse_per_mille: u64,
    /// `memory`, `sqlite://FILE` or `postgres://…`. The binary defaults to
    /// [`DEFAULT_DATABASE`]; `Config::default()` (tests) to `memory`.
    pub database: String,
    pub faults: Faults,
    /// Where the directory comes from and who answers transfers.
    pub source: Source,
    /// WeCom's API origin (`--source wecom`): the real one, an egress proxy or the simulator.
    pub wecom_base_url: String,
    /// How often waiting transfers are asked about (`transfer_result`).
    pub wecom_poll_ms: u64,
    /// How often the directory is read again from WeCom.
    pub wecom_reload_ms: u64,
    /// Backoff on WeCom's rate-limit codes (not a flag: tests shorten it).
    pub wecom_backoff: crate::wecom::Backoff,
    /// Planned time from an accepted customer transfer to its takeover (WeCom: 24 hours;
    /// simulators compress it); outcomes are asked for from then on.
    pub wecom_takeover_ms: i64,
    /// The corp id and secret when embedding (tests); the binary leaves this `None` and reads
    /// them from the environment only (never from a flag).
    pub wecom_credentials: Option<crate::wecom::Credentials>,
    /// Admins, how they sign in, their departments and TOTP secrets (`--permissions`).
    pub permissions: Option<PathBuf>,
}

/// Where the directory (departments, members, departed members, customers, groups) comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Source {
    /// The seeded demo company; WeCom's answers imitated.
    Demo,
    /// The company's WeCom (credentials from WECOM_CORP_ID/WECOM_SECRET or
    /// WECOM_CREDENTIALS_FILE); transfers are real.
    Wecom,
}

/// What the binary was asked to do.
#[derive(Clone, Debug)]
pub enum Invocation {
    Serve(Box<Config>),
    /// `audit verify [--handover ID]`: walk the audit chains.
    AuditVerify {
        database: String,
        handover: Option<String>,
    },
    /// `backup --to FILE`: an online copy of a SQLite ledger.
    Backup {
        database: String,
        to: PathBuf,
    },
    /// `totp enroll ADMIN`: a new TOTP secret and its otpauth URI, on stdout.
    TotpEnroll {
        admin: String,
    },
}

#[derive(Clone, Debug, Default)]
pub struct Faults {
    pub latency_ms: u64,
    pub error_rate: f64,
    pub burst_429: u64,
    pub retry_after_s: u64,
    /// Honour `X-Fault` per request (tests only).
    pub header: bool,
    /// Only paths containing this get latency, 503s and 429s.
    pub path: Option<String>,
    /// Paged lists start each page with the last N items of the previous one.
    pub repeat_ids: usize,
    /// The last page of departed members and of customers points back to the first page.
    pub loop_cursor: bool,
    /// The first answer for each (handover, seq) leaves out its last outcome.
    pub drop_item: bool,
    /// Advertised in the session and enforced before the store's own limit.
    pub items_per_batch: Option<u32>,
    /// After this many successful batches every API request answers 401 ...
    pub unauth_after: Option<u64>,
    /// ... for this long, or (without it) until `POST /api/__test/reauth`.
    pub unauth_for_ms: Option<u64>,
    /// List pages leave out `total`.
    pub no_total: bool,
    /// The first N `GET /api/session` answer 503.
    pub session_503: u64,
    /// Paged lists answer at most N entries a page, whatever `limit` asks (the contract's
    /// `limit` is an upper bound): makes short lists page, for "load more" tests.
    pub max_page_size: Option<u32>,
}

impl Faults {
    /// Whether test-only routes (`/api/__test/...`) exist: never in a plain run.
    pub fn any(&self) -> bool {
        self.latency_ms > 0
            || self.error_rate > 0.0
            || self.burst_429 > 0
            || self.header
            || self.repeat_ids > 0
            || self.loop_cursor
            || self.drop_item
            || self.items_per_batch.is_some()
            || self.unauth_after.is_some()
            || self.no_total
            || self.session_503 > 0
            || self.max_page_size.is_some()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: DEFAULT_ADDR.into(),
            tokens: default_tokens(),
            cors_origins: Vec::new(),
            dist: None,
            frame_ancestors: Vec::new(),
            seed: DEFAULT_SEED,
            takeover_delay_ms: DEFAULT_TAKEOVER_DELAY_MS,
            refuse_per_mille: DEFAULT_REFUSE_PER_MILLE,
            database: MEMORY.into(),
            faults: Faults {
                retry_after_s: DEFAULT_RETRY_AFTER_S,
                ..Faults::default()
            },
            source: Source::Demo,
            wecom_base_url: crate::wecom::DEFAULT_BASE_URL.into(),
            wecom_poll_ms: DEFAULT_WECOM_POLL_MS,
            wecom_reload_ms: DEFAULT_WECOM_RELOAD_MS,
            wecom_backoff: crate::wecom::Backoff::default(),
            wecom_takeover_ms: crate::wecom::TAKEOVER_MS,
            wecom_credentials: None,
            permissions: None,
        }
    }
}

fn default_tokens() -> Vec<(String, String)> {
    DEFAULT_TOKENS
        .iter()
        .map(|(t, a)| (t.to_string(), a.to_string()))
        .collect()
}

/// handover-backend: the handover console's REST contract (openapi.yaml) over HTTP, answered by
/// the same demo store the app's demo mode runs, over the seeded demo company or (--source
/// wecom) over the company's WeCom: see the README, "Connecting to WeCom".
///
/// Every flag can also be set with the environment variable HANDOVER_<FLAG> (for example
/// HANDOVER_ADDR, HANDOVER_FAULT_HEADER=1); repeatable flags take a comma-separated list there.
/// Request logs go to stderr, filtered by RUST_LOG (default: handover_backend=info).
///
/// The ledger (handovers, batches, outcomes, approvals, verifications, the audit chain) lives in
/// --database: SQLite (default, one file created with its schema) or PostgreSQL (several
/// instances may share it); `memory` keeps nothing.
#[derive(Parser, Debug)]
#[command(name = "handover-backend", version)]
struct Args {
    #[command(subcommand)]
    command: Option<Cmd>,

    /// Where the ledger lives: sqlite://FILE, postgres://USER@HOST/DB, or memory
    #[arg(
        long,
        env = "HANDOVER_DATABASE",
        value_name = "URL",
        default_value = DEFAULT_DATABASE,
        global = true
    )]
    database: String,

    /// Listen address; port 0 picks a free one
    #[arg(long, env = "HANDOVER_ADDR", value_name = "HOST:PORT", default_value = DEFAULT_ADDR)]
    addr: String,

    /// Accept `Authorization: Bearer TOKEN` as ADMIN; repeatable [default: admin-token=admin-1,
    /// approver-token=admin-2, limited-token=admin-3]
    #[arg(
        long = "token",
        env = "HANDOVER_TOKEN",
        value_name = "TOKEN=ADMIN",
        value_parser = token,
        value_delimiter = ','
    )]
    tokens: Vec<(String, String)>,

    /// Allow this browser origin (CORS); repeatable; `*` allows any
    #[arg(
        long = "cors-origin",
        env = "HANDOVER_CORS_ORIGIN",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    cors_origins: Vec<String>,

    /// Also serve a built app from DIR, pointed at this backend
    #[arg(long, env = "HANDOVER_DIST", value_name = "DIR")]
    dist: Option<PathBuf>,

    /// Origins that may embed the served app in an iframe (CSP frame-ancestors; default: none
    /// but this backend itself)
    #[arg(
        long,
        env = "HANDOVER_FRAME_ANCESTORS",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    frame_ancestors: Vec<String>,

    /// Where the directory comes from: the seeded demo company, or the company's WeCom
    /// (needs --permissions, and WECOM_CORP_ID + WECOM_SECRET or WECOM_CREDENTIALS_FILE in the
    /// environment; never as flags)
    #[arg(long, env = "HANDOVER_SOURCE", value_enum, default_value = "demo")]
    source: Source,

    /// WeCom's server API origin (an egress proxy, or a simulator in tests)
    #[arg(
        long,
        env = "HANDOVER_WECOM_BASE_URL",
        value_name = "URL",
        default_value = crate::wecom::DEFAULT_BASE_URL
    )]
    wecom_base_url: String,

    /// With --source wecom: ask WeCom for the outcomes of waiting transfers every N ms
    #[arg(
        long,
        env = "HANDOVER_WECOM_POLL_MS",
        value_name = "N",
        default_value_t = DEFAULT_WECOM_POLL_MS,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    wecom_poll_ms: u64,

    /// With --source wecom: when accepted customer transfers are planned to be taken over, and
    /// asked about from (WeCom: 24 h; shorter only against a simulator)
    #[arg(
        long,
        env = "HANDOVER_WECOM_TAKEOVER_MS",
        value_name = "N",
        default_value_t = crate::wecom::TAKEOVER_MS,
        value_parser = clap::value_parser!(i64).range(0..)
    )]
    wecom_takeover_ms: i64,

    /// With --source wecom: read the directory (departed members, customers, groups) again
    /// every N ms
    #[arg(
        long,
        env = "HANDOVER_WECOM_RELOAD_MS",
        value_name = "N",
        default_value_t = DEFAULT_WECOM_RELOAD_MS,
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    wecom_reload_ms: u64,

    /// Admins from this TOML file: sign-in (token hash or SSO header), departments, approvers,
    /// TOTP secrets; replaces --token (required with --source wecom)
    #[arg(long, env = "HANDOVER_PERMISSIONS", value_name = "FILE")]
    permissions: Option<PathBuf>,

    /// Dataset seed
    #[arg(long, env = "HANDOVER_SEED", value_name = "N", default_value_t = DEFAULT_SEED)]
    seed: u64,

    /// Acceptance to takeover (WeCom: 24 h)
    #[arg(
        long,
        env = "HANDOVER_TAKEOVER_DELAY_MS",
        value_name = "N",
        default_value_t = DEFAULT_TAKEOVER_DELAY_MS,
        value_parser = clap::value_parser!(i64).range(0..)
    )]
    takeover_delay_ms: i64,

    /// Share of customers who refuse, per mille
    #[arg(
        long,
        env = "HANDOVER_REFUSE_PER_MILLE",
        value_name = "N",
        default_value_t = DEFAULT_REFUSE_PER_MILLE
    )]
    refuse_per_mille: u64,

    /// Fault: add N ms to every API answer
    #[arg(
        long,
        env = "HANDOVER_LATENCY_MS",
        value_name = "N",
        default_value_t = 0
    )]
    latency_ms: u64,

    /// Fault: answer this share (0..1) of API requests with 503
    #[arg(long, env = "HANDOVER_ERROR_RATE", value_name = "F", default_value_t = 0.0, value_parser = rate)]
    error_rate: f64,

    /// Fault: after every N API requests, answer 429 to the next 3
    #[arg(
        long = "burst-429",
        env = "HANDOVER_BURST_429",
        value_name = "N",
        default_value_t = 0
    )]
    burst_429: u64,

    /// Retry-After seconds sent with injected 429/503
    #[arg(
        long = "retry-after",
        env = "HANDOVER_RETRY_AFTER",
        value_name = "S",
        default_value_t = DEFAULT_RETRY_AFTER_S
    )]
    retry_after_s: u64,

    /// Inject latency, 503s and 429s only into API paths containing TEXT (e.g. /batches)
    #[arg(long = "fault-path", env = "HANDOVER_FAULT_PATH", value_name = "TEXT")]
    fault_path: Option<String>,

    /// Honour a per-request `X-Fault` header (tests only): status=NNN, delay=MS, malformed,
    /// bad-problem, panic
    #[arg(long = "fault-header", env = "HANDOVER_FAULT_HEADER", value_parser = FalseyValueParser::new())]
    fault_header: bool,

    /// Fault: paged lists (departed members, customers, groups, handovers, items) start each
    /// page with the last N items of the previous page; `total` unchanged
    #[arg(
        long,
        env = "HANDOVER_FAULT_REPEAT_IDS",
        value_name = "N",
        default_value_t = 0
    )]
    fault_repeat_ids: usize,

    /// Fault: the last page of departed members and of customers has a cursor back to the
    /// first page
    #[arg(long, env = "HANDOVER_FAULT_LOOP_CURSOR", value_parser = FalseyValueParser::new())]
    fault_loop_cursor: bool,

    /// Fault: the first answer to each (handover, seq) batch leaves out its last item's outcome
    /// (the item is still accepted; sending the same seq again answers in full)
    #[arg(long, env = "HANDOVER_FAULT_DROP_ITEM", value_parser = FalseyValueParser::new())]
    fault_drop_item: bool,

    /// Advertise N as the session's limits.items_per_batch and answer 422 to larger batches
    /// (above the store's own 100, the store still refuses more than 100)
    #[arg(
        long,
        env = "HANDOVER_ITEMS_PER_BATCH",
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    items_per_batch: Option<u32>,

    /// Fault: after N successful batches every API request answers 401 `unauthenticated`,
    /// until `POST /api/__test/reauth` (or --fault-401-for-ms passes); then it counts again
    #[arg(
        long = "fault-401-after",
        env = "HANDOVER_FAULT_401_AFTER",
        value_name = "N",
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    fault_401_after: Option<u64>,

    /// With --fault-401-after: the 401s also end by themselves after M ms
    #[arg(
        long = "fault-401-for-ms",
        env = "HANDOVER_FAULT_401_FOR_MS",
        value_name = "M",
        requires = "fault_401_after"
    )]
    fault_401_for_ms: Option<u64>,

    /// Fault: list pages leave out `total`
    #[arg(long, env = "HANDOVER_FAULT_NO_TOTAL", value_parser = FalseyValueParser::new())]
    fault_no_total: bool,

    /// Fault: the first N `GET /api/session` answer 503 (with Retry-After)
    #[arg(
        long = "fault-session-503",
        env = "HANDOVER_FAULT_SESSION_503",
        value_name = "N",
        default_value_t = 0
    )]
    fault_session_503: u64,

    /// Paged lists answer at most N entries a page, whatever `limit` asks (the contract's
    /// `limit` is an upper bound)
    #[arg(
        long = "max-page-size",
        env = "HANDOVER_MAX_PAGE_SIZE",
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    max_page_size: Option<u32>,
}

#[derive(clap::Subcommand, Debug)]
enum Cmd {
    /// Audit log operations
    Audit {
        #[command(subcommand)]
        what: AuditCmd,
    },
    /// Copy a SQLite ledger into a new FILE while the backend runs (PostgreSQL: use pg_dump)
    Backup {
        /// The new file
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// TOTP secrets for the permissions file
    Totp {
        #[command(subcommand)]
        what: TotpCmd,
    },
}

#[derive(clap::Subcommand, Debug)]
enum TotpCmd {
    /// Print a new secret for ADMIN: the otpauth URI (scan it into any authenticator app) and
    /// the `totp_secret` line for ADMIN's [[admin]] entry
    Enroll {
        /// The admin's id in the permissions file
        admin: String,
    },
}

#[derive(clap::Subcommand, Debug)]
enum AuditCmd {
    /// Walk every handover's event chain (or one) and name the first broken link; exits 1 then
    Verify {
        /// Only this handover
        #[arg(long, value_name = "ID")]
        handover: Option<String>,
    },
}

fn token(v: &str) -> Result<(String, String), String> {
    match v.split_once('=') {
        Some((t, a)) if !t.is_empty() && !a.is_empty() => Ok((t.into(), a.into())),
        _ => Err(format!("wants TOKEN=ADMIN, got `{v}`")),
    }
}

fn rate(v: &str) -> Result<f64, String> {
    v.parse::<f64>()
        .ok()
        .filter(|r| (0.0..=1.0).contains(r))
        .ok_or_else(|| format!("wants a share between 0 and 1, got `{v}`"))
}

impl From<Args> for Config {
    fn from(a: Args) -> Config {
        Config {
            addr: a.addr,
            tokens: if a.tokens.is_empty() {
                default_tokens()
            } else {
                a.tokens
            },
            cors_origins: a.cors_origins,
            dist: a.dist,
            frame_ancestors: a.frame_ancestors,
            seed: a.seed,
            takeover_delay_ms: a.takeover_delay_ms,
            refuse_per_mille: a.refuse_per_mille,
            database: a.database,
            faults: Faults {
                latency_ms: a.latency_ms,
                error_rate: a.error_rate,
                burst_429: a.burst_429,
                retry_after_s: a.retry_after_s,
                header: a.fault_header,
                path: a.fault_path,
                repeat_ids: a.fault_repeat_ids,
                loop_cursor: a.fault_loop_cursor,
                drop_item: a.fault_drop_item,
                items_per_batch: a.items_per_batch,
                unauth_after: a.fault_401_after,
                unauth_for_ms: a.fault_401_for_ms,
                no_total: a.fault_no_total,
                session_503: a.fault_session_503,
                max_page_size: a.max_page_size,
            },
            source: a.source,
            wecom_base_url: a.wecom_base_url,
            wecom_poll_ms: a.wecom_poll_ms,
            wecom_reload_ms: a.wecom_reload_ms,
            wecom_backoff: crate::wecom::Backoff::default(),
            wecom_takeover_ms: a.wecom_takeover_ms,
            wecom_credentials: None,
            permissions: a.permissions,
        }
    }
}

/// Parses the flags after the program name (and the `HANDOVER_*` variables). `--help` and
/// `--version` come back as errors whose `exit()` prints them to stdout and exits 0.
pub fn parse<I, T>(args: I) -> Result<Config, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let argv =
        std::iter::once(OsString::from("handover-backend")).chain(args.into_iter().map(Into::into));
    Args::try_parse_from(argv).map(Config::from)
}

/// Like [`parse`], with the subcommands (`audit verify`, `backup`).
pub fn parse_invocation<I, T>(args: I) -> Result<Invocation, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let argv =
        std::iter::once(OsString::from("handover-backend")).chain(args.into_iter().map(Into::into));
    let mut a = Args::try_parse_from(argv)?;
    Ok(match a.command.take() {
        None => Invocation::Serve(Box::new(Config::from(a))),
        Some(Cmd::Audit {
            what: AuditCmd::Verify { handover },
        }) => Invocation::AuditVerify {
            database: a.database,
            handover,
        },
        Some(Cmd::Backup { to }) => Invocation::Backup {
            database: a.database,
            to,
        },
        Some(Cmd::Totp {
            what: TotpCmd::Enroll { admin },
        }) => Invocation::TotpEnroll { admin },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::error::ErrorKind;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn parses_flags_and_rejects_nonsense() {
        let c = parse(args(
            "--addr 127.0.0.1:0 --token t=admin-2 --latency-ms 50 --error-rate 0.1",
        ))
        .unwrap();
        assert_eq!(c.addr, "127.0.0.1:0");
        assert_eq!(c.tokens, vec![("t".to_string(), "admin-2".to_string())]);
        assert_eq!(c.faults.latency_ms, 50);
        assert_eq!(
            parse(args("--help")).unwrap_err().kind(),
            ErrorKind::DisplayHelp
        );
        assert!(parse(args("--error-rate 2")).is_err());
        assert!(parse(args("--bogus")).is_err());
        assert!(parse(args("--seed")).is_err());
        assert!(parse(args("--token nobody")).is_err());
        assert!(parse(args("--takeover-delay-ms -1")).is_err());
        assert!(
            parse(args("--fault-401-for-ms 100")).is_err(),
            "needs 401-after"
        );
    }

    #[test]
    fn source_flags() {
        let c = parse(args(
            "--source wecom --wecom-base-url http://127.0.0.1:9 --permissions /etc/h.toml",
        ))
        .unwrap();
        assert_eq!(c.source, Source::Wecom);
        assert_eq!(c.wecom_base_url, "http://127.0.0.1:9");
        assert_eq!(c.permissions, Some(PathBuf::from("/etc/h.toml")));
        assert!(parse(args("--source ldap")).is_err());
        let d = parse(Vec::<String>::new()).unwrap();
        if std::env::var_os("HANDOVER_SOURCE").is_none() {
            assert_eq!(d.source, Source::Demo);
        }
    }

    #[test]
    fn defaults_match_config_default() {
        let c = parse(Vec::<String>::new()).unwrap();
        let d = Config::default();
        assert_eq!(c.addr, d.addr);
        assert_eq!(c.tokens, d.tokens);
        assert_eq!(
            (c.seed, c.takeover_delay_ms, c.refuse_per_mille),
            (d.seed, d.takeover_delay_ms, d.refuse_per_mille)
        );
        assert_eq!(c.faults.retry_after_s, 1);
        assert!(!c.faults.any());
        if std::env::var_os("HANDOVER_DATABASE").is_none() {
            assert_eq!(c.database, DEFAULT_DATABASE, "the binary keeps its records");
        }
        assert_eq!(d.database, MEMORY, "tests keep nothing unless asked");
    }

    #[test]
    fn subcommands_take_the_database_anywhere() {
        match parse_invocation(args("audit verify --handover h-1 --database sqlite://a.db")) {
            Ok(Invocation::AuditVerify { database, handover }) => {
                assert_eq!(database, "sqlite://a.db");
                assert_eq!(handover.as_deref(), Some("h-1"));
            }
            other => panic!("{other:?}"),
        }
        match parse_invocation(args("--database sqlite://b.db backup --to /tmp/x.db")) {
            Ok(Invocation::Backup { database, to }) => {
                assert_eq!(database, "sqlite://b.db");
                assert_eq!(to, PathBuf::from("/tmp/x.db"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse_invocation(args("--addr 127.0.0.1:0")),
            Ok(Invocation::Serve(_))
        ));
        assert!(parse_invocation(args("backup")).is_err(), "needs --to");
        match parse_invocation(args("totp enroll alice")) {
            Ok(Invocation::TotpEnroll { admin }) => assert_eq!(admin, "alice"),
            other => panic!("{other:?}"),
        }
        assert!(
            parse_invocation(args("totp enroll")).is_err(),
            "needs ADMIN"
        );
    }

    #[test]
    fn takes_equals_form_repeats_and_every_fault_switch() {
        let c = parse(args(
            "--addr=127.0.0.1:0 --token a=admin-1 --token=b=admin-2 --cors-origin http://x.test \
             --cors-origin=http://y.test --fault-repeat-ids=2 --fault-loop-cursor \
             --fault-drop-item --items-per-batch 10 --fault-401-after=3 --fault-401-for-ms 500 \
             --fault-no-total --fault-session-503 2 --fault-header",
        ))
        .unwrap();
        assert_eq!(c.addr, "127.0.0.1:0");
        assert_eq!(
            c.tokens,
            vec![
                ("a".to_string(), "admin-1".to_string()),
                ("b".to_string(), "admin-2".to_string())
            ]
        );
        assert_eq!(c.cors_origins, vec!["http://x.test", "http://y.test"]);
        let f = &c.faults;
        assert_eq!(f.repeat_ids, 2);
        assert!(f.loop_cursor && f.drop_item && f.no_total && f.header);
        assert_eq!(f.items_per_batch, Some(10));
        assert_eq!((f.unauth_after, f.unauth_for_ms), (Some(3), Some(500)));
        assert_eq!(f.session_503, 2);
        assert!(f.any());
    }

    #[test]
    fn help_lists_every_flag() {
        let help = parse(args("--help")).unwrap_err().to_string();
        for flag in [
            "--addr",
            "--token",
            "--cors-origin",
            "--dist",
            "--seed",
            "--takeover-delay-ms",
            "--refuse-per-mille",
            "--latency-ms",
            "--error-rate",
            "--burst-429",
            "--retry-after",
            "--fault-path",
            "--fault-header",
            "--fault-repeat-ids",
            "--fault-loop-cursor",
            "--fault-drop-item",
            "--items-per-batch",
            "--fault-401-after",
            "--fault-401-for-ms",
            "--fault-no-total",
            "--fault-session-503",
            "--database",
            "HANDOVER_DATABASE",
            "--source",
            "--wecom-base-url",
            "--wecom-poll-ms",
            "--wecom-reload-ms",
            "--wecom-takeover-ms",
            "--permissions",
            "HANDOVER_PERMISSIONS",
            "audit",
            "backup",
            "--version",
            "HANDOVER_FAULT_SESSION_503",
            "RUST_LOG",
        ] {
            assert!(help.contains(flag), "{flag} missing from --help:\n{help}");
        }
    }
}
