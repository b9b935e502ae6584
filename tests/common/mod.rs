//! Shared set-up for the end-to-end tests: each test binary starts its own fixture web on a free
//! loopback port and drives the real Chromium against it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use pixelaudit::browser::BrowserOptions;
use pixelaudit::crawl::{ScanConfig, Site};
use pixelaudit::fixtures::{FixtureServer, LoggedRequest};
use pixelaudit::observe::ConsentMode;
use pixelaudit::report::Report;
use pixelaudit::rules::RuleSet;
use pixelaudit::rules::consent::ConsentRules;

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn rules() -> RuleSet {
    RuleSet::load(&repo().join("rules")).expect("the shipped rules load")
}

pub fn consent_rules() -> ConsentRules {
    ConsentRules::load(&repo().join("rules")).expect("the shipped consent rules load")
}

pub fn site(name: &str, url: &str) -> Site {
    Site {
        name: name.into(),
        url: url.into(),
        sector: None,
    }
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
            let config = ScanConfig {
                sites,
                out_dir: out.path().to_path_buf(),
                max_pages,
                modes,
                browser: BrowserOptions {
                    map_hosts: Some(server.addr().to_string()),
                    insecure: true,
                    navigation_timeout: page_timeout,
                    settle_timeout: Duration::from_secs(5),
                    ..BrowserOptions::default()
                },
                command_line: "cargo test".into(),
            };
            let report = pixelaudit::crawl::scan(&config, &rules())
                .await
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
