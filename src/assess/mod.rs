//! Assessment: turns one site's observations, detections, consent results and classifications into
//! findings (shared/FINDINGS.md), each with its evidence, legal basis and a plain explanation in Dutch and
//! English. pixelaudit says "likely unlawful" or "needs review"; the judgement belongs to a regulator.
//!
//! One finding per (site, id, vendor), listing every page and mode where it occurred.

mod explain;
mod leak;

use std::collections::BTreeMap;

use crate::detect::{Phase, Tracker, TrackerRequest};
use crate::observe::ConsentMode;
use crate::results::{
    Finding, Occurrence, PageReport, SectorSummary, SiteReport, SiteSummary, VendorReach,
};
use crate::rules::{Catalogue, FindingText, Rules, Severity};

/// Findings this release does not assess, with the reason; listed in every report.
pub const NOT_ASSESSED: &[(&str, &str)] = &[
    (
        "F06",
        "legitimate-interest claims are not read from consent tools yet",
    ),
    ("F16", "needs test credentials for a logged-in area"),
    ("F17", "cookie and privacy notices are not read yet"),
];

/// The categories whose requests count as tracking.
fn is_tracking(t: &Tracker) -> bool {
    t.third_party
        && matches!(
            t.category.as_str(),
            "advertising" | "social" | "analytics" | "session-replay"
        )
}

/// Assesses one site.
pub fn assess(site: &SiteReport, rules: &Rules) -> (Vec<Finding>, SiteSummary) {
    let catalogue = &rules.findings;
    let mut found = Found::new(catalogue);
    for page in &site.pages {
        let medical = page.medical.as_ref().is_some_and(|m| m.is_medical);
        for tracker in page.trackers.iter().filter(|t| is_tracking(t)) {
            for request in &tracker.requests {
                requests_findings(&mut found, page, tracker, request, medical, site);
            }
        }
        if page.mode == ConsentMode::Reject {
            for c in page
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
                    .is_some_and(|v| {
                        v.categories.iter().any(|cat| {
                            matches!(
                                cat.as_str(),
                                "advertising" | "analytics" | "session-replay" | "social"
                            )
                        })
                    });
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
                            None,
                        ),
                    );
                }
            }
        }
        if matches!(page.mode, ConsentMode::None | ConsentMode::Reject) {
            for plugin in &page.social_plugins {
                let severity_up = medical;
                found.add(
                    "F15",
                    Some(&plugin.vendor),
                    Some(&plugin.rule),
                    severity_up,
                    occurrence(
                        page,
                        None,
                        vec![format!("GET {}", plugin.url)],
                        vec![],
                        vec![],
                        None,
                    ),
                );
            }
        }
        leak_findings(&mut found, page);
        for d in &page.disguised {
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
                    None,
                ),
            );
        }
    }
    banner_findings(&mut found, site);
    let findings = found.finish(site, catalogue);
    let summary = summarise(site, &findings);
    (findings, summary)
}

/// F13 and F14: typed form values or the searched health term in what a third party received.
fn leak_findings(found: &mut Found, page: &PageReport) {
    let needles: Vec<(String, Vec<String>)> = page
        .form_values
        .iter()
        .map(|v| (v.clone(), leak::encodings(v)))
        .collect();
    // A typed value is leaked to whichever third party receives it, tracker or not.
    for tracker in page
        .trackers
        .iter()
        .chain(&page.services)
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
                    Some(leaked.join("; ")),
                );
                found.add("F13", Some(&tracker.vendor), Some(&tracker.rule), false, o);
            }
            if let Some(term) = &page.search_term
                && leak::contains_term(&haystack, term)
            {
                let o = occurrence(
                    page,
                    Some(request.phase),
                    vec![format!("{} {}", request.method, request.url)],
                    vec![],
                    vec![term.clone()],
                    Some(format!("searched for \"{term}\"")),
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
    let base = |detail: Option<String>| {
        occurrence(
            page,
            Some(request.phase),
            proof.clone(),
            vec![],
            request.health_terms.clone(),
            detail,
        )
    };
    let vendor = Some(tracker.vendor.as_str());
    let rule = Some(tracker.rule.as_str());
    if tracker.kind == "tracker" {
        match (page.mode, request.phase) {
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
    if !medical || tracker.kind == "script" {
        return;
    }
    let carries_page = request
        .received
        .page_url
        .as_deref()
        .is_some_and(|u| same_page(u, &page.url))
        || request
            .received
            .referrer
            .as_deref()
            .is_some_and(|u| same_page(u, &page.url))
        || !request.health_terms.is_empty();
    if !carries_page {
        return;
    }
    found.add("F10", vendor, rule, false, base(received_summary(request)));
    match page.mode {
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
        .map(|p| p.url.clone())
        .unwrap_or_else(|| site.url.clone());
    let at = |detail: String| Occurrence {
        page: first_page.clone(),
        mode: ConsentMode::None,
        detail: Some(detail),
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
    detail: Option<String>,
) -> Occurrence {
    Occurrence {
        page: page.url.clone(),
        mode: page.mode,
        phase,
        requests,
        cookies,
        health_terms,
        detail,
    }
}

/// Two URLs name the same page (scheme, host, path; fragment, query order and a trailing slash aside).
fn same_page(a: &str, b: &str) -> bool {
    let key = |u: &str| {
        url::Url::parse(u).ok().map(|u| {
            format!(
                "{}{}",
                u.host_str().unwrap_or_default(),
                u.path().trim_end_matches('/')
            )
        })
    };
    key(a).is_some() && key(a) == key(b)
}

/// Findings under construction, keyed by (id, vendor).
struct Found<'c> {
    catalogue: &'c Catalogue,
    findings: Vec<Finding>,
}

impl<'c> Found<'c> {
    fn new(catalogue: &'c Catalogue) -> Self {
        Found {
            catalogue,
            findings: Vec::new(),
        }
    }

    fn add(
        &mut self,
        id: &str,
        vendor: Option<&str>,
        rule: Option<&str>,
        raise: bool,
        occurrence: Occurrence,
    ) {
        self.push(id, vendor, rule, raise, false, occurrence);
    }

    fn add_review(
        &mut self,
        id: &str,
        vendor: Option<&str>,
        rule: Option<&str>,
        occurrence: Occurrence,
    ) {
        self.push(id, vendor, rule, false, true, occurrence);
    }

    fn push(
        &mut self,
        id: &str,
        vendor: Option<&str>,
        rule: Option<&str>,
        raise: bool,
        review: bool,
        occurrence: Occurrence,
    ) {
        let Some(entry) = self.catalogue.entry(id) else {
            return;
        };
        let severity = if raise && entry.critical_on_medical_page {
            Severity::Critical
        } else {
            entry.severity
        };
        let existing = self
            .findings
            .iter_mut()
            .find(|f| f.id == id && f.vendor.as_deref() == vendor);
        let finding = match existing {
            Some(f) => f,
            None => {
                self.findings.push(Finding {
                    id: id.to_string(),
                    severity: entry.severity,
                    needs_review: entry.needs_review || review,
                    vendor: vendor.map(str::to_string),
                    rule: rule.map(str::to_string),
                    title: entry.title.clone(),
                    explanation: FindingText::default(),
                    legal_basis: entry.legal_basis.clone(),
                    occurrences: Vec::new(),
                });
                self.findings.last_mut().expect("just pushed")
            }
        };
        finding.severity = finding.severity.max(severity);
        // A finding proven in some modes without review needs none.
        finding.needs_review = finding.needs_review && (review || entry.needs_review);
        if !finding.occurrences.iter().any(|o| {
            o.page == occurrence.page && o.mode == occurrence.mode && o.phase == occurrence.phase
        }) {
            finding.occurrences.push(occurrence);
        } else if let Some(o) = finding.occurrences.iter_mut().find(|o| {
            o.page == occurrence.page && o.mode == occurrence.mode && o.phase == occurrence.phase
        }) {
            for r in occurrence.requests {
                if !o.requests.contains(&r) {
                    o.requests.push(r);
                }
            }
            for t in occurrence.health_terms {
                if !o.health_terms.contains(&t) {
                    o.health_terms.push(t);
                }
            }
            if let Some(more) = occurrence.detail {
                match &mut o.detail {
                    Some(d) => {
                        for part in more.split("; ") {
                            if !d.split("; ").any(|p| p == part) {
                                d.push_str("; ");
                                d.push_str(part);
                            }
                        }
                    }
                    None => o.detail = Some(more),
                }
            }
        }
    }

    fn finish(mut self, site: &SiteReport, catalogue: &Catalogue) -> Vec<Finding> {
        for f in self.findings.iter_mut() {
            let company = f
                .vendor
                .as_ref()
                .and_then(|v| {
                    site.pages
                        .iter()
                        .flat_map(|p| p.trackers.iter().chain(&p.services))
                        .find(|t| &t.vendor == v)
                        .map(|t| t.company.clone())
                })
                .or_else(|| f.vendor.clone())
                .unwrap_or_else(|| site.name.clone());
            f.explanation = explain::explain(
                catalogue,
                &f.id,
                &company,
                f.vendor.as_deref().unwrap_or(""),
                &f.occurrences[0],
            );
        }
        self.findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.id.cmp(&b.id))
                .then(a.vendor.cmp(&b.vendor))
        });
        self.findings
    }
}

fn summarise(site: &SiteReport, findings: &[Finding]) -> SiteSummary {
    let mut by_severity = BTreeMap::new();
    for f in findings {
        *by_severity
            .entry(f.severity.as_str().to_string())
            .or_insert(0) += 1;
    }
    let mut medical: Vec<&str> = site
        .pages
        .iter()
        // A site-search results page is pixelaudit's own probe (F14), not one of the site's pages.
        .filter(|p| p.search_term.is_none() && p.medical.as_ref().is_some_and(|m| m.is_medical))
        .map(|p| p.url.as_str())
        .collect();
    medical.sort();
    medical.dedup();
    // As for medical_pages: the site's own pages, not the search pixelaudit typed (that is F14).
    let searches: Vec<&str> = site
        .pages
        .iter()
        .filter(|p| p.search_term.is_some())
        .map(|p| p.url.as_str())
        .collect();
    let mut vendors: Vec<String> = findings
        .iter()
        .filter(|f| f.id == "F10")
        .filter(|f| {
            f.occurrences
                .iter()
                .any(|o| !searches.contains(&o.page.as_str()))
        })
        .filter_map(|f| f.vendor.clone())
        .collect();
    vendors.sort();
    vendors.dedup();
    SiteSummary {
        findings_by_severity: by_severity,
        medical_pages: medical.len(),
        vendors_receiving_medical_pages: vendors,
    }
}

/// Counts vendors and findings over a sector's sites.
pub fn sector_summary(sites: &[SiteReport]) -> SectorSummary {
    let mut reach: BTreeMap<String, VendorReach> = BTreeMap::new();
    for site in sites {
        let mut seen: BTreeMap<&str, [bool; 4]> = BTreeMap::new();
        for page in &site.pages {
            // The site's own medical pages; a search pixelaudit typed is counted by F14 instead.
            let medical =
                page.search_term.is_none() && page.medical.as_ref().is_some_and(|m| m.is_medical);
            for t in page.trackers.iter().filter(|t| is_tracking(t)) {
                let flags = seen.entry(t.vendor.as_str()).or_default();
                flags[0] = true;
                flags[1] |= medical;
                flags[2] |= page.mode == ConsentMode::None;
                flags[3] |= page.mode == ConsentMode::Reject;
            }
        }
        for (vendor, flags) in seen {
            let r = reach
                .entry(vendor.to_string())
                .or_insert_with(|| VendorReach {
                    vendor: vendor.to_string(),
                    ..VendorReach::default()
                });
            r.sites += flags[0] as usize;
            r.sites_on_medical_pages += flags[1] as usize;
            r.sites_without_consent += flags[2] as usize;
            r.sites_after_reject += flags[3] as usize;
        }
    }
    let mut vendors: Vec<VendorReach> = reach.into_values().collect();
    vendors.sort_by(|a, b| b.sites.cmp(&a.sites).then(a.vendor.cmp(&b.vendor)));
    SectorSummary {
        sites: sites.len(),
        sites_with_findings: sites.iter().filter(|s| !s.findings.is_empty()).count(),
        sites_with_critical_findings: sites
            .iter()
            .filter(|s| s.findings.iter().any(|f| f.severity == Severity::Critical))
            .count(),
        vendors,
    }
}
