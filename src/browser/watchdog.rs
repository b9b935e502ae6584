//! Watches one visit for faults the page itself causes: its renderer crashing, the page sending the browser
//! on by script without end, or a document too large to take. Each ends the waiting at once with a reason a
//! person understands, instead of leaving the visit to run into its deadline.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::inspector::EventTargetCrashed;
use chromiumoxide::cdp::browser_protocol::page::EventFrameNavigated;
use futures::StreamExt;

use super::BrowserError;
use super::collector::NetworkActivity;
use super::script::command;

/// More top-frame navigations than this in one visit is a loop: a redirect chain a browser follows is at
/// most 20 hops, and a page that reloads itself a few times while loading is still counted as loading.
pub const MAX_NAVIGATIONS: u32 = 20;

/// A document (page or frame) larger than this stops the page's loading. Real pages stay far below it; a
/// larger one is a mistake or an attack, and parsing it would take the renderer's memory with it. Images,
/// scripts and media are not limited: the browser streams them as a visitor's would.
pub const MAX_DOCUMENT_BYTES: u64 = 4 * 1024 * 1024;

/// Why the page could not be visited to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The page's renderer process crashed (out of memory, or a bug).
    RendererCrashed,
    /// The top frame navigated this many times: the page sends the visitor on in a loop.
    NavigationLoop(u32),
    /// One document passed this many bytes.
    TooLarge(u64),
}

impl Fault {
    /// The reason, for the page's `error`.
    pub fn reason(&self) -> String {
        match self {
            Fault::RendererCrashed => {
                "renderer crashed: the page's process died (it ran out of memory or hit a bug)"
                    .into()
            }
            Fault::NavigationLoop(n) => format!(
                "redirect loop: the page sent the browser on by script {n} times; loading stopped"
            ),
            Fault::TooLarge(bytes) => format!(
                "too large: the document passed the {} MiB limit ({:.1} MiB received), loading stopped \
                 (what arrived until then is kept)",
                MAX_DOCUMENT_BYTES / (1024 * 1024),
                *bytes as f64 / (1024.0 * 1024.0)
            ),
        }
    }
}

/// The watch over one visit's tab.
pub struct Watchdog {
    crashed: Arc<AtomicBool>,
    navigations: Arc<AtomicU32>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Watchdog {
    /// Starts watching `page`, before it navigates.
    pub async fn attach(page: &Page) -> Result<Watchdog, BrowserError> {
        let crashes = page.event_listener::<EventTargetCrashed>().await?;
        let navigated = page.event_listener::<EventFrameNavigated>().await?;
        // Chromium tells a session of its renderer's crash only once the Inspector domain is on.
        command(page, "Inspector.enable", serde_json::json!({})).await?;
        let crashed = Arc::new(AtomicBool::new(false));
        let navigations = Arc::new(AtomicU32::new(0));
        let (on_crash, on_navigation) = (Arc::clone(&crashed), Arc::clone(&navigations));
        let mut crashes = crashes.fuse();
        let mut navigated = navigated.fuse();
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    Some(_) = crashes.next() => on_crash.store(true, Ordering::SeqCst),
                    Some(event) = navigated.next() => {
                        if event.frame.parent_id.is_none() && event.frame.url != "about:blank" {
                            on_navigation.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    else => break,
                }
            }
        });
        Ok(Watchdog {
            crashed,
            navigations,
            task,
        })
    }

    /// Whether the top frame has committed to a document of the site (its response arrived and the
    /// renderer took it), even when the document never finishes.
    pub fn committed(&self) -> bool {
        self.navigations.load(Ordering::SeqCst) > 0
    }

    /// Whether the page's renderer has crashed.
    pub fn renderer_crashed(&self) -> bool {
        self.crashed.load(Ordering::SeqCst)
    }

    /// Resolves once the page's renderer has crashed (never, if it does not).
    pub async fn renderer_crash(&self) {
        while !self.renderer_crashed() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The first fault seen so far, if any.
    pub fn fault(&self, activity: &NetworkActivity) -> Option<Fault> {
        if self.crashed.load(Ordering::SeqCst) {
            return Some(Fault::RendererCrashed);
        }
        let navigations = self.navigations.load(Ordering::SeqCst);
        if navigations > MAX_NAVIGATIONS {
            return Some(Fault::NavigationLoop(navigations));
        }
        let largest = activity.largest_document();
        (largest > MAX_DOCUMENT_BYTES).then_some(Fault::TooLarge(largest))
    }
}
