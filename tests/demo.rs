//! `pixelaudit demo` end to end: the 40 made-up insurers of fixtures/sectors/nl-insurers.csv, in all three
//! consent modes, reproduce the NOS counts: 18 sites ran the Meta pixel, 11 of them on medical pages.
//! (Two pages per site and mode here, the home page and the most medical-looking link, to keep the test
//! short; `pixelaudit demo` itself visits four.)

mod common;

use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use pixelaudit::results::Report;

/// The single-machine scan of the demo sector (SQLite), made once for the tests of this file.
/// Its folder, report and printed summary.
fn sqlite_demo() -> &'static (tempfile::TempDir, Report, String) {
    static DEMO: OnceLock<(tempfile::TempDir, Report, String)> = OnceLock::new();
    DEMO.get_or_init(|| {
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
        let report: Report =
            serde_json::from_slice(&std::fs::read(out.path().join("report.json")).unwrap())
                .unwrap();
        (out, report, stdout.into_owned())
    })
}

#[test]
fn the_demo_sector_reproduces_the_nos_counts() {
    let (out, report, stdout) = sqlite_demo();
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
    // Every request of the sector has its answer on record, a status or a failure: Chromium's events for
    // one request come on separate streams, and under load a response read before its request was
    // lost (and the request counted in flight until the cap, 8 s on 3 % of the pages).
    let store = pixelaudit::store::Store::open(out.path()).unwrap();
    let mut unanswered = Vec::new();
    for site in 0..report.sites.len() {
        for visit in store.visits(site, None).unwrap() {
            for request in &visit.observation.requests {
                if request.status.is_none() && request.failure.is_none() {
                    unanswered.push(request.url.clone());
                }
            }
        }
    }
    assert!(
        unanswered.is_empty(),
        "no answer recorded for {unanswered:?}"
    );
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

/// A job as compared between two scans: the site, and each page's mode, kind and URL.
fn pages_of(report: &Report) -> Vec<(String, String, bool, String)> {
    let mut pages: Vec<_> = report
        .sites
        .iter()
        .flat_map(|s| {
            s.pages.iter().map(move |p| {
                (
                    s.name.clone(),
                    p.visit.mode.as_str().to_string(),
                    p.visit.search_term.is_some(),
                    p.visit.url.clone(),
                )
            })
        })
        .collect();
    pages.sort();
    pages
}

/// Each site's findings, by id and severity.
fn findings_of(report: &Report) -> Vec<(String, String, String)> {
    let mut findings: Vec<_> = report
        .sites
        .iter()
        .flat_map(|s| {
            s.findings
                .iter()
                .map(move |f| (s.name.clone(), f.id.clone(), format!("{:?}", f.severity)))
        })
        .collect();
    findings.sort();
    findings
}

#[test]
fn three_workers_on_postgresql_with_one_killed_report_what_one_machine_reports() {
    // The single-machine scan first, alone, so the two scans see the same machine load.
    let (_, single, _) = sqlite_demo();
    let cluster = common::postgres::Cluster::start();
    let db = cluster.url();
    let (_rt, web) = common::fixture_web();
    common::postgres::push(
        &db,
        "demo",
        web.addr(),
        "fixtures/sectors/nl-insurers.csv",
        &["--max-pages", "2", "--delay-ms", "0"],
    );
    let worker = |name: &str| {
        common::postgres::spawn_worker(&db, name, &["--concurrency", "2", "--lease-secs", "6"])
    };
    let doomed = worker("w1");
    let (w2, w3) = (worker("w2"), worker("w3"));

    // Kill w1 with its Chromium while it holds jobs, in the middle of its visits.
    let mut client = postgres::Client::connect(&db, postgres::NoTls).unwrap();
    let start = Instant::now();
    loop {
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "w1 never got going"
        );
        let row = client
            .query_one(
                "SELECT (SELECT count(*) FROM visits WHERE stored_by = 'w1'),
                        (SELECT count(*) FROM queue WHERE worker = 'w1' AND state = 'leased')",
                &[],
            )
            .unwrap();
        if row.get::<_, i64>(0) >= 8 && row.get::<_, i64>(1) > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let killed = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", doomed.id())])
        .status()
        .unwrap();
    assert!(killed.success());
    let held_by_w1: i64 = client
        .query_one(
            "SELECT count(*) FROM queue WHERE worker = 'w1' AND state = 'leased'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(held_by_w1 > 0, "w1 died holding jobs");
    drop(doomed);

    for w in [w2, w3] {
        let output = common::postgres::wait_for(w, Duration::from_secs(900));
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let takeovers: i64 = client
        .query_one(
            "SELECT count(*) FROM queue WHERE scan = 'demo' AND attempts > 1 AND state = 'done'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(takeovers > 0, "the jobs w1 held were taken over");
    let unfinished: i64 = client
        .query_one(
            "SELECT count(*) FROM queue WHERE scan = 'demo' AND state <> 'done'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(unfinished, 0);

    let out = tempfile::tempdir().unwrap();
    let output = common::postgres::pixelaudit()
        .args(["report", "--db", &db, "--scan", "demo", "--out"])
        .arg(out.path())
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let spread: Report =
        serde_json::from_slice(&std::fs::read(out.path().join("report.json")).unwrap()).unwrap();

    // Same visits, none twice; same findings; same sector counts.
    let (one, many) = (pages_of(single), pages_of(&spread));
    let mut distinct = many.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), many.len(), "a visit stored twice");
    assert_eq!(one, many, "the same pages visited");
    assert_eq!(findings_of(single), findings_of(&spread));
    let meta = |r: &Report| {
        r.sector
            .vendors
            .iter()
            .find(|v| v.vendor == "meta")
            .map(|v| (v.sites, v.sites_on_medical_pages))
    };
    assert_eq!(meta(&spread), Some((18, 11)));
    // Every worker that took part is on the record, the killed one too.
    let mut names: Vec<&str> = spread
        .tool
        .workers
        .iter()
        .map(|w| w.name.as_str())
        .collect();
    names.sort();
    assert_eq!(names, ["w1", "w2", "w3"]);
    // The report folder is the same in form: every screenshot the pages name is there, in the manifest.
    let manifest = std::fs::read_to_string(out.path().join("manifest.sha256")).unwrap();
    let shots = spread.sites.iter().flat_map(|s| {
        s.pages
            .iter()
            .filter_map(|p| p.visit.screenshot.clone())
            .chain(s.consent.screenshots.iter().cloned())
    });
    for shot in shots {
        assert!(out.path().join(&shot).is_file(), "{shot} missing");
        assert!(manifest.contains(&shot), "{shot} not in the manifest");
    }
    assert!(!out.path().join("scan.sqlite").exists());
}
