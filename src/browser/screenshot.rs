//! Collector: a PNG screenshot of the viewport at the end of the visit, written to the evidence folder.

use base64::Engine;
use serde_json::Value;

use super::BrowserError;
use super::collector::{Collector, VisitContext};
use super::script::command;
use crate::observe::Observation;

/// Takes the screenshot.
#[derive(Default)]
pub struct ScreenshotCollector;

impl Collector for ScreenshotCollector {
    async fn collect(
        &mut self,
        visit: &VisitContext,
        observation: &mut Observation,
    ) -> Result<(), BrowserError> {
        observation.visit.screenshot = save_screenshot(visit, "").await?;
        Ok(())
    }
}

/// Saves a PNG of the viewport as `evidence/<visit name><suffix>.png`; `None` when the visit keeps no evidence.
pub(crate) async fn save_screenshot(
    visit: &VisitContext,
    suffix: &str,
) -> Result<Option<String>, BrowserError> {
    let Some(dir) = &visit.evidence_dir else {
        return Ok(None);
    };
    let answer = command(
        &visit.page,
        "Page.captureScreenshot",
        serde_json::json!({ "format": "png" }),
    )
    .await?;
    let Some(data) = answer.get("data").and_then(Value::as_str) else {
        return Ok(None);
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| BrowserError::Internal(format!("screenshot was not base64: {e}")))?;
    let name = format!("{}{suffix}.png", visit.evidence_name);
    tokio::fs::write(dir.join(&name), bytes)
        .await
        .map_err(|e| BrowserError::Internal(format!("cannot write screenshot {name}: {e}")))?;
    Ok(Some(format!("evidence/{name}")))
}
