//! When to try a failed batch again: exponential backoff with jitter, never sooner than the
//! server's Retry-After, and a point where the admin decides instead.

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    pub base_ms: u64,
    pub max_ms: u64,
    /// Attempts in all, the first one included.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base_ms: 400,
            max_ms: 20_000,
            max_attempts: 6,
        }
    }
}

impl RetryPolicy {
    /// Wait before attempt `attempt + 1` after `attempt` failed attempts (1-based), or `None` when
    /// the attempts are spent. `jitter` in [0, 1) spreads clients apart (half to full delay).
    pub fn delay_ms(&self, attempt: u32, retry_after_s: Option<u32>, jitter: f64) -> Option<u64> {
        if attempt >= self.max_attempts {
            return None;
        }
        let exp = self
            .base_ms
            .saturating_mul(1u64 << attempt.saturating_sub(1).min(20))
            .min(self.max_ms);
        let jittered = (exp as f64 * (0.5 + 0.5 * jitter.clamp(0.0, 1.0))) as u64;
        let floor = u64::from(retry_after_s.unwrap_or(0)) * 1000;
        Some(jittered.max(floor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_caps_honours_retry_after_and_gives_up() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay_ms(1, None, 1.0), Some(400));
        assert_eq!(p.delay_ms(2, None, 1.0), Some(800));
        assert_eq!(p.delay_ms(3, None, 0.0), Some(800), "jitter halves at most");
        assert_eq!(p.delay_ms(5, None, 1.0), Some(6_400));
        let capped = RetryPolicy {
            max_attempts: 40,
            ..p
        };
        assert_eq!(capped.delay_ms(30, None, 1.0), Some(20_000));
        assert_eq!(
            p.delay_ms(1, Some(7), 0.0),
            Some(7_000),
            "Retry-After is a floor"
        );
        assert_eq!(p.delay_ms(6, None, 0.5), None);
    }
}
