//! Finding the banner: the consent tool a page runs (script hosts and paths, frame URLs, globals,
//! elements), its first layer where the tool's rule says, else the generic finder's best candidate over
//! the top document and every frame, and what that layer offers.

use super::*;

/// The consent tool a page runs, by script host or path, frame URL, global or element.
pub(super) async fn detect_tool(
    visit: &VisitContext,
    plan: &ConsentPlan,
) -> (Option<ConsentTool>, Option<String>) {
    let resources = evaluate(
        visit,
        World(None),
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
        World(None),
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
/// there, the generic finder over the top document and every frame.
pub(super) async fn find_banner(
    visit: &VisitContext,
    plan: &ConsentPlan,
    tool: Option<&ConsentTool>,
) -> Look {
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
                    Some((id, _)) => isolated_world(visit, &id).await.map(|c| World(Some(c))),
                    None => None,
                }
            }
            None => Some(World(None)),
        };
        if let Some(place) = place
            && let Some(banner) =
                inspect(visit, plan, &tool.id, place, Value::Null, Vec::new()).await
        {
            let usable = [ControlRole::Accept, ControlRole::Reject]
                .into_iter()
                .any(|role| pick(&banner.controls, role, reader).is_some());
            if usable {
                return Look {
                    banner: Some(banner),
                    set_aside: Vec::new(),
                    candidates: 1,
                };
            }
            without_controls = Some(banner);
        }
    }
    let mut places = vec![World(None)];
    for (id, _) in frame_urls(visit).await.into_iter().skip(1) {
        if let Some(ctx) = isolated_world(visit, &id).await {
            places.push(World(Some(ctx)));
        }
    }
    let mut set_aside = Vec::new();
    let mut candidates = 0;
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
        candidates += listed.len();
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
    Look {
        banner: generic.map(|(b, _)| b).or(without_controls),
        set_aside,
        candidates,
    }
}

/// What one look for the banner found.
pub(super) struct Look {
    /// The banner, if one is shown.
    pub banner: Option<Banner>,
    /// Prompts set aside as not consent notices.
    pub set_aside: Vec<String>,
    /// How many dialog-like elements the generic finder weighed, over all frames.
    pub candidates: usize,
}

/// Reads a first layer: its text, controls and pre-ticked purposes.
pub(super) async fn inspect(
    visit: &VisitContext,
    plan: &ConsentPlan,
    engine: &str,
    place: World,
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
    let pre_ticked = strings(found.get("pre_ticked"));
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
