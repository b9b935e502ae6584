//! A scan spread over many workers on one PostgreSQL database: the store's contract (one visit per
//! place, leases that run out are taken over, a lost lease stores nothing), workers that live through a
//! database restart, and politeness kept across workers. Each test starts its own throwaway cluster
//! (`initdb` + `pg_ctl` on a free loopback port) and fixture web. The three-worker scan of the demo
//! sector with a worker killed is in tests/demo.rs, next to the single-machine scan it is compared with.

mod common;

use std::time::{Duration, Instant};

use common::postgres::{Cluster, push, spawn_worker, stored_visits, wait_for};
use pixelaudit::crawl::site_from_url;
use pixelaudit::observe::{ConsentMode, Observation, Visit};
use pixelaudit::store::{Store, StoreError, StoredVisit, VisitKind};

fn visit(seq: usize, url: &str) -> StoredVisit {
    StoredVisit {
        seq,
        kind: VisitKind::Page,
        depth: 0,
        observation: Observation {
            visit: Visit {
                url: url.into(),
                mode: ConsentMode::None,
                started_at: "2026-12-07T10:00:00Z".into(),
                ..Visit::default()
            },
            ..Observation::default()
        },
    }
}

#[test]
fn the_database_store_keeps_one_visit_per_place_and_hands_an_expired_lease_over() {
    let cluster = Cluster::start();
    let url = cluster.url();
    let store = Store::create_in_database(&url, "contract").unwrap();
    assert!(
        matches!(
            Store::create_in_database(&url, "contract"),
            Err(StoreError::NotAScan(_))
        ),
        "a scan name is taken once"
    );
    assert!(matches!(
        Store::open_in_database(&url, "no-such-scan"),
        Err(StoreError::NotAScan(_))
    ));
    store
        .put_sites(&[site_from_url("https://www.zorg.nl/").unwrap()])
        .unwrap();
    let db = store.database().unwrap();
    assert_eq!(db.enqueue(1, &[ConsentMode::None]).unwrap(), 1);
    assert_eq!(
        db.enqueue(1, &[ConsentMode::None]).unwrap(),
        0,
        "queued once"
    );

    db.set_worker("worker-a", Duration::from_secs(1));
    let a = db.lease_next("worker-a", false).unwrap().expect("a job");
    assert_eq!((a.site, a.mode, a.attempts), (0, ConsentMode::None, 1));
    assert!(
        db.lease_next("worker-a", false).unwrap().is_none(),
        "a held lease is not handed out twice"
    );
    db.hold(&a);
    store.start_job(0, ConsentMode::None).unwrap();
    store
        .put_visit(0, &visit(1, "https://www.zorg.nl/ivf"))
        .unwrap();
    // Redelivered work: the same place again, and the same page (normalised) at another place.
    store
        .put_visit(0, &visit(1, "https://www.zorg.nl/ivf"))
        .unwrap();
    store
        .put_visit(0, &visit(2, "https://WWW.zorg.nl/ivf#behandeling"))
        .unwrap();
    // The page moved to place 2, as SQLite's INSERT OR REPLACE does: one visit per page.
    assert_eq!(store.visit_count().unwrap(), 1, "one visit per page");

    // Worker a stops renewing: its lease runs out and worker b takes the job over.
    std::thread::sleep(Duration::from_millis(2500));
    let other = Store::open_in_database(&url, "contract").unwrap();
    let db_b = other.database().unwrap();
    db_b.set_worker("worker-b", Duration::from_secs(30));
    let b = db_b
        .lease_next("worker-b", false)
        .unwrap()
        .expect("taken over");
    assert_eq!(b.attempts, 2);
    db_b.hold(&b);
    let status = db_b.queue_status().unwrap();
    assert_eq!(status.leased.len(), 1);
    assert_eq!(status.leased[0].worker, "worker-b");

    // Worker a wakes up: nothing it stores counts any more.
    assert!(matches!(
        store.put_visit(0, &visit(3, "https://www.zorg.nl/depressie")),
        Err(StoreError::LeaseLost(_))
    ));
    assert!(matches!(
        store.finish_job(0, ConsentMode::None, &serde_json::json!({})),
        Err(StoreError::LeaseLost(_))
    ));
    assert_eq!(other.visit_count().unwrap(), 1);
    other
        .put_visit(0, &visit(3, "https://www.zorg.nl/depressie"))
        .unwrap();
    other
        .finish_job(0, ConsentMode::None, &serde_json::json!({"visited": 2}))
        .unwrap();
    assert!(other.job_finished(0, ConsentMode::None).unwrap());
    assert!(db_b.queue_settled(false).unwrap());
    let status = db_b.queue_status().unwrap();
    assert_eq!((status.done, status.queued, status.visits), (1, 0, 2));

    // The schema is applied once and recorded; connecting again changes nothing.
    drop(Store::open_in_database(&url, "contract").unwrap());
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let versions: Vec<i32> = client
        .query("SELECT version FROM schema_version", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(versions, vec![1]);
}

#[test]
fn a_worker_lives_through_a_postgresql_restart_and_nothing_is_lost() {
    let cluster = Cluster::start();
    let db = cluster.url();
    let (_rt, web) = common::fixture_web();
    push(
        &db,
        "restart",
        web.addr(),
        "fixtures/sectors/demo.csv",
        &["--consent", "none", "--max-pages", "3", "--delay-ms", "0"],
    );
    let worker = spawn_worker(&db, "w1", &["--concurrency", "2"]);
    let start = Instant::now();
    while stored_visits(&db, "restart") < 4 {
        assert!(start.elapsed() < Duration::from_secs(120), "no visits");
        std::thread::sleep(Duration::from_millis(100));
    }
    cluster.restart();
    let output = wait_for(worker, Duration::from_secs(300));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("reconnecting") || stderr.contains("trying again"),
        "the worker met the restart: {stderr}"
    );

    let store = Store::open_in_database(&db, "restart").unwrap();
    let status = store.database().unwrap().queue_status().unwrap();
    assert_eq!((status.done, status.queued), (7, 0), "{status:?}");
    assert!(status.failed.is_empty(), "{status:?}");
    for site in 0..7 {
        assert!(store.job_finished(site, ConsentMode::None).unwrap());
        let frontiers = store.job_frontiers(site).unwrap();
        let summary: serde_json::Value = serde_json::from_str(&frontiers[0].1).unwrap();
        let visited = summary["visited"].as_u64().unwrap() as usize;
        let pages: Vec<usize> = store
            .visits(site, None)
            .unwrap()
            .iter()
            .filter(|v| v.kind == VisitKind::Page)
            .map(|v| v.seq)
            .collect();
        assert_eq!(
            pages,
            (1..=visited).collect::<Vec<_>>(),
            "site {site}: every page visited is stored, once"
        );
    }
}

#[test]
fn two_workers_never_visit_one_host_closer_together_than_the_delay() {
    let cluster = Cluster::start();
    let db = cluster.url();
    let (_rt, web) = common::fixture_web();
    let sites = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        sites.path(),
        "name,url\nZorggroep Eemland,https://www.zorggroep-eemland.nl/\n",
    )
    .unwrap();
    const DELAY_MS: u128 = 2000;
    push(
        &db,
        "polite",
        web.addr(),
        &sites.path().to_string_lossy(),
        &["--max-pages", "2", "--delay-ms", "2000"],
    );
    let one = spawn_worker(&db, "w1", &["--concurrency", "2"]);
    let two = spawn_worker(&db, "w2", &["--concurrency", "2"]);
    for worker in [one, two] {
        let output = wait_for(worker, Duration::from_secs(300));
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut navigations: Vec<u128> = web
        .requests()
        .into_iter()
        .filter(|r| r.host == "www.zorggroep-eemland.nl")
        .filter(|r| {
            r.headers
                .iter()
                .any(|(k, v)| k == "sec-fetch-dest" && v == "document")
        })
        .map(|r| r.time_ms)
        .collect();
    navigations.sort();
    // Three modes × two pages, the site searched in each mode, and the consent choice made again.
    assert!(navigations.len() >= 6, "{navigations:?}");
    let gaps: Vec<u128> = navigations.windows(2).map(|w| w[1] - w[0]).collect();
    // The delay is kept between the starts of two visits; the server sees each request after the
    // browser has begun the navigation, which may take a few hundred milliseconds more for one than
    // for the next. Without a shared book the two workers start on the home page at the same moment.
    let least = *gaps.iter().min().unwrap();
    assert!(
        least >= DELAY_MS - 500,
        "two visits {least} ms apart, delay {DELAY_MS} ms: {gaps:?}"
    );
}

#[test]
fn scan_with_db_keeps_its_store_in_postgresql_and_never_records_the_password() {
    let cluster = Cluster::start();
    // Trust authentication ignores the password, so a URL with one connects and shows where it could leak.
    let db = cluster.url().replace("pixelaudit@", "pixelaudit:hunter2@");
    let (_rt, web) = common::fixture_web();
    let out = tempfile::tempdir().unwrap();
    let output = common::postgres::pixelaudit()
        .args(["scan", "https://www.zorggroep-eemland.nl/", "--db", &db])
        .args([
            "--scan",
            "one-site",
            "--consent",
            "none",
            "--max-pages",
            "2",
        ])
        .args([
            "--delay-ms",
            "0",
            "--insecure",
            "--map-hosts",
            &web.addr().to_string(),
        ])
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let report: pixelaudit::results::Report =
        serde_json::from_slice(&std::fs::read(out.path().join("report.json")).unwrap()).unwrap();
    let pages = &report.sites[0].pages;
    assert!(pages.len() >= 2, "{pages:?}");
    assert!(!out.path().join("scan.sqlite").exists());
    assert!(!out.path().join(".worker").exists(), "no scratch left");
    for file in ["report.json", "scan.json", "report.html", "manifest.sha256"] {
        let text = std::fs::read_to_string(out.path().join(file)).unwrap();
        assert!(!text.contains("hunter2"), "{file} holds the password");
    }
    assert!(report.tool.command_line.contains("pixelaudit:***@"));
    // The one worker that made the scan is on the record, with its own command line and Chromium.
    let workers = &report.tool.workers;
    assert_eq!(workers.len(), 1, "{workers:?}");
    assert_eq!(workers[0].browser, report.tool.browser);
    assert!(workers[0].command_line.contains("--scan one-site"));
    assert!(workers[0].command_line.contains("pixelaudit:***@"));
    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(
        html.contains(&workers[0].name),
        "the report names the worker"
    );
    common::assert_report_file_matches_schema(&out.path().join("report.json"));

    let status = common::postgres::pixelaudit()
        .args(["queue", "status", "--db", &db, "--scan", "one-site"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(status.status.success(), "{text}");
    assert!(text.contains("0 queued, 0 leased"), "{text}");
    assert!(text.contains("1 done, 0 failed"), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    let json = common::postgres::pixelaudit()
        .args([
            "queue", "status", "--json", "--db", &db, "--scan", "one-site",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["done"], 1);
    assert_eq!(json["visits"].as_u64().unwrap() as usize, pages.len());

    // Re-rendered and reassessed from the database, as from a folder.
    let again_out = tempfile::tempdir().unwrap();
    let rerun = common::postgres::pixelaudit()
        .args([
            "report",
            "--reassess",
            "--db",
            &db,
            "--scan",
            "one-site",
            "--out",
        ])
        .arg(again_out.path())
        .output()
        .unwrap();
    assert!(
        rerun.status.success(),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    let reassessed: pixelaudit::results::Report =
        serde_json::from_slice(&std::fs::read(again_out.path().join("report.json")).unwrap())
            .unwrap();
    assert!(reassessed.tool.reassessed_at.is_some());
    let ids = |r: &pixelaudit::results::Report| -> Vec<String> {
        r.sites[0].findings.iter().map(|f| f.id.clone()).collect()
    };
    assert_eq!(ids(&reassessed), ids(&report));
    assert_eq!(reassessed.sites[0].pages.len(), pages.len());

    // A second scan of the same name is refused, and says what to do.
    let again = common::postgres::pixelaudit()
        .args([
            "queue", "push", "--db", &db, "--scan", "one-site", "--sites",
        ])
        .arg(common::repo().join("fixtures/sectors/demo.csv"))
        .output()
        .unwrap();
    assert!(!again.status.success());
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(
        said.contains("already holds a scan named \"one-site\""),
        "{said}"
    );
    assert!(!said.contains("hunter2"), "{said}");
}
