//! RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30-second steps: what every authenticator app uses)
//! and RFC 4648 base32 for the secrets, plus the otpauth URI printed by `totp enroll`.

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};

pub const STEP_S: i64 = 30;
pub const DIGITS: u32 = 6;
/// Issuer shown by authenticator apps.
pub const ISSUER: &str = "Handover console";
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 without padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buf >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Base32, case-insensitive, spaces and `=` padding ignored; `None` on any other character.
pub fn base32_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = ALPHABET
            .iter()
            .position(|&a| a as char == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    Some(out)
}

/// The code for `secret` at `unix_s`.
pub fn code_at(secret: &[u8], unix_s: i64) -> String {
    let counter = (unix_s.div_euclid(STEP_S)) as u64;
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let mac = hmac::sign(&key, &counter.to_be_bytes());
    let h = mac.as_ref();
    let off = (h[h.len() - 1] & 0x0f) as usize;
    let bin = (u32::from(h[off]) & 0x7f) << 24
        | u32::from(h[off + 1]) << 16
        | u32::from(h[off + 2]) << 8
        | u32::from(h[off + 3]);
    format!(
        "{:0width$}",
        bin % 10u32.pow(DIGITS),
        width = DIGITS as usize
    )
}

/// Whether `code` is right at `unix_s`, one step of clock drift either way.
pub fn verify(secret: &[u8], code: &str, unix_s: i64) -> bool {
    let code = code.trim();
    code.len() == DIGITS as usize
        && (-1..=1).any(|d| {
            let want = code_at(secret, unix_s + d * STEP_S);
            // Same length; compare every byte.
            want.bytes()
                .zip(code.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
        })
}

/// A new 160-bit secret (RFC 4226's recommended length), base32.
pub fn new_secret() -> Result<String, String> {
    let mut bytes = [0u8; 20];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| "no system randomness".to_string())?;
    Ok(base32_encode(&bytes))
}

fn escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `otpauth://totp/ISSUER:ADMIN?secret=…&issuer=…` (Key Uri Format of authenticator apps).
pub fn otpauth_uri(admin: &str, secret_b32: &str) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_S}",
        escape(ISSUER),
        escape(admin),
        escape(ISSUER)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_vectors_and_base32_round_trip() {
        let secret = b"12345678901234567890";
        // RFC 6238 appendix B (SHA1), last six digits.
        for (t, want) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_at(secret, t), want, "t={t}");
        }
        assert!(verify(secret, "081804", 1_111_111_109 + 30));
        assert!(!verify(secret, "081804", 1_111_111_109 + 90));
        assert!(!verify(secret, "000000", 59));
        assert!(!verify(secret, "28708", 59));
        let b32 = base32_encode(secret);
        assert_eq!(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(base32_decode(&b32.to_lowercase()).unwrap(), secret);
        assert!(base32_decode("ABC1").is_none());
        let s = new_secret().unwrap();
        assert_eq!(base32_decode(&s).unwrap().len(), 20);
        assert_eq!(
            otpauth_uri("admin 1", "ABC"),
            "otpauth://totp/Handover%20console:admin%201?secret=ABC&issuer=Handover%20console&algorithm=SHA1&digits=6&period=30"
        );
    }
}
