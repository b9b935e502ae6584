//! The report files: report.html opened in the real Chromium (renders, no request, no console error, no
//! script from a hostile site runs), the CSV files, one HAR 1.2 file per visit, scan.json and a manifest
//! that `sha256sum -c` accepts; `pixelaudit report --lang en --format` re-renders from the store.

mod common;

use std::process::Command;
use std::sync::OnceLock;

use pixelaudit::observe::ConsentMode;

/// The hostile clinic, a site with trackers on medical pages and a site with a consent banner, in modes
/// none and accept.
fn scanned() -> &'static common::ScanResult {
    static RESULT: OnceLock<common::ScanResult> = OnceLock::new();
    RESULT.get_or_init(|| {
        common::scan_fixture_sites_with(
            vec![
                common::site("Vijandige Kliniek", "https://www.vijandige-kliniek.nl/"),
                common::site("Zilverpolis", "https://www.zilverpolis.nl/"),
                common::site("Noordkaap", "https://www.zorgverzekeraar-noordkaap.nl/"),
            ],
            |config| {
                config.max_pages = 3;
                config.modes = vec![ConsentMode::None, ConsentMode::Accept];
            },
        )
    })
}

#[test]
fn report_html_renders_offline_and_no_hostile_payload_runs() {
    let result = scanned();
    let out = common::out_path(result);
    let hostile = &result.report.sites[0];
    // The hostile payloads did reach the report data: the test is only worth something if they did.
    let json = std::fs::read_to_string(out.join("report.json")).unwrap();
    assert!(
        json.contains("window.__pwned=2"),
        "the pixel's custom data carries a payload"
    );
    assert!(
        json.contains("window.__pwned=10"),
        "the TikTok body carries a payload"
    );
    assert!(
        hostile.findings.iter().any(|f| f.id == "F10"),
        "{:?}",
        hostile.findings
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        !html.contains("<script>window.__pwned"),
        "a payload was written unescaped"
    );
    assert!(
        !html.contains("<img src=x"),
        "a payload was written unescaped"
    );
    assert!(
        html.contains("&lt;script&gt;window.__pwned=2"),
        "the payload is shown, escaped"
    );

    let shots = tempfile::tempdir().unwrap();
    let screenshot = shots.path().join("report.png");
    let seen = common::inspect_report(&out.join("report.html"), &screenshot);
    assert!(!seen.pwned, "a hostile payload ran in the report: {seen:?}");
    assert!(
        seen.requests.is_empty(),
        "the report made requests: {:?}",
        seen.requests
    );
    assert!(seen.errors.is_empty(), "console errors: {:?}", seen.errors);
    assert_eq!(seen.sector_rows, 3, "{seen:?}");
    assert!(seen.findings >= 3 && seen.evidence >= 3, "{seen:?}");
    assert!(seen.marks >= 1, "health terms are highlighted: {seen:?}");
    assert!(std::fs::metadata(&screenshot).unwrap().len() > 10_000);
    // The consent banner screenshots are inline (the escaped `/` is read back by the browser).
    assert!(html.contains("src=\"data:image&#x2f;png;base64,"));
    assert!(seen.images_shown >= 2, "{seen:?}");
}

#[test]
fn csv_files_have_a_header_and_a_row_per_item() {
    let result = scanned();
    let out = common::out_path(result);
    let rows = |name: &str| -> Vec<csv::StringRecord> {
        let mut reader = csv::Reader::from_path(out.join(name)).unwrap();
        let header = reader.headers().unwrap().clone();
        assert!(header.len() >= 10, "{name}: {header:?}");
        reader.records().map(|r| r.unwrap()).collect()
    };
    let findings: usize = result.report.sites.iter().map(|s| s.findings.len()).sum();
    assert_eq!(rows("findings.csv").len(), findings);
    let pages: usize = result.report.sites.iter().map(|s| s.pages.len()).sum();
    assert_eq!(rows("pages.csv").len(), pages);
    let requests: usize = result
        .report
        .sites
        .iter()
        .flat_map(|s| &s.pages)
        .flat_map(|p| &p.detected.trackers)
        .map(|t| t.requests.len())
        .sum();
    let trackers = rows("trackers.csv");
    assert_eq!(trackers.len(), requests);
    // A body or title with quotes, commas and line breaks survives the round trip.
    assert!(trackers.iter().any(|r| {
        r.iter()
            .any(|f| f.contains("<script>window.__pwned=2</script>"))
    }));
    let cookies: usize = result
        .report
        .sites
        .iter()
        .flat_map(|s| &s.pages)
        .map(|p| p.detected.cookies.len())
        .sum();
    assert_eq!(rows("cookies.csv").len(), cookies);
    let service_requests: usize = result
        .report
        .sites
        .iter()
        .flat_map(|s| &s.pages)
        .flat_map(|p| &p.detected.services)
        .map(|t| t.requests.len())
        .sum();
    assert_eq!(rows("services.csv").len(), service_requests);
}

#[test]
fn every_visit_has_a_har_file_that_is_valid_har_1_2() {
    let result = scanned();
    let out = common::out_path(result);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::repo().join("tests/schemas/har-1.2.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let hars: Vec<_> = std::fs::read_dir(out.join("evidence"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "har"))
        .collect();
    let visits: usize = result.report.sites.iter().map(|s| s.pages.len()).sum();
    assert_eq!(hars.len(), visits);
    let mut posts = 0;
    for har in &hars {
        let value: serde_json::Value =
            serde_json::from_slice(&std::fs::read(har).unwrap()).unwrap();
        let problems: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(problems.is_empty(), "{}: {problems:#?}", har.display());
        posts += value["log"]["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["request"].get("postData").is_some())
            .count();
    }
    assert!(posts > 0, "POST bodies are in the HAR files");
}

#[test]
fn the_manifest_passes_sha256sum_and_scan_json_records_the_scan() {
    let result = scanned();
    let out = common::out_path(result);
    let check = Command::new("sha256sum")
        .args(["--check", "--strict", "manifest.sha256"])
        .current_dir(&out)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let manifest = std::fs::read_to_string(out.join("manifest.sha256")).unwrap();
    for name in [
        "report.json",
        "report.html",
        "findings.csv",
        "services.csv",
        "scan.json",
        "scan.sqlite",
    ] {
        assert!(manifest.contains(&format!("  {name}\n")), "{name} missing");
    }
    let scan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("scan.json")).unwrap()).unwrap();
    assert_eq!(scan["tool"]["name"], "pixelaudit");
    assert!(
        scan["rules_version"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    assert!(scan["browser"].as_str().unwrap().contains("Chrome"));
    assert!(
        scan["map_hosts"]
            .as_str()
            .unwrap()
            .starts_with("127.0.0.1:")
    );
    assert_eq!(scan["os"]["family"], "linux");
}

#[test]
fn report_re_renders_in_english_in_the_formats_asked_for() {
    let result = scanned();
    let work = tempfile::tempdir().unwrap();
    let copy = work.path().join("scan");
    common::copy_dir(&common::out_path(result), &copy);
    for name in ["report.html", "findings.csv", "report.json"] {
        std::fs::remove_file(copy.join(name)).unwrap();
    }
    let output = Command::new(env!("CARGO_BIN_EXE_pixelaudit"))
        .env("PIXELAUDIT_RULES", common::repo().join("rules"))
        .args(["report", "--lang", "en", "--format", "html,csv"])
        .arg(&copy)
        .output()
        .unwrap();
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let html = std::fs::read_to_string(copy.join("report.html")).unwrap();
    assert!(html.contains("<html lang=\"en\">") && html.contains("Sector overview"));
    assert!(
        std::fs::read_to_string(copy.join("findings.csv"))
            .unwrap()
            .contains("Health information sent to a third party")
    );
    assert!(!copy.join("report.json").exists(), "json was not asked for");
    let check = Command::new("sha256sum")
        .args(["--check", "--strict", "manifest.sha256"])
        .current_dir(&copy)
        .output()
        .unwrap();
    assert!(check.status.success());
}
