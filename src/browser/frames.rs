//! Collector: the frame tree at the end of the visit (where social plug-ins and embeds show up).

use serde_json::Value;

use super::BrowserError;
use super::collector::{Collector, VisitContext};
use super::script::command;
use crate::observe::{Frame, Observation};

/// Reads the frame tree.
#[derive(Default)]
pub struct FrameCollector;

impl Collector for FrameCollector {
    async fn collect(
        &mut self,
        visit: &VisitContext,
        observation: &mut Observation,
    ) -> Result<(), BrowserError> {
        observation.frames = frame_tree(visit).await?;
        Ok(())
    }
}

/// Every frame of the page, the top frame first.
pub(crate) async fn frame_tree(visit: &VisitContext) -> Result<Vec<Frame>, BrowserError> {
    let answer = command(&visit.page, "Page.getFrameTree", serde_json::json!({})).await?;
    let mut frames = Vec::new();
    if let Some(tree) = answer.get("frameTree") {
        flatten(tree, &mut frames);
    }
    Ok(frames)
}

fn flatten(node: &Value, out: &mut Vec<Frame>) {
    if let Some(frame) = node.get("frame") {
        let text = |k: &str| frame.get(k).and_then(Value::as_str).map(str::to_string);
        out.push(Frame {
            id: text("id").unwrap_or_default(),
            parent_id: text("parentId"),
            url: format!(
                "{}{}",
                text("url").unwrap_or_default(),
                text("urlFragment").unwrap_or_default()
            ),
        });
    }
    if let Some(Value::Array(children)) = node.get("childFrames") {
        for child in children {
            flatten(child, out);
        }
    }
}
