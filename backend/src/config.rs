//! Command-line flags. Hand-rolled: a dozen flags do not pay for a parser crate's build time.

use std::path::PathBuf;

pub const HELP: &str = "\
handover-backend: the handover console's REST contract (openapi.yaml) over HTTP,
answered by the same demo store the app's demo mode runs.

USAGE: handover-backend [FLAGS]

  --addr HOST:PORT          listen address (default 127.0.0.1:8081; port 0 picks a free one)
  --token TOKEN=ADMIN       accept `Authorization: Bearer TOKEN` as ADMIN; repeatable
                            (default: admin-token=admin-1, approver-token=admin-2,
                            limited-token=admin-3)
  --cors-origin ORIGIN      allow this browser origin (CORS); repeatable; `*` allows any
  --dist DIR                also serve a built app from DIR, pointed at this backend
  --seed N                  dataset seed (default 20261125)
  --takeover-delay-ms N     acceptance to takeover (WeCom: 24 h; default 8000)
  --refuse-per-mille N      share of customers who refuse, per mille (default 30)
  --latency-ms N            fault: add N ms to every API answer
  --error-rate F            fault: answer this share (0..1) of API requests with 503
  --burst-429 N             fault: after every N API requests, answer 429 to the next 3
  --retry-after S           Retry-After seconds sent with injected 429/503 (default 1)
  --fault-path TEXT         inject faults only into API paths containing TEXT (e.g. /batches)
  --fault-header            honour a per-request `X-Fault` header (tests only):
                            status=NNN, delay=MS, malformed, bad-problem
  --help                    this text
";

#[derive(Clone, Debug)]
pub struct Config {
    pub addr: String,
    pub tokens: Vec<(String, String)>,
    pub cors_origins: Vec<String>,
    pub dist: Option<PathBuf>,
    pub seed: u64,
    pub takeover_delay_ms: i64,
    pub refuse_per_mille: u64,
    pub faults: Faults,
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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: "127.0.0.1:8081".into(),
            tokens: vec![
                ("admin-token".into(), "admin-1".into()),
                ("approver-token".into(), "admin-2".into()),
                ("limited-token".into(), "admin-3".into()),
            ],
            cors_origins: Vec::new(),
            dist: None,
            seed: 20_261_125,
            takeover_delay_ms: 8_000,
            refuse_per_mille: 30,
            faults: Faults {
                retry_after_s: 1,
                ..Faults::default()
            },
        }
    }
}

/// `Ok(None)` means `--help` was asked for.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Config>, String> {
    let mut c = Config::default();
    let mut custom_tokens = false;
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            return Ok(None);
        }
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let num = |v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{flag}: not a number: {v}"))
        };
        match flag.as_str() {
            "--addr" => c.addr = value()?,
            "--token" => {
                let v = value()?;
                let (t, a) = v
                    .split_once('=')
                    .ok_or_else(|| format!("--token wants TOKEN=ADMIN, got {v}"))?;
                if !custom_tokens {
                    c.tokens.clear();
                    custom_tokens = true;
                }
                c.tokens.push((t.into(), a.into()));
            }
            "--cors-origin" => c.cors_origins.push(value()?),
            "--dist" => c.dist = Some(PathBuf::from(value()?)),
            "--seed" => c.seed = num(value()?)?,
            "--takeover-delay-ms" => c.takeover_delay_ms = num(value()?)? as i64,
            "--refuse-per-mille" => c.refuse_per_mille = num(value()?)?,
            "--latency-ms" => c.faults.latency_ms = num(value()?)?,
            "--error-rate" => {
                let v = value()?;
                c.faults.error_rate = v
                    .parse::<f64>()
                    .ok()
                    .filter(|r| (0.0..=1.0).contains(r))
                    .ok_or_else(|| format!("--error-rate wants 0..1, got {v}"))?;
            }
            "--burst-429" => c.faults.burst_429 = num(value()?)?,
            "--retry-after" => c.faults.retry_after_s = num(value()?)?,
            "--fault-header" => c.faults.header = true,
            "--fault-path" => c.faults.path = Some(value()?),
            other => return Err(format!("unknown flag {other} (see --help)")),
        }
    }
    Ok(Some(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn parses_flags_and_rejects_nonsense() {
        let c = parse(args(
            "--addr 127.0.0.1:0 --token t=admin-2 --latency-ms 50 --error-rate 0.1",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(c.addr, "127.0.0.1:0");
        assert_eq!(c.tokens, vec![("t".to_string(), "admin-2".to_string())]);
        assert_eq!(c.faults.latency_ms, 50);
        assert!(parse(args("--help")).unwrap().is_none());
        assert!(parse(args("--error-rate 2")).is_err());
        assert!(parse(args("--bogus")).is_err());
        assert!(parse(args("--seed")).is_err());
    }
}
