//! What each section of a site in report.html shows, as plain data for the template: the banner and its
//! screenshots, the findings with their evidence, third-party cookies and services, the pages visited.
//! Only views are built here; the words around them are in `labels.toml`, the layout in the template.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::evidence::{RequestView, embed_png, request_view};
use super::labels::{Labels, in_lang, word};
use crate::results::Finding;
use crate::results::{PageReport, SiteReport};
use crate::rules::Severity;

/// Occurrences shown per finding; the rest are counted (all are in report.json and findings.csv).
const OCCURRENCES_SHOWN: usize = 5;
/// Requests cited per occurrence.
const REQUESTS_SHOWN: usize = 3;

#[derive(Serialize)]
pub(super) struct SiteView {
    anchor: String,
    name: String,
    url: String,
    sector: Option<String>,
    pages: usize,
    failed: usize,
    medical_pages: usize,
    critical: usize,
    high: usize,
    medium: usize,
    info: usize,
    vendors_medical: Vec<String>,
    consent_tool: Option<String>,
    /// How the tool and its banner were recognised (for the generic finder: the signals that decided).
    detected_by: Option<String>,
    /// Prompts set aside as not consent notices.
    set_aside: Vec<String>,
    banner_found: bool,
    screenshots: Vec<ScreenshotView>,
    findings: Vec<FindingView>,
    cookies: Vec<CookieView>,
    services: Vec<ServiceView>,
    visited: Vec<PageView>,
    robots: String,
    /// Per consent mode that stopped early: why.
    gave_up: Vec<String>,
}

#[derive(Serialize)]
struct ScreenshotView {
    caption: String,
    data_uri: Option<String>,
}

#[derive(Serialize)]
struct FindingView {
    id: String,
    severity: String,
    needs_review: bool,
    vendor: Option<String>,
    title: String,
    explanation: String,
    legal_basis: Vec<String>,
    occurrences: Vec<OccurrenceView>,
    more: usize,
}

#[derive(Serialize)]
struct OccurrenceView {
    page: String,
    mode: String,
    phase: Option<String>,
    details: Vec<String>,
    requests: Vec<RequestView>,
    cookies: Vec<String>,
}

/// A third-party service the site uses that does not track by the rules (consent tool, CDN, fonts).
#[derive(Serialize)]
struct ServiceView {
    vendor: String,
    company: String,
    purpose: String,
    hosts: String,
    requests: usize,
    modes: String,
}

#[derive(Serialize)]
struct CookieView {
    domain: String,
    name: String,
    vendor: Option<String>,
    expires: String,
    http_only: bool,
    modes: String,
}

#[derive(Serialize)]
struct PageView {
    mode: String,
    url: String,
    status: String,
    medical: Option<bool>,
    score: Option<f64>,
    terms: Vec<String>,
    vendors: Vec<String>,
}

/// The view of site number `index` (from 0) in `lang`; screenshots are read from `dir`.
pub(super) fn site_view(
    index: usize,
    site: &SiteReport,
    dir: &Path,
    lang: &str,
    t: &Labels,
) -> SiteView {
    let by_severity = &site.summary.findings_by_severity;
    let count = |severity: &str| by_severity.get(severity).copied().unwrap_or(0);
    // The banner before the first click, then the page after it.
    let captions = [word(t, "shot_first"), word(t, "shot_after")];
    let screenshots = site
        .consent
        .screenshots
        .iter()
        .take(2)
        .zip(captions)
        .map(|(path, caption)| ScreenshotView {
            caption: caption.to_string(),
            data_uri: embed_png(dir, path),
        })
        .collect();
    SiteView {
        anchor: format!("site-{}", index + 1),
        name: site.name.clone(),
        url: site.url.clone(),
        sector: site.sector.clone(),
        pages: site.pages.len(),
        failed: site
            .pages
            .iter()
            .filter(|p| p.visit.error.is_some())
            .count(),
        medical_pages: site.summary.medical_pages,
        critical: count(Severity::Critical.as_str()),
        high: count(Severity::High.as_str()),
        medium: count(Severity::Medium.as_str()),
        info: count(Severity::Info.as_str()),
        vendors_medical: site.summary.vendors_receiving_medical_pages.clone(),
        consent_tool: site.consent.tool.clone(),
        detected_by: site.consent.detected_by.clone(),
        set_aside: site.consent.set_aside.clone(),
        banner_found: site.consent.banner_found,
        screenshots,
        findings: site
            .findings
            .iter()
            .map(|f| finding_view(site, f, lang))
            .collect(),
        cookies: cookie_views(site),
        services: service_views(site),
        visited: site.pages.iter().map(page_view).collect(),
        robots: site.crawl.robots_status.clone(),
        gave_up: site
            .crawl
            .frontiers
            .iter()
            .filter_map(|(mode, f)| f.gave_up.as_ref().map(|why| format!("{mode}: {why}")))
            .collect(),
    }
}

fn finding_view(site: &SiteReport, f: &Finding, lang: &str) -> FindingView {
    FindingView {
        id: f.id.clone(),
        severity: f.severity.to_string(),
        needs_review: f.needs_review,
        vendor: f.vendor.clone(),
        title: in_lang(&f.title, lang).to_string(),
        explanation: in_lang(&f.explanation, lang).to_string(),
        legal_basis: f.legal_basis.clone(),
        occurrences: f
            .occurrences
            .iter()
            .take(OCCURRENCES_SHOWN)
            .map(|o| OccurrenceView {
                page: o.page.clone(),
                mode: o.mode.as_str().into(),
                phase: o.phase.map(|p| p.as_str().into()),
                details: o.details.clone(),
                requests: o
                    .requests
                    .iter()
                    .take(REQUESTS_SHOWN)
                    .map(|line| request_view(site, &o.page, o.mode, line, &o.health_terms))
                    .collect(),
                cookies: o.cookies.clone(),
            })
            .collect(),
        more: f.occurrences.len().saturating_sub(OCCURRENCES_SHOWN),
    }
}

/// Third-party cookies, one row per domain and name over all visits, with the modes that saw them.
fn cookie_views(site: &SiteReport) -> Vec<CookieView> {
    let mut cookies: BTreeMap<(String, String), CookieView> = BTreeMap::new();
    for page in &site.pages {
        for c in page.detected.cookies.iter().filter(|c| c.third_party) {
            let entry = cookies
                .entry((c.domain.clone(), c.name.clone()))
                .or_insert_with(|| CookieView {
                    domain: c.domain.clone(),
                    name: c.name.clone(),
                    vendor: c.vendor.clone(),
                    expires: c.expires.clone().unwrap_or_else(|| "session".into()),
                    http_only: c.http_only,
                    modes: String::new(),
                });
            add_word(&mut entry.modes, page.visit.mode.as_str());
        }
    }
    cookies.into_values().collect()
}

/// Third-party services, one row per vendor and purpose over all visits.
fn service_views(site: &SiteReport) -> Vec<ServiceView> {
    let mut services: BTreeMap<(String, String), ServiceView> = BTreeMap::new();
    for page in &site.pages {
        for t in page.detected.services.iter().filter(|t| t.third_party) {
            let entry = services
                .entry((t.vendor.clone(), t.category.to_string()))
                .or_insert_with(|| ServiceView {
                    vendor: t.vendor.clone(),
                    company: t.company.clone(),
                    purpose: t.category.to_string(),
                    hosts: String::new(),
                    requests: 0,
                    modes: String::new(),
                });
            entry.requests += t.requests.len();
            for host in t
                .requests
                .iter()
                .filter_map(|r| url::Url::parse(&r.url).ok()?.host_str().map(str::to_string))
            {
                add_word(&mut entry.hosts, &host);
            }
            add_word(&mut entry.modes, page.visit.mode.as_str());
        }
    }
    services.into_values().collect()
}

/// Appends `word` to a space-separated list unless it is there already.
fn add_word(list: &mut String, word: &str) {
    if !list.split(' ').any(|w| w == word) {
        if !list.is_empty() {
            list.push(' ');
        }
        list.push_str(word);
    }
}

fn page_view(p: &PageReport) -> PageView {
    let mut vendors: Vec<String> = p
        .detected
        .trackers
        .iter()
        .map(|t| t.vendor.clone())
        .collect();
    // A page of the static sweep: the tracking vendors its HTML names, and their tag ids.
    vendors.extend(
        p.detected
            .referenced
            .iter()
            .filter(|r| r.category.is_tracking())
            .map(|r| format!("{} (HTML)", r.vendor)),
    );
    vendors.extend(
        p.detected
            .tag_ids
            .iter()
            .map(|t| format!("{} {}", t.names, t.id)),
    );
    vendors.sort();
    vendors.dedup();
    let mut terms: Vec<String> = p
        .medical
        .as_ref()
        .map(|m| m.evidence.iter().map(|e| e.term.clone()).collect())
        .unwrap_or_default();
    terms.sort();
    terms.dedup();
    terms.truncate(8);
    PageView {
        mode: match p.visit.engine {
            crate::observe::Engine::Static => "static".into(),
            crate::observe::Engine::Browser => p.visit.mode.as_str().into(),
        },
        url: p.visit.url.clone(),
        status: match (&p.visit.error, p.visit.status) {
            (Some(e), _) => e.clone(),
            (None, Some(s)) => s.to_string(),
            (None, None) => String::new(),
        },
        medical: p.medical.as_ref().map(|m| m.is_medical),
        score: p.medical.as_ref().map(|m| m.score),
        terms,
        vendors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_counts_come_from_the_site_summary() {
        let mut report = crate::report::test_report::sample();
        let t = super::super::labels::labels("en").unwrap();
        let view = site_view(0, &report.sites[0], Path::new("."), "en", &t);
        assert_eq!(
            [view.critical, view.high, view.medium, view.info],
            [2, 1, 1, 0]
        );
        // An info finding has a column of its own (there was a "low" column no finding could land in).
        let summary = &mut report.sites[0].summary.findings_by_severity;
        summary.insert("info".into(), 3);
        let view = site_view(0, &report.sites[0], Path::new("."), "en", &t);
        assert_eq!(view.info, 3);
        assert_eq!((view.pages, view.failed, view.medical_pages), (2, 1, 1));
    }
}
