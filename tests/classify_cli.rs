//! `pixelaudit classify`: offline on a file, and on a page of the fixture web loaded in Chromium.

mod common;

use std::process::Command;

fn classify(args: &[&str]) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_pixelaudit"))
        .arg("classify")
        .args(args)
        .arg("--json")
        .arg("--rules")
        .arg(common::repo().join("rules"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("classify --json prints JSON")
}

#[test]
fn a_file_is_classified_offline_with_the_url_as_evidence() {
    let html = common::repo().join("fixtures/pages/nl/013.html");
    let medical = classify(&[
        "--url",
        "https://www.kliniek.nl/vergoedingen/ivf/",
        "--html",
        html.to_str().unwrap(),
    ]);
    assert_eq!(medical["is_medical"], true);
    assert_eq!(medical["language"], "nl");
    let evidence = medical["evidence"].as_array().unwrap();
    assert!(
        evidence
            .iter()
            .any(|e| e["field"] == "url" && e["concept"] == "ivf"),
        "{evidence:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("premie.txt");
    std::fs::write(
        &text,
        "Bereken uw premie. Kies uw eigen risico en betaal per maand.",
    )
    .unwrap();
    let general = classify(&[
        "--url",
        "https://www.verzekeraar.nl/premie/",
        "--text",
        text.to_str().unwrap(),
    ]);
    assert_eq!(general["is_medical"], false, "{general}");
}

#[test]
fn a_fixture_web_page_is_fetched_in_chromium_and_classified() {
    let (_runtime, server) = common::fixture_web();
    let addr = server.addr().to_string();
    let depression = classify(&[
        "--url",
        "https://www.ggz-kompas.nl/behandelingen/depressie/",
        "--map-hosts",
        &addr,
        "--insecure",
    ]);
    assert_eq!(depression["is_medical"], true, "{depression}");
    assert!(
        depression["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["concept"] == "depressie" && e["field"] == "h1")
    );
    let premium = classify(&[
        "--url",
        "https://www.zilverpolis.nl/premie-berekenen/",
        "--map-hosts",
        &addr,
        "--insecure",
    ]);
    assert_eq!(premium["is_medical"], false, "{premium}");
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.host == "www.ggz-kompas.nl"),
        "the page was really fetched"
    );
}
