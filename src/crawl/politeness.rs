//! Politeness: a minimum time between two page visits to the same host, shared by all concurrent
//! visitors (the three consent modes of a site crawl it at the same time) and, with a [`SlotBook`] over
//! a shared database, by every worker of a scan spread over many machines.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

/// Spaces out visits per host.
pub struct HostDelay {
    default: Duration,
    state: std::sync::Mutex<HostState>,
    shared: Option<Box<dyn SlotBook>>,
}

/// Visit slots booked in a place every worker sees (the scan database), so that workers on many
/// machines together keep the delay.
pub trait SlotBook: Send + Sync {
    /// Books the next visit of `host` at least `delay` after the last one booked by anyone; returns how
    /// long to wait for it.
    fn book(&self, host: &str, delay: Duration) -> Result<Duration, String>;
}

#[derive(Default)]
struct HostState {
    next: HashMap<String, Instant>,
    /// Longer delays a site asked for in robots.txt (`Crawl-delay`).
    asked: HashMap<String, Duration>,
}

/// The longest `Crawl-delay` honoured; some sites ask for minutes.
const MAX_CRAWL_DELAY: Duration = Duration::from_secs(30);

impl HostDelay {
    /// At least `default` between two visits to one host.
    pub fn new(default: Duration) -> HostDelay {
        HostDelay {
            default,
            state: Default::default(),
            shared: None,
        }
    }

    /// As [`HostDelay::new`], with the slots booked in `shared` (what this process asked for in
    /// `Crawl-delay` still counts).
    pub fn shared(default: Duration, shared: Box<dyn SlotBook>) -> HostDelay {
        HostDelay {
            shared: Some(shared),
            ..HostDelay::new(default)
        }
    }

    /// Honours a site's `Crawl-delay` (capped at 30 s) when it is longer than the default.
    pub fn ask(&self, host: &str, seconds: f32) {
        if !(seconds.is_finite() && seconds > 0.0) {
            return;
        }
        let asked = Duration::from_secs_f32(seconds).min(MAX_CRAWL_DELAY);
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.asked.insert(host.to_ascii_lowercase(), asked);
    }

    /// Waits until the host may be visited again, and books the next slot.
    pub async fn wait(&self, url: &str) {
        let host = url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .unwrap_or_default();
        let delay = {
            let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            state
                .asked
                .get(&host)
                .copied()
                .unwrap_or(self.default)
                .max(self.default)
        };
        if let Some(shared) = &self.shared {
            match shared.book(&host, delay) {
                Ok(wait) => {
                    tokio::time::sleep(wait).await;
                    return;
                }
                // Without the shared book this process still keeps the delay among its own visits.
                Err(e) => tracing::warn!(%host, error = %e, "shared politeness slots unavailable"),
            }
        }
        let slot = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let slot = state.next.get(&host).copied().unwrap_or(now).max(now);
            state.next.insert(host, slot + delay);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn visits_to_one_host_are_spaced_and_other_hosts_are_not_held_up() {
        let delay = HostDelay::new(Duration::from_secs(2));
        let start = Instant::now();
        delay.wait("https://www.zorg.nl/a").await;
        delay.wait("https://www.ander.nl/").await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        delay.wait("https://www.zorg.nl/b").await;
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        delay.ask("www.zorg.nl", 5.0);
        delay.wait("https://www.zorg.nl/c").await;
        delay.wait("https://www.zorg.nl/d").await;
        assert_eq!(start.elapsed(), Duration::from_secs(2 + 2 + 5));
    }
}
