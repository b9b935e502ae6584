//! The whole hostile fixture web in one scan, next to two ordinary sites: every broken or hostile host is
//! recorded with the reason a person understands, the ordinary sites come out exactly as when scanned on
//! their own, the process ends by itself with exit code 1, and pixelaudit with all its Chromium processes
//! stays under 1.5 GB of memory (proportional set size, so pages shared between processes count once).

mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use pixelaudit::fixtures::LoggedRequest;
use pixelaudit::results::{PageReport, Report, SiteReport};

/// Every host of the fixture web that is broken or hostile on purpose, with the fault it stands for.
const HOSTILE: &[(&str, &str)] = &[
    ("Onbereikbaar", "https://nowhere.invalid/"),
    ("Traag ziekenhuis", "https://www.traag-ziekenhuis.nl/"),
    ("Druppel kliniek", "https://www.druppel-kliniek.nl/"),
    ("Reuzenpagina", "https://www.reuzen-pagina.nl/"),
    ("Redirect-lus", "https://www.redirect-lus.nl/"),
    ("Lange keten", "https://www.lange-keten.nl/"),
    ("Heen en weer", "https://www.heen-en-weer.nl/"),
    ("Melding kliniek", "https://www.melding-kliniek.nl/"),
    ("Vensterstorm", "https://www.venster-storm.nl/"),
    ("Bezette kliniek", "https://www.bezette-kliniek.nl/"),
    ("Geheugenvreter", "https://www.geheugen-vreter.nl/"),
    ("Kapot certificaat", "https://www.kapot-certificaat.nl/"),
    ("Verbroken lijn", "https://www.verbroken-lijn.nl/"),
    ("Linkfabriek", "https://www.linkfabriek.nl/"),
    ("Rommel-HTML", "https://www.rommel-html.nl/"),
    ("Koekjesmonster", "https://www.koekjesmonster.nl/"),
    ("Vijandige kliniek", "https://www.vijandige-kliniek.nl/"),
    ("Half geladen", "https://www.half-geladen.nl/"),
    ("Wankel ziekenhuis", "https://www.wankel-ziekenhuis.nl/"),
];

/// The two ordinary sites scanned along with them.
const NORMAL: &[(&str, &str)] = &[
    ("Zilverpolis", "https://www.zilverpolis.nl/"),
    ("GGZ Kompas", "https://www.ggz-kompas.nl/"),
];

/// A run that has not ended after this long has hung; the measured time is in the closing note.
const HANG_GUARD: Duration = Duration::from_secs(600);

/// The memory bound of issue #8, for pixelaudit and every Chromium process together.
const MEMORY_BOUND_BYTES: u64 = 1_500_000_000;

struct Run {
    exit_code: Option<i32>,
    stderr: String,
    report: Report,
    peak_pss_bytes: u64,
    took: Duration,
}

struct Outcome {
    mixed: Run,
    alone: Run,
    log: Vec<LoggedRequest>,
}

/// Both scans share one fixture web; the tests below read the same outcome.
fn outcome() -> &'static Outcome {
    static OUTCOME: OnceLock<Outcome> = OnceLock::new();
    OUTCOME.get_or_init(|| {
        let (_runtime, server) = common::fixture_web();
        let alone = scan(server.addr(), NORMAL);
        server.clear_log();
        let everything: Vec<_> = HOSTILE.iter().chain(NORMAL).copied().collect();
        let mixed = scan(server.addr(), &everything);
        let log = server.requests();
        drop(server);
        Outcome { mixed, alone, log }
    })
}

/// Runs `pixelaudit scan` on `sites` as a child process, sampling its memory and its descendants'.
fn scan(fixture: SocketAddr, sites: &[(&str, &str)]) -> Run {
    let out = tempfile::tempdir().unwrap();
    let list = out.path().join("sites.csv");
    let mut csv = String::from("name,url\n");
    for (name, url) in sites {
        csv.push_str(&format!("{name},{url}\n"));
    }
    std::fs::write(&list, csv).unwrap();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pixelaudit"))
        .args(["scan", "--sites"])
        .arg(&list)
        .arg("--out")
        .arg(out.path().join("scan"))
        .args([
            "--max-pages",
            "5",
            "--consent",
            "none",
            "--page-timeout",
            "8",
            "--delay-ms",
            "0",
            "--tabs",
            "2",
            "--insecure",
            "--format",
            "json,html",
        ])
        .arg("--map-hosts")
        .arg(fixture.to_string())
        .arg("--rules")
        .arg(common::repo().join("rules"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let peak = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, done, root) = (Arc::clone(&peak), Arc::clone(&done), child.id());
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                peak.fetch_max(tree_pss_bytes(root), Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(200));
            }
        })
    };
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > HANG_GUARD {
            let _ = child.kill();
            panic!("the scan did not end within {} s", HANG_GUARD.as_secs());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let took = started.elapsed();
    done.store(true, Ordering::SeqCst);
    sampler.join().unwrap();
    let stderr = reader.join().unwrap();
    let report_path = out.path().join("scan/report.json");
    let report: Report = serde_json::from_slice(
        &std::fs::read(&report_path).unwrap_or_else(|e| panic!("no report ({e}): {stderr}")),
    )
    .unwrap();
    eprintln!(
        "scan of {} sites: exit {:?} in {:.1} s, peak memory (PSS, all processes) {} MiB",
        sites.len(),
        status.code(),
        took.as_secs_f64(),
        peak.load(Ordering::SeqCst) / (1024 * 1024)
    );
    Run {
        exit_code: status.code(),
        stderr,
        report,
        peak_pss_bytes: peak.load(Ordering::SeqCst),
        took,
    }
}

/// Proportional set size of `root` and all its descendants, in bytes.
fn tree_pss_bytes(root: u32) -> u64 {
    let mut parents = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            // The parent is the second field after the command name, which may itself hold spaces.
            let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
            let parent = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if let Some(parent) = parent {
                parents.push((pid, parent));
            }
        }
    }
    let mut tree = BTreeSet::from([root]);
    loop {
        let before = tree.len();
        for (pid, parent) in &parents {
            if tree.contains(parent) {
                tree.insert(*pid);
            }
        }
        if tree.len() == before {
            break;
        }
    }
    tree.iter().map(|pid| pss_bytes(*pid)).sum()
}

fn pss_bytes(pid: u32) -> u64 {
    let path = Path::new("/proc")
        .join(pid.to_string())
        .join("smaps_rollup");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Pss:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

fn site<'a>(report: &'a Report, name: &str) -> &'a SiteReport {
    report
        .sites
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("{name} is not in the report"))
}

fn start_page<'a>(report: &'a Report, name: &str) -> &'a PageReport {
    site(report, name)
        .pages
        .first()
        .unwrap_or_else(|| panic!("{name}: no page recorded"))
}

fn error_of(report: &Report, name: &str) -> String {
    start_page(report, name)
        .visit
        .error
        .clone()
        .unwrap_or_else(|| panic!("{name}: no error recorded"))
}

fn rules_of(page: &PageReport) -> BTreeSet<&str> {
    page.detected
        .trackers
        .iter()
        .map(|t| t.rule.as_str())
        .collect()
}

#[test]
fn the_scan_ends_by_itself_with_exit_1_and_under_the_memory_bound() {
    let run = &outcome().mixed;
    assert_eq!(run.exit_code, Some(1), "{}", run.stderr);
    assert!(
        run.took < HANG_GUARD,
        "took {:.0} s",
        run.took.as_secs_f64()
    );
    assert!(
        run.peak_pss_bytes > 100 * 1024 * 1024,
        "the memory sampler saw nothing: {} bytes",
        run.peak_pss_bytes
    );
    assert!(
        run.peak_pss_bytes < MEMORY_BOUND_BYTES,
        "peak memory {} MiB",
        run.peak_pss_bytes / (1024 * 1024)
    );
    assert_eq!(
        run.report.sites.len(),
        HOSTILE.len() + NORMAL.len(),
        "every site is in the report"
    );
}

#[test]
fn each_hostile_host_is_recorded_with_its_reason() {
    let report = &outcome().mixed.report;
    let expect = |name: &str, reason: &str| {
        let error = error_of(report, name);
        assert!(error.starts_with(reason), "{name}: {error}");
    };
    expect("Onbereikbaar", "host not found");
    expect("Traag ziekenhuis", "timeout: no response within 8 s");
    expect("Druppel kliniek", "timeout: the page kept arriving");
    expect("Reuzenpagina", "too large: the document passed");
    expect("Redirect-lus", "redirect loop");
    expect("Lange keten", "redirect loop or too long a chain");
    expect(
        "Heen en weer",
        "redirect loop: the page sent the browser on by script",
    );
    expect("Bezette kliniek", "page stopped responding");
    expect("Geheugenvreter", "renderer crashed");
    expect("Kapot certificaat", "TLS handshake failed");
    expect("Verbroken lijn", "connection reset");
    expect("Half geladen", "timeout: the page did not finish loading");

    // What a failing page did before it failed is still evidence.
    for name in [
        "Druppel kliniek",
        "Reuzenpagina",
        "Bezette kliniek",
        "Geheugenvreter",
    ] {
        assert!(
            !start_page(report, name).detected.trackers.is_empty(),
            "{name}: its trackers were lost"
        );
    }
    // A crashed renderer gets one more try in a new tab, and both failures are on record.
    let crashed = start_page(report, "Geheugenvreter");
    assert!(
        crashed
            .visit
            .first_attempt_error
            .as_deref()
            .is_some_and(|e| e.starts_with("renderer crashed")),
        "{:?}",
        crashed.visit.first_attempt_error
    );
}

#[test]
fn redirect_chains_are_followed_as_far_as_a_browser_goes_and_no_further() {
    let log = &outcome().log;
    // The start page and 19 hops of the chain are 20 redirects; the 21st is refused.
    let hops = log
        .iter()
        .filter(|r| r.host == "www.lange-keten.nl")
        .filter(|r| r.path == "/" || r.path.starts_with("/stap/"))
        .count();
    assert_eq!(hops, 20, "requests made on the 30-hop chain");
    assert!(
        !log.iter()
            .any(|r| r.host == "www.lange-keten.nl" && r.path == "/eindelijk.html")
    );
    let loops = log
        .iter()
        .filter(|r| r.host == "www.heen-en-weer.nl")
        .count();
    assert!(
        loops < 40,
        "the script loop was stopped, {loops} requests were made"
    );
}

#[test]
fn pages_that_misbehave_without_failing_are_visited_and_their_misbehaviour_recorded() {
    let report = &outcome().mixed.report;
    let log = &outcome().log;

    let dialogs = start_page(report, "Melding kliniek");
    assert_eq!(dialogs.visit.error, None);
    let kinds: Vec<&str> = dialogs
        .visit
        .dialogs
        .iter()
        .map(|d| d.kind.as_str())
        .collect();
    assert_eq!(kinds, ["alert", "prompt", "confirm"]);

    // Eighty windows opened without a click: the pop-up blocker refuses them, as in a visitor's browser,
    // and each is recorded with its address.
    let storm = site(report, "Vensterstorm");
    assert_eq!(storm.pages[0].visit.error, None);
    assert_eq!(
        storm.pages[0].visit.popups.len(),
        50,
        "recorded up to the cap"
    );
    assert_eq!(
        storm.pages[0].visit.popups[0],
        "https://www.venster-storm.nl/aanbieding/?venster=0"
    );
    assert!(
        storm
            .pages
            .iter()
            .any(|p| p.visit.url.ends_with("/afspraak/") && p.visit.error.is_none()),
        "the crawl went on past the storm"
    );
    assert!(rules_of(&storm.pages[0]).contains("meta-pixel"));
    assert!(
        !log.iter()
            .any(|r| r.host == "www.venster-storm.nl" && r.path.starts_with("/aanbieding")),
        "a pop-up loaded its page"
    );

    // 100,000 links: the page budget holds, no link is visited twice, and the first 5,000 links (what a
    // visit reads from one page) reach the frontier.
    let links = site(report, "Linkfabriek");
    assert_eq!(links.pages.len(), 5);
    assert!(links.pages.iter().all(|p| p.visit.error.is_none()));
    let visited: BTreeSet<&str> = links.pages.iter().map(|p| p.visit.url.as_str()).collect();
    assert_eq!(visited.len(), 5);
    let frontier = &links.crawl.frontiers["none"];
    assert!(
        frontier.waiting + frontier.skipped.values().sum::<usize>() >= 4_990,
        "{frontier:?}"
    );

    // Bytes that are not UTF-8 and tags that never close: read as a browser reads them.
    let broken = site(report, "Rommel-HTML");
    assert!(broken.pages.iter().all(|p| p.visit.error.is_none()));
    assert!(rules_of(&broken.pages[0]).contains("meta-pixel"));
    assert!(
        broken.pages[0]
            .visit
            .title
            .as_deref()
            .is_some_and(|t| t.contains('\u{fffd}')),
        "{:?}",
        broken.pages[0].visit.title
    );
    assert!(
        broken.pages.len() >= 2,
        "the link in the broken markup was followed"
    );

    // A thousand cookies and one too big: the browser keeps what it keeps (at most 180 per site), the
    // refusal is on record.
    let cookies = start_page(report, "Koekjesmonster");
    assert_eq!(cookies.visit.error, None);
    let kept = cookies.detected.cookies.len();
    assert!((100..=200).contains(&kept), "{kept} cookies");
    assert!(
        cookies
            .detected
            .blocked_cookies
            .iter()
            .any(|b| b.header.starts_with("veel_te_groot=")),
        "{:?}",
        cookies
            .detected
            .blocked_cookies
            .iter()
            .map(|b| &b.reason)
            .collect::<Vec<_>>()
    );
    // Just under the limit is taken (and later evicted with the rest of the overflow), not refused.
    assert!(
        !cookies
            .detected
            .blocked_cookies
            .iter()
            .any(|b| b.header.starts_with("bijna_te_groot="))
    );

    // A site whose pages keep failing is given up, not visited to the end of its budget.
    let shaky = site(report, "Wankel ziekenhuis");
    assert_eq!(
        shaky.pages.len(),
        5,
        "the start page, three failures, and the page in the second tab when the third failed"
    );
    assert_eq!(
        shaky
            .pages
            .iter()
            .filter(|p| p.visit.error.is_some())
            .count(),
        4
    );
    assert_eq!(
        shaky.crawl.frontiers["none"].gave_up.as_deref(),
        Some("stopped after 3 failed visits in a row")
    );
}

#[test]
fn the_ordinary_sites_come_out_as_when_scanned_alone() {
    let Outcome { mixed, alone, .. } = outcome();
    assert_eq!(alone.exit_code, Some(0), "{}", alone.stderr);
    for (name, _) in NORMAL {
        let (a, b) = (site(&alone.report, name), site(&mixed.report, name));
        let pages = |s: &SiteReport| {
            s.pages
                .iter()
                .map(|p| {
                    (
                        p.visit.url.clone(),
                        p.visit.error.clone(),
                        p.medical.as_ref().map(|m| m.is_medical),
                        rules_of(p)
                            .into_iter()
                            .map(str::to_string)
                            .collect::<Vec<_>>(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(pages(a), pages(b), "{name}: pages");
        assert!(pages(a).len() >= 3, "{name}: {} pages", pages(a).len());
        assert!(b.pages.iter().all(|p| p.visit.error.is_none()), "{name}");
        let findings = |s: &SiteReport| {
            s.findings
                .iter()
                .map(|f| (f.id.clone(), f.vendor.clone(), f.severity))
                .collect::<Vec<_>>()
        };
        assert_eq!(findings(a), findings(b), "{name}: findings");
        assert!(!findings(b).is_empty(), "{name}: no findings");
    }
}
