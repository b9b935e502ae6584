//! `pixelaudit demo` end to end: the 40 made-up insurers of fixtures/sectors/nl-insurers.csv, in all three
//! consent modes, reproduce the NOS counts: 18 sites ran the Meta pixel, 11 of them on medical pages.
//! (Two pages per site and mode here, the home page and the most medical-looking link, to keep the test
//! short; `pixelaudit demo` itself visits four.)

mod common;

use std::process::Command;

#[test]
fn the_demo_sector_reproduces_the_nos_counts() {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_pixelaudit"))
        .env("PIXELAUDIT_RULES", common::repo().join("rules"))
        .current_dir(common::repo())
        .args(["demo", "--max-pages", "2", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");

    let report: pixelaudit::results::Report =
        serde_json::from_slice(&std::fs::read(out.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report.sites.len(), 40);
    let modes: std::collections::BTreeSet<&str> = report
        .sites
        .iter()
        .flat_map(|s| &s.pages)
        .map(|p| p.visit.mode.as_str())
        .collect();
    assert_eq!(modes.len(), 3, "all three consent modes");
    let meta = report
        .sector
        .vendors
        .iter()
        .find(|v| v.vendor == "meta")
        .expect("meta in the sector summary");
    assert_eq!(meta.sites, 18, "{:?}", report.sector);
    assert_eq!(meta.sites_on_medical_pages, 11, "{:?}", report.sector);
    // No consent tool, CDN or font host is counted as a tracker anywhere in the sector.
    for page in report.sites.iter().flat_map(|s| &s.pages) {
        for t in &page.detected.trackers {
            assert!(
                t.category.is_tracking(),
                "{}: {} ({}) counted as a tracker",
                page.visit.url,
                t.vendor,
                t.category
            );
        }
    }
    // Every fourth insurer publishes robots.txt and a sitemap listing its eight pages.
    let with_sitemap: Vec<_> = report
        .sites
        .iter()
        .filter(|s| s.crawl.sitemap_urls > 0)
        .collect();
    assert_eq!(with_sitemap.len(), 10);
    for site in with_sitemap {
        assert_eq!(site.crawl.sitemap_urls, 8, "{}", site.name);
        assert!(
            site.crawl.robots_status.starts_with("HTTP 200"),
            "{:?}",
            site.crawl
        );
    }
    // The six clean insurers stay free of tracking findings.
    assert!(
        report
            .sites
            .iter()
            .filter(|s| s.findings.is_empty())
            .count()
            >= 3,
        "{:?}",
        report.sector
    );

    // Home pages that tease IVF, physiotherapy and mental health care are about the insurer, not about
    // care: every home page is general, and no F10 rests on a home page, an overview or an about page.
    for site in &report.sites {
        for page in site.pages.iter().filter(|p| p.visit.error.is_none()) {
            let medical = page
                .medical
                .as_ref()
                .expect("every loaded page is classified");
            let is_home = url::Url::parse(&page.visit.url).unwrap().path() == "/";
            assert!(
                !(is_home && medical.is_medical),
                "{}: home page classified medical: {medical:?}",
                page.visit.url
            );
        }
        for finding in site.findings.iter().filter(|f| f.id == "F10") {
            for occurrence in &finding.occurrences {
                let page = site
                    .pages
                    .iter()
                    .find(|p| p.visit.url == occurrence.page)
                    .expect("an F10 occurrence names a visited page");
                let medical = page.medical.as_ref().unwrap();
                let kind = medical.page_type.as_ref().map(|t| t.id.as_str());
                assert!(
                    !matches!(kind, Some("home" | "overview" | "about")),
                    "{}: F10 rests on a {kind:?} page: {medical:?}",
                    page.visit.url
                );
            }
        }
    }

    // The printed summary says the same, in a line a journalist can quote.
    let line = stdout
        .lines()
        .find(|l| l.starts_with("meta "))
        .unwrap_or_else(|| panic!("no meta line in the summary:\n{stdout}"));
    let numbers: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&numbers[1..3], ["18", "11"], "{line}");
    assert!(stdout.contains("total: 40 sites"), "{stdout}");
    assert!(out.path().join("fixture-requests.jsonl").is_file());

    // The demo's report.html, opened as a reader would: it renders offline, without errors.
    let screenshot = out.path().join("report.png");
    let seen = common::inspect_report(&out.path().join("report.html"), &screenshot);
    assert!(seen.requests.is_empty(), "{:?}", seen.requests);
    assert!(seen.errors.is_empty(), "{:?}", seen.errors);
    assert!(!seen.pwned);
    assert_eq!(seen.sector_rows, 40);
    assert!(seen.findings > 0 && seen.evidence > 0, "{seen:?}");
    assert!(out.path().join("scan.sqlite").is_file());
}
