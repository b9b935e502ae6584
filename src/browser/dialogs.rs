//! Collector: JavaScript dialogs (`alert`, `confirm`, `prompt`, `beforeunload`). A dialog stops the page's
//! scripts, and with them every later step of the visit, until someone answers it; this collector answers
//! at once (dismissing, as a visitor closing it would; leaving the page when asked on unload) and records
//! what the dialog said.

use chromiumoxide::cdp::browser_protocol::page::EventJavascriptDialogOpening;
use futures::StreamExt;

use super::BrowserError;
use super::collector::{Collector, Recorder, VisitContext};
use super::script::command;
use crate::observe::{Dialog, Observation};

/// Answers and records dialogs.
#[derive(Default)]
pub struct DialogCollector {
    seen: Recorder<Dialog>,
}

/// Most dialogs recorded per visit; a page that opens them in a loop is answered but not listed further.
const MAX_DIALOGS: usize = 50;

impl Collector for DialogCollector {
    async fn attach(&mut self, visit: &VisitContext) -> Result<(), BrowserError> {
        let mut events = visit
            .page
            .event_listener::<EventJavascriptDialogOpening>()
            .await?;
        let page = visit.page.clone();
        let started = visit.started;
        self.seen.start(|seen| async move {
            while let Some(event) = events.next().await {
                let kind = serde_json::to_value(&event.r#type)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_else(|| "dialog".into());
                let accept = kind == "beforeunload";
                let answer = serde_json::json!({ "accept": accept });
                let _ = command(&page, "Page.handleJavaScriptDialog", answer).await;
                let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
                if seen.len() < MAX_DIALOGS {
                    seen.push(Dialog {
                        kind,
                        message: event.message.chars().take(2000).collect(),
                        url: event.url.clone(),
                        at_ms: started.elapsed().as_millis() as u64,
                        answer: if accept { "accepted" } else { "dismissed" }.into(),
                    });
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
        observation.visit.dialogs = self.seen.finish();
        Ok(())
    }
}
