//! Consent banners: recognise the consent tool, find the banner and its controls (in the document, an
//! iframe or a shadow root), record what the banner offers, click "accept" or "reject" when the visit asks
//! for it, and check that the click took effect (banner gone, choice stored).
//!
//! The DOM work is done by `consent.js`, evaluated in the frame where the banner lives (an isolated world
//! for iframes, so the page's own scripts cannot interfere): it lists candidates and controls and clicks
//! the one it is told to. The decisions are made here: a known tool's rule (`rules/consent/`) names its
//! banner and controls; where it names none, or the tool's banner is drawn differently than the rule
//! expects, the generic finder scores the page's candidates (`notice`) and every control is read by its
//! text (`rules/consent/words.toml`).

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use super::collector::VisitContext;
use super::cookies::read_jar;
use super::frames::frame_tree;
use super::notice::{self, Candidate};
use super::raw::RawCommand;
use super::screenshot::save_screenshot;
use super::settle_after_action;
use crate::observe::{ConsentClick, ConsentMode, ConsentObservation, Control};
use crate::rules::consent::{ConsentRules, ConsentTool, ControlReader, ControlRole};
use crate::rules::{host_matches, wildcard_matches};

const ENGINE: &str = include_str!("consent.js");
/// The id the generic finder reports as its tool.
pub const GENERIC: &str = "generic";

/// What to do about the consent banner during one visit.
#[derive(Debug, Clone)]
pub struct ConsentPlan {
    rules: ConsentRules,
    rules_json: String,
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

    fn expression(&self, op: &str, tool: &str, arg: &Value) -> String {
        format!(
            "({ENGINE})({}, {}, {}, {})",
            self.rules_json,
            Value::from(op),
            Value::from(tool),
            arg
        )
    }

    fn reader(&self) -> &ControlReader {
        &self.rules.reader
    }
}

/// Where the banner's frame is: the top document, or an isolated world in an iframe.
#[derive(Debug, Clone, Copy)]
struct Where(Option<i64>);

/// A control as the page side lists it: its place in the layer's list, the kind the tool's rule gives it.
#[derive(Debug, Clone, Deserialize)]
struct Listed {
    index: usize,
    rule_kind: Option<String>,
    #[serde(flatten)]
    control: Control,
}

/// The banner found: whose rule (or the generic finder) reads it, where, and what it offers.
#[derive(Debug, Clone)]
struct Banner {
    /// The rule that finds its layers, or [`GENERIC`].
    engine: String,
    place: Where,
    /// For the generic finder: the candidate (`{candidate, text}`); `null` for a rule.
    spec: Value,
    text: Option<String>,
    controls: Vec<Listed>,
    pre_ticked: Vec<String>,
    /// Why the generic finder took it for a consent notice.
    signals: Vec<String>,
}

/// The control of a layer that does `role`: the one the tool's rule names, else the first whose text reads so.
fn pick<'a>(
    controls: &'a [Listed],
    role: ControlRole,
    reader: &ControlReader,
) -> Option<&'a Listed> {
    controls
        .iter()
        .find(|c| c.rule_kind.as_deref() == Some(role.as_str()))
        .or_else(|| {
            controls
                .iter()
                .find(|c| c.rule_kind.is_none() && reader.role(&c.control.text) == role)
        })
}

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
        let (banner, set_aside) = find_banner(visit, plan, tool.as_ref()).await;
        seen.set_aside = set_aside;
        found = banner;
        if found.is_some() {
            break;
        }
    }
    let Some(banner) = found else {
        if seen.tool.is_some() {
            seen.problem = Some("the consent tool was recognised, but no banner was shown".into());
        } else {
            seen.problem = Some("no consent banner found".into());
        }
        return seen;
    };
    if banner.engine == GENERIC {
        let by = format!(
            "generic finder: {}",
            if banner.signals.is_empty() {
                "a dialog-like element with consent words and controls".to_string()
            } else {
                banner.signals.join(", ")
            }
        );
        seen.detected_by = Some(match (&seen.tool, &seen.detected_by) {
            (Some(_), Some(tool_by)) => {
                format!("{tool_by}; its banner is not where the rule expects it, so the {by}")
            }
            _ => by,
        });
        if seen.tool.is_none() {
            seen.tool = Some(GENERIC.to_string());
        }
    } else {
        seen.tool = Some(banner.engine.clone());
    }
    seen.notice_signals = banner.signals.clone();
    seen.banner_found = true;
    seen.banner_text = banner.text.clone();
    let reader = plan.reader();
    let first = |role| pick(&banner.controls, role, reader).map(|c| c.control.clone());
    seen.first_layer.accept = first(ControlRole::Accept);
    seen.first_layer.reject = first(ControlRole::Reject);
    seen.first_layer.settings = first(ControlRole::Settings);
    seen.pre_ticked = banner.pre_ticked.clone();

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
    let (clicked, layer) = click(visit, plan, &banner, choice).await;
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

    let state = evaluate(
        visit,
        banner.place,
        &plan.expression("state", &banner.engine, &banner.spec),
    )
    .await;
    let frame_gone = banner.place.0.is_some() && state.is_none();
    outcome.banner_gone = frame_gone
        || state
            .as_ref()
            .and_then(|s| s.get("banner_visible"))
            .and_then(Value::as_bool)
            == Some(false);
    let top = evaluate(
        visit,
        Where(None),
        &plan.expression(
            "state",
            tool.as_ref().map_or(GENERIC, |t| &t.id),
            &Value::Null,
        ),
    )
    .await;
    seen.reopen_control = match top.as_ref() {
        Some(top) => reopen_control(visit, plan, top).await,
        None => None,
    };
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
        seen.tcf = evaluate(
            visit,
            Where(None),
            &plan.expression("tcf", GENERIC, &Value::Null),
        )
        .await;
    }
    seen.click = Some(outcome);
    seen
}

/// A control that reopens the banner after the choice: the one the tool's rule names, else one whose text says so.
async fn reopen_control(visit: &VisitContext, plan: &ConsentPlan, top: &Value) -> Option<Control> {
    if let Some(by_rule) = control(top.get("reopen_by_rule")) {
        return Some(by_rule);
    }
    let texts = top.get("page_controls").and_then(Value::as_array)?;
    let (index, text) = texts
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.as_str().map(|t| (i, t)))
        .find(|(_, t)| plan.reader().is_reopen(t))?;
    let found = evaluate(
        visit,
        Where(None),
        &plan.expression(
            "describe_page_control",
            GENERIC,
            &serde_json::json!({ "index": index, "text": text }),
        ),
    )
    .await;
    control(found.as_ref())
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
    let found = evaluate(
        visit,
        Where(None),
        &plan.expression("detect", GENERIC, &Value::Null),
    )
    .await;
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

/// Finds the banner: the known tool's, where its rule says; when the rule yields no banner with controls
/// there, the generic finder over the top document and every frame. Returns the banner and the prompts set
/// aside as not consent notices.
async fn find_banner(
    visit: &VisitContext,
    plan: &ConsentPlan,
    tool: Option<&ConsentTool>,
) -> (Option<Banner>, Vec<String>) {
    let reader = plan.reader();
    let mut without_controls = None;
    if let Some(tool) = tool {
        let place = match &tool.first_layer.frame_url {
            Some(part) => {
                let frame = frame_urls(visit)
                    .await
                    .into_iter()
                    .find(|(_, u)| u.contains(part.as_str()));
                match frame {
                    Some((id, _)) => isolated_world(visit, &id).await.map(|c| Where(Some(c))),
                    None => None,
                }
            }
            None => Some(Where(None)),
        };
        if let Some(place) = place
            && let Some(banner) =
                inspect(visit, plan, &tool.id, place, Value::Null, Vec::new()).await
        {
            let usable = [ControlRole::Accept, ControlRole::Reject]
                .into_iter()
                .any(|role| pick(&banner.controls, role, reader).is_some());
            if usable {
                return (Some(banner), Vec::new());
            }
            without_controls = Some(banner);
        }
    }
    let mut places = vec![Where(None)];
    for (id, _) in frame_urls(visit).await.into_iter().skip(1) {
        if let Some(ctx) = isolated_world(visit, &id).await {
            places.push(Where(Some(ctx)));
        }
    }
    let mut set_aside = Vec::new();
    let mut generic: Option<(Banner, i32)> = None;
    for place in places {
        let listed = evaluate(
            visit,
            place,
            &plan.expression("candidates", GENERIC, &Value::Null),
        )
        .await
        .and_then(|v| serde_json::from_value::<Vec<Candidate>>(v).ok())
        .unwrap_or_default();
        let (best, aside) = notice::choose(&listed, reader);
        set_aside.extend(aside);
        let Some((candidate, verdict)) = best else {
            continue;
        };
        if generic
            .as_ref()
            .is_some_and(|(_, score)| *score >= verdict.score)
        {
            continue;
        }
        let spec = serde_json::json!({ "candidate": candidate.index, "text": candidate.text });
        if let Some(banner) =
            inspect(visit, plan, GENERIC, place, spec, verdict.signals.clone()).await
        {
            generic = Some((banner, verdict.score));
        }
    }
    (generic.map(|(b, _)| b).or(without_controls), set_aside)
}

/// Reads a first layer: its text, controls and pre-ticked purposes.
async fn inspect(
    visit: &VisitContext,
    plan: &ConsentPlan,
    engine: &str,
    place: Where,
    spec: Value,
    signals: Vec<String>,
) -> Option<Banner> {
    let found = evaluate(visit, place, &plan.expression("inspect", engine, &spec)).await?;
    if found.get("found").and_then(Value::as_bool) != Some(true) {
        return None;
    }
    let controls = found
        .get("controls")
        .cloned()
        .and_then(|v| serde_json::from_value::<Vec<Listed>>(v).ok())
        .unwrap_or_default();
    let pre_ticked = found
        .get("pre_ticked")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Some(Banner {
        engine: engine.to_string(),
        place,
        spec,
        text: found
            .get("text")
            .and_then(Value::as_str)
            .map(str::to_string),
        controls,
        pre_ticked,
        signals,
    })
}

/// Clicks accept, or reject (on the first layer, else through the settings layer: reject there, or save
/// with every purpose switched off). Returns the control and the layer.
async fn click(
    visit: &VisitContext,
    plan: &ConsentPlan,
    banner: &Banner,
    choice: ConsentMode,
) -> (Option<Control>, &'static str) {
    let reader = plan.reader();
    let press = |layer: &'static str, target: Listed, untick: bool| async move {
        let mut spec = match &banner.spec {
            Value::Object(m) => Value::Object(m.clone()),
            _ => serde_json::json!({}),
        };
        spec["layer"] = layer.into();
        spec["control"] = target.index.into();
        spec["control_text"] = target.control.text.clone().into();
        spec["untick"] = untick.into();
        let answer = evaluate(
            visit,
            banner.place,
            &plan.expression("click", &banner.engine, &spec),
        )
        .await?;
        if answer.get("clicked").and_then(Value::as_bool) == Some(true) {
            control(answer.get("control"))
        } else {
            None
        }
    };
    let first = |role| pick(&banner.controls, role, reader).cloned();
    if choice == ConsentMode::Accept {
        return match first(ControlRole::Accept) {
            Some(c) => (press("first", c, false).await, "first"),
            None => (None, "first"),
        };
    }
    if let Some(c) = first(ControlRole::Reject) {
        return (press("first", c, false).await, "first");
    }
    let Some(settings) = first(ControlRole::Settings) else {
        return (None, "first");
    };
    if press("first", settings, false).await.is_none() {
        return (None, "first");
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    let second = evaluate(
        visit,
        banner.place,
        &plan.expression("inspect_second", &banner.engine, &banner.spec),
    )
    .await
    .and_then(|v| v.get("controls").cloned())
    .and_then(|v| serde_json::from_value::<Vec<Listed>>(v).ok())
    .unwrap_or_default();
    if let Some(c) = pick(&second, ControlRole::Reject, reader).cloned() {
        return (press("second", c, false).await, "second");
    }
    match pick(&second, ControlRole::Save, reader).cloned() {
        Some(c) => (press("second", c, true).await, "second"),
        None => (None, "second"),
    }
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
            .filter(|n| t.state.cookies.iter().any(|p| wildcard_matches(p, n)))
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
