//! Consent banners: recognise the consent tool, find the banner and its controls (in the document, an
//! iframe or a shadow root), record what the banner offers, click "accept" or "reject" when the visit asks
//! for it, and check that the click took effect (banner gone, choice stored).
//!
//! The DOM work is done by `consent.js`, evaluated in the frame where the banner lives (an isolated world
//! for iframes, so the page's own scripts cannot interfere). The consent rules are data
//! (`rules/consent/`); when none matches, the generic finder looks for a dialog-like element with consent
//! words and its controls by their text.

use std::time::Duration;

use serde_json::Value;

use super::collector::VisitContext;
use super::cookies::read_jar;
use super::frames::frame_tree;
use super::raw::RawCommand;
use super::screenshot::save_screenshot;
use super::settle_after_action;
use crate::observe::{ConsentClick, ConsentMode, ConsentObservation, Control};
use crate::rules::consent::{ConsentRules, ConsentTool};
use crate::rules::{host_matches, wildcard_matches};

const ENGINE: &str = include_str!("consent.js");
/// The id the generic finder reports as its tool.
pub const GENERIC: &str = "generic";

/// What to do about the consent banner during one visit.
#[derive(Debug, Clone)]
pub struct ConsentPlan {
    rules: ConsentRules,
    rules_json: String,
    words_json: String,
    /// `Some(Accept | Reject)` to click; `None` to only look at the banner.
    pub choice: Option<ConsentMode>,
    /// How often to look for a banner that is not there yet.
    attempts: u8,
}

impl ConsentPlan {
    /// A plan over these rules.
    pub fn new(rules: &ConsentRules, choice: Option<ConsentMode>) -> ConsentPlan {
        ConsentPlan {
            rules: rules.clone(),
            rules_json: serde_json::to_string(&rules.tools).unwrap_or_else(|_| "[]".into()),
            words_json: serde_json::to_string(&rules.words).unwrap_or_else(|_| "{}".into()),
            choice,
            attempts: 4,
        }
    }

    /// A single look, without clicking: is a banner shown (again)?
    pub fn quick_look(rules: &ConsentRules) -> ConsentPlan {
        ConsentPlan {
            attempts: 1,
            ..ConsentPlan::new(rules, None)
        }
    }

    fn expression(&self, op: &str, tool: &str, arg: &str) -> String {
        format!(
            "({ENGINE})({}, {}, {}, {}, {})",
            self.rules_json,
            self.words_json,
            serde_json::Value::from(op),
            serde_json::Value::from(tool),
            serde_json::Value::from(arg)
        )
    }
}

/// Where the banner's frame is: the top document, or an isolated world in an iframe.
#[derive(Debug, Clone, Copy)]
struct Where(Option<i64>);

/// Looks at the banner and, when the plan says so, clicks it. `settle` and `quiet` bound the wait after the click.
pub async fn handle(
    visit: &VisitContext,
    plan: &ConsentPlan,
    settle: Duration,
    quiet: Duration,
) -> ConsentObservation {
    let mut seen = ConsentObservation::default();
    let (tool, detected_by) = detect_tool(visit, plan).await;
    seen.tool = tool.as_ref().map(|t| t.id.clone());
    seen.detected_by = detected_by;

    // Banners often appear a moment after load: look a few times.
    let mut found = None;
    for attempt in 0..plan.attempts {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
        found = find_banner(visit, plan, tool.as_ref()).await;
        if found.is_some() {
            break;
        }
    }
    let Some((tool_id, place, banner)) = found else {
        if seen.tool.is_some() {
            seen.problem = Some("the consent tool was recognised, but no banner was shown".into());
        } else {
            seen.problem = Some("no consent banner found".into());
        }
        return seen;
    };
    seen.tool = Some(tool_id.clone());
    if seen.detected_by.is_none() {
        seen.detected_by =
            Some("generic finder: a dialog-like element with consent words and controls".into());
    }
    seen.banner_found = true;
    seen.banner_text = banner
        .get("text")
        .and_then(Value::as_str)
        .map(str::to_string);
    seen.first_layer.accept = control(banner.get("accept"));
    seen.first_layer.reject = control(banner.get("reject"));
    seen.first_layer.settings = control(banner.get("settings"));
    seen.pre_ticked = banner
        .get("pre_ticked")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();

    if seen.first_layer.accept.is_none() && seen.first_layer.reject.is_none() {
        seen.problem =
            Some("a banner is shown, but it has no recognisable accept or reject control".into());
    }
    let Some(choice) = plan.choice else {
        return seen;
    };
    seen.screenshot_before = save_screenshot(visit, "-banner").await.ok().flatten();
    seen.cookies_before_choice = cookie_keys(visit).await;
    let started = visit.elapsed_ms();
    let (clicked, layer) = click(visit, plan, &tool_id, place, choice).await;
    let mut outcome = ConsentClick {
        choice,
        control: None,
        layer: layer.to_string(),
        effective: false,
        banner_gone: false,
        choice_stored: Vec::new(),
        problem: None,
    };
    match clicked {
        Some(c) => {
            seen.choice_at_ms = Some(started);
            outcome.control = Some(c);
        }
        None => {
            outcome.problem = Some(format!(
                "no {} control found on the banner",
                if choice == ConsentMode::Accept {
                    "accept"
                } else {
                    "reject"
                }
            ));
            seen.click = Some(outcome);
            return seen;
        }
    }
    settle_after_action(visit, settle, quiet).await;

    let state = evaluate(visit, place, &plan.expression("state", &tool_id, "")).await;
    let frame_gone = place.0.is_some() && state.is_none();
    outcome.banner_gone = frame_gone
        || state
            .as_ref()
            .and_then(|s| s.get("banner_visible"))
            .and_then(Value::as_bool)
            == Some(false);
    let top = evaluate(visit, Where(None), &plan.expression("state", &tool_id, "")).await;
    seen.reopen_control = top.as_ref().and_then(|s| control(s.get("reopen")));
    if choice == ConsentMode::Reject {
        seen.cookie_wall = top
            .as_ref()
            .and_then(|s| s.pointer("/overlay/text"))
            .and_then(Value::as_str)
            .map(str::to_string);
    }
    let local_storage: Vec<String> = top
        .as_ref()
        .and_then(|s| s.get("local_storage"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let cookies_now = cookie_keys(visit).await;
    outcome.choice_stored = stored_choice(
        tool.as_ref(),
        &seen.cookies_before_choice,
        &cookies_now,
        &local_storage,
    );
    let needs_storage = tool
        .as_ref()
        .is_some_and(|t| !t.state.cookies.is_empty() || !t.state.local_storage.is_empty());
    outcome.effective =
        outcome.banner_gone && (!outcome.choice_stored.is_empty() || !needs_storage);
    if !outcome.banner_gone {
        outcome.problem = Some("the banner was still shown after the click".into());
    } else if !outcome.effective {
        outcome.problem = Some("the banner closed but the tool stored no choice".into());
    }
    if tool.as_ref().is_some_and(|t| t.state.tcf) {
        seen.tcf = evaluate(visit, Where(None), &plan.expression("tcf", &tool_id, "")).await;
    }
    seen.click = Some(outcome);
    seen
}

/// The consent tool a page runs, by script host or path, frame URL, global or element.
async fn detect_tool(
    visit: &VisitContext,
    plan: &ConsentPlan,
) -> (Option<ConsentTool>, Option<String>) {
    let resources = evaluate(
        visit,
        Where(None),
        "[location.href, ...performance.getEntriesByType('resource').map(e => e.name)]",
    )
    .await
    .and_then(|v| serde_json::from_value::<Vec<String>>(v).ok())
    .unwrap_or_default();
    let own_host = resources
        .first()
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default();
    let frames = frame_urls(visit).await;
    for tool in &plan.rules.tools {
        for resource in resources.iter().skip(1) {
            let Ok(u) = url::Url::parse(resource) else {
                continue;
            };
            let host = u.host_str().unwrap_or_default();
            if tool
                .detect
                .script_hosts
                .iter()
                .any(|h| host_matches(h, host))
            {
                return (Some(tool.clone()), Some(format!("script from {host}")));
            }
            if host == own_host
                && tool
                    .detect
                    .script_paths
                    .iter()
                    .any(|p| wildcard_matches(p, u.path()))
            {
                return (Some(tool.clone()), Some(format!("script {}", u.path())));
            }
        }
        if let Some(part) = &tool.first_layer.frame_url
            && frames.iter().any(|(_, u)| u.contains(part.as_str()))
        {
            return (Some(tool.clone()), Some(format!("frame from {part}")));
        }
    }
    let found = evaluate(visit, Where(None), &plan.expression("detect", GENERIC, "")).await;
    if let Some(first) = found
        .as_ref()
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        let id = first
            .get("tool")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let by = first.get("by").and_then(Value::as_str).unwrap_or_default();
        if let Some(tool) = plan.rules.tool(id) {
            return (Some(tool.clone()), Some(by.to_string()));
        }
    }
    (None, None)
}

/// Finds the banner: the known tool's, in its own frame, else the generic finder in every frame.
async fn find_banner(
    visit: &VisitContext,
    plan: &ConsentPlan,
    tool: Option<&ConsentTool>,
) -> Option<(String, Where, Value)> {
    let mut places = Vec::new();
    if let Some(tool) = tool {
        let place = match &tool.first_layer.frame_url {
            Some(part) => {
                let frame = frame_urls(visit)
                    .await
                    .into_iter()
                    .find(|(_, u)| u.contains(part.as_str()));
                match frame {
                    Some((id, _)) => Where(isolated_world(visit, &id).await),
                    None => return None,
                }
            }
            None => Where(None),
        };
        places.push((tool.id.clone(), place));
    }
    places.push((GENERIC.to_string(), Where(None)));
    for (id, _) in frame_urls(visit).await.into_iter().skip(1) {
        if let Some(ctx) = isolated_world(visit, &id).await {
            places.push((GENERIC.to_string(), Where(Some(ctx))));
        }
    }
    for (id, place) in places {
        if place.0.is_none()
            && id != GENERIC
            && tool.is_some_and(|t| t.first_layer.frame_url.is_some())
        {
            continue;
        }
        let found = evaluate(visit, place, &plan.expression("inspect", &id, "")).await;
        if let Some(banner) = found
            && banner.get("found").and_then(Value::as_bool) == Some(true)
        {
            return Some((id, place, banner));
        }
    }
    None
}

/// Clicks accept, or reject (on the first layer, else through the settings layer). Returns the control and the layer.
async fn click(
    visit: &VisitContext,
    plan: &ConsentPlan,
    tool: &str,
    place: Where,
    choice: ConsentMode,
) -> (Option<Control>, &'static str) {
    let press = |what: &'static str| async move {
        let answer = evaluate(visit, place, &plan.expression("click", tool, what)).await?;
        if answer.get("clicked").and_then(Value::as_bool) == Some(true) {
            control(answer.get("control"))
        } else {
            None
        }
    };
    if choice == ConsentMode::Accept {
        return (press("accept").await, "first");
    }
    if let Some(c) = press("reject").await {
        return (Some(c), "first");
    }
    if press("settings").await.is_none() {
        return (None, "first");
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    if let Some(c) = press("reject2").await {
        return (Some(c), "second");
    }
    (press("save").await, "second")
}

fn stored_choice(
    tool: Option<&ConsentTool>,
    before: &[String],
    now: &[String],
    local_storage: &[String],
) -> Vec<String> {
    let new_cookies = now.iter().filter(|c| !before.contains(c));
    let name_of = |key: &String| key.rsplit('|').next().unwrap_or_default().to_string();
    match tool {
        Some(t) => now
            .iter()
            .map(name_of)
            .filter(|n| t.state.cookies.contains(n))
            .map(|n| format!("cookie {n}"))
            .chain(
                local_storage
                    .iter()
                    .filter(|k| t.state.local_storage.contains(k))
                    .map(|k| format!("localStorage {k}")),
            )
            .collect(),
        None => new_cookies
            .map(name_of)
            .filter(|n| looks_like_consent(n))
            .map(|n| format!("cookie {n}"))
            .chain(
                local_storage
                    .iter()
                    .filter(|k| looks_like_consent(k))
                    .map(|k| format!("localStorage {k}")),
            )
            .collect(),
    }
}

fn looks_like_consent(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "consent",
        "cookie",
        "gdpr",
        "privacy",
        "choice",
        "toestemming",
    ]
    .iter()
    .any(|w| n.contains(w))
}

fn control(v: Option<&Value>) -> Option<Control> {
    v.filter(|v| !v.is_null())
        .and_then(|v| serde_json::from_value(v.clone()).ok())
}

/// `domain|name` of every cookie in the visit's jar.
pub async fn cookie_keys(visit: &VisitContext) -> Vec<String> {
    read_jar(visit)
        .await
        .unwrap_or_default()
        .iter()
        .map(|c| {
            format!(
                "{}|{}",
                c.get("domain").and_then(Value::as_str).unwrap_or_default(),
                c.get("name").and_then(Value::as_str).unwrap_or_default()
            )
        })
        .collect()
}

/// `(frame id, URL)` of every frame, the top frame first.
async fn frame_urls(visit: &VisitContext) -> Vec<(String, String)> {
    frame_tree(visit)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|f| (f.id, f.url))
        .collect()
}

async fn isolated_world(visit: &VisitContext, frame_id: &str) -> Option<i64> {
    visit
        .page
        .execute(RawCommand::new(
            "Page.createIsolatedWorld",
            serde_json::json!({ "frameId": frame_id, "worldName": "pixelaudit-consent" }),
        ))
        .await
        .ok()
        .and_then(|a| a.result.get("executionContextId").and_then(Value::as_i64))
}

async fn evaluate(visit: &VisitContext, place: Where, expression: &str) -> Option<Value> {
    let mut params = serde_json::json!({
        "expression": expression,
        "returnByValue": true,
        "awaitPromise": true,
    });
    if let Some(ctx) = place.0 {
        params["contextId"] = ctx.into();
    }
    let answer = tokio::time::timeout(
        Duration::from_secs(5),
        visit
            .page
            .execute(RawCommand::new("Runtime.evaluate", params)),
    )
    .await
    .ok()?
    .ok()?;
    if answer.result.get("exceptionDetails").is_some() {
        return None;
    }
    answer.result.pointer("/result/value").cloned()
}
