//! Bad input gets a clear error and the rest of the scan goes on: unreachable hosts, TLS failures,
//! redirect loops, pages that never answer or never finish loading, and broken rule files.

mod common;

use std::process::Command;
use std::time::Duration;

fn pixelaudit() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pixelaudit"))
}

#[test]
fn broken_sites_are_recorded_with_their_reason_and_the_other_pages_complete() {
    let sites = vec![
        common::site("Onbereikbaar", "https://nowhere.invalid/"),
        common::site("Kapot certificaat", "https://www.kapot-certificaat.nl/"),
        common::site("Redirect-lus", "https://www.redirect-lus.nl/"),
        common::site("Traag ziekenhuis", "https://www.traag-ziekenhuis.nl/"),
        common::site("Half geladen", "https://www.half-geladen.nl/"),
        common::site("Zilverpolis", "https://www.zilverpolis.nl/"),
    ];
    let result = common::scan_fixture_sites(sites, 5, Duration::from_secs(6));
    let error_of = |name: &str| -> String {
        let site = result.report.sites.iter().find(|s| s.name == name).unwrap();
        assert_eq!(
            site.pages.len(),
            1,
            "{name}: only its start page can be visited"
        );
        site.pages[0]
            .visit
            .error
            .clone()
            .unwrap_or_else(|| panic!("{name}: no error recorded"))
    };
    assert!(
        error_of("Onbereikbaar").starts_with("host not found"),
        "{}",
        error_of("Onbereikbaar")
    );
    assert!(
        error_of("Kapot certificaat").starts_with("TLS handshake failed"),
        "{}",
        error_of("Kapot certificaat")
    );
    assert!(
        error_of("Redirect-lus").starts_with("redirect loop"),
        "{}",
        error_of("Redirect-lus")
    );
    assert!(
        error_of("Traag ziekenhuis").starts_with("timeout: no response"),
        "{}",
        error_of("Traag ziekenhuis")
    );
    let half = error_of("Half geladen");
    assert!(
        half.starts_with("timeout: the page did not finish loading"),
        "{half}"
    );
    // What the half-loaded page did before the deadline is still evidence.
    let half_page = &result
        .report
        .sites
        .iter()
        .find(|s| s.name == "Half geladen")
        .unwrap()
        .pages[0];
    assert!(
        half_page
            .detected
            .trackers
            .iter()
            .any(|t| t.rule == "meta-pixel"),
        "{:?}",
        half_page.detected.trackers
    );

    let good = result
        .report
        .sites
        .iter()
        .find(|s| s.name == "Zilverpolis")
        .unwrap();
    // Its five pages, and the visit that searches the site for a health term.
    assert_eq!(good.pages.len(), 6);
    assert_eq!(
        good.pages
            .iter()
            .filter(|p| p.visit.search_term.is_some())
            .count(),
        1
    );
    assert!(
        good.pages
            .iter()
            .all(|p| p.visit.error.is_none() && !p.detected.trackers.is_empty())
    );
    assert_eq!(result.report.failed_pages(), 5);
}

#[test]
fn scan_exits_1_when_pages_failed_and_names_the_reason() {
    let (_runtime, server) = common::fixture_web();
    let out = tempfile::tempdir().unwrap();
    let output = pixelaudit()
        .args([
            "scan",
            "https://www.redirect-lus.nl/",
            "https://www.ggz-kompas.nl/",
            "--max-pages",
            "2",
            "--insecure",
            "--page-timeout",
            "8",
        ])
        .arg("--map-hosts")
        .arg(server.addr().to_string())
        .arg("--out")
        .arg(out.path())
        .arg("--rules")
        .arg(common::repo().join("rules"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("FAILED: redirect loop"), "{stderr}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("report.json")).unwrap()).unwrap();
    // Two pages in each of the three default consent modes.
    assert_eq!(report["sites"][1]["pages"].as_array().unwrap().len(), 6);
    drop(server);
}

fn broken_rules(edit: impl FnOnce(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("trackers")).unwrap();
    for entry in std::fs::read_dir(common::repo().join("rules/trackers")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(
            entry.path(),
            dir.path().join("trackers").join(entry.file_name()),
        )
        .unwrap();
    }
    let meta = dir.path().join("trackers/meta.toml");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(&meta, edit(&text)).unwrap();
    dir
}

#[test]
fn a_malformed_rule_file_is_named_with_its_line_and_exit_code_2() {
    let dir = broken_rules(|t| {
        t.replacen(
            "[[endpoint]]\nid = \"meta-pixel\"",
            "[[endpoint]\nid = \"meta-pixel\"",
            1,
        )
    });
    let output = pixelaudit()
        .args(["rules", "check", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("meta.toml:6: "), "{stderr}");

    let dir = broken_rules(|t| {
        t.replacen(
            "categories = [\"advertising\", \"social\"]",
            "categories = [\"advertising\", \"spying\"]",
            1,
        )
    });
    let output = pixelaudit()
        .args(["rules", "check", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("meta.toml:2: unknown category `spying`"),
        "{stderr}"
    );

    // A scan refuses to run on broken rules rather than silently missing a vendor.
    let output = pixelaudit()
        .args(["scan", "https://www.zilverpolis.nl/", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown category `spying`"));
}

#[test]
fn bad_command_line_values_exit_2_with_a_message() {
    let output = pixelaudit()
        .args(["scan", "ftp://www.example.nl/"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("scheme must be http or https"));
    let output = pixelaudit()
        .args(["scan", "https://www.example.nl/", "--max-pages", "0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = pixelaudit().args(["scan"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing to scan"));
}

#[test]
fn javascript_dialogs_are_answered_and_recorded_and_the_visit_goes_on() {
    let result = common::scan_fixture_sites_with(
        vec![common::site(
            "Kliniek Melding",
            "https://www.melding-kliniek.nl/",
        )],
        |config| {
            config.max_pages = 2;
            config.browser.navigation_timeout = std::time::Duration::from_secs(10);
        },
    );
    let pages = &result.report.sites[0].pages;
    assert_eq!(pages.len(), 2, "{pages:#?}");
    for page in pages {
        assert!(
            page.visit.error.is_none(),
            "{}: {:?}",
            page.visit.url,
            page.visit.error
        );
    }
    let home = &pages[0];
    let kinds: Vec<&str> = home.visit.dialogs.iter().map(|d| d.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["alert", "prompt", "confirm"],
        "{:?}",
        home.visit.dialogs
    );
    assert!(home.visit.dialogs[0].message.contains("cookies"));
    assert!(home.visit.dialogs.iter().all(|d| d.answer == "dismissed"));
    // The scripts after the dialogs ran: GA4 was reached and read the page.
    assert!(
        home.detected.trackers.iter().any(|t| t.vendor == "google"),
        "{:?}",
        home.detected.trackers
    );
    assert_eq!(
        pages[1].visit.dialogs.len(),
        1,
        "{:?}",
        pages[1].visit.dialogs
    );
}

#[test]
fn pop_up_windows_are_refused_and_recorded() {
    let result = common::scan_fixture_sites_with(
        vec![common::site(
            "Popup Kliniek",
            "https://www.popup-kliniek.nl/",
        )],
        |config| config.max_pages = 1,
    );
    let home = &result.report.sites[0].pages[0];
    assert!(home.visit.error.is_none(), "{:?}", home.visit.error);
    assert_eq!(
        home.visit.popups,
        ["https://www.popup-kliniek.nl/aanbieding/"],
        "{:?}",
        home.visit.popups
    );
    // The pop-up never loaded: the only request for its page is none at all (max_pages is 1).
    assert!(
        !result.log.iter().any(|r| r.path.starts_with("/aanbieding")),
        "the pop-up loaded its page"
    );
}

/// Runs pixelaudit with `args` and returns its exit code and standard error.
fn run(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let output = pixelaudit().args(args).output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn every_kind_of_bad_input_exits_2_with_one_message_naming_the_file_line_or_flag() {
    use std::ffi::OsStr;
    let work = tempfile::tempdir().unwrap();
    let path = |name: &str| work.path().join(name);

    // Rule files: a duplicate id, a path pattern that is not a path, a vendor without company.
    let duplicate =
        broken_rules(|t| t.replacen("id = \"meta-social-plugin\"", "id = \"meta-pixel\"", 1));
    let bad_pattern =
        broken_rules(|t| t.replacen("paths = [\"/tr\", \"/tr/*\"]", "paths = [\"tr\"]", 1));
    let no_company = broken_rules(|t| {
        t.replacen(
            "company = \"Meta Platforms Ireland Ltd.\"",
            "company = \"\"",
            1,
        )
    });
    // Site lists: every row bad, and one that is not UTF-8 at all.
    std::fs::write(path("bad.csv"), "name,url\nEen,ftp://x.nl/\nTwee\n").unwrap();
    std::fs::write(
        path("latin1.csv"),
        b"name,url\nZi\xebkenhuis,https://www.zilverpolis.nl/\n",
    )
    .unwrap();
    std::fs::create_dir(path("not-a-scan")).unwrap();

    let cases: Vec<(Vec<&OsStr>, &str)> = vec![
        (
            vec![
                "rules".as_ref(),
                "check".as_ref(),
                "--rules".as_ref(),
                duplicate.path().as_os_str(),
            ],
            "meta.toml:",
        ),
        (
            vec![
                "rules".as_ref(),
                "check".as_ref(),
                "--rules".as_ref(),
                bad_pattern.path().as_os_str(),
            ],
            "path pattern `tr` must start with '/'",
        ),
        (
            vec![
                "rules".as_ref(),
                "check".as_ref(),
                "--rules".as_ref(),
                no_company.path().as_os_str(),
            ],
            "meta.toml:1: company is empty",
        ),
        (
            vec![
                "scan".as_ref(),
                "--sites".as_ref(),
                path("bad.csv").into_os_string().leak(),
            ],
            "no usable rows",
        ),
        (
            vec![
                "scan".as_ref(),
                "--sites".as_ref(),
                path("latin1.csv").into_os_string().leak(),
            ],
            "latin1.csv:2: not UTF-8 text",
        ),
        (
            vec![
                "scan".as_ref(),
                "--sites".as_ref(),
                path("missing.csv").into_os_string().leak(),
            ],
            "missing.csv",
        ),
        (
            vec![
                "scan".as_ref(),
                "https://www.zilverpolis.nl/".as_ref(),
                "--concurrency".as_ref(),
                "0".as_ref(),
            ],
            "--concurrency",
        ),
        (
            vec![
                "scan".as_ref(),
                "https://www.zilverpolis.nl/".as_ref(),
                "--page-timeout".as_ref(),
                "soon".as_ref(),
            ],
            "--page-timeout",
        ),
        (
            vec![
                "scan".as_ref(),
                "https://www.zilverpolis.nl/".as_ref(),
                "--consent".as_ref(),
                "maybe".as_ref(),
            ],
            "invalid value 'maybe' for '--consent",
        ),
        (
            vec![
                "scan".as_ref(),
                "https://www.zilverpolis.nl/".as_ref(),
                "--format".as_ref(),
                "pdf".as_ref(),
            ],
            "pdf",
        ),
        (
            vec![
                "scan".as_ref(),
                "https://www.zilverpolis.nl/".as_ref(),
                "--lang".as_ref(),
                "de".as_ref(),
            ],
            "--lang",
        ),
        (
            vec![
                "scan".as_ref(),
                "https://www.zilverpolis.nl/".as_ref(),
                "--site-budget".as_ref(),
                "1".as_ref(),
            ],
            "--site-budget",
        ),
        (
            vec![
                "scan".as_ref(),
                "https://www.zilverpolis.nl/".as_ref(),
                "--map-hosts".as_ref(),
                "localhost".as_ref(),
            ],
            "--map-hosts",
        ),
        (
            vec![
                "scan".as_ref(),
                "--resume".as_ref(),
                path("not-a-scan").into_os_string().leak(),
            ],
            "not-a-scan",
        ),
        (
            vec![
                "report".as_ref(),
                path("not-a-scan").into_os_string().leak(),
            ],
            "not-a-scan",
        ),
    ];
    for (args, expected) in cases {
        let (code, stderr) = run(&args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{args:?}: expected `{expected}` in: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_site_out_of_time_is_stopped_after_its_start_page_and_the_report_says_why() {
    let result = common::scan_fixture_sites_with(
        vec![common::site("Zilverpolis", "https://www.zilverpolis.nl/")],
        |config| {
            config.max_pages = 5;
            config.site_budget = std::time::Duration::ZERO;
        },
    );
    let site = &result.report.sites[0];
    assert_eq!(site.pages.len(), 1, "only the start page");
    assert!(
        site.pages[0].visit.error.is_none(),
        "{:?}",
        site.pages[0].visit.error
    );
    assert_eq!(
        site.crawl.frontiers["none"].gave_up.as_deref(),
        Some("stopped: the site's time budget of 0 s was used up")
    );
}
