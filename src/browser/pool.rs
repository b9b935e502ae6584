//! One Chromium shared by the crawl's concurrent visitors, replaced when it dies or has made many
//! visits (a long-running Chromium grows; a fresh one also sheds whatever a hostile page left behind).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{BrowserError, BrowserOptions, Chromium};

/// Hands out the current Chromium, launching a new one when needed.
pub struct BrowserPool {
    options: BrowserOptions,
    restart_after: usize,
    current: tokio::sync::Mutex<Option<Arc<Chromium>>>,
    /// Browsers replaced while visitors were still using them; closed once the last one lets go.
    retired: std::sync::Mutex<Vec<Arc<Chromium>>>,
    visits: AtomicUsize,
    launches: AtomicUsize,
    version: std::sync::OnceLock<String>,
}

impl BrowserPool {
    /// Launches the first Chromium; later ones are launched after `restart_after` visits or a crash.
    pub async fn launch(
        options: BrowserOptions,
        restart_after: usize,
    ) -> Result<BrowserPool, BrowserError> {
        let first = Chromium::launch(options.clone()).await?;
        let version = std::sync::OnceLock::new();
        let _ = version.set(first.version().to_string());
        Ok(BrowserPool {
            options,
            restart_after: restart_after.max(1),
            current: tokio::sync::Mutex::new(Some(Arc::new(first))),
            retired: Default::default(),
            visits: AtomicUsize::new(0),
            launches: AtomicUsize::new(1),
            version,
        })
    }

    /// The browser's product string (of the first launch).
    pub fn version(&self) -> &str {
        self.version.get().map(String::as_str).unwrap_or("unknown")
    }

    /// How many times Chromium was started.
    pub fn launches(&self) -> usize {
        self.launches.load(Ordering::Relaxed)
    }

    /// Counts one visit against the current browser's allowance.
    pub fn count_visit(&self) {
        self.visits.fetch_add(1, Ordering::Relaxed);
    }

    /// The browser to open a new visitor session in: the current one, unless it died or is worn out.
    pub async fn get(&self) -> Result<Arc<Chromium>, BrowserError> {
        self.close_retired().await;
        let mut current = self.current.lock().await;
        let worn_out = self.visits.load(Ordering::Relaxed) >= self.restart_after;
        match current.as_ref() {
            Some(c) if c.is_alive() && !worn_out => return Ok(Arc::clone(c)),
            Some(c) => {
                tracing::info!(
                    alive = c.is_alive(),
                    worn_out,
                    "replacing Chromium with a fresh one"
                );
                if let Some(old) = current.take() {
                    self.retired
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(old);
                }
            }
            None => {}
        }
        let fresh = Arc::new(Chromium::launch(self.options.clone()).await?);
        self.launches.fetch_add(1, Ordering::Relaxed);
        self.visits.store(0, Ordering::Relaxed);
        *current = Some(Arc::clone(&fresh));
        Ok(fresh)
    }

    /// Marks a browser as unusable (its visits failed because it is gone) so the next `get` replaces it.
    pub async fn discard(&self, dead: &Arc<Chromium>) {
        let mut current = self.current.lock().await;
        if current.as_ref().is_some_and(|c| Arc::ptr_eq(c, dead))
            && let Some(old) = current.take()
        {
            self.retired
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(old);
        }
    }

    /// Closes retired browsers no visitor holds any more.
    async fn close_retired(&self) {
        let unused: Vec<Arc<Chromium>> = {
            let mut retired = self.retired.lock().unwrap_or_else(|p| p.into_inner());
            let (unused, still_used) = retired
                .drain(..)
                .partition(|c: &Arc<Chromium>| Arc::strong_count(c) == 1);
            *retired = still_used;
            unused
        };
        for c in unused {
            if let Ok(c) = Arc::try_unwrap(c) {
                c.close().await;
            }
        }
    }

    /// Closes every browser.
    pub async fn close(self) {
        self.close_retired().await;
        let mut all: Vec<Arc<Chromium>> = self.current.lock().await.take().into_iter().collect();
        all.extend(
            self.retired
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .drain(..),
        );
        for c in all {
            if let Ok(c) = Arc::try_unwrap(c) {
                c.close().await;
            }
        }
    }
}
