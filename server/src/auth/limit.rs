//! Failed logins, counted per account name and per client address over a sliding window: past
//! the limit, logins are refused (429) until the oldest failure leaves the window.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// How long a failure counts.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures per account name in the window.
pub const PER_ACCOUNT: usize = 5;
/// Failures per address in the window (several people may share an address).
pub const PER_ADDRESS: usize = 20;

#[derive(Default)]
pub struct Failures {
    by_account: HashMap<String, VecDeque<Instant>>,
    by_address: HashMap<Option<IpAddr>, VecDeque<Instant>>,
}

fn prune(q: &mut VecDeque<Instant>, now: Instant) {
    while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
        q.pop_front();
    }
}

/// How long until a list at `limit` failures drops below it.
fn wait(q: &VecDeque<Instant>, limit: usize, now: Instant) -> Option<Duration> {
    (q.len() >= limit).then(|| q.front().map_or(Duration::ZERO, |t| WINDOW.saturating_sub(now.duration_since(*t))))
}

impl Failures {
    /// `Some(wait)` when `name` or `address` has failed too often.
    pub fn blocked(&mut self, name: &str, address: Option<IpAddr>, now: Instant) -> Option<Duration> {
        let a = self.by_account.get_mut(name).map(|q| {
            prune(q, now);
            wait(q, PER_ACCOUNT, now)
        });
        let b = self.by_address.get_mut(&address).map(|q| {
            prune(q, now);
            wait(q, PER_ADDRESS, now)
        });
        a.flatten().into_iter().chain(b.flatten()).max()
    }

    pub fn failed(&mut self, name: &str, address: Option<IpAddr>, now: Instant) {
        if self.by_account.len() > 100_000 {
            self.by_account.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        self.by_account.entry(name.to_owned()).or_default().push_back(now);
        self.by_address.entry(address).or_default().push_back(now);
    }

    /// A successful login clears the account's failures (not the address's).
    pub fn succeeded(&mut self, name: &str) {
        self.by_account.remove(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_failure_of_an_account_waits_for_the_window() {
        let (mut f, t0) = (Failures::default(), Instant::now());
        let ip: Option<IpAddr> = "192.0.2.1".parse().ok();
        for i in 0..PER_ACCOUNT {
            assert_eq!(f.blocked("ops", ip, t0), None, "failure {i}");
            f.failed("ops", ip, t0 + Duration::from_secs(i as u64));
        }
        let w = f.blocked("ops", ip, t0 + Duration::from_secs(60)).expect("blocked");
        assert_eq!(w, WINDOW - Duration::from_secs(60));
        assert_eq!(f.blocked("wall", ip, t0), None, "another account from the same address");
        assert_eq!(f.blocked("ops", ip, t0 + WINDOW + Duration::from_secs(5)), None, "the window passed");
        f.failed("ops", ip, t0);
        f.succeeded("ops");
        assert_eq!(f.blocked("ops", ip, t0), None);
    }

    #[test]
    fn an_address_guessing_many_names_is_stopped() {
        let (mut f, t0) = (Failures::default(), Instant::now());
        let ip: Option<IpAddr> = "192.0.2.9".parse().ok();
        for i in 0..PER_ADDRESS {
            f.failed(&format!("user{i}"), ip, t0);
        }
        assert!(f.blocked("anyone", ip, t0).is_some());
        assert_eq!(f.blocked("anyone", "192.0.2.10".parse().ok(), t0), None);
    }
}
