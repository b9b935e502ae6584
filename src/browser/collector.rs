//! The one small trait every evidence collector implements.
//!
//! A collector lives for one visit: it is attached to the blank page before navigation (so it misses
//! nothing the page does), and asked to hand over what it saw once the page has settled. The visit
//! orchestrator knows nothing of what any collector collects; adding an evidence type is adding one file.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Instant;

use chromiumoxide::Page;

use super::BrowserError;
use super::raw::RawEvents;
use super::watchdog::Watchdog;
use crate::observe::Observation;

/// What a collector may use during a visit.
pub struct VisitContext {
    /// The tab of this visit, in its own browser context.
    pub page: Page,
    /// When the visit started.
    pub started: Instant,
    /// Network events the driver crate could not type, for this tab's session.
    pub raw_events: std::sync::Mutex<Option<RawEvents>>,
    /// Shared counters the orchestrator reads to decide when the network is quiet.
    pub activity: Arc<NetworkActivity>,
    /// Where evidence files (screenshots) go, if anywhere.
    pub evidence_dir: Option<PathBuf>,
    /// A file-name-safe name for this visit's evidence.
    pub evidence_name: String,
    /// Faults of the page (crash, script redirect loop, huge response) that end the waiting early.
    pub watchdog: Watchdog,
    /// Longest wait for the page to settle after loading or after an action.
    pub settle: std::time::Duration,
    /// Network silence that counts as settled.
    pub quiet: std::time::Duration,
}

impl VisitContext {
    /// Milliseconds since the visit started.
    pub fn elapsed_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }
}

/// Requests in flight and the time of the last network event.
#[derive(Default)]
pub struct NetworkActivity {
    in_flight: AtomicI64,
    last_event_ms: AtomicU64,
    largest_document: AtomicU64,
}

impl NetworkActivity {
    /// A request started.
    pub fn started(&self, now_ms: u64) {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        self.last_event_ms.store(now_ms, Ordering::SeqCst);
    }
    /// A request finished or failed.
    pub fn ended(&self, now_ms: u64) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.last_event_ms.store(now_ms, Ordering::SeqCst);
    }
    /// Counts `now_ms` as activity: after the visit acts (a click, typing), quiet is measured from then.
    pub fn touch(&self, now_ms: u64) {
        self.last_event_ms.fetch_max(now_ms, Ordering::SeqCst);
    }
    /// One document (page or frame) has brought `bytes` so far.
    pub fn document_size(&self, bytes: u64) {
        self.largest_document.fetch_max(bytes, Ordering::SeqCst);
    }
    /// The most bytes any one document of the visit brought.
    pub fn largest_document(&self) -> u64 {
        self.largest_document.load(Ordering::SeqCst)
    }
    /// True when nothing is in flight and nothing happened for `quiet_ms`.
    pub fn is_quiet(&self, now_ms: u64, quiet_ms: u64) -> bool {
        self.in_flight.load(Ordering::SeqCst) <= 0
            && now_ms.saturating_sub(self.last_event_ms.load(Ordering::SeqCst)) >= quiet_ms
    }
}

/// One kind of evidence, gathered during one visit. The visit calls every collector at three moments:
/// `attach` on the blank page before it navigates (to miss nothing the page does), `act` once the page
/// has settled and the consent banner has been handled (for collectors that act as a visitor would,
/// such as filling in forms), and `collect` at the end, to add what it saw to the observation.
pub trait Collector: Send {
    /// Subscribes to what it needs, before the page navigates. Most collectors only read at the end.
    fn attach(
        &mut self,
        _visit: &VisitContext,
    ) -> impl Future<Output = Result<(), BrowserError>> + Send {
        async { Ok(()) }
    }
    /// Acts on the settled page as a visitor would; most collectors only watch.
    fn act(
        &mut self,
        _visit: &VisitContext,
        _observation: &mut Observation,
    ) -> impl Future<Output = ()> + Send {
        async {}
    }
    /// Adds what it saw to the observation, after the page has settled.
    fn collect(
        &mut self,
        visit: &VisitContext,
        observation: &mut Observation,
    ) -> impl Future<Output = Result<(), BrowserError>> + Send;
}

/// What a collector records from the page's events while the page runs: a list a background task
/// fills, stopped and handed over at collection.
pub struct Recorder<T> {
    items: Arc<std::sync::Mutex<Vec<T>>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl<T> Default for Recorder<T> {
    fn default() -> Self {
        Recorder {
            items: Default::default(),
            task: None,
        }
    }
}

impl<T: Send + 'static> Recorder<T> {
    /// Runs `listen` in the background; it writes what it records into the list it is given.
    pub fn start<F, Fut>(&mut self, listen: F)
    where
        F: FnOnce(Arc<std::sync::Mutex<Vec<T>>>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.task = Some(tokio::spawn(listen(Arc::clone(&self.items))));
    }

    /// Stops the listening and returns what was recorded.
    pub fn finish(&mut self) -> Vec<T> {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        std::mem::take(&mut *self.items.lock().unwrap_or_else(|p| p.into_inner()))
    }
}
