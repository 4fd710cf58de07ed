//! When to try a failed batch again: exponential backoff with jitter, never sooner than the
//! server's Retry-After, and a point where the admin decides instead. An expired session stops
//! the whole run at once: every further request would meet the same 401.

use crate::api::ApiError;

/// What a worker does after a batch request failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Send the same batch again after this wait.
    Retry { after_ms: u64 },
    /// The session expired: put the batch back and stop every worker until the admin resumes.
    Pause,
    /// Not worth retrying as is, or the retries are spent: the batch waits for the admin.
    Hold,
}

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

    /// The decision after `attempts` failed attempts of one batch ended in `e`.
    pub fn decide(&self, e: &ApiError, attempts: u32, jitter: f64) -> Decision {
        if e.status() == Some(401) {
            return Decision::Pause;
        }
        if !(e.is_transient() || *e == ApiError::Aborted) {
            return Decision::Hold;
        }
        let retry_after = match e {
            ApiError::Status { retry_after_s, .. } => *retry_after_s,
            _ => None,
        };
        match self.delay_ms(attempts, retry_after, jitter) {
            Some(after_ms) => Decision::Retry { after_ms },
            None => Decision::Hold,
        }
    }

    /// Wait before asking again for a batch whose answer left items without an outcome
    /// (`reask` counts from 1): short, since the answer itself arrived.
    pub fn reask_delay_ms(&self, reask: u32) -> u64 {
        self.base_ms.saturating_mul(u64::from(reask.max(1)))
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

    #[test]
    fn decides_retry_pause_or_hold_by_the_error() {
        use crate::api::types::Problem;
        let p = RetryPolicy::default();
        let limited = ApiError::Status {
            status: 429,
            problem: Problem::new(429, "rate_limited", "t"),
            retry_after_s: Some(3),
            request_id: None,
        };
        assert_eq!(
            p.decide(&limited, 1, 0.0),
            Decision::Retry { after_ms: 3_000 }
        );
        assert_eq!(
            p.decide(&ApiError::Network("x".into()), 2, 1.0),
            Decision::Retry { after_ms: 800 }
        );
        assert_eq!(
            p.decide(&ApiError::Aborted, 1, 1.0),
            Decision::Retry { after_ms: 400 }
        );
        assert_eq!(p.decide(&limited, 6, 0.0), Decision::Hold, "spent");
        let expired: ApiError = Problem::new(401, "unauthenticated", "t").into();
        assert_eq!(p.decide(&expired, 1, 0.0), Decision::Pause);
        assert_eq!(
            p.decide(&expired, 99, 0.0),
            Decision::Pause,
            "even when spent"
        );
        let invalid: ApiError = Problem::invalid().into();
        assert_eq!(p.decide(&invalid, 1, 0.0), Decision::Hold);
        let conflict: ApiError = Problem::conflict("seq_conflict", "d").into();
        assert_eq!(p.decide(&conflict, 1, 0.0), Decision::Hold);
        assert_eq!(p.reask_delay_ms(1), 400);
        assert_eq!(p.reask_delay_ms(3), 1_200);
    }
}
