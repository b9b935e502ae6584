//! Crawling whole sites and sectors, end to end against the fixture web in the real Chromium: the
//! medical-first frontier, crawler traps, robots.txt, sitemaps, the scan store, `scan --resume` after a
//! kill -9, `pixelaudit report` (and `--reassess`), and bad site-list rows.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pixelaudit::results::Report;

fn visited(report: &Report, mode: &str) -> Vec<String> {
    report.sites[0]
        .pages
        .iter()
        .filter(|p| p.visit.mode.as_str() == mode && p.visit.search_term.is_none())
        .map(|p| p.visit.url.clone())
        .collect()
}

#[test]
fn medical_pages_three_links_behind_fifty_news_items_are_found_within_ten_pages() {
    let result = common::scan_fixture_sites_with(
        vec![common::site(
            "Nieuwsrijk Zorg",
            "https://www.nieuwsrijk-zorg.nl/",
        )],
        |config| config.max_pages = 10,
    );
    let site = &result.report.sites[0];
    let urls = visited(&result.report, "none");
    assert!(urls.len() <= 10, "{urls:?}");
    for medical in [
        "https://www.nieuwsrijk-zorg.nl/klantenservice/vergoedingen/ivf-behandeling/",
        "https://www.nieuwsrijk-zorg.nl/klantenservice/vergoedingen/depressie/",
    ] {
        let page = site
            .pages
            .iter()
            .find(|p| p.visit.url == medical)
            .unwrap_or_else(|| panic!("{medical} not visited; visited {urls:#?}"));
        assert!(
            page.medical.as_ref().is_some_and(|m| m.is_medical),
            "{medical} should be classified medical"
        );
    }
    let news = urls.iter().filter(|u| u.contains("/nieuws/")).count();
    assert!(news <= 5, "the budget went to news: {urls:#?}");
    // robots.txt keeps the crawl out of the address form, and the report says so.
    assert!(
        !urls.iter().any(|u| u.contains("adreswijziging")),
        "{urls:#?}"
    );
    let crawl = &site.crawl;
    assert!(crawl.robots_obeyed);
    assert!(
        crawl.robots_status.starts_with("HTTP 200"),
        "{}",
        crawl.robots_status
    );
    assert_eq!(
        crawl.frontiers["none"]
            .skipped
            .get(&pixelaudit::crawl::Skipped::Robots),
        Some(&1),
        "{:?}",
        crawl.frontiers
    );
    assert!(
        crawl.frontiers["none"].waiting > 0,
        "the fifty news items are left waiting"
    );
    common::assert_report_matches_schema(&result);
}

#[test]
fn a_crawler_trap_site_stays_within_its_bounds() {
    let result = common::scan_fixture_sites_with(
        vec![common::site("Agenda-val", "https://www.agenda-val.nl/")],
        |config| {
            config.max_pages = 80;
            config.max_depth = 100;
        },
    );
    let urls = visited(&result.report, "none");
    // The crawl ends by itself, well before the page budget: the traps were bounded, not the budget.
    assert!(urls.len() < 30, "{} pages: {urls:#?}", urls.len());
    let count = |needle: &str| urls.iter().filter(|u| u.contains(needle)).count();
    assert!(count("/agenda/") <= 6, "{urls:#?}");
    assert!(count("/producten/") <= 6, "{urls:#?}");
    assert!(count("/archief/") <= 2, "{urls:#?}");
    assert!(
        count("/agenda/") >= 2 && count("/producten/?") >= 1,
        "{urls:#?}"
    );
    // Session ids and tracking parameters are normalised away: each ordinary page once.
    assert_eq!(count("/over-ons/"), 1, "{urls:#?}");
    assert_eq!(count("/contact/"), 1, "{urls:#?}");
    assert!(
        !urls
            .iter()
            .any(|u| u.contains("jsessionid") || u.contains("sid=") || u.contains("utm_"))
    );
    let keys: BTreeSet<String> = urls
        .iter()
        .map(|u| pixelaudit::crawl::dedup_key(&url::Url::parse(u).unwrap()))
        .collect();
    assert_eq!(
        keys.len(),
        urls.len(),
        "a page was visited twice: {urls:#?}"
    );
    let skipped = &result.report.sites[0].crawl.frontiers["none"].skipped;
    assert!(
        skipped
            .get(&pixelaudit::crawl::Skipped::Trap)
            .copied()
            .unwrap_or(0)
            > 0,
        "{skipped:?}"
    );
}

fn pixelaudit() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pixelaudit"));
    command.env("PIXELAUDIT_RULES", common::repo().join("rules"));
    command
}

fn read_report(dir: &Path) -> Report {
    serde_json::from_slice(&std::fs::read(dir.join("report.json")).expect("report.json written"))
        .expect("report.json parses")
}

/// What must not change between two scans of the same fixture web: the pages visited in each mode,
/// whether each loaded, what was detected on them and how they were classified, and the findings.
fn essence(report: &Report) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    report
        .sites
        .iter()
        .map(|s| {
            let mut pages: Vec<String> = s
                .pages
                .iter()
                .map(|p| {
                    let vendors: BTreeSet<&str> = p
                        .detected
                        .trackers
                        .iter()
                        .map(|t| t.vendor.as_str())
                        .collect();
                    format!(
                        "{} {} error={} medical={} {:?}",
                        p.visit.mode.as_str(),
                        p.visit.url,
                        p.visit.error.is_some(),
                        p.medical.as_ref().is_some_and(|m| m.is_medical),
                        vendors
                    )
                })
                .collect();
            pages.sort();
            let mut findings: Vec<String> = s
                .findings
                .iter()
                .map(|f| format!("{} {:?} {}", f.id, f.vendor, f.severity))
                .collect();
            findings.sort();
            (s.url.clone(), (pages, findings))
        })
        .collect()
}

fn stored_visits(dir: &Path) -> usize {
    let path = dir.join("scan.sqlite");
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return 0;
    };
    conn.query_row("SELECT count(*) FROM visits", [], |r| r.get::<_, i64>(0))
        .map(|n| n as usize)
        .unwrap_or(0)
}

#[test]
fn a_scan_killed_with_sigkill_resumes_to_the_same_report_without_repeating_visits() {
    let (_runtime, server) = common::fixture_web();
    let map = server.addr().to_string();
    let work = tempfile::tempdir().unwrap();
    let sites = work.path().join("sites.csv");
    std::fs::write(
        &sites,
        "name,url\n\
         Polderzorg,https://www.polderzorg.nl/\n\
         Kempenzorg,https://www.kempenzorg.nl/\n\
         Zilverpolis,https://www.zilverpolis.nl/\n\
         GGZ Kompas,https://www.ggz-kompas.nl/\n",
    )
    .unwrap();
    let scan_args = |out: &Path| {
        let mut c = pixelaudit();
        c.args(["scan", "--sites"])
            .arg(&sites)
            .arg("--out")
            .arg(out)
            .args([
                "--map-hosts",
                &map,
                "--insecure",
                "--consent",
                "none,accept",
            ])
            .args(["--max-pages", "4", "--concurrency", "2", "--delay-ms", "0"]);
        c
    };

    // The interrupted scan: its own process group, so kill -9 takes Chromium down with it, as a crash
    // or the OOM killer would.
    let interrupted = work.path().join("interrupted");
    let mut child = {
        use std::os::unix::process::CommandExt;
        scan_args(&interrupted)
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let started = Instant::now();
    while stored_visits(&interrupted) < 10 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the scan ended before it could be interrupted"
        );
        assert!(started.elapsed() < Duration::from_secs(240), "no progress");
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = Command::new("kill")
        .args(["-9", "--", &format!("-{}", child.id())])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait().unwrap();
    let before = stored_visits(&interrupted);
    assert!(
        !interrupted.join("report.json").exists(),
        "killed before the report"
    );

    // Starting a second scan into the same folder is refused with a pointer to --resume.
    let refused = scan_args(&interrupted).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--resume"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    let resumed = pixelaudit()
        .args(["scan", "--resume"])
        .arg(&interrupted)
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&resumed.stderr);
    assert_eq!(resumed.status.code(), Some(0), "{log}");
    let after = stored_visits(&interrupted);
    let visited_again = log
        .lines()
        .filter(|l| l.contains(" requests in ") || l.contains(": FAILED"))
        .count();
    assert_eq!(
        visited_again,
        after - before,
        "the resumed scan visits only what was missing ({before} of {after} were stored)\n{log}"
    );
    let resumed_report = read_report(&interrupted);
    assert!(resumed_report.tool.command_line.contains("resumed:"));

    let whole = work.path().join("whole");
    let output = scan_args(&whole).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let whole_report = read_report(&whole);
    assert_eq!(essence(&resumed_report), essence(&whole_report));
    assert_eq!(stored_visits(&interrupted), stored_visits(&whole));

    // `pixelaudit report` re-renders the same report from the store, without a browser.
    std::fs::remove_file(whole.join("report.json")).unwrap();
    let rendered = pixelaudit().arg("report").arg(&whole).output().unwrap();
    assert_eq!(
        rendered.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&rendered.stderr)
    );
    assert_eq!(essence(&read_report(&whole)), essence(&whole_report));
    let manifest = std::fs::read_to_string(whole.join("manifest.sha256")).unwrap();
    assert!(manifest.contains("  scan.sqlite\n") && manifest.contains("  report.json\n"));

    // `--reassess` with rules that no longer know Meta: the stored visits are detected again.
    let rules = work.path().join("rules");
    common::copy_dir(&common::repo().join("rules"), &rules);
    std::fs::remove_file(rules.join("trackers/meta.toml")).unwrap();
    let reassessed = pixelaudit()
        .env("PIXELAUDIT_RULES", &rules)
        .args(["report", "--reassess"])
        .arg(&whole)
        .output()
        .unwrap();
    assert_eq!(
        reassessed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&reassessed.stderr)
    );
    let again = read_report(&whole);
    assert!(again.tool.reassessed_at.is_some());
    assert_ne!(again.tool.rules_version, whole_report.tool.rules_version);
    let vendors = |r: &Report| -> BTreeSet<String> {
        r.sites
            .iter()
            .flat_map(|s| &s.pages)
            .flat_map(|p| &p.detected.trackers)
            .map(|t| t.vendor.clone())
            .collect()
    };
    assert!(vendors(&whole_report).contains("meta"));
    assert!(!vendors(&again).contains("meta"), "{:?}", vendors(&again));
    assert!(vendors(&again).contains("google"));
}

#[test]
fn malformed_site_list_rows_are_reported_with_their_line_skipped_and_exit_2() {
    let (_runtime, server) = common::fixture_web();
    let work = tempfile::tempdir().unwrap();
    let sites = work.path().join("sites.csv");
    std::fs::write(
        &sites,
        "name,url,sector\n\
         Zonder komma\n\
         Polderzorg,https://www.polderzorg.nl/,insurer\n\
         Rare link,ftp://www.polderzorg.nl/,insurer\n\
         Te veel,https://www.kempenzorg.nl/,insurer,extra\n\
         Nog eens,https://www.polderzorg.nl/\n",
    )
    .unwrap();
    let out = work.path().join("out");
    let output = pixelaudit()
        .args(["scan", "--sites"])
        .arg(&sites)
        .arg("--out")
        .arg(&out)
        .args(["--map-hosts", &server.addr().to_string(), "--insecure"])
        .args(["--consent", "none", "--max-pages", "1", "--delay-ms", "0"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The good row is scanned and reported; the mistakes in the list still make the exit code 2.
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("4 row(s) of") && stderr.contains("were skipped"),
        "{stderr}"
    );
    assert!(
        stderr.contains("sites.csv:6: https://www.polderzorg.nl/ is listed twice"),
        "{stderr}"
    );
    assert!(
        stderr.contains("sites.csv:2: expected 2 or 3 columns"),
        "{stderr}"
    );
    assert!(
        stderr.contains("sites.csv:4: `ftp://www.polderzorg.nl/`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("sites.csv:5: expected 2 or 3 columns"),
        "{stderr}"
    );
    let report = read_report(&out);
    let scanned: Vec<&str> = report.sites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(scanned, ["Polderzorg"]);
    assert_eq!(report.sites[0].sector.as_deref(), Some("insurer"));
}

fn browser_launches(dir: &Path) -> usize {
    let conn = rusqlite::Connection::open_with_flags(
        dir.join("scan.sqlite"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    conn.query_row(
        "SELECT value FROM meta WHERE key = 'browser_launches'",
        [],
        |r| r.get::<_, String>(0),
    )
    .unwrap()
    .parse()
    .unwrap()
}

#[test]
fn chromium_is_replaced_after_n_visits_and_when_it_is_killed_mid_scan() {
    let (_runtime, server) = common::fixture_web();
    let map = server.addr().to_string();
    let work = tempfile::tempdir().unwrap();
    let scan = |out: &Path, extra: &[&str]| {
        let mut c = pixelaudit();
        c.args([
            "scan",
            "https://www.polderzorg.nl/",
            "https://www.kempenzorg.nl/",
        ])
        .arg("--out")
        .arg(out)
        .args(["--map-hosts", &map, "--insecure", "--consent", "none"])
        .args(["--max-pages", "4", "--concurrency", "1", "--delay-ms", "0"])
        .args(extra);
        c
    };
    let worn = work.path().join("worn");
    let output = scan(&worn, &["--restart-after", "3"]).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // 10 visits (4 pages and a site search per site), a fresh Chromium after every 3, at crawl boundaries.
    assert!(browser_launches(&worn) >= 2, "{}", browser_launches(&worn));

    let crashed = work.path().join("crashed");
    let mut child = scan(&crashed, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while stored_visits(&crashed) < 3 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the scan ended too early"
        );
        assert!(started.elapsed() < Duration::from_secs(120), "no progress");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Chromium dies under the scan, as after an out-of-memory kill.
    let killed = Command::new("pkill")
        .args(["-9", "-P", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(
        killed.success(),
        "Chromium was not running under pixelaudit"
    );
    let output = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(0),
        "every page visited after the restart\n{log}"
    );
    assert!(browser_launches(&crashed) >= 2, "{log}");
    let report = read_report(&crashed);
    let pages: usize = report.sites.iter().map(|s| s.pages.len()).sum();
    assert_eq!(pages, 10, "{log}");
    assert!(
        report
            .sites
            .iter()
            .flat_map(|s| &s.pages)
            .all(|p| p.visit.error.is_none())
    );
}

#[test]
fn demo_runs_again_into_its_own_folder() {
    let work = tempfile::tempdir().unwrap();
    let sites = work.path().join("one.csv");
    std::fs::write(&sites, "name,url\nPolderzorg,https://www.polderzorg.nl/\n").unwrap();
    let out = work.path().join("demo");
    for run in 1..=2 {
        let output = pixelaudit()
            .current_dir(common::repo())
            .args(["demo", "--consent", "none", "--max-pages", "1", "--sites"])
            .arg(&sites)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "run {run}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(read_report(&out).sites.len(), 1);
}

/// Each page visit of a report as (start, end) in milliseconds since the Unix epoch, in the order the
/// pages were taken from the frontier.
fn visit_spans(report: &Report) -> Vec<(String, i128, i128)> {
    report.sites[0]
        .pages
        .iter()
        .filter(|p| p.visit.search_term.is_none())
        .map(|p| {
            let start = time::OffsetDateTime::parse(
                &p.visit.started_at,
                &time::format_description::well_known::Rfc3339,
            )
            .expect("started_at is RFC 3339")
            .unix_timestamp_nanos()
                / 1_000_000;
            (
                p.visit.url.clone(),
                start,
                start + i128::from(p.visit.duration_ms),
            )
        })
        .collect()
}

#[test]
fn after_the_consent_choice_the_pages_of_a_site_are_visited_side_by_side_in_tabs() {
    let scan = |tabs: usize| {
        common::scan_fixture_sites_with(
            vec![common::site("Amstelpolis", "https://www.amstelpolis.nl/")],
            move |config| {
                config.max_pages = 6;
                config.tabs = tabs;
                config.modes = vec![pixelaudit::observe::ConsentMode::Reject];
            },
        )
    };
    let overlapping = |spans: &[(String, i128, i128)]| {
        let mut pairs = Vec::new();
        for (i, a) in spans.iter().enumerate() {
            for b in &spans[i + 1..] {
                if a.1 < b.2 && b.1 < a.2 {
                    pairs.push((a.0.clone(), b.0.clone()));
                }
            }
        }
        pairs
    };

    let one = scan(1);
    let one_spans = visit_spans(&one.report);
    assert!(one_spans.len() >= 4, "{one_spans:#?}");
    assert_eq!(
        overlapping(&one_spans),
        Vec::<(String, String)>::new(),
        "one tab visits one page at a time"
    );

    let three = scan(3);
    let spans = visit_spans(&three.report);
    assert_eq!(
        spans.len(),
        one_spans.len(),
        "the same page budget is used: {spans:#?}"
    );
    let (first, later) = spans.split_first().expect("the start page is visited");
    assert_eq!(first.0, "https://www.amstelpolis.nl/");
    // The first page makes the consent choice the others browse under: it goes alone.
    for page in later {
        assert!(
            page.1 >= first.2,
            "{} started before the first page's consent choice was done",
            page.0
        );
    }
    assert!(
        !overlapping(later).is_empty(),
        "with three tabs, later pages are visited side by side: {spans:#?}"
    );
    let pages = &three.report.sites[0].pages;
    assert!(
        pages[0].visit.choice_at_ms.is_some(),
        "the banner is rejected on the first page"
    );
    for page in &pages[1..] {
        assert_eq!(
            page.visit.choice_at_ms,
            Some(0),
            "{} carries the choice made on the first page",
            page.visit.url
        );
        assert!(page.visit.error.is_none(), "{:?}", page.visit.error);
    }
    common::assert_report_matches_schema(&three);
}
