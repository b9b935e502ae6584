//! A small hand-built report for the unit tests of the CSV and HTML output: one site whose pages, page
//! title, cookies, requests and banner carry what a hostile site would put there (markup, formulas,
//! quotes, commas, line breaks), so every test sees the same awkward input.

use std::collections::BTreeMap;

use crate::classify::Classification;
use crate::detect::{CookieFinding, Detections, Phase, Received, Tracker, TrackerRequest};
use crate::observe::{ConsentMode, Observation, Visit};
use crate::results::{
    Finding, Occurrence, PageReport, Report, SiteConsent, SiteReport, SiteSummary, ToolInfo,
};
use crate::rules::{Category, EndpointKind, FindingText, Severity};

/// Markup a site could put in anything it controls; it must come out of report.html as text.
pub const SCRIPT: &str = "<script>alert(\"pwned\")</script>";

fn text(nl: &str, en: &str) -> FindingText {
    FindingText {
        nl: nl.into(),
        en: en.into(),
    }
}

fn request(method: &str, url: &str, phase: Phase, received: Received) -> TrackerRequest {
    TrackerRequest {
        method: method.into(),
        url: url.into(),
        resource_type: "image".into(),
        post_data: Some(format!("ev=PageView&dl={SCRIPT}")),
        post_data_base64: false,
        status: Some(200),
        failure: None,
        time_ms: 120,
        phase,
        referer_header: None,
        cookies_sent: vec![],
        received,
        health_terms: vec!["ivf".into(), "fertiliteit".into()],
    }
}

fn finding(id: &str, severity: Severity, page: &str, line: &str) -> Finding {
    Finding {
        id: id.into(),
        severity,
        needs_review: id == "F03",
        vendor: Some("meta".into()),
        rule: Some("meta-pixel".into()),
        title: text(&format!("Titel {id}"), &format!("Title {id}")),
        explanation: text(&format!("Uitleg {id}"), &format!("Explanation {id}")),
        legal_basis: vec!["AVG art. 9".into(), "Tw art. 11.7a".into()],
        occurrences: vec![
            Occurrence {
                page: page.into(),
                mode: ConsentMode::None,
                phase: Some(Phase::BeforeChoice),
                requests: vec![line.into()],
                cookies: vec![format!(".shop.example {SCRIPT}")],
                health_terms: vec!["ivf".into()],
                details: vec![format!("banner button {SCRIPT}")],
            },
            Occurrence {
                page: page.into(),
                mode: ConsentMode::Reject,
                ..Occurrence::default()
            },
        ],
    }
}

/// The sample report: one site, two visits (one failed), a tracker, a service, two cookies, four findings
/// (critical ×2, high, medium).
pub fn sample() -> Report {
    let page_url = format!("https://zorg.example/ivf?q={SCRIPT}");
    let pixel = format!("https://www.facebook.com/tr?id=1&dl={page_url}");
    let received = Received {
        page_url: Some(page_url.clone()),
        title: Some(format!("=IVF-behandeling {SCRIPT}")),
        event: Some("PageView".into()),
        custom: BTreeMap::from([("content_name".into(), "IVF, \"vergoeding\"".into())]),
        identifiers: BTreeMap::from([("fbp".into(), "fb.1.123".into())]),
        ..Received::default()
    };
    let tracker = Tracker {
        vendor: "meta".into(),
        company: "Meta Platforms".into(),
        rule: "meta-pixel".into(),
        category: Category::Advertising,
        kind: EndpointKind::Tracker,
        third_party: true,
        requests: vec![request("GET", &pixel, Phase::BeforeChoice, received)],
        list: None,
    };
    let service = Tracker {
        vendor: "jsdelivr".into(),
        company: "jsDelivr".into(),
        rule: "jsdelivr-cdn".into(),
        category: Category::Cdn,
        kind: EndpointKind::Script,
        third_party: true,
        requests: vec![request(
            "GET",
            "https://cdn.jsdelivr.net/npm/x.js",
            Phase::AfterChoice,
            Received::default(),
        )],
        list: None,
    };
    let cookie = |domain: &str, name: &str, third_party: bool| CookieFinding {
        name: name.into(),
        domain: domain.into(),
        third_party,
        http_only: !third_party,
        secure: true,
        same_site: third_party.then(|| "None".into()),
        expires: third_party.then(|| "2026-01-01T00:00:00Z".into()),
        vendor: third_party.then(|| "meta".into()),
        purpose: third_party.then(|| "advertising".into()),
        owner_category: None,
        phase: Phase::BeforeChoice,
    };
    let mut visit = PageReport::new(
        &Observation {
            visit: Visit {
                url: page_url.clone(),
                final_url: Some(format!("{page_url}#top")),
                mode: ConsentMode::None,
                status: Some(200),
                started_at: "2025-01-02T03:04:05Z".into(),
                duration_ms: 1234,
                title: Some(format!("IVF, \"vergoeding\" {SCRIPT}")),
                screenshot: Some("evidence/missing.png".into()),
                ..Visit::default()
            },
            ..Observation::default()
        },
        Detections {
            trackers: vec![tracker],
            services: vec![service],
            cookies: vec![
                cookie(".facebook.com", &format!("_fbp{SCRIPT}"), true),
                cookie("zorg.example", "session", false),
            ],
            ..Detections::default()
        },
    );
    visit.requests_total = 17;
    visit.medical = Some(Classification {
        url: page_url.clone(),
        is_medical: true,
        score: 3.5,
        threshold: 2.0,
        language: "nl".into(),
        ..Classification::default()
    });
    let failed = PageReport::new(
        &Observation {
            visit: Visit {
                url: "https://zorg.example/contact".into(),
                mode: ConsentMode::Reject,
                error: Some(format!("-1 timed out {SCRIPT}")),
                started_at: "2025-01-02T03:05:00Z".into(),
                ..Visit::default()
            },
            ..Observation::default()
        },
        Detections::default(),
    );
    let line = format!("GET {pixel}");
    let mut findings = vec![
        finding("F10", Severity::Critical, &page_url, &line),
        finding("F01", Severity::Critical, &page_url, &line),
        finding("F03", Severity::High, &page_url, &line),
        finding("F07", Severity::Medium, &page_url, &line),
    ];
    findings[0].explanation = text(
        "Uitleg, met \"aanhalingstekens\"\nen een tweede regel",
        "Explanation, with \"quotes\"\nand a second line",
    );
    let mut by_severity = BTreeMap::new();
    for f in &findings {
        *by_severity.entry(f.severity.to_string()).or_insert(0) += 1;
    }
    let site = SiteReport {
        url: "https://zorg.example/".into(),
        name: format!("Zorg {SCRIPT}"),
        sector: Some("insurer".into()),
        crawl: Default::default(),
        consent: SiteConsent {
            tool: Some("generic".into()),
            detected_by: Some(format!("text {SCRIPT}")),
            banner_found: true,
            banner_text: Some(format!("We use cookies {SCRIPT}")),
            set_aside: vec![format!("newsletter {SCRIPT}")],
            ..SiteConsent::default()
        },
        findings,
        summary: SiteSummary {
            findings_by_severity: by_severity,
            medical_pages: 1,
            vendors_receiving_medical_pages: vec!["meta".into()],
        },
        pages: vec![visit, failed],
    };
    Report {
        schema_version: crate::results::SCHEMA_VERSION.into(),
        tool: ToolInfo {
            name: "pixelaudit".into(),
            version: "0.1.0".into(),
            rules_version: "abc".into(),
            browser: "Chromium".into(),
            cookie_mode: "default".into(),
            filter_lists: Vec::new(),
            entities: Vec::new(),
            workers: Vec::new(),
            command_line: "pixelaudit scan https://zorg.example/".into(),
            started_at: "2025-01-02T03:00:00Z".into(),
            finished_at: "2025-01-02T03:10:00Z".into(),
            map_hosts: None,
            reassessed_at: None,
        },
        not_assessed: vec![],
        handoff: None,
        sector: Default::default(),
        sites: vec![site],
    }
}
