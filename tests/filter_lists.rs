//! Filter lists end to end: a site whose trackers no vendor rule knows, scanned in Chromium with a list
//! written here. The list names them, the owner file names their owner, `@@` exceptions hold, and the
//! static hosts of tracking vendors stay services even where the list blocks them.

mod common;

use std::sync::OnceLock;
use std::time::Duration;

use common::*;
use pixelaudit::observe::ConsentMode;
use pixelaudit::results::PageReport;
use pixelaudit::rules::{Category, ListChoice};

const SITE: &str = "https://www.langestaart-zorg.nl/";
const IVF: &str = "https://www.langestaart-zorg.nl/vergoedingen/ivf/";

fn scanned() -> &'static ScanResult {
    static RESULT: OnceLock<ScanResult> = OnceLock::new();
    RESULT.get_or_init(|| {
        let mut rules = all_rules();
        let warning = rules
            .add_lists(&ListChoice {
                filter_lists: vec![repo().join("fixtures/lists/test-privacy.txt")],
                default_lists: false,
                entities: Vec::new(),
            })
            .expect("the test list loads");
        assert_eq!(warning, None);
        scan_fixture_sites_with_rules(vec![site("Langestaart Zorg", SITE)], rules, |config| {
            config.max_pages = 2;
            config.modes = vec![ConsentMode::None];
            config.browser.navigation_timeout = Duration::from_secs(20);
        })
    })
}

fn ivf_page() -> &'static PageReport {
    scanned().report.sites[0]
        .pages
        .iter()
        .find(|p| p.visit.url == IVF)
        .unwrap_or_else(|| panic!("{IVF} was visited: {:#?}", scanned().report.sites[0].pages))
}

#[test]
fn a_tracker_only_the_list_knows_is_reported_with_its_list_filter_and_what_it_received() {
    let page = ivf_page();
    let unknown = page
        .detected
        .trackers
        .iter()
        .find(|t| t.rule == "list:longtail-metrics.eu")
        .unwrap_or_else(|| panic!("list-only tracker: {:#?}", page.detected.trackers));
    assert_eq!(unknown.vendor, "unknown");
    assert_eq!(unknown.company, "unknown (longtail-metrics.eu)");
    assert_eq!(unknown.category, Category::Analytics);
    let listed = unknown.list.as_ref().expect("the list and filter");
    assert_eq!(listed.list, "Test Privacy");
    assert_eq!(listed.filter, "||longtail-metrics.eu^$third-party");
    assert_eq!(listed.line, Some(6));
    let urls: Vec<&str> = unknown.requests.iter().map(|r| r.url.as_str()).collect();
    assert!(
        urls.iter().all(|u| u.contains("/c.gif")),
        "the @@-excepted consent check is no tracker request: {urls:?}"
    );
    let received = &unknown.requests[0].received;
    assert_eq!(received.page_url.as_deref(), Some(IVF));
    assert_eq!(
        received.title.as_deref(),
        Some("Vergoeding ivf | Langestaart Zorg")
    );
    assert!(
        unknown.requests[0].health_terms.iter().any(|t| t == "ivf"),
        "{:?}",
        unknown.requests[0].health_terms
    );
    let mixpanel = page
        .detected
        .trackers
        .iter()
        .find(|t| t.rule == "list:mxpnl.com")
        .expect("the owner file names the list-only Mixpanel host");
    assert_eq!(
        (mixpanel.vendor.as_str(), mixpanel.company.as_str()),
        ("mixpanel-inc", "Mixpanel, Inc.")
    );
}

#[test]
fn static_hosts_of_tracking_vendors_stay_services_though_the_list_blocks_them() {
    let page = ivf_page();
    let services: Vec<(&str, Category)> = page
        .detected
        .services
        .iter()
        .map(|s| (s.rule.as_str(), s.category))
        .collect();
    for expected in [
        ("google-fonts", Category::Fonts),
        ("youtube-images", Category::Functional),
        ("google-maps-api", Category::Functional),
        ("x-static", Category::Cdn),
    ] {
        assert!(services.contains(&expected), "{expected:?} in {services:?}");
    }
    assert!(
        page.detected
            .trackers
            .iter()
            .all(|t| t.vendor != "google" && t.vendor != "x"),
        "{:#?}",
        page.detected.trackers
    );
}

#[test]
fn findings_on_list_only_trackers_cite_the_list_and_the_medical_page() {
    let site = &scanned().report.sites[0];
    let f10 = site
        .findings
        .iter()
        .find(|f| f.id == "F10" && f.vendor.as_deref() == Some("unknown"))
        .unwrap_or_else(|| panic!("F10 for the unknown vendor: {:#?}", site.findings));
    let occurrence = f10
        .occurrences
        .iter()
        .find(|o| o.page == IVF)
        .expect("on the IVF page");
    assert!(
        occurrence.details.iter().any(|d| d.contains("Test Privacy")
            && d.contains("||longtail-metrics.eu^$third-party")),
        "{:?}",
        occurrence.details
    );
    assert!(
        site.findings
            .iter()
            .any(|f| f.id == "F01" && f.vendor.as_deref() == Some("unknown"))
    );
}

#[test]
fn the_scan_records_each_list_with_its_hash_and_header() {
    let result = scanned();
    let lists = &result.report.tool.filter_lists;
    assert_eq!(lists.len(), 1, "{lists:?}");
    let list = &lists[0];
    let bytes = std::fs::read(repo().join("fixtures/lists/test-privacy.txt")).unwrap();
    use sha2::Digest;
    assert_eq!(list.sha256, hex::encode(sha2::Sha256::digest(&bytes)));
    assert_eq!(list.size, bytes.len() as u64);
    assert_eq!(list.version.as_deref(), Some("202612070900"));
    assert_eq!(list.last_modified.as_deref(), Some("07 Dec 2026 09:00 UTC"));
    let scan_json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_path(result).join("scan.json")).unwrap())
            .unwrap();
    assert_eq!(scan_json["filter_lists"][0]["sha256"], list.sha256.as_str());
    let html = std::fs::read_to_string(out_path(result).join("report.html")).unwrap();
    assert!(
        html.contains(&list.sha256),
        "the report's method section names the list"
    );
    assert!(html.contains("||longtail-metrics.eu^$third-party"));
    assert_report_matches_schema(result);
}

#[test]
fn every_request_the_server_received_for_a_known_host_was_captured() {
    assert!(assert_server_log_captured(scanned()) > 0);
}
