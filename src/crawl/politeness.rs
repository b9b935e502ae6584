//! Politeness: a minimum time between two page visits to the same host, shared by all concurrent
//! visitors (the three consent modes of a site crawl it at the same time).

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

/// Spaces out visits per host.
pub struct HostDelay {
    default: Duration,
    state: std::sync::Mutex<HostState>,
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
        let slot = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let delay = state
                .asked
                .get(&host)
                .copied()
                .unwrap_or(self.default)
                .max(self.default);
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
