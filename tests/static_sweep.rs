//! The static sweep end to end: the demo sector's health-care sites fetched over HTTP from the fixture
//! web and read without running them. It must find the trackers and tag ids the HTML names, classify the
//! pages, and never claim what only a browser can see.

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use common::*;
use pixelaudit::observe::{ConsentMode, Engine};

fn swept() -> &'static ScanResult {
    static RESULT: OnceLock<ScanResult> = OnceLock::new();
    RESULT.get_or_init(|| {
        scan_fixture_sites_with(demo_sites(), |config| {
            config.engine = Engine::Static;
            config.max_pages = 6;
            config.modes = vec![ConsentMode::None];
        })
    })
}

#[test]
fn the_tag_ids_in_the_demo_sites_html_are_found() {
    let found: BTreeSet<(String, String)> = swept()
        .report
        .sites
        .iter()
        .flat_map(|s| &s.pages)
        .flat_map(|p| &p.detected.tag_ids)
        .map(|t| (t.rule.clone(), t.id.clone()))
        .collect();
    for (rule, id) in [
        ("meta-pixel-id", "112233445566778"),
        ("google-analytics-4-measurement-id", "G-ZILVER0001"),
        ("google-tag-manager-container", "GTM-RIJN42"),
        ("tiktok-pixel-code", "CPIXELAUDIT01"),
        ("linkedin-partner-id", "7788990"),
        ("meta-pixel-id", "998877665544332"),
        ("clarity-project-id", "duinzorg7"),
    ] {
        assert!(
            found.contains(&(rule.to_string(), id.to_string())),
            "{rule} {id} in {found:?}"
        );
    }
}

#[test]
fn trackers_the_html_names_on_medical_pages_are_reported_as_referenced() {
    let site = swept()
        .report
        .sites
        .iter()
        .find(|s| s.url.contains("ivf-noorderlicht"))
        .expect("the IVF clinic was swept");
    let medical_with_meta = site.pages.iter().any(|p| {
        p.medical.as_ref().is_some_and(|m| m.is_medical)
            && p.detected
                .referenced
                .iter()
                .any(|r| r.vendor == "meta" && r.category.is_tracking())
    });
    assert!(
        medical_with_meta,
        "a medical page of the IVF clinic names the Meta pixel: {:#?}",
        site.pages
            .iter()
            .map(|p| (&p.visit.url, &p.detected.referenced))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_static_result_never_claims_what_only_a_browser_can_see() {
    let report = &swept().report;
    assert_eq!(
        report.tool.browser,
        pixelaudit::scan::STATIC_ENGINE_NAME,
        "no browser was started"
    );
    let pages: Vec<_> = report.sites.iter().flat_map(|s| &s.pages).collect();
    assert!(pages.len() >= 14, "{} pages swept", pages.len());
    for p in &pages {
        assert_eq!(p.visit.engine, Engine::Static, "{}", p.visit.url);
        assert!(
            p.detected.trackers.is_empty(),
            "{}: no request was sent",
            p.visit.url
        );
        assert!(p.detected.services.is_empty(), "{}", p.visit.url);
        assert!(p.detected.storage.is_empty() && p.detected.social_plugins.is_empty());
        assert!(p.visit.consent.is_none() && p.visit.choice_at_ms.is_none());
        assert!(
            p.detected
                .referenced
                .iter()
                .all(|r| r.engine == Engine::Static)
        );
    }
    for site in &report.sites {
        assert!(
            site.findings.is_empty(),
            "{}: {:#?}",
            site.url,
            site.findings
        );
    }
    let not_assessed: BTreeSet<&str> = report.not_assessed.iter().map(|n| n.id.as_str()).collect();
    for id in ["F01", "F02", "F10", "F11", "F13", "F14", "F15", "F18"] {
        assert!(
            not_assessed.contains(id),
            "{id} is not assessed: {not_assessed:?}"
        );
    }
    let searched = pages.iter().any(|p| p.visit.search_term.is_some());
    assert!(!searched, "the site search needs a browser");
    assert!(
        swept()
            .log
            .iter()
            .all(|l| !tracker_hosts().contains(&l.host)),
        "the sweep fetched no tracker host"
    );
    assert_report_matches_schema(swept());
}

#[test]
fn the_sweep_classifies_the_pages_it_reads() {
    let report = &swept().report;
    let medical: Vec<&str> = report
        .sites
        .iter()
        .flat_map(|s| &s.pages)
        .filter(|p| p.medical.as_ref().is_some_and(|m| m.is_medical))
        .map(|p| p.visit.url.as_str())
        .collect();
    assert!(
        medical.iter().any(|u| u.contains("/vergoedingen/")) && medical.len() >= 5,
        "{medical:?}"
    );
}

const ZILVERPOLIS: &str = "https://www.zilverpolis.nl/";
const LANGESTAART: &str = "https://www.langestaart-zorg.nl/";

fn handed_on() -> &'static ScanResult {
    static RESULT: OnceLock<ScanResult> = OnceLock::new();
    RESULT.get_or_init(|| {
        sweep_then_browse_fixture_sites(
            vec![
                site("Zilverpolis", ZILVERPOLIS),
                site("Langestaart Zorg", LANGESTAART),
            ],
            |config| {
                config.max_pages = 3;
                config.modes = vec![ConsentMode::None];
            },
        )
    })
}

#[test]
fn the_hand_off_visits_exactly_the_flagged_sites_in_the_browser() {
    let result = handed_on();
    let handoff = result
        .report
        .handoff
        .as_ref()
        .expect("the report says what was handed on");
    let verdicts: Vec<(&str, bool)> = handoff
        .sites
        .iter()
        .map(|h| (h.url.as_str(), h.escalated))
        .collect();
    assert_eq!(verdicts, [(ZILVERPOLIS, true), (LANGESTAART, false)]);
    assert!(
        handoff.sites[0]
            .reasons
            .iter()
            .any(|r| r.contains("meta (advertising)")),
        "{:?}",
        handoff.sites[0].reasons
    );
    assert!(handoff.sites[1].reasons[0].contains("names no tracker"));
    let browsed: Vec<&str> = result.report.sites.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(
        browsed,
        [ZILVERPOLIS],
        "only the flagged site is visited in the browser"
    );
    let pages = &result.report.sites[0].pages;
    assert!(pages.iter().all(|p| p.visit.engine == Engine::Browser));
    assert!(
        pages
            .iter()
            .any(|p| p.detected.trackers.iter().any(|t| t.vendor == "meta")),
        "the browser proves what the sweep suspected"
    );
    // Only Langestaart's pages load these hosts: a browser visit of it would have asked them.
    let only_langestaart = ["cdn.mxpnl.com", "px.longtail-metrics.eu", "i.ytimg.com"];
    assert!(
        result
            .log
            .iter()
            .all(|l| !only_langestaart.contains(&l.host.as_str())),
        "the site that was not flagged was never opened in the browser"
    );
    let swept: pixelaudit::results::Report = serde_json::from_slice(
        &std::fs::read(out_path(result).join(&handoff.static_report)).unwrap(),
    )
    .unwrap();
    assert_eq!(
        swept.sites.len(),
        2,
        "the sweep's own report covers every site"
    );
    let html = std::fs::read_to_string(out_path(result).join("report.html")).unwrap();
    assert!(html.contains("Langestaart Zorg") && html.contains("names no tracker"));
    assert_report_matches_schema(result);
}

#[test]
fn broken_and_hostile_hosts_are_recorded_with_their_reason_and_the_sweep_goes_on() {
    let hostile = [
        ("Onbereikbaar", "https://nowhere.invalid/", "host not found"),
        (
            "Traag ziekenhuis",
            "https://www.traag-ziekenhuis.nl/",
            "timeout",
        ),
        ("Reuzenpagina", "https://www.reuzen-pagina.nl/", "too large"),
        (
            "Redirect-lus",
            "https://www.redirect-lus.nl/",
            "redirect loop",
        ),
        (
            "Lange keten",
            "https://www.lange-keten.nl/",
            "redirect loop",
        ),
        (
            "Verbroken lijn",
            "https://www.verbroken-lijn.nl/",
            "connection reset",
        ),
    ];
    let mut sites: Vec<_> = hostile.iter().map(|(n, u, _)| site(n, u)).collect();
    sites.push(site("Rommel-HTML", "https://www.rommel-html.nl/"));
    sites.push(site("Zilverpolis", ZILVERPOLIS));
    let result = scan_fixture_sites_with(sites, |config| {
        config.engine = Engine::Static;
        config.max_pages = 2;
    });
    let report = &result.report;
    for (name, url, reason) in hostile {
        let site = report
            .sites
            .iter()
            .find(|s| s.url == url)
            .unwrap_or_else(|| panic!("{name} is in the report"));
        let error = site.pages[0].visit.error.as_deref().unwrap_or("");
        assert!(error.starts_with(reason), "{name}: {error}");
    }
    let garbage = report
        .sites
        .iter()
        .find(|s| s.name == "Rommel-HTML")
        .unwrap();
    assert!(
        garbage.pages[0].visit.error.is_none(),
        "broken HTML is still read: {:?}",
        garbage.pages[0].visit.error
    );
    let ordinary = report.sites.iter().find(|s| s.url == ZILVERPOLIS).unwrap();
    assert!(ordinary.pages.len() == 2 && ordinary.pages.iter().all(|p| p.visit.error.is_none()));
}

#[test]
fn rules_tag_ids_prints_the_ids_in_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(
        &page,
        "<script>fbq('init', '112233445566778');</script><script>gtag('config', 'G-AB12CD34EF');</script>",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pixelaudit"))
        .arg("--rules")
        .arg(repo().join("rules"))
        .args(["rules", "tag-ids"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().collect::<Vec<_>>(),
        [
            "google\tgoogle-analytics-4-measurement-id\tG-AB12CD34EF",
            "meta\tmeta-pixel-id\t112233445566778"
        ],
        "in the order of the vendor files"
    );
}
