//! Assessment: turns one site's observations, detections, consent results and classifications into
//! findings (shared/FINDINGS.md), each with its evidence, legal basis and a plain explanation in Dutch and
//! English. pixelaudit says "likely unlawful" or "needs review"; the judgement belongs to a regulator.
//!
//! One finding per (site, id, vendor), listing every page and mode where it occurred.

mod explain;
mod found;
pub mod handoff;
mod leak;
mod legitimate_interest;
mod summary;

use crate::detect::{Phase, Tracker, TrackerRequest, same_page};
use crate::observe::ConsentMode;
use crate::results::{Finding, Occurrence, PageReport, SiteReport, SiteSummary};
use crate::rules::{EndpointKind, Rules};
use found::Found;
pub use summary::sector_summary;
use summary::summarise;

/// Findings this release does not assess, with the reason; listed in every report.
pub const NOT_ASSESSED: &[(&str, &str)] = &[
    ("F16", "needs test credentials for a logged-in area"),
    ("F17", "cookie and privacy notices are not read yet"),
];

/// A third-party tracker whose requests make findings (its category profiles visitors).
pub(super) fn is_tracking(t: &Tracker) -> bool {
    t.third_party && t.category.profiles_visitors()
}

/// Assesses one site.
pub fn assess(site: &SiteReport, rules: &Rules) -> (Vec<Finding>, SiteSummary) {
    let catalogue = &rules.findings;
    let mut found = Found::new(catalogue);
    for page in &site.pages {
        let medical = page.medical.as_ref().is_some_and(|m| m.is_medical);
        for tracker in page.detected.trackers.iter().filter(|t| is_tracking(t)) {
            for request in &tracker.requests {
                requests_findings(&mut found, page, tracker, request, medical, site);
            }
        }
        if page.visit.mode == ConsentMode::Reject {
            for c in page
                .detected
                .cookies
                .iter()
                .filter(|c| c.phase == Phase::AfterChoice)
            {
                let Some(vendor) = &c.vendor else { continue };
                // The cookie that stores the choice itself is what "necessary only" allows.
                if rules.consent.tools.iter().any(|t| {
                    t.state
                        .cookies
                        .iter()
                        .any(|p| crate::rules::wildcard_matches(p, &c.name))
                }) {
                    continue;
                }
                let tracking = rules
                    .trackers
                    .vendors()
                    .iter()
                    .find(|v| &v.vendor == vendor)
                    .is_some_and(|v| v.categories.iter().any(|cat| cat.profiles_visitors()))
                    || c.owner_category.is_some_and(|cat| cat.profiles_visitors());
                if tracking {
                    found.add(
                        "F07",
                        Some(vendor),
                        None,
                        false,
                        occurrence(
                            page,
                            None,
                            vec![],
                            vec![format!("{} {}", c.domain, c.name)],
                            vec![],
                            vec![],
                        ),
                    );
                }
            }
        }
        if matches!(page.visit.mode, ConsentMode::None | ConsentMode::Reject) {
            for plugin in &page.detected.social_plugins {
                found.add(
                    "F15",
                    Some(&plugin.vendor),
                    Some(&plugin.rule),
                    medical,
                    occurrence(
                        page,
                        None,
                        vec![format!("GET {}", plugin.url)],
                        vec![],
                        vec![],
                        vec![],
                    ),
                );
            }
        }
        leak_findings(&mut found, page);
        for d in &page.detected.disguised {
            found.add(
                "F18",
                Some(&d.vendor),
                Some(&d.rule),
                false,
                occurrence(
                    page,
                    Some(d.phase),
                    vec![format!("{} {}", d.method, d.url)],
                    vec![],
                    vec![],
                    vec![],
                ),
            );
        }
    }
    banner_findings(&mut found, site);
    legitimate_interest::legitimate_interest_findings(&mut found, site, &rules.consent.tcf);
    let findings = found.finish(site, catalogue);
    let summary = summarise(site, &findings);
    (findings, summary)
}

/// F13 and F14: typed form values or the searched health term in what a third party received.
fn leak_findings(found: &mut Found, page: &PageReport) {
    let needles: Vec<(String, Vec<String>)> = page
        .visit
        .form_values
        .iter()
        .map(|v| (v.clone(), leak::encodings(v)))
        .collect();
    // A typed value is leaked to whichever third party receives it, tracker or not.
    for tracker in page
        .detected
        .trackers
        .iter()
        .chain(&page.detected.services)
        .filter(|t| t.third_party)
    {
        for request in &tracker.requests {
            let haystack = leak::haystack(request);
            let leaked: Vec<String> = needles
                .iter()
                .filter_map(|(value, forms)| {
                    forms
                        .iter()
                        .find(|f| haystack.contains(f.as_str()))
                        .map(|f| leak::describe(value, f))
                })
                .collect();
            if !leaked.is_empty() {
                let o = occurrence(
                    page,
                    Some(request.phase),
                    vec![format!("{} {}", request.method, request.url)],
                    vec![],
                    vec![],
                    leaked,
                );
                found.add("F13", Some(&tracker.vendor), Some(&tracker.rule), false, o);
            }
            if let Some(term) = &page.visit.search_term
                && leak::contains_term(&haystack, term)
            {
                let o = occurrence(
                    page,
                    Some(request.phase),
                    vec![format!("{} {}", request.method, request.url)],
                    vec![],
                    vec![term.clone()],
                    vec![format!("searched for \"{term}\"")],
                );
                found.add("F14", Some(&tracker.vendor), Some(&tracker.rule), false, o);
            }
        }
    }
}

fn requests_findings(
    found: &mut Found,
    page: &PageReport,
    tracker: &Tracker,
    request: &TrackerRequest,
    medical: bool,
    site: &SiteReport,
) {
    let proof = vec![format!("{} {}", request.method, request.url)];
    // A tracker no vendor rule knows is named by the list and filter that flag it: that is its evidence.
    let listed = tracker.list.as_ref().map(|m| {
        let who = if tracker.vendor == crate::rules::UNKNOWN_VENDOR {
            format!(
                "vendor unknown, domain {}",
                tracker.rule.trim_start_matches("list:")
            )
        } else {
            format!("owner {} from the owner files", tracker.company)
        };
        format!(
            "not in the vendor rules ({who}): flagged by the filter list {}, filter `{}`{}",
            m.list,
            m.filter,
            m.line.map(|l| format!(" (line {l})")).unwrap_or_default()
        )
    });
    let base = |detail: Option<String>| {
        occurrence(
            page,
            Some(request.phase),
            proof.clone(),
            vec![],
            request.health_terms.clone(),
            listed.clone().into_iter().chain(detail).collect(),
        )
    };
    let vendor = Some(tracker.vendor.as_str());
    let rule = Some(tracker.rule.as_str());
    if tracker.kind == EndpointKind::Tracker {
        match (page.visit.mode, request.phase) {
            (ConsentMode::None, _) => {
                found.add("F01", vendor, rule, false, base(received_summary(request)))
            }
            (ConsentMode::Reject, Phase::AfterChoice) => found.add(
                "F02",
                vendor,
                rule,
                medical,
                base(received_summary(request)),
            ),
            _ => {}
        }
    }
    // Loading a vendor's script fetches code; the page address and event data travel in its payloads.
    if !medical || tracker.kind == EndpointKind::Script {
        return;
    }
    let carries_page = request
        .received
        .page_url
        .as_deref()
        .is_some_and(|u| same_page(u, &page.visit.url))
        || request
            .received
            .referrer
            .as_deref()
            .is_some_and(|u| same_page(u, &page.visit.url))
        || !request.health_terms.is_empty();
    if !carries_page {
        return;
    }
    found.add("F10", vendor, rule, false, base(received_summary(request)));
    match page.visit.mode {
        ConsentMode::None | ConsentMode::Reject => {
            found.add("F11", vendor, rule, false, base(received_summary(request)))
        }
        ConsentMode::Accept => {
            if !banner_asks_explicitly(site, &tracker.company) {
                found.add_review(
                    "F11",
                    vendor,
                    rule,
                    base(Some(
                        "after a generic 'accept all' that names no health data and no recipients"
                            .into(),
                    )),
                );
            }
        }
    }
    let identifiers: Vec<String> = request
        .received
        .identifiers
        .keys()
        .chain(request.received.hashed_user_data.keys())
        .cloned()
        .chain(request.cookies_sent.iter().map(|c| format!("cookie {c}")))
        .collect();
    if !identifiers.is_empty() {
        found.add(
            "F12",
            vendor,
            rule,
            false,
            base(Some(format!("identifiers: {}", identifiers.join(", ")))),
        );
    }
}

/// Whether the banner asked for explicit consent to health data for this recipient: it names health data and
/// the company.
fn banner_asks_explicitly(site: &SiteReport, company: &str) -> bool {
    let text = site
        .consent
        .banner_text
        .clone()
        .unwrap_or_default()
        .to_lowercase();
    let names_health = [
        "gezondheid",
        "medische",
        "bijzondere persoonsgegevens",
        "health",
        "medical",
        "special category",
        "gesundheit",
        "santé",
    ]
    .iter()
    .any(|w| text.contains(w));
    let first_word = company
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_lowercase();
    names_health && !first_word.is_empty() && text.contains(&first_word)
}

fn banner_findings(found: &mut Found, site: &SiteReport) {
    let consent = &site.consent;
    let first_page = site
        .pages
        .first()
        .map(|p| p.visit.url.clone())
        .unwrap_or_else(|| site.url.clone());
    let at = |detail: String| Occurrence {
        page: first_page.clone(),
        mode: ConsentMode::None,
        details: vec![detail],
        ..Occurrence::default()
    };
    if !consent.banner_found {
        return;
    }
    let (accept, reject) = (&consent.first_layer.accept, &consent.first_layer.reject);
    if let (Some(a), None) = (accept, reject) {
        found.add(
            "F03",
            None,
            None,
            false,
            at(format!("accept control \"{}\", no reject control", a.text)),
        );
    }
    if !consent.pre_ticked.is_empty() {
        found.add(
            "F04",
            None,
            None,
            false,
            at(format!("switched on: {}", consent.pre_ticked.join(", "))),
        );
    }
    if let (Some(a), Some(r)) = (accept, reject) {
        let link_vs_button = r.styled_as == "link" && a.styled_as == "button";
        let smaller = r.width * r.height * 2.0 < a.width * a.height;
        let paler = r.contrast < 3.0 && a.contrast >= 4.5;
        if link_vs_button || smaller || paler {
            found.add(
                "F05",
                None,
                None,
                false,
                at(format!(
                    "accept \"{}\" {} {}x{} contrast {}; reject \"{}\" {} {}x{} contrast {}",
                    a.text,
                    a.styled_as,
                    a.width,
                    a.height,
                    a.contrast,
                    r.text,
                    r.styled_as,
                    r.width,
                    r.height,
                    r.contrast
                )),
            );
        }
    }
    let accepted = consent
        .clicks
        .iter()
        .any(|c| c.mode == ConsentMode::Accept && c.effective);
    if accepted && consent.reopen_control.is_none() {
        let mut o = at("after accepting, no control reopened the banner".into());
        o.mode = ConsentMode::Accept;
        found.add("F08", None, None, false, o);
    }
    if let Some(wall) = &consent.cookie_wall {
        let mut o = at(format!("after reject: \"{wall}\""));
        o.mode = ConsentMode::Reject;
        found.add("F09", None, None, false, o);
    }
}

fn received_summary(r: &TrackerRequest) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(u) = &r.received.page_url {
        parts.push(format!("page address {u}"));
    }
    if let Some(t) = &r.received.title {
        parts.push(format!("title \"{t}\""));
    }
    if let Some(e) = &r.received.event {
        parts.push(format!("event {e}"));
    }
    for (k, v) in r.received.custom.iter().take(3) {
        parts.push(format!("{k}={}", v.chars().take(80).collect::<String>()));
    }
    if let Some((k, v)) = r.received.identifiers.iter().next() {
        parts.push(format!("{k}={v}"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn occurrence(
    page: &PageReport,
    phase: Option<Phase>,
    requests: Vec<String>,
    cookies: Vec<String>,
    health_terms: Vec<String>,
    details: Vec<String>,
) -> Occurrence {
    Occurrence {
        page: page.visit.url.clone(),
        mode: page.visit.mode,
        phase,
        requests,
        cookies,
        health_terms,
        details,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Classification;
    use crate::observe::{Observation, ObservedRequest, Visit};
    use crate::results::SiteConsent;
    use crate::rules::Severity;

    fn rules() -> Rules {
        Rules::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).unwrap()
    }

    /// A visit of `path` on www.zorg.nl in `mode` that sent a Meta pixel request at 100 ms, with the
    /// choice (if any) made at 50 ms; classified medical or not.
    fn page(rules: &Rules, path: &str, mode: ConsentMode, medical: bool) -> PageReport {
        let url = format!("https://www.zorg.nl{path}");
        let observation = Observation {
            visit: Visit {
                url: url.clone(),
                mode,
                choice_at_ms: (mode != ConsentMode::None).then_some(50),
                ..Visit::default()
            },
            requests: vec![ObservedRequest {
                id: "1".into(),
                url: format!(
                    "https://www.facebook.com/tr/?id=42&ev=PageView&dl={}",
                    url.replace(':', "%3A").replace('/', "%2F")
                ),
                method: "GET".into(),
                resource_type: "Image".into(),
                status: Some(200),
                time_ms: 100,
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut page = PageReport::new(
            &observation,
            crate::detect::detect(&observation, &rules.trackers, "zorg.nl"),
        );
        page.medical = Some(Classification {
            url,
            is_medical: medical,
            score: if medical { 9.0 } else { 0.0 },
            threshold: 6.0,
            language: "nl".into(),
            evidence: Vec::new(),
            text_topic: None,
            page_type: None,
        });
        page
    }

    fn site(pages: Vec<PageReport>) -> SiteReport {
        SiteReport {
            url: "https://www.zorg.nl/".into(),
            name: "Zorg".into(),
            sector: None,
            crawl: Default::default(),
            consent: SiteConsent::from_pages(&pages),
            findings: Vec::new(),
            summary: Default::default(),
            pages,
        }
    }

    fn ids(findings: &[Finding]) -> Vec<(&str, Severity)> {
        findings
            .iter()
            .map(|f| (f.id.as_str(), f.severity))
            .collect()
    }

    #[test]
    fn a_pixel_on_a_medical_page_before_consent_is_health_data_sent_to_a_third_party() {
        let rules = rules();
        let (findings, summary) = assess(
            &site(vec![page(
                &rules,
                "/vergoedingen/ivf",
                ConsentMode::None,
                true,
            )]),
            &rules,
        );
        let found = ids(&findings);
        // Tracking before consent, and health data with an identifier reaching Meta.
        assert!(found.contains(&("F01", Severity::High)), "{found:?}");
        assert!(found.contains(&("F10", Severity::Critical)), "{found:?}");
        assert!(found.contains(&("F12", Severity::Critical)), "{found:?}");
        assert_eq!(
            findings[0].severity,
            Severity::Critical,
            "gravest first: {found:?}"
        );
        let f10 = findings.iter().find(|f| f.id == "F10").unwrap();
        assert_eq!(f10.vendor.as_deref(), Some("meta"));
        assert!(
            f10.occurrences[0].requests[0].contains("facebook.com/tr"),
            "{f10:?}"
        );
        assert_eq!(summary.vendors_receiving_medical_pages, ["meta"]);
    }

    #[test]
    fn the_same_pixel_on_a_general_page_is_tracking_without_health_data() {
        let rules = rules();
        let (findings, summary) = assess(
            &site(vec![page(&rules, "/", ConsentMode::None, false)]),
            &rules,
        );
        let found = ids(&findings);
        assert!(found.iter().any(|(id, _)| *id == "F01"), "{found:?}");
        assert!(!found.iter().any(|(id, _)| *id == "F10"), "{found:?}");
        assert!(summary.vendors_receiving_medical_pages.is_empty());
    }

    #[test]
    fn a_pixel_after_reject_is_tracking_after_reject_once_for_all_its_pages() {
        let rules = rules();
        let (findings, _) = assess(
            &site(vec![
                page(&rules, "/", ConsentMode::Reject, false),
                page(&rules, "/contact", ConsentMode::Reject, false),
            ]),
            &rules,
        );
        let f02: Vec<&Finding> = findings.iter().filter(|f| f.id == "F02").collect();
        assert_eq!(f02.len(), 1, "{:?}", ids(&findings));
        assert_eq!(f02[0].occurrences.len(), 2, "{:?}", f02[0].occurrences);
    }
}
