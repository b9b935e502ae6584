//! Collector: windows the page tries to open (`window.open`, `target=_blank` clicks by scripts).
//! Chromium's pop-up blocker, on as in a visitor's browser, refuses those not opened by a click, so they
//! never load; one that gets through anyway is closed as soon as it appears, so it cannot run on
//! unobserved, out of the visit's evidence.

use chromiumoxide::cdp::browser_protocol::page::EventWindowOpen;
use chromiumoxide::cdp::browser_protocol::target::{CloseTargetParams, EventTargetCreated};
use chromiumoxide::listeners::EventStream;
use futures::StreamExt;

use super::BrowserError;
use super::collector::{Collector, Recorder, VisitContext};
use crate::observe::Observation;

/// Most pop-ups recorded per visit; a page that opens them in a loop is not listed further.
const MAX_POPUPS: usize = 50;

/// Records and closes pop-ups.
pub struct PopupCollector {
    /// New targets of the whole browser, subscribed to before the page exists (the browser handle is
    /// not the tab's to share).
    created: Option<EventStream<EventTargetCreated>>,
    seen: Recorder<String>,
}

impl PopupCollector {
    /// A collector fed by the browser's target-created events.
    pub fn new(created: EventStream<EventTargetCreated>) -> PopupCollector {
        PopupCollector {
            created: Some(created),
            seen: Recorder::default(),
        }
    }
}

impl Collector for PopupCollector {
    async fn attach(&mut self, visit: &VisitContext) -> Result<(), BrowserError> {
        let Some(mut created) = self.created.take() else {
            return Ok(());
        };
        let opener = visit.page.target_id().clone();
        let mut asked = visit.page.event_listener::<EventWindowOpen>().await?;
        // The Target domain answers on the page's own session too.
        let closer = visit.page.clone();
        self.seen.start(|record| async move {
            loop {
                tokio::select! {
                    Some(event) = asked.next() => {
                        let mut seen = record.lock().unwrap_or_else(|p| p.into_inner());
                        if seen.len() < MAX_POPUPS {
                            seen.push(event.url.clone());
                        }
                    }
                    Some(event) = created.next() => {
                        let info = &event.target_info;
                        if info.opener_id.as_ref() != Some(&opener) {
                            continue;
                        }
                        if let Err(e) = closer
                            .execute(CloseTargetParams::new(info.target_id.clone()))
                            .await
                        {
                            tracing::warn!(url = %info.url, "could not close a pop-up window: {e}");
                        }
                    }
                    else => break,
                }
            }
        });
        Ok(())
    }

    async fn collect(
        &mut self,
        _visit: &VisitContext,
        observation: &mut Observation,
    ) -> Result<(), BrowserError> {
        observation.visit.popups = self.seen.finish();
        Ok(())
    }
}
