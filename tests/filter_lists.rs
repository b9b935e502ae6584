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

/// Runs the pixelaudit binary with the shipped rules and `input` on standard input.
fn pixelaudit(args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pixelaudit"))
        .arg("--rules")
        .arg(repo().join("rules"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn rules_explain_file_prints_one_tsv_line_per_url_in_order() {
    let list = repo().join("fixtures/lists/test-privacy.txt");
    let input = "https://px.longtail-metrics.eu/c.gif?u=1\thttps://www.langestaart-zorg.nl/\tImage\n\
                 https://www.facebook.com/tr/?id=1&ev=PageView\n\
                 https://px.longtail-metrics.eu/consent-check.js\thttps://www.langestaart-zorg.nl/\tScript\n\
                 not a url\n";
    let out = pixelaudit(
        &[
            "rules",
            "explain",
            "--no-default-lists",
            "--filter-list",
            list.to_str().unwrap(),
            "--file",
            "-",
        ],
        input,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Vec<String>> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect();
    let columns = |i: usize| rows[i][1..7].to_vec();
    assert_eq!(rows.len(), 4);
    assert_eq!(
        columns(0),
        [
            "list",
            "unknown",
            "list:longtail-metrics.eu",
            "analytics",
            "Test Privacy",
            "||longtail-metrics.eu^$third-party"
        ]
    );
    assert_eq!(
        columns(1),
        ["rules", "meta", "meta-pixel", "advertising", "", ""]
    );
    assert_eq!(
        columns(2),
        ["none", "", "", "", "", ""],
        "the @@ exception holds"
    );
    assert_eq!(rows[3][..2], ["not a url", "none"]);
}

#[test]
fn a_filter_list_that_cannot_be_used_stops_the_scan_before_it_starts_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.txt");
    let out = pixelaudit(
        &[
            "rules",
            "explain",
            "--filter-list",
            missing.to_str().unwrap(),
            "https://x.example/",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("missing.txt") && stderr.contains("--filter-list"),
        "{stderr}"
    );
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "! only comments\n").unwrap();
    let out = pixelaudit(
        &[
            "rules",
            "explain",
            "--filter-list",
            notes.to_str().unwrap(),
            "https://x.example/",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no filters found"));
}

#[test]
fn rules_explain_ends_quietly_when_its_reader_stops_reading() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let urls = dir.path().join("urls.txt");
    std::fs::write(&urls, "https://www.facebook.com/tr/?id=1\n".repeat(50_000)).unwrap();
    let run = |args: &[&str], read_lines: usize| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pixelaudit"))
            .arg("--rules")
            .arg(repo().join("rules"))
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // As `| head -n N` does: read N lines, then close the pipe.
        {
            let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
            for _ in 0..read_lines {
                let mut line = String::new();
                out.read_line(&mut line).unwrap();
            }
        }
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (output.status, stderr)
    };
    let (status, stderr) = run(&["rules", "explain", "--file", urls.to_str().unwrap()], 1);
    assert!(status.success(), "{status}: {stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    let (status, stderr) = run(
        &["rules", "explain", "https://www.facebook.com/tr/?id=1"],
        0,
    );
    assert!(status.success(), "{status}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
