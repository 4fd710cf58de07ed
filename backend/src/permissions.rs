//! Who may do what (issue 15): one TOML file of admins. Each admin is recognised by a bearer
//! token stored only as its SHA-256 (`token_sha256`), or by the user name a trusted
//! single-sign-on proxy sets in a header (`sso_user`, accepted only from `[sso].proxies`); may
//! hand over the listed departments (`"*"`: all); may approve or not; and has a TOTP secret
//! (base32) for the re-verification step (`handover-backend totp enroll ADMIN`).
//!
//! ```toml
//! [sso]
//! header = "X-Forwarded-User"
//! proxies = ["10.0.0.0/8", "::1/128"]
//!
//! [[admin]]
//! id = "alice"
//! name = "Alice Wang"
//! token_sha256 = "…64 hex digits…"
//! departments = ["2", "3"]
//! approver = true
//! totp_secret = "JBSWY3DPEHPK3PXP…"
//! ```
//!
//! A bad file is refused as a whole, with every problem found, each with its line.

use std::collections::BTreeSet;
use std::net::IpAddr;

use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use crate::totp;

#[derive(Clone, Debug, PartialEq)]
pub struct Admin {
    pub id: String,
    pub name: String,
    pub token_sha256: Option<[u8; 32]>,
    pub sso_user: Option<String>,
    /// `None`: every department.
    pub departments: Option<BTreeSet<String>>,
    pub approver: bool,
    pub totp_secret: Vec<u8>,
}

impl Admin {
    pub fn may_hand_over(&self, department: &str) -> bool {
        self.departments
            .as_ref()
            .is_none_or(|d| d.contains(department))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    pub fn parse(s: &str) -> Option<Cidr> {
        let (a, p) = s.split_once('/').unwrap_or((s, ""));
        let addr: IpAddr = a.trim().parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = if p.is_empty() { max } else { p.parse().ok()? };
        (prefix <= max).then_some(Cidr { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        fn bits(ip: IpAddr) -> (u128, u8) {
            match ip {
                IpAddr::V4(v) => (u128::from(u32::from(v)), 32),
                IpAddr::V6(v) => (u128::from(v), 128),
            }
        }
        let ((net, w), (ip, wi)) = (bits(self.addr), bits(ip));
        if w != wi {
            return false;
        }
        let shift = u32::from(w - self.prefix);
        let mask = if shift >= 128 { 0 } else { u128::MAX << shift };
        let mask = if w == 32 { mask & 0xffff_ffff } else { mask };
        net & mask == ip & mask
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Sso {
    pub header: String,
    pub proxies: Vec<Cidr>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Permissions {
    pub admins: Vec<Admin>,
    pub sso: Option<Sso>,
}

pub fn sha256(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl Permissions {
    /// The admin whose token hashes to a stored hash (the token itself is never stored).
    pub fn by_token(&self, token: &str) -> Option<&Admin> {
        let h = sha256(token);
        self.admins.iter().find(|a| {
            a.token_sha256.is_some_and(|s| {
                s.iter()
                    .zip(h.iter())
                    .fold(0u8, |acc, (x, y)| acc | (x ^ y))
                    == 0
            })
        })
    }

    /// The admin named by the SSO header, only when the request comes from a trusted proxy.
    pub fn by_sso(&self, user: &str, peer: IpAddr) -> Option<&Admin> {
        let sso = self.sso.as_ref()?;
        if !sso.proxies.iter().any(|c| c.contains(peer)) {
            return None;
        }
        self.admins
            .iter()
            .find(|a| a.sso_user.as_deref() == Some(user))
    }

    pub fn admin(&self, id: &str) -> Option<&Admin> {
        self.admins.iter().find(|a| a.id == id)
    }

    pub fn load(path: &std::path::Path) -> Result<Permissions, Vec<String>> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| vec![format!("{}: cannot read: {}", path.display(), e.kind())])?;
        let name = path.display().to_string();
        Permissions::parse(&text)
            .map_err(|ps| ps.into_iter().map(|p| format!("{name}:{p}")).collect())
    }

    /// Every problem as `LINE: what`, in file order.
    pub fn parse(text: &str) -> Result<Permissions, Vec<String>> {
        let line = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let raw: RawFile = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                let at = e.span().map_or(1, |s| line(s.start));
                return Err(vec![format!("{at}: {}", e.message())]);
            }
        };
        let mut problems: Vec<(usize, String)> = Vec::new();
        let mut p = |at: usize, what: String| problems.push((line(at), what));
        let sso = raw.sso.map(|s| {
            let at = s.span().start;
            let s = s.into_inner();
            let header = s.header.map(Spanned::into_inner).unwrap_or_default();
            if header.trim().is_empty() {
                p(at, "[sso]: header missing".into());
            }
            let mut proxies = Vec::new();
            for c in s.proxies.unwrap_or_default() {
                match Cidr::parse(c.get_ref()) {
                    Some(cidr) => proxies.push(cidr),
                    None => p(
                        c.span().start,
                        format!("[sso]: {:?} is not an address range", c.get_ref()),
                    ),
                }
            }
            if proxies.is_empty() {
                p(
                    at,
                    "[sso]: proxies must list the proxy's address ranges".into(),
                );
            }
            Sso { header, proxies }
        });
        if raw.admin.is_empty() {
            p(0, "no [[admin]]".into());
        }
        let mut ids = BTreeSet::new();
        let mut admins = Vec::new();
        for a in raw.admin {
            let at = a.span().start;
            let a = a.into_inner();
            let id =
                a.id.as_ref()
                    .map(|s| s.get_ref().trim().to_string())
                    .unwrap_or_default();
            let who = if id.is_empty() {
                p(at, "admin: id missing".into());
                "admin".to_string()
            } else {
                if !ids.insert(id.clone()) {
                    p(
                        a.id.as_ref().map_or(at, |s| s.span().start),
                        format!("admin {id:?}: id used twice"),
                    );
                }
                format!("admin {id:?}")
            };
            let token = a.token_sha256.as_ref().and_then(|t| {
                let h = hex32(t.get_ref());
                if h.is_none() {
                    p(t.span().start, format!("{who}: token_sha256 must be 64 hex digits (the SHA-256 of the token, never the token)"));
                }
                h
            });
            let sso_user = a
                .sso_user
                .map(Spanned::into_inner)
                .filter(|s| !s.trim().is_empty());
            match (&a.token_sha256, &sso_user) {
                (None, None) => p(at, format!("{who}: needs token_sha256 or sso_user")),
                (Some(_), Some(_)) => p(
                    at,
                    format!("{who}: token_sha256 and sso_user are exclusive"),
                ),
                _ => {}
            }
            if sso_user.is_some() && sso.is_none() {
                p(at, format!("{who}: sso_user needs an [sso] section"));
            }
            let departments = match &a.departments {
                None => {
                    p(
                        at,
                        format!("{who}: departments missing (use [\"*\"] for all)"),
                    );
                    Some(BTreeSet::new())
                }
                Some(d) if d.get_ref().is_empty() => {
                    p(d.span().start, format!("{who}: departments is empty"));
                    Some(BTreeSet::new())
                }
                Some(d) if d.get_ref().iter().any(|x| x == "*") => None,
                Some(d) => Some(d.get_ref().iter().cloned().collect()),
            };
            let totp_secret = match &a.totp_secret {
                None => {
                    p(
                        at,
                        format!("{who}: totp_secret missing (handover-backend totp enroll {id})"),
                    );
                    Vec::new()
                }
                Some(s) => match totp::base32_decode(s.get_ref()) {
                    Some(b) if b.len() >= 10 => b,
                    _ => {
                        p(
                            s.span().start,
                            format!("{who}: totp_secret must be base32, at least 16 characters"),
                        );
                        Vec::new()
                    }
                },
            };
            admins.push(Admin {
                name: a
                    .name
                    .map(Spanned::into_inner)
                    .unwrap_or_else(|| id.clone()),
                id,
                token_sha256: token,
                sso_user,
                departments,
                approver: a.approver.unwrap_or(false),
                totp_secret,
            });
        }
        if problems.is_empty() {
            Ok(Permissions { admins, sso })
        } else {
            problems.sort_by_key(|(l, _)| *l);
            Err(problems
                .into_iter()
                .map(|(l, w)| format!("{l}: {w}"))
                .collect())
        }
    }
}

fn hex32(s: &str) -> Option<[u8; 32]> {
    let s = s.trim();
    if s.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    sso: Option<Spanned<RawSso>>,
    #[serde(default)]
    admin: Vec<Spanned<RawAdmin>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSso {
    header: Option<Spanned<String>>,
    proxies: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAdmin {
    id: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    token_sha256: Option<Spanned<String>>,
    sso_user: Option<Spanned<String>>,
    departments: Option<Spanned<Vec<String>>>,
    approver: Option<bool>,
    totp_secret: Option<Spanned<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn a_good_file_recognises_admins_by_token_hash_or_trusted_sso() {
        let text = format!(
            r#"
[sso]
header = "X-Forwarded-User"
proxies = ["10.1.0.0/16"]

[[admin]]
id = "alice"
token_sha256 = "{}"
departments = ["2", "3"]
approver = true
totp_secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

[[admin]]
id = "bob"
sso_user = "bob@corp"
departments = ["*"]
totp_secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
"#,
            hex(&sha256("alice-token"))
        );
        let p = Permissions::parse(&text).unwrap();
        assert!(!text.contains("alice-token"), "only the hash is stored");
        let alice = p.by_token("alice-token").unwrap();
        assert!(alice.approver && alice.may_hand_over("2") && !alice.may_hand_over("4"));
        assert!(p.by_token("wrong").is_none());
        let inside: IpAddr = "10.1.2.3".parse().unwrap();
        let outside: IpAddr = "10.2.0.1".parse().unwrap();
        assert_eq!(p.by_sso("bob@corp", inside).unwrap().id, "bob");
        assert!(p.by_sso("bob@corp", outside).is_none());
        assert!(p.admin("bob").unwrap().may_hand_over("anything"));
        assert!(totp::verify(&alice.totp_secret, "287082", 59));
    }

    #[test]
    fn a_bad_file_lists_every_problem_with_its_line() {
        let text = r#"[sso]
header = "X-User"
proxies = ["10.0.0.0/33"]

[[admin]]
id = "a"
token_sha256 = "abc"
departments = []
totp_secret = "not base32!"

[[admin]]
id = "a"
sso_user = "x"
token_sha256 = "0000000000000000000000000000000000000000000000000000000000000000"
"#;
        let e = Permissions::parse(text).unwrap_err();
        let joined = e.join("\n");
        for want in [
            "3: [sso]: \"10.0.0.0/33\" is not an address range",
            "1: [sso]: proxies must list",
            "7: admin \"a\": token_sha256 must be 64 hex digits",
            "8: admin \"a\": departments is empty",
            "9: admin \"a\": totp_secret must be base32",
            "12: admin \"a\": id used twice",
            "11: admin \"a\": token_sha256 and sso_user are exclusive",
            "11: admin \"a\": departments missing",
            "11: admin \"a\": totp_secret missing",
        ] {
            assert!(joined.contains(want), "missing {want:?} in:\n{joined}");
        }
        let e = Permissions::parse("[[admin]]\nid = \"x\"\nbogus = 1\n").unwrap_err();
        assert!(e[0].starts_with("3: "), "{e:?}");
        assert!(Permissions::parse("").unwrap_err()[0].contains("no [[admin]]"));
    }

    #[test]
    fn cidr_ranges() {
        let c = Cidr::parse("192.168.1.0/24").unwrap();
        assert!(c.contains("192.168.1.77".parse().unwrap()));
        assert!(!c.contains("192.168.2.1".parse().unwrap()));
        assert!(!c.contains("::1".parse().unwrap()));
        assert!(Cidr::parse("::1").unwrap().contains("::1".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0")
            .unwrap()
            .contains("8.8.8.8".parse().unwrap()));
        assert!(Cidr::parse("nonsense").is_none());
    }
}
