//! Shared set-up for the end-to-end tests: each test binary starts its own fixture web on a free
//! loopback port and drives the real Chromium against it.
#![allow(dead_code)]

pub mod postgres;

use std::path::{Path, PathBuf};
use std::time::Duration;

use pixelaudit::browser::BrowserOptions;
use pixelaudit::crawl::Site;
use pixelaudit::fixtures::{FixtureServer, LoggedRequest};
use pixelaudit::observe::ConsentMode;
use pixelaudit::results::Report;
use pixelaudit::rules::RuleSet;
use pixelaudit::rules::Rules;
use pixelaudit::scan::ScanConfig;

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn rules() -> RuleSet {
    RuleSet::load(&repo().join("rules")).expect("the shipped rules load")
}

pub fn all_rules() -> Rules {
    Rules::load(&repo().join("rules")).expect("the shipped rules load")
}

pub fn site(name: &str, url: &str) -> Site {
    Site {
        name: name.into(),
        url: url.into(),
        sector: None,
    }
}

/// The fixture web on a free loopback port, on a runtime of its own that lives as long as the test keeps it.
pub fn fixture_web() -> (tokio::runtime::Runtime, FixtureServer) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime
        .block_on(FixtureServer::start(
            &repo().join("fixtures/web"),
            "127.0.0.1:0".parse().unwrap(),
            None,
        ))
        .expect("the fixture web starts");
    (runtime, server)
}

/// The six health-care sites of the demo sector.
pub fn demo_sites() -> Vec<Site> {
    pixelaudit::crawl::read_site_list(&repo().join("fixtures/sectors/demo.csv"))
        .expect("demo.csv reads")
        .0
}

/// What a finished scan left behind: its report, the fixture server's log, and the output folder.
pub struct ScanResult {
    pub report: Report,
    pub log: Vec<LoggedRequest>,
    pub out: tempfile::TempDir,
}

/// Scans `sites` against a fresh fixture web, on a runtime of its own (so the result can be shared
/// between tests through a `OnceLock`).
pub fn scan_fixture_sites(
    sites: Vec<Site>,
    max_pages: usize,
    page_timeout: Duration,
) -> ScanResult {
    scan_fixture_sites_in_modes(sites, max_pages, page_timeout, vec![ConsentMode::None])
}

/// As [`scan_fixture_sites`], in the given consent modes.
pub fn scan_fixture_sites_in_modes(
    sites: Vec<Site>,
    max_pages: usize,
    page_timeout: Duration,
    modes: Vec<ConsentMode>,
) -> ScanResult {
    scan_fixture_sites_with(sites, move |config| {
        config.max_pages = max_pages;
        config.modes = modes;
        config.browser.navigation_timeout = page_timeout;
    })
}

/// Scans `sites` against a fresh fixture web in mode `none`, with the test defaults changed by `adjust`.
pub fn scan_fixture_sites_with(
    sites: Vec<Site>,
    adjust: impl FnOnce(&mut ScanConfig) + Send + 'static,
) -> ScanResult {
    scan_fixture_sites_with_rules(sites, all_rules(), adjust)
}

/// As [`scan_fixture_sites_with`], with these rules (filter lists added, say).
pub fn scan_fixture_sites_with_rules(
    sites: Vec<Site>,
    rules: Rules,
    adjust: impl FnOnce(&mut ScanConfig) + Send + 'static,
) -> ScanResult {
    run_on_fixture_web(sites, rules, false, adjust)
}

/// `scan --static --then-browser` of `sites` against a fresh fixture web (`adjust` sets the browser
/// half's settings).
pub fn sweep_then_browse_fixture_sites(
    sites: Vec<Site>,
    adjust: impl FnOnce(&mut ScanConfig) + Send + 'static,
) -> ScanResult {
    run_on_fixture_web(sites, all_rules(), true, adjust)
}

fn run_on_fixture_web(
    sites: Vec<Site>,
    rules: Rules,
    then_browser: bool,
    adjust: impl FnOnce(&mut ScanConfig) + Send + 'static,
) -> ScanResult {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let server = FixtureServer::start(
                &repo().join("fixtures/web"),
                "127.0.0.1:0".parse().unwrap(),
                None,
            )
            .await
            .expect("fixture web starts");
            let out = tempfile::tempdir().unwrap();
            let mut config = ScanConfig {
                max_pages: 30,
                modes: vec![ConsentMode::None],
                host_delay: Duration::ZERO,
                browser: BrowserOptions {
                    map_hosts: Some(server.addr().to_string()),
                    insecure: true,
                    settle_timeout: Duration::from_secs(5),
                    ..BrowserOptions::default()
                },
                command_line: "cargo test".into(),
                ..ScanConfig::new(sites, out.path().to_path_buf())
            };
            adjust(&mut config);
            let report = if then_browser {
                pixelaudit::scan::sweep_then_browse(&config, &rules).await
            } else {
                pixelaudit::scan::scan(&config, &rules).await
            }
            .expect("scan runs");
            ScanResult {
                report,
                log: server.requests(),
                out,
            }
        })
    })
    .join()
    .expect("scan thread")
}

pub fn out_path(result: &ScanResult) -> PathBuf {
    result.out.path().to_path_buf()
}

/// Host names of the fixture web that the rules say belong to a vendor (a tracker or a third-party service).
pub fn tracker_hosts() -> std::collections::BTreeSet<String> {
    let rules = rules();
    pixelaudit::fixtures::host_names(&repo().join("fixtures/web"))
        .unwrap()
        .into_iter()
        .filter(|h| rules.vendor_for_host(h).is_some())
        .collect()
}

/// Asserts that every request the fixture server received for a tracker host is in the report, with the
/// same method, URL and body. Returns how many were checked.
pub fn assert_server_log_captured(result: &ScanResult) -> usize {
    use base64::Engine;
    let hosts = tracker_hosts();
    let captured: Vec<(&str, &str, Option<&str>, bool)> = result
        .report
        .sites
        .iter()
        .flat_map(|s| &s.pages)
        .flat_map(|p| p.detected.trackers.iter().chain(&p.detected.services))
        .flat_map(|t| &t.requests)
        .map(|r| {
            (
                r.method.as_str(),
                r.url.as_str(),
                r.post_data.as_deref(),
                r.post_data_base64,
            )
        })
        .collect();
    let mut checked = 0;
    for logged in result.log.iter().filter(|l| hosts.contains(&l.host)) {
        let url = logged.url();
        let found = captured
            .iter()
            .any(|(method, captured_url, body, is_base64)| {
                let same_body = match body {
                    _ if logged.body.is_empty() => true,
                    Some(b) if *is_base64 => {
                        let raw = base64::engine::general_purpose::STANDARD.decode(b).unwrap();
                        String::from_utf8_lossy(&raw) == logged.body
                    }
                    Some(b) => *b == logged.body,
                    None => false,
                };
                *method == logged.method && *captured_url == url && same_body
            });
        assert!(
            found,
            "the server received {} {url} (body {} bytes) but pixelaudit did not report it",
            logged.method,
            logged.body.len()
        );
        checked += 1;
    }
    checked
}

/// Asserts that the report.json a scan wrote is valid against docs/report.schema.json.
pub fn assert_report_matches_schema(result: &ScanResult) {
    assert_report_file_matches_schema(&out_path(result).join("report.json"));
}

/// Asserts that the report.json at `path` is valid against docs/report.schema.json.
pub fn assert_report_file_matches_schema(path: &std::path::Path) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("docs/report.schema.json")).unwrap(),
    )
    .unwrap();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&written)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(10)
        .collect();
    assert!(
        errors.is_empty(),
        "report.json does not match docs/report.schema.json:\n{}",
        errors.join("\n")
    );
}

/// Asserts that every site of the scan that has a `fixtures/expected/<host>.toml` produced exactly the
/// findings listed there: a missing finding and an unexpected one both fail. Returns how many sites were checked.
pub fn assert_expected_findings(result: &ScanResult) -> usize {
    #[derive(serde::Deserialize)]
    struct Expected {
        findings: Vec<String>,
    }
    let mut checked = 0;
    let mut problems = Vec::new();
    for site in &result.report.sites {
        let host = url::Url::parse(&site.url)
            .unwrap()
            .host_str()
            .unwrap()
            .to_string();
        let path = repo()
            .join("fixtures/expected")
            .join(format!("{host}.toml"));
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let expected: Expected = toml::from_str(&text).unwrap();
        let expected: std::collections::BTreeSet<String> = expected.findings.into_iter().collect();
        let actual: std::collections::BTreeSet<String> = site
            .findings
            .iter()
            .map(|f| format!("{} {}", f.id, f.vendor.as_deref().unwrap_or("-")))
            .collect();
        for missing in expected.difference(&actual) {
            problems.push(format!("{host}: expected {missing}, not found"));
        }
        for extra in actual.difference(&expected) {
            problems.push(format!("{host}: unexpected {extra}"));
        }
        checked += 1;
    }
    assert!(
        problems.is_empty(),
        "findings differ from fixtures/expected:\n{}",
        problems.join("\n")
    );
    checked
}

/// What a reader's browser did with a report.html: every request it made (other than the file itself),
/// console and security errors, script exceptions, and answers to a few questions about the page.
#[derive(Debug)]
pub struct ReportInspection {
    pub requests: Vec<String>,
    pub errors: Vec<String>,
    pub pwned: bool,
    pub sector_rows: i64,
    pub findings: i64,
    pub evidence: i64,
    pub marks: i64,
    pub images_shown: i64,
}

/// Opens `html` in the real headless Chromium as a reader would (file://, nothing mapped, nothing
/// allowed that a default browser would not allow), waits for it to settle and takes a screenshot.
pub fn inspect_report(html: &Path, screenshot: &Path) -> ReportInspection {
    use chromiumoxide::cdp::browser_protocol::log::{EnableParams as LogEnable, EventEntryAdded};
    use chromiumoxide::cdp::browser_protocol::network::{
        EnableParams as NetworkEnable, EventRequestWillBeSent,
    };
    use chromiumoxide::cdp::js_protocol::runtime::{EventConsoleApiCalled, EventExceptionThrown};
    use chromiumoxide::page::ScreenshotParams;
    use chromiumoxide::{Browser, BrowserConfig};
    use futures::StreamExt;

    let html = html.canonicalize().unwrap();
    let screenshot = screenshot.to_path_buf();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async move {
            let profile = tempfile::tempdir().unwrap();
            let config = BrowserConfig::builder()
                .chrome_executable(pixelaudit::browser::find_chrome(None).unwrap())
                .user_data_dir(profile.path())
                .new_headless_mode()
                .no_sandbox()
                .arg("disable-gpu")
                .arg("no-first-run")
                .arg("disable-background-networking")
                .arg("disable-component-update")
                .arg(("window-size", "1280,1600"))
                // Anything the report tried to load from the network would fail here, and be seen.
                .arg(("host-resolver-rules", "MAP * ~NOTFOUND"))
                .build()
                .unwrap();
            let (browser, mut handler) = Browser::launch(config).await.expect("Chromium starts");
            let driver = tokio::spawn(async move { while handler.next().await.is_some() {} });
            let page = browser.new_page("about:blank").await.unwrap();
            page.execute(NetworkEnable::default()).await.unwrap();
            page.execute(LogEnable::default()).await.unwrap();
            let mut requests = page
                .event_listener::<EventRequestWillBeSent>()
                .await
                .unwrap();
            let mut console = page
                .event_listener::<EventConsoleApiCalled>()
                .await
                .unwrap();
            let mut exceptions = page.event_listener::<EventExceptionThrown>().await.unwrap();
            let mut log = page.event_listener::<EventEntryAdded>().await.unwrap();
            let url = format!("file://{}", html.display());
            page.goto(url.as_str()).await.expect("report.html opens");
            tokio::time::sleep(Duration::from_millis(1500)).await;
            let ask = |js: &'static str| {
                let page = page.clone();
                async move {
                    page.evaluate(js)
                        .await
                        .unwrap()
                        .into_value::<serde_json::Value>()
                        .unwrap()
                }
            };
            let pwned =
                ask("typeof window.__pwned !== 'undefined'").await == serde_json::json!(true);
            let count = |v: serde_json::Value| v.as_i64().unwrap_or(-1);
            let sector_rows =
                count(ask("document.querySelectorAll('#sector-table tbody tr').length").await);
            let findings = count(ask("document.querySelectorAll('.finding').length").await);
            let evidence =
                count(ask("document.querySelectorAll('.finding .evidence code').length").await);
            let marks = count(ask("document.querySelectorAll('.finding mark').length").await);
            let images_shown = count(
                ask("[...document.images].filter((i) => i.complete && i.naturalWidth > 0).length")
                    .await,
            );
            page.save_screenshot(ScreenshotParams::builder().build(), &screenshot)
                .await
                .unwrap();
            let mut seen = Vec::new();
            while let Some(Some(r)) = futures::FutureExt::now_or_never(requests.next()) {
                if r.request.url != url && !r.request.url.starts_with("data:") {
                    seen.push(r.request.url.clone());
                }
            }
            let mut errors = Vec::new();
            while let Some(Some(c)) = futures::FutureExt::now_or_never(console.next()) {
                if format!("{:?}", c.r#type).to_lowercase().contains("error") {
                    errors.push(format!("console: {:?}", c.args));
                }
            }
            while let Some(Some(e)) = futures::FutureExt::now_or_never(exceptions.next()) {
                errors.push(format!("exception: {:?}", e.exception_details.text));
            }
            while let Some(Some(l)) = futures::FutureExt::now_or_never(log.next()) {
                if format!("{:?}", l.entry.level)
                    .to_lowercase()
                    .contains("error")
                {
                    errors.push(format!("log: {}", l.entry.text));
                }
            }
            drop(page);
            let mut browser = browser;
            let _ = browser.close().await;
            let _ = browser.wait().await;
            driver.abort();
            ReportInspection {
                requests: seen,
                errors,
                pwned,
                sector_rows,
                findings,
                evidence,
                marks,
                images_shown,
            }
        })
    })
    .join()
    .expect("report inspection thread")
}

/// Copies a folder tree (a scan's output folder, the rule folder).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
