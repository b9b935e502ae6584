//! Talking to a page over the DevTools protocol where the driver has no typed command: one helper to
//! send a command and read its answer, and one to run a script and read its value, for every
//! collector alike.

use chromiumoxide::Page;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::BrowserError;
use super::raw::RawCommand;

/// Sends `method` with `params` and returns the answer's `result` object.
pub(crate) async fn command(
    page: &Page,
    method: &'static str,
    params: Value,
) -> Result<Value, BrowserError> {
    Ok(page.execute(RawCommand::new(method, params)).await?.result)
}

/// Where a script runs: the page's main world, or an execution context of our own (an isolated world
/// in a frame, where a consent banner in a cross-site iframe lives).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct World(pub Option<i64>);

/// Runs `expression` in `world` (awaiting a promise it returns) and reads its value as `T`. `Ok(None)`
/// when the script threw or returned something of another shape: a page's script may break ours, and
/// that is the page's doing, not the browser's.
pub(crate) async fn evaluate<T: DeserializeOwned>(
    page: &Page,
    world: World,
    expression: &str,
) -> Result<Option<T>, BrowserError> {
    let mut params = serde_json::json!({
        "expression": expression,
        "returnByValue": true,
        "awaitPromise": true,
    });
    if let Some(context) = world.0 {
        params["contextId"] = context.into();
    }
    let answer = command(page, "Runtime.evaluate", params).await?;
    if answer.get("exceptionDetails").is_some() {
        return Ok(None);
    }
    Ok(answer
        .pointer("/result/value")
        .and_then(|v| serde_json::from_value(v.clone()).ok()))
}
