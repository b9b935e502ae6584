//! What the static sweep's HTML names, matched against the rules: the trackers and services it names as
//! sources, and the vendors' tag ids in its inline scripts and source addresses. These are facts of the
//! HTML, never requests that were sent.

use serde::{Deserialize, Serialize};

use crate::observe::{Engine, Observation, Referenced};
use crate::rules::filter_lists::ListMatch;
use crate::rules::{Attribution, Category, RuleSet, registrable_domain};

/// A tracker or service the page's HTML names as a source (static sweep).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReferencedTracker {
    /// Vendor slug (`unknown` for a list-only match without an owner).
    pub vendor: String,
    /// The receiving company.
    pub company: String,
    /// Rule id, or `list:<domain>`.
    pub rule: String,
    /// Category of the rule (or the list's).
    pub category: Category,
    /// True when the host is not the site's own registrable domain.
    pub third_party: bool,
    /// Always `static`: the engine that read it.
    pub engine: Engine,
    /// The filter list and filter, when only a list knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<ListMatch>,
    /// The addresses, with the element that names each.
    pub sources: Vec<Referenced>,
}

/// A vendor's tag id found in the page (static sweep).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TagId {
    /// Vendor slug.
    pub vendor: String,
    /// The tag rule (`meta-pixel-id`).
    pub rule: String,
    /// What the id is, in words.
    pub names: String,
    /// The id.
    pub id: String,
    /// Where: `inline script`, `inline script held back until consent`, or `<element> address`.
    pub found_in: String,
    /// Always `static`: the engine that read it.
    pub engine: Engine,
}

/// The trackers and services the static sweep's HTML names, grouped by vendor and rule.
pub(super) fn referenced(
    observation: &Observation,
    rules: &RuleSet,
    site_domain: &str,
) -> Vec<ReferencedTracker> {
    let Some(page) = &observation.static_page else {
        return Vec::new();
    };
    let mut out: Vec<ReferencedTracker> = Vec::new();
    for source in &page.referenced {
        let Ok(url) = url::Url::parse(&source.url) else {
            continue;
        };
        let resource_type = match source.element.trim_start_matches("noscript ") {
            "script" => "Script",
            "img" => "Image",
            "iframe" | "frame" => "Document",
            "link" => "Stylesheet",
            "video" | "audio" | "source" => "Media",
            _ => "Other",
        };
        let Some(attribution) = rules.attribute(&url, &observation.visit.url, resource_type) else {
            continue;
        };
        let (vendor, company, rule, category, list) = match attribution {
            Attribution::Rule(hit) => (
                hit.vendor.vendor.clone(),
                hit.vendor.company.clone(),
                hit.rule_id(),
                hit.category(),
                None,
            ),
            Attribution::List(found) => (
                found.vendor(),
                found.company(),
                found.rule_id(),
                found.category,
                Some(found.matched),
            ),
        };
        match out
            .iter_mut()
            .find(|t| t.vendor == vendor && t.rule == rule)
        {
            Some(t) => t.sources.push(source.clone()),
            None => out.push(ReferencedTracker {
                vendor,
                company,
                rule,
                category,
                third_party: url
                    .host_str()
                    .is_some_and(|h| registrable_domain(h) != site_domain),
                engine: Engine::Static,
                list,
                sources: vec![source.clone()],
            }),
        }
    }
    out
}

/// The vendor tag ids in the static sweep's inline scripts and source addresses, once each.
pub(super) fn tag_ids(observation: &Observation, rules: &RuleSet) -> Vec<TagId> {
    let Some(page) = &observation.static_page else {
        return Vec::new();
    };
    let scripts = page.inline_scripts.iter().map(|s| {
        let place = if s.held_back {
            "inline script held back until consent".to_string()
        } else {
            "inline script".to_string()
        };
        (s.text.as_str(), place)
    });
    let sources = page
        .referenced
        .iter()
        .map(|r| (r.url.as_str(), format!("{} address", r.element)));
    let mut out: Vec<TagId> = Vec::new();
    for (text, place) in scripts.chain(sources) {
        for found in rules.tag_ids(text) {
            if out.iter().any(|t| {
                t.vendor == found.vendor.vendor && t.rule == found.rule.id && t.id == found.id
            }) {
                continue;
            }
            out.push(TagId {
                vendor: found.vendor.vendor.clone(),
                rule: found.rule.id.clone(),
                names: found.rule.names.clone(),
                id: found.id,
                found_in: place.clone(),
                engine: Engine::Static,
            });
        }
    }
    out
}
