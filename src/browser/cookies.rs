//! Collector: the whole cookie jar of the visit's browser context at the end of the visit,
//! third-party and HttpOnly cookies included (what `document.cookie` never shows).

use serde_json::Value;

use super::BrowserError;
use super::collector::{Collector, VisitContext};
use super::script::command;
use crate::observe::{Observation, ObservedCookie};

/// Reads the cookie jar.
#[derive(Default)]
pub struct CookieCollector;

impl Collector for CookieCollector {
    async fn collect(
        &mut self,
        visit: &VisitContext,
        observation: &mut Observation,
    ) -> Result<(), BrowserError> {
        observation.cookies = read_jar(visit)
            .await?
            .iter()
            .map(cookie_from_json)
            .collect();
        Ok(())
    }
}

/// Every cookie in the visit's browser context, as the protocol describes them.
pub(crate) async fn read_jar(visit: &VisitContext) -> Result<Vec<Value>, BrowserError> {
    // Network.getAllCookies on the tab's session answers for the tab's own browser context: every
    // domain, not only the page's. The driver's typed Cookie lags the protocol, so read JSON.
    let answer = command(&visit.page, "Network.getAllCookies", serde_json::json!({})).await?;
    Ok(answer
        .get("cookies")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default())
}

fn cookie_from_json(c: &Value) -> ObservedCookie {
    let text = |k: &str| {
        c.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let flag = |k: &str| c.get(k).and_then(Value::as_bool).unwrap_or(false);
    let session = flag("session");
    ObservedCookie {
        name: text("name"),
        value: text("value"),
        domain: text("domain"),
        path: text("path"),
        expires: c
            .get("expires")
            .and_then(Value::as_f64)
            .filter(|e| !session && *e > 0.0),
        http_only: flag("httpOnly"),
        secure: flag("secure"),
        same_site: c
            .get("sameSite")
            .and_then(Value::as_str)
            .map(str::to_string),
    }
}
