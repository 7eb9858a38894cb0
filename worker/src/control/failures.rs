//! Failed authentications, counted per client: after `LIMIT` in a window of `WINDOW_MS` the
//! client gets 429 until the window ends, whatever it presents (a right token included, so the
//! limit is no oracle). The object keeps this in memory: it is the one place every admin request
//! reaches, and a restart forgetting a window only lets an attacker start over at 10 guesses.

use std::collections::HashMap;

pub const LIMIT: u32 = 10;
pub const WINDOW_MS: i64 = 60_000;
/// Clients remembered at once; past it the oldest windows are forgotten first.
const CLIENTS: usize = 10_000;

#[derive(Clone, Copy, Debug, Default)]
struct Window {
    start: i64,
    failures: u32,
    /// Requests refused without a check while limited.
    refused: u32,
    /// The audit entry counting them.
    audit: Option<i64>,
}

/// What to do with a request from a client before checking its token.
#[derive(Debug, PartialEq, Eq)]
pub enum Gate {
    Check,
    /// Limited: refuse, retry after this many ms; `refused` so far in this window (this one
    /// included), for the audit log.
    Refuse {
        retry_after_ms: i64,
        refused: u32,
    },
}

#[derive(Default)]
pub struct Failures {
    windows: HashMap<String, Window>,
}

impl Failures {
    pub fn gate(&mut self, client: &str, now: i64) -> Gate {
        let Some(w) = self.windows.get_mut(client) else { return Gate::Check };
        if now - w.start >= WINDOW_MS {
            self.windows.remove(client);
            return Gate::Check;
        }
        if w.failures < LIMIT {
            return Gate::Check;
        }
        w.refused = w.refused.saturating_add(1);
        Gate::Refuse { retry_after_ms: w.start + WINDOW_MS - now, refused: w.refused }
    }

    /// The audit entry of the client's current limited window, once written.
    pub fn audit_entry(&self, client: &str) -> Option<i64> {
        self.windows.get(client).and_then(|w| w.audit)
    }

    pub fn set_audit_entry(&mut self, client: &str, id: i64) {
        if let Some(w) = self.windows.get_mut(client) {
            w.audit = Some(id);
        }
    }

    /// Records a failure; the count in the client's window afterwards.
    pub fn fail(&mut self, client: &str, now: i64) -> u32 {
        if self.windows.len() >= CLIENTS && !self.windows.contains_key(client) {
            let oldest = self.windows.iter().min_by_key(|(_, w)| w.start).map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                self.windows.remove(&k);
            }
        }
        let w = self.windows.entry(client.to_string()).or_insert(Window { start: now, ..Window::default() });
        if now - w.start >= WINDOW_MS {
            *w = Window { start: now, ..Window::default() };
        }
        w.failures = w.failures.saturating_add(1);
        w.failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_failures_then_refused_until_the_window_ends() {
        let mut f = Failures::default();
        for i in 1..=LIMIT {
            assert_eq!(f.gate("a", 1000), Gate::Check);
            assert_eq!(f.fail("a", 1000), i);
        }
        assert_eq!(f.gate("a", 2000), Gate::Refuse { retry_after_ms: WINDOW_MS - 1000, refused: 1 });
        assert_eq!(f.gate("a", 2000), Gate::Refuse { retry_after_ms: WINDOW_MS - 1000, refused: 2 });
        assert_eq!(f.gate("b", 2000), Gate::Check, "per client");
        assert_eq!(f.gate("a", 1000 + WINDOW_MS), Gate::Check);
        assert_eq!(f.fail("a", 1000 + WINDOW_MS), 1);
    }

    #[test]
    fn memory_is_bounded() {
        let mut f = Failures::default();
        for i in 0..(CLIENTS as i64 + 5) {
            f.fail(&format!("c{i}"), i);
        }
        assert_eq!(f.windows.len(), CLIENTS);
        assert!(!f.windows.contains_key("c0"));
    }
}
