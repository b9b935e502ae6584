//! One page loaded in Chromium for `pixelaudit classify --url`: a fresh browser, one visit as a new visitor
//! who never touches the banner, and the rendered document back.

use std::sync::Arc;

use crate::browser::{BrowserOptions, Chromium};
use crate::observe::ConsentMode;

/// Loads `url` in a fresh Chromium and returns the rendered document (`outerHTML`). A page that rendered
/// nothing is an error that says why the visit failed.
pub async fn rendered_html(url: &str, options: BrowserOptions) -> Result<String, String> {
    let chromium = Arc::new(Chromium::launch(options).await.map_err(|e| e.to_string())?);
    let seen = match chromium.session().await {
        Ok(session) => {
            let seen = session.visit(url, ConsentMode::None, None, None).await;
            session.close().await;
            seen
        }
        Err(e) => return Err(e.to_string()),
    };
    if let Ok(chromium) = Arc::try_unwrap(chromium) {
        chromium.close().await;
    }
    match (seen.html, seen.visit.error) {
        (Some(html), _) => Ok(html),
        (None, Some(e)) => Err(e),
        (None, None) => Ok(String::new()),
    }
}
