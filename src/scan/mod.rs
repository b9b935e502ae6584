//! Running a scan: the application on top of the pipeline. It wires crawl → browser → store → detect →
//! classify → assess → report: runs the crawl jobs (one per site and consent mode, `concurrency` at a
//! time in one Chromium, spaced per host), stores every visit as it finishes, builds the report from
//! the store and writes the output files. A resumed scan replays the stored visits of an unfinished job
//! to rebuild its frontier and visits only what is missing; a re-rendered one only builds and writes.

pub mod demo;
mod fetch;
mod job;
mod outputs;
mod preflight;
mod progress;
mod site_report;
mod visitor;
pub mod worker;

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::StreamExt;
use serde::{Deserialize, Serialize};

use crate::browser::{BrowserError, BrowserOptions, BrowserPool};
use crate::crawl::{Fetcher, HostDelay, Site};
use crate::observe::{ConsentMode, Engine};
use crate::report::Format;
use crate::results::{Handoff, Report};
use crate::rules::Rules;
use crate::store::{Store, StoreError};
use job::{Job, Shared};
use progress::Progress;

pub use fetch::rendered_html;
pub use job::MAX_FAILURES_IN_A_ROW;
pub use outputs::{build_report, write_outputs};
pub use site_report::site_report;

/// What scan.json and the report name as the browser of a static sweep.
pub const STATIC_ENGINE_NAME: &str = "none: static sweep (HTTP and HTML only, scan --static)";

/// What to scan and how. Stored with the scan, so `--resume` continues with the same settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanConfig {
    /// Sites to scan, in order.
    pub sites: Vec<Site>,
    /// Output folder.
    pub out_dir: PathBuf,
    /// Most pages visited per site and consent mode (the site-search visit comes on top).
    pub max_pages: usize,
    /// Most link hops from the start URL.
    pub max_depth: usize,
    /// Consent modes to visit each site in.
    pub modes: Vec<ConsentMode>,
    /// Site × mode crawls running at once.
    pub concurrency: usize,
    /// Pages of one site × mode crawl visited at once once the consent choice is made, each in its own
    /// tab of the crawl's visitor. A scan stored before there was a choice browsed one page at a time,
    /// and resumes so.
    #[serde(default = "one_tab")]
    pub tabs: usize,
    /// Least time between two page visits to one host.
    pub host_delay: Duration,
    /// Visit pages robots.txt disallows (a regulator with a mandate); recorded in the report.
    pub ignore_robots: bool,
    /// Visits after which Chromium is replaced by a fresh one.
    pub restart_after: usize,
    /// Browser settings.
    pub browser: BrowserOptions,
    /// The command line, for the record.
    pub command_line: String,
    /// Output formats written at the end.
    #[serde(default = "all_formats")]
    pub formats: Vec<Format>,
    /// Language of report.html and the CSV texts (`nl` or `en`).
    #[serde(default = "default_lang")]
    pub lang: String,
    /// Wall time one site × consent-mode crawl may take; the pages left are recorded as not visited.
    #[serde(default = "default_site_budget")]
    pub site_budget: Duration,
    /// Which engine visits the pages: Chromium, or the static sweep (HTTP and HTML only, mode `none`).
    #[serde(default)]
    pub engine: Engine,
    /// For the browser scan after a static sweep (`--then-browser`): every swept site and why it was or
    /// was not escalated; the report carries it.
    #[serde(default)]
    pub handoff: Option<Handoff>,
    /// For the static sweep of `--then-browser`: the browser scan it hands on to (kept with the sweep,
    /// so an interrupted run resumes into the same browser scan).
    #[serde(default)]
    pub then_browser: Option<Box<ScanConfig>>,
}

fn one_tab() -> usize {
    1
}

fn default_site_budget() -> Duration {
    Duration::from_secs(900)
}

fn all_formats() -> Vec<Format> {
    Format::ALL.to_vec()
}

fn default_lang() -> String {
    "nl".into()
}

impl ScanConfig {
    /// Settings for scanning `sites` into `out_dir`, with the defaults of the command line.
    pub fn new(sites: Vec<Site>, out_dir: PathBuf) -> ScanConfig {
        ScanConfig {
            sites,
            out_dir,
            max_pages: 30,
            max_depth: 5,
            modes: vec![ConsentMode::None, ConsentMode::Reject, ConsentMode::Accept],
            concurrency: 2,
            tabs: 2,
            host_delay: Duration::from_millis(500),
            ignore_robots: false,
            restart_after: 500,
            browser: BrowserOptions::default(),
            command_line: String::new(),
            formats: all_formats(),
            lang: default_lang(),
            site_budget: default_site_budget(),
            engine: Engine::Browser,
            handoff: None,
            then_browser: None,
        }
    }
}

/// A scan that could not run at all (page failures are not errors: they are in the report).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The browser could not be started.
    #[error(transparent)]
    Browser(#[from] BrowserError),
    /// The output folder is not usable.
    #[error("cannot write to the output folder {0}: {1}; choose another --out")]
    Output(PathBuf, std::io::Error),
    /// The output folder's disk has too little room to start.
    #[error(
        "only {free_mib} MiB free on the disk holding {dir}; a scan starts with at least {needed_mib} MiB \
         (about 0.1 MB per page visited): free some space or choose another --out"
    )]
    NoRoom {
        /// The output folder.
        dir: PathBuf,
        /// Free space, MiB.
        free_mib: u64,
        /// Free space demanded, MiB.
        needed_mib: u64,
    },
    /// The disk filled up during the scan; what was stored is kept.
    #[error(
        "the disk holding {0} is full, so the scan stopped; every visit stored until now is kept. \
         Free some space, then continue with: pixelaudit scan --resume {0}"
    )]
    DiskFull(PathBuf),
    /// The scan store failed (disk full, unreadable, not a scan).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something else that stops the scan.
    #[error("{0}")]
    Other(String),
}

/// Runs a new scan into `config.out_dir`: crawls, stores, assesses, writes `report.json` and
/// `manifest.sha256`.
pub async fn scan(config: &ScanConfig, rules: &Rules) -> Result<Report, ScanError> {
    preflight::check_output_folder(&config.out_dir)?;
    let store = Store::create(&config.out_dir)?;
    store.put_meta("config", config)?;
    store.put_meta("started_at", &crate::now_rfc3339())?;
    store.put_sites(&config.sites)?;
    let dir = &config.out_dir;
    let report = run(config, rules, &store)
        .await
        .map_err(|e| when_disk_full(e, dir))?;
    write_outputs(&report, store, dir, &config.formats, &config.lang)
        .map_err(|e| when_disk_full(e, dir))?;
    Ok(report)
}

/// Where the static sweep of `scan --static --then-browser` keeps its own scan, inside the output folder.
pub const SWEEP_FOLDER: &str = "static";

/// `scan --static --then-browser`: sweeps every site statically into `<out>/static/`, then visits in
/// Chromium, with `config`'s consent modes, only the sites the sweep flags (`assess::handoff`), into
/// `<out>/`. The report lists every swept site with why it was or was not escalated.
pub async fn sweep_then_browse(config: &ScanConfig, rules: &Rules) -> Result<Report, ScanError> {
    let mut browse = config.clone();
    browse.engine = Engine::Browser;
    browse.then_browser = None;
    let mut sweep = browse.clone();
    sweep.engine = Engine::Static;
    sweep.modes = vec![ConsentMode::None];
    sweep.out_dir = config.out_dir.join(SWEEP_FOLDER);
    sweep.then_browser = Some(Box::new(browse.clone()));
    let swept = scan(&sweep, rules).await?;
    browse_after_sweep(&swept, browse, rules).await
}

/// The browser half of `--then-browser`: the escalated sites of `swept`, scanned (or resumed) into
/// `browse.out_dir`.
async fn browse_after_sweep(
    swept: &Report,
    mut browse: ScanConfig,
    rules: &Rules,
) -> Result<Report, ScanError> {
    let handoff = Handoff {
        static_report: format!("{SWEEP_FOLDER}/report.json"),
        sites: swept
            .sites
            .iter()
            .map(crate::assess::handoff::escalation)
            .collect(),
    };
    browse.sites.retain(|site| {
        handoff
            .sites
            .iter()
            .any(|h| h.escalated && h.url == site.url)
    });
    browse.handoff = Some(handoff);
    if browse.out_dir.join(crate::store::FILE_NAME).exists() {
        let dir = browse.out_dir.clone();
        let (map_hosts, command_line) = (
            browse.browser.map_hosts.clone(),
            browse.command_line.clone(),
        );
        resume(&dir, map_hosts, command_line, rules).await
    } else {
        scan(&browse, rules).await
    }
}

/// Names a full disk as such: the scan can go on once there is room, and the message says how.
fn when_disk_full(error: ScanError, dir: &Path) -> ScanError {
    let full = match &error {
        ScanError::Store(e) => e.is_disk_full(),
        ScanError::Output(_, e) => e.kind() == std::io::ErrorKind::StorageFull,
        _ => false,
    };
    if full {
        ScanError::DiskFull(dir.to_path_buf())
    } else {
        error
    }
}

/// Continues the interrupted scan in `dir` with its stored settings; finished visits are not repeated.
/// `map_hosts` replaces the stored mapping (a fixture web restarts on another port). A `--then-browser`
/// folder whose browser half had not started yet continues with its sweep, then the browser.
pub async fn resume(
    dir: &Path,
    map_hosts: Option<String>,
    command_line: String,
    rules: &Rules,
) -> Result<Report, ScanError> {
    let sweep_dir = dir.join(SWEEP_FOLDER);
    if !dir.join(crate::store::FILE_NAME).exists()
        && sweep_dir.join(crate::store::FILE_NAME).exists()
    {
        let swept = Box::pin(resume(
            &sweep_dir,
            map_hosts.clone(),
            command_line.clone(),
            rules,
        ))
        .await?;
        let sweep: Option<ScanConfig> = Store::open(&sweep_dir)?.meta("config")?;
        if let Some(mut browse) = sweep.and_then(|s| s.then_browser) {
            browse.out_dir = dir.to_path_buf();
            if map_hosts.is_some() {
                browse.browser.map_hosts = map_hosts;
            }
            return Box::pin(browse_after_sweep(&swept, *browse, rules)).await;
        }
        return Ok(swept);
    }
    let store = Store::open(dir)?;
    let mut config: ScanConfig = store.meta("config")?.ok_or_else(|| {
        ScanError::Other(format!(
            "{}: the scan's settings are missing from {}",
            dir.display(),
            crate::store::FILE_NAME
        ))
    })?;
    config.out_dir = dir.to_path_buf();
    if map_hosts.is_some() {
        config.browser.map_hosts = map_hosts;
    }
    preflight::check_output_folder(dir)?;
    let mut resumes: Vec<String> = store.meta("resumed_with")?.unwrap_or_default();
    resumes.push(command_line);
    store.put_meta("resumed_with", &resumes)?;
    let report = run(&config, rules, &store)
        .await
        .map_err(|e| when_disk_full(e, dir))?;
    write_outputs(&report, store, dir, &config.formats, &config.lang)
        .map_err(|e| when_disk_full(e, dir))?;
    Ok(report)
}

/// `queue push`: creates scan `name` in the database at `db` with `config`, and enqueues one job per
/// site × consent mode for workers (`pixelaudit worker`) to take. Returns the number of jobs queued.
pub fn push(db: &str, name: &str, config: &ScanConfig) -> Result<usize, ScanError> {
    if config.then_browser.is_some() {
        return Err(ScanError::Other(
            "--then-browser is not queued: push the static sweep and the browser scan as two scans"
                .into(),
        ));
    }
    let store = Store::create_in_database(db, name)?;
    store.put_meta("config", config)?;
    store.put_meta("started_at", &crate::now_rfc3339())?;
    store.put_sites(&config.sites)?;
    let pg = store
        .database()
        .ok_or_else(|| ScanError::Other("queue push needs a PostgreSQL database".into()))?;
    Ok(pg.enqueue(config.sites.len(), &config.modes)?)
}

/// `scan --db URL --scan NAME`: a scan kept in PostgreSQL, run by this machine alone (other workers may
/// join it with `pixelaudit worker --scan NAME`), its report written to `config.out_dir`.
pub async fn scan_in_database(
    db: &str,
    name: &str,
    config: &ScanConfig,
    rules: &Rules,
) -> Result<Report, ScanError> {
    preflight::check_output_folder(&config.out_dir)?;
    push(db, name, config)?;
    let work_dir = config.out_dir.join(".worker");
    let options = worker::WorkerOptions {
        db: db.to_string(),
        scan: Some(name.to_string()),
        name: worker::default_worker_name(),
        concurrency: config.concurrency,
        lease_for: Duration::from_secs(60),
        work_dir: work_dir.clone(),
        chrome: None,
        map_hosts: None,
        wait: false,
        command_line: config.command_line.clone(),
    };
    worker::work(&options, rules).await?;
    let _ = std::fs::remove_dir_all(&work_dir);
    render_from_database(
        db,
        name,
        &config.out_dir,
        rules,
        false,
        &config.formats,
        &config.lang,
    )
}

/// `report --db URL --scan NAME --out DIR`: the report of a scan kept in PostgreSQL, written into
/// `out` exactly as a single-machine scan writes its own, with the evidence files taken from the
/// database; with `reassess`, detection, classification and assessment run again with `rules`.
pub fn render_from_database(
    db: &str,
    name: &str,
    out: &Path,
    rules: &Rules,
    reassess: bool,
    formats: &[Format],
    lang: &str,
) -> Result<Report, ScanError> {
    let store = Store::open_in_database(db, name)?;
    preflight::check_output_folder(out)?;
    let report = build_report(&store, rules, reassess)?;
    if let Some(pg) = store.database() {
        pg.export_evidence(&out.join("evidence"))?;
    }
    write_outputs(&report, store, out, formats, lang)?;
    Ok(report)
}

/// Re-renders the report of the scan in `dir` from its store in `formats` and `lang`; with `reassess`,
/// detection, classification and assessment run again over the stored visits with `rules`.
pub fn rerender(
    dir: &Path,
    rules: &Rules,
    reassess: bool,
    formats: &[Format],
    lang: &str,
) -> Result<Report, ScanError> {
    let store = Store::open(dir)?;
    let report = build_report(&store, rules, reassess)?;
    write_outputs(&report, store, dir, formats, lang)?;
    Ok(report)
}

async fn run(config: &ScanConfig, rules: &Rules, store: &Store) -> Result<Report, ScanError> {
    // The static sweep needs no browser: none is started.
    let pool = match config.engine {
        Engine::Browser => {
            let mut browser = config.browser.clone();
            browser.form_values = rules.probes.form_values().to_vec();
            let pool = BrowserPool::launch(browser, config.restart_after).await?;
            store.put_meta("browser", pool.version())?;
            Some(pool)
        }
        Engine::Static => {
            store.put_meta("browser", &STATIC_ENGINE_NAME)?;
            None
        }
    };
    let fetcher = Fetcher::new(config.browser.map_hosts.as_deref(), config.browser.insecure)
        .map_err(ScanError::Other)?;
    let mut jobs = Vec::new();
    for site in 0..config.sites.len() {
        for &mode in &config.modes {
            if !store.job_finished(site, mode)? {
                jobs.push((site, mode));
            }
        }
    }
    let progress = Progress::new(jobs.len());
    let shared = Shared {
        config,
        rules,
        store,
        pool: pool.as_ref(),
        fetcher,
        politeness: HostDelay::new(config.host_delay),
        site_files: (0..config.sites.len())
            .map(|_| tokio::sync::Mutex::new(()))
            .collect(),
        progress: &progress,
    };
    let failure = run_jobs(&shared, jobs, config.concurrency).await;
    drop(shared);
    progress.finish();
    let launches = pool.as_ref().map_or(0, |p| p.launches());
    if let Some(pool) = pool {
        pool.close().await;
    }
    if let Some(e) = failure {
        return Err(e);
    }
    // Counted over the original run and every resume.
    let earlier: usize = store.meta("browser_launches")?.unwrap_or(0);
    store.put_meta("browser_launches", &(earlier + launches))?;
    store.put_meta("finished_at", &crate::now_rfc3339())?;
    build_report(store, rules, false)
}

/// Runs the jobs, `concurrency` at a time, and returns the first failure. After a job fails for good
/// (the store cannot be written), the jobs not yet started are left for a resumed scan.
async fn run_jobs(
    shared: &Shared<'_>,
    jobs: Vec<(usize, ConsentMode)>,
    concurrency: usize,
) -> Option<ScanError> {
    let failure: std::sync::Mutex<Option<ScanError>> = std::sync::Mutex::new(None);
    let failed = || failure.lock().unwrap_or_else(|p| p.into_inner()).is_some();
    futures::stream::iter(jobs)
        .for_each_concurrent(concurrency.max(1), |(site, mode)| {
            let failure = &failure;
            async move {
                if failed() {
                    return;
                }
                let done = match Job::seed(shared, site, mode).await {
                    Ok(job) => job.run().await,
                    Err(e) => Err(e),
                };
                if let Err(e) = done {
                    failure
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .get_or_insert(e);
                }
            }
        })
        .await;
    failure.into_inner().unwrap_or_else(|p| p.into_inner())
}
