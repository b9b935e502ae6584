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
use super::screenshot::save_screenshot;
use super::script::{self, World, command};
use super::settle_after_action;
use crate::observe::{ConsentClick, ConsentMode, ConsentObservation, Control};
use crate::rules::consent::{ConsentRules, ConsentTool, ControlReader, ControlRole};
use crate::rules::{host_matches, wildcard_matches};
use banner::{detect_tool, find_banner};
use choice::{cookie_keys, stored_choice};

#[path = "consent_banner.rs"]
mod banner;
#[path = "consent_choice.rs"]
mod choice;

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
    place: World,
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

    // Banners often appear a moment after load: look a few times. A page with no consent tool (no
    // script, frame, global or element of one) and nothing dialog-like on it, twice, has no banner
    // coming: looking on would cost every site without a banner a second on its first page.
    let mut found = None;
    let mut empty_looks = 0;
    for attempt in 0..plan.attempts {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
        let look = find_banner(visit, plan, tool.as_ref()).await;
        seen.set_aside = look.set_aside;
        found = look.banner;
        if found.is_some() {
            break;
        }
        if tool.is_none() && look.candidates == 0 {
            empty_looks += 1;
            if empty_looks == 2 {
                break;
            }
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
        World(None),
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
    let local_storage = strings(top.as_ref().and_then(|s| s.get("local_storage")));
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
            World(None),
            &plan.expression("tcf", GENERIC, &Value::Null),
        )
        .await
        .and_then(|v| serde_json::from_value(v).ok());
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
        World(None),
        &plan.expression(
            "describe_page_control",
            GENERIC,
            &serde_json::json!({ "index": index, "text": text }),
        ),
    )
    .await;
    control(found.as_ref())
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
    command(
        &visit.page,
        "Page.createIsolatedWorld",
        serde_json::json!({ "frameId": frame_id, "worldName": "pixelaudit-consent" }),
    )
    .await
    .ok()
    .and_then(|a| a.get("executionContextId").and_then(Value::as_i64))
}

/// Runs the consent engine's `expression` in `place`; `None` when it threw, returned nothing, or the
/// frame did not answer within 5 s (a banner frame may be gone or frozen).
pub(super) async fn evaluate(
    visit: &VisitContext,
    place: World,
    expression: &str,
) -> Option<Value> {
    tokio::time::timeout(
        Duration::from_secs(5),
        script::evaluate::<Value>(&visit.page, place, expression),
    )
    .await
    .ok()?
    .ok()?
}

fn control(v: Option<&Value>) -> Option<Control> {
    v.filter(|v| !v.is_null())
        .and_then(|v| serde_json::from_value(v.clone()).ok())
}

/// The strings of a JSON array the consent engine returned; none for anything else.
fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
