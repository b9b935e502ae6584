//! The output folder: one that cannot be written, or whose disk has no room, is refused before the browser
//! starts; a disk that fills up during the scan stops it cleanly (exit 3), and `--resume` finishes it
//! without losing or repeating a visit.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn pixelaudit() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pixelaudit"));
    command.arg("--rules").arg(common::repo().join("rules"));
    command
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn an_output_folder_that_cannot_be_made_is_refused_before_the_scan_starts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "a file").unwrap();
    let started = Instant::now();
    let output = pixelaudit()
        .args(["scan", "https://www.zilverpolis.nl/", "--out"])
        .arg(file.join("scan"))
        // Nothing listens there: reaching the browser or the network would fail differently.
        .args(["--map-hosts", "127.0.0.1:9", "--insecure"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("cannot write to the output folder")
            && message.contains("not-a-folder/scan")
            && message.contains("choose another --out"),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "one clear message: {message}");
    // Refused before Chromium was started (a launch alone takes longer).
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn a_disk_without_room_is_refused_before_the_scan_starts() {
    let dir = tempfile::tempdir().unwrap();
    let output = pixelaudit()
        .env("PIXELAUDIT_MIN_FREE_MB", "1000000000")
        .args(["scan", "https://www.zilverpolis.nl/", "--out"])
        .arg(dir.path().join("scan"))
        .args(["--map-hosts", "127.0.0.1:9", "--insecure"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("MiB free on the disk holding") && message.contains("free some space"),
        "{message}"
    );
    assert!(!dir.path().join("scan/scan.sqlite").exists());
}

/// Pages (URL per site and mode) of a finished scan's report.
fn pages(dir: &Path) -> Vec<(String, String, String)> {
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    let mut pages = Vec::new();
    for site in report["sites"].as_array().unwrap() {
        for page in site["pages"].as_array().unwrap() {
            pages.push((
                site["name"].as_str().unwrap().to_string(),
                page["mode"].as_str().unwrap().to_string(),
                page["url"].as_str().unwrap().to_string(),
            ));
        }
    }
    pages
}

#[test]
fn a_disk_that_fills_up_stops_the_scan_cleanly_and_resume_finishes_it() {
    let (_runtime, server) = common::fixture_web();
    let scan = |out: &Path, page_limit: Option<&str>| {
        let mut command = pixelaudit();
        if let Some(limit) = page_limit {
            command.env("PIXELAUDIT_TEST_STORE_PAGE_LIMIT", limit);
        }
        command
            .args([
                "scan",
                "https://www.zilverpolis.nl/",
                "https://www.ggz-kompas.nl/",
                "--max-pages",
                "3",
                "--consent",
                "none",
                "--concurrency",
                "1",
                "--delay-ms",
                "0",
                "--insecure",
                "--format",
                "json",
                "--out",
            ])
            .arg(out)
            .arg("--map-hosts")
            .arg(server.addr().to_string())
            .output()
            .unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    let uninterrupted = scan(&whole, None);
    assert_eq!(
        uninterrupted.status.code(),
        Some(0),
        "{}",
        stderr(&uninterrupted)
    );

    // A store that may not grow past 30 pages of 4 KiB (the whole scan takes about 60) fills up a few
    // visits in.
    let cut = dir.path().join("cut");
    let stopped = scan(&cut, Some("30"));
    let message = stderr(&stopped);
    assert_eq!(stopped.status.code(), Some(3), "{message}");
    assert!(
        message.contains("is full, so the scan stopped")
            && message.contains(&format!("pixelaudit scan --resume {}", cut.display())),
        "{message}"
    );
    let stored_before = stored_visits(&cut);
    assert!(
        stored_before >= 1,
        "nothing was stored before the disk filled"
    );
    assert!(!cut.join("report.json").exists());

    let resumed = pixelaudit()
        .args(["scan", "--resume"])
        .arg(&cut)
        .arg("--map-hosts")
        .arg(server.addr().to_string())
        .output()
        .unwrap();
    assert_eq!(resumed.status.code(), Some(0), "{}", stderr(&resumed));
    assert!(
        stderr(&resumed).contains("already done (resumed)"),
        "{}",
        stderr(&resumed)
    );
    let (finished, expected) = (pages(&cut), pages(&whole));
    assert_eq!(
        finished, expected,
        "the resumed scan equals an uninterrupted one"
    );
    let unique: BTreeSet<_> = finished.iter().collect();
    assert_eq!(unique.len(), finished.len(), "no visit twice");
    drop(server);
}

fn stored_visits(dir: &Path) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("scan.sqlite")).unwrap();
    conn.query_row("SELECT COUNT(*) FROM visits", [], |r| r.get(0))
        .unwrap()
}
