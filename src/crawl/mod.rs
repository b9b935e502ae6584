//! Crawling: which sites and pages to visit, in what order, and the scan loop that visits them.
//!
//! A scan is a set of jobs, one per site and consent mode; each job is one visitor (a browser context)
//! browsing the site page after page, so a consent choice made on the first page holds for the rest.
//! Jobs run concurrently (`concurrency` tabs in one Chromium), spaced per host. Every finished visit
//! goes into the scan store at once; a resumed scan replays the stored visits of an unfinished job to
//! rebuild its frontier and visits only what is missing. Detection, classification and assessment run
//! afterwards over the stored observations (see [`crate::analyse`]).

mod frontier;
mod politeness;
mod preflight;
mod progress;
mod robots;
mod sites;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde::{Deserialize, Serialize};

pub use frontier::{Frontier, Skipped, TrapBounds, dedup_key, normalise};
pub use robots::{Fetcher, ROBOTS_AGENT, Robots, SiteFiles, parse_sitemap};
pub use sites::{Site, SiteListError, read_site_list, site_from_url};

use crate::browser::{BrowserError, BrowserOptions, BrowserPool, Chromium, ConsentPlan, Session};
use crate::observe::{ConsentMode, Observation};
use crate::report::{self, Format, Report, ToolInfo};
use crate::rules::{Rules, registrable_domain};
use crate::store::{Store, StoreError, StoredVisit, VisitKind};
use politeness::HostDelay;
use progress::Progress;

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
    /// Site × mode crawls running at once, each in its own tab.
    pub concurrency: usize,
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
}

/// A site whose pages fail this many times in a row is given up for that consent mode: a dead or hostile
/// host would otherwise cost every page of its budget a full visit deadline.
pub const MAX_FAILURES_IN_A_ROW: usize = 3;

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
            host_delay: Duration::from_millis(500),
            ignore_robots: false,
            restart_after: 500,
            browser: BrowserOptions::default(),
            command_line: String::new(),
            formats: all_formats(),
            lang: default_lang(),
            site_budget: default_site_budget(),
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

/// What the frontier of a finished crawl left out, stored per site and mode and shown in the report.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FrontierSummary {
    /// Pages visited.
    pub visited: usize,
    /// Pages found but not visited because the page budget was spent.
    pub waiting: usize,
    /// URLs left out, by reason.
    pub skipped: std::collections::BTreeMap<Skipped, usize>,
    /// Why the crawl stopped before its page budget or frontier ran out, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gave_up: Option<String>,
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
/// `map_hosts` replaces the stored mapping (a fixture web restarts on another port).
pub async fn resume(
    dir: &Path,
    map_hosts: Option<String>,
    command_line: String,
    rules: &Rules,
) -> Result<Report, ScanError> {
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
    let pool = BrowserPool::launch(config.browser.clone(), config.restart_after).await?;
    store.put_meta("browser", pool.version())?;
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
    let crawler = Crawler {
        config,
        rules,
        store,
        pool: &pool,
        fetcher,
        politeness: HostDelay::new(config.host_delay),
        site_files: (0..config.sites.len())
            .map(|_| tokio::sync::Mutex::new(()))
            .collect(),
        progress: &progress,
        failure: std::sync::Mutex::new(None),
    };
    crawl_all(&crawler, jobs, config.concurrency).await;
    let failure = crawler
        .failure
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    drop(crawler);
    progress.finish();
    let launches = pool.launches();
    pool.close().await;
    if let Some(e) = failure {
        return Err(e);
    }
    // Counted over the original run and every resume.
    let earlier: usize = store.meta("browser_launches")?.unwrap_or(0);
    store.put_meta("browser_launches", &(earlier + launches))?;
    store.put_meta("finished_at", &crate::now_rfc3339())?;
    build_report(store, rules, false)
}

/// Runs the jobs, `concurrency` at a time; after a job fails for good (the store cannot be written), the
/// jobs not yet started are left for a resumed scan.
async fn crawl_all(crawler: &Crawler<'_>, jobs: Vec<(usize, ConsentMode)>, concurrency: usize) {
    futures::stream::iter(jobs)
        .for_each_concurrent(concurrency.max(1), |(site, mode)| async move {
            if crawler.failed() {
                return;
            }
            if let Err(e) = crawler.crawl(site, mode).await {
                crawler.fail(e);
            }
        })
        .await;
}

/// Writes the report in `formats` (HAR files from the stored visits), closes the store, writes
/// `scan.json` and then `manifest.sha256` over everything in the folder.
pub fn write_outputs(
    report: &Report,
    store: Store,
    dir: &Path,
    formats: &[Format],
    lang: &str,
) -> Result<(), ScanError> {
    let output = |e| ScanError::Output(dir.to_path_buf(), e);
    if formats.contains(&Format::Har) {
        write_hars(&store, dir, &report.tool.browser)?;
    }
    store.close()?;
    if formats.contains(&Format::Json) {
        report::write_json(report, dir).map_err(output)?;
    }
    if formats.contains(&Format::Html) {
        report::write_html(report, dir, lang).map_err(output)?;
    }
    if formats.contains(&Format::Csv) {
        report::write_csv(report, dir, lang).map_err(output)?;
    }
    report::write_scan_json(report, dir, formats).map_err(output)?;
    report::write_manifest(dir).map_err(output)?;
    Ok(())
}

/// One HAR file per stored visit, named as its screenshot: `evidence/site001-none-page001.har`.
fn write_hars(store: &Store, dir: &Path, browser: &str) -> Result<(), ScanError> {
    let config: ScanConfig = store
        .meta("config")?
        .ok_or_else(|| ScanError::Other("the scan's settings are missing".into()))?;
    let evidence = dir.join("evidence");
    std::fs::create_dir_all(&evidence).map_err(|e| ScanError::Output(dir.to_path_buf(), e))?;
    for site in 0..config.sites.len() {
        for visit in store.visits(site, None)? {
            let mode = visit.observation.mode.as_str();
            let name = match visit.kind {
                VisitKind::Search => format!("site{:03}-{mode}-search.har", site + 1),
                VisitKind::Page => format!("site{:03}-{mode}-page{:03}.har", site + 1, visit.seq),
            };
            let har = report::har::har(&visit.observation, browser);
            let text = serde_json::to_vec(&har).map_err(|e| ScanError::Other(e.to_string()))?;
            report::write_atomically(&evidence.join(name), &text)
                .map_err(|e| ScanError::Output(dir.to_path_buf(), e))?;
        }
    }
    Ok(())
}

/// The report of the scan in `store`: each site's stored assessment, or a fresh one (with `rules`) for
/// sites not yet assessed, and for every site when `reassess` is set.
pub fn build_report(store: &Store, rules: &Rules, reassess: bool) -> Result<Report, ScanError> {
    let config: ScanConfig = store
        .meta("config")?
        .ok_or_else(|| ScanError::Other("the scan's settings are missing".into()))?;
    let mut sites = Vec::new();
    for (index, site) in config.sites.iter().enumerate() {
        let stored = if reassess {
            None
        } else {
            store.site_report(index)?
        };
        let site_report = match stored {
            Some(r) => r,
            None => {
                let visits = store.visits(index, None)?;
                if visits.is_empty() {
                    continue;
                }
                let mut report = crate::analyse::site_report(site, &visits, rules);
                report.crawl = crawl_summary(store, index, &config)?;
                store.put_site_report(index, &report, &rules.version())?;
                report
            }
        };
        sites.push(site_report);
    }
    let mut command_line = config.command_line.clone();
    for again in store
        .meta::<Vec<String>>("resumed_with")?
        .unwrap_or_default()
    {
        command_line.push_str(" ; resumed: ");
        command_line.push_str(&again);
    }
    let assessed_with: Vec<String> = {
        let mut v: Vec<String> = (0..config.sites.len())
            .filter_map(|i| store.site_rules_version(i).ok().flatten())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    Ok(Report {
        schema_version: report::SCHEMA_VERSION.into(),
        tool: ToolInfo {
            name: "pixelaudit".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            rules_version: assessed_with
                .first()
                .cloned()
                .unwrap_or_else(|| rules.version()),
            browser: store.meta("browser")?.unwrap_or_else(|| "unknown".into()),
            cookie_mode: "third-party cookies allowed, as in a visitor's default browser (cookie_controls_mode 0)".into(),
            command_line,
            started_at: store.meta("started_at")?.unwrap_or_default(),
            finished_at: store
                .meta("finished_at")?
                .unwrap_or_else(crate::now_rfc3339),
            map_hosts: config.browser.map_hosts.clone(),
            reassessed_at: reassess.then(crate::now_rfc3339),
        },
        not_assessed: crate::assess::NOT_ASSESSED
            .iter()
            .map(|(id, reason)| report::NotAssessed {
                id: id.to_string(),
                reason: reason.to_string(),
            })
            .collect(),
        sector: crate::assess::sector_summary(&sites),
        sites,
    })
}

/// What the crawl of a site did: robots.txt, sitemaps, what each mode's frontier left out.
fn crawl_summary(
    store: &Store,
    site: usize,
    config: &ScanConfig,
) -> Result<report::SiteCrawl, ScanError> {
    let files = store.site_files(site)?.unwrap_or_default();
    let mut frontiers = std::collections::BTreeMap::new();
    for (mode, json) in store.job_frontiers(site)? {
        if let Ok(summary) = serde_json::from_str::<FrontierSummary>(&json) {
            frontiers.insert(mode, summary);
        }
    }
    Ok(report::SiteCrawl {
        robots_url: files.robots_url,
        robots_status: files.robots_status,
        robots_obeyed: !config.ignore_robots,
        sitemaps: files.sitemaps,
        sitemap_urls: files.sitemap_urls.len(),
        problems: files.problems,
        max_pages: config.max_pages,
        max_depth: config.max_depth,
        frontiers,
    })
}

/// What every job of a scan shares.
struct Crawler<'a> {
    config: &'a ScanConfig,
    rules: &'a Rules,
    store: &'a Store,
    pool: &'a BrowserPool,
    fetcher: Fetcher,
    politeness: HostDelay,
    /// One lock per site, so its robots.txt and sitemaps are fetched once for all its modes.
    site_files: Vec<tokio::sync::Mutex<()>>,
    progress: &'a Progress,
    failure: std::sync::Mutex<Option<ScanError>>,
}

/// The visitor of one job: its browser and session, opened at the first visit that is not replayed.
struct Visitor {
    chromium: Arc<Chromium>,
    session: Session,
    /// Whether this session has been shown the banner's first page (and clicked, in reject/accept).
    consent_done: bool,
}

impl Crawler<'_> {
    fn failed(&self) -> bool {
        self.failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    fn fail(&self, e: ScanError) {
        let mut failure = self.failure.lock().unwrap_or_else(|p| p.into_inner());
        failure.get_or_insert(e);
    }

    /// The site's robots.txt and sitemaps: from the store, or fetched once and stored.
    async fn site_files(&self, site: usize) -> Result<SiteFiles, ScanError> {
        let _one_at_a_time = self.site_files[site].lock().await;
        if let Some(files) = self.store.site_files(site)? {
            return Ok(files);
        }
        let start = &self.config.sites[site].url;
        let files = self.fetcher.site_files(start, &site_domain(start)).await;
        self.store.put_site_files(site, &files)?;
        Ok(files)
    }

    /// Crawls one site in one consent mode, as one visitor, storing each visit as it finishes.
    async fn crawl(&self, site_index: usize, mode: ConsentMode) -> Result<(), ScanError> {
        let config = self.config;
        let site = &config.sites[site_index];
        let job = self.progress.job(site, mode, config.max_pages);
        self.store.start_job(site_index, mode)?;
        let files = self.site_files(site_index).await?;
        let robots = Robots::new(&files, config.ignore_robots);
        if let (Some(delay), Some(host)) = (
            robots.crawl_delay,
            url::Url::parse(&site.url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string)),
        ) {
            self.politeness.ask(&host, delay);
        }
        let domain = site_domain(&site.url);
        let mut frontier = Frontier::new(&domain, config.max_depth, TrapBounds::default());
        // The start URL is the visitor's way in, whatever robots.txt says of it: without it there is no scan.
        frontier.offer(&site.url, 0, f64::MAX, None, |_| true);
        for url in &files.sitemap_urls {
            let score = crate::classify::link_score(&self.rules.medical, url, "");
            frontier.offer(url, 1, score, None, |u| robots.allowed(u));
        }
        let stored: HashMap<(VisitKind, usize), StoredVisit> = self
            .store
            .visits(site_index, Some(mode))?
            .into_iter()
            .map(|v| ((v.kind, v.seq), v))
            .collect();
        let choice = matches!(mode, ConsentMode::Accept | ConsentMode::Reject).then_some(mode);
        let first_plan = ConsentPlan::new(&self.rules.consent, choice);
        let later_plan = ConsentPlan::quick_look(&self.rules.consent);
        let mut visitor: Option<Visitor> = None;
        let mut first: Option<Observation> = None;
        let mut search: Option<(crate::observe::SearchForm, Option<String>)> = None;
        let mut seq = 0;
        let (budget_start, mut failures_in_a_row, mut gave_up) = (Instant::now(), 0, None);
        while seq < config.max_pages {
            if failures_in_a_row >= MAX_FAILURES_IN_A_ROW {
                gave_up = Some(format!(
                    "stopped after {failures_in_a_row} failed visits in a row"
                ));
                break;
            }
            // The start page is always visited, so no site ends up in the report without a page.
            if seq > 0 && budget_start.elapsed() > config.site_budget {
                gave_up = Some(format!(
                    "stopped: the site's time budget of {} s was used up",
                    config.site_budget.as_secs()
                ));
                break;
            }
            let Some(candidate) = frontier.pop() else {
                break;
            };
            seq += 1;
            let observation = match stored.get(&(VisitKind::Page, seq)) {
                Some(v) if v.observation.url == candidate.url => {
                    job.visit(self.progress, seq, &v.observation, true);
                    v.observation.clone()
                }
                _ => {
                    let plan = match (&first, choice) {
                        (None, _) => Some(&first_plan),
                        (Some(_), Some(_)) => Some(&later_plan),
                        (Some(_), None) => None,
                    };
                    let name =
                        format!("site{:03}-{}-page{:03}", site_index + 1, mode.as_str(), seq);
                    let mut observation = self
                        .visit(
                            &mut visitor,
                            site,
                            mode,
                            &candidate.url,
                            &name,
                            plan,
                            &first_plan,
                        )
                        .await;
                    if let Some(first) = &first {
                        // The choice made on the first page holds for every later page of this visitor.
                        if first.choice_at_ms.is_some() {
                            observation.choice_at_ms = Some(0);
                            observation.cookies_before_choice = first.cookies_before_choice.clone();
                        }
                    }
                    self.store.put_visit(
                        site_index,
                        &StoredVisit {
                            seq,
                            kind: VisitKind::Page,
                            depth: candidate.depth,
                            observation: observation.clone(),
                        },
                    )?;
                    job.visit(self.progress, seq, &observation, false);
                    observation
                }
            };
            if observation.error.is_some() {
                failures_in_a_row += 1;
            } else {
                failures_in_a_row = 0;
            }
            if search.is_none() {
                search = observation
                    .search_form
                    .clone()
                    .filter(|f| {
                        url::Url::parse(&f.action)
                            .ok()
                            .and_then(|u| u.host_str().map(registrable_domain))
                            .is_some_and(|d| d == domain)
                    })
                    .map(|f| (f, observation.lang.clone()));
            }
            for link in &observation.links {
                let score = crate::classify::link_score(&self.rules.medical, &link.url, &link.text);
                frontier.offer(
                    &link.url,
                    candidate.depth + 1,
                    score,
                    Some(&candidate.url),
                    |u| robots.allowed(u),
                );
            }
            if first.is_none() {
                first = Some(observation);
            }
        }
        let summary = FrontierSummary {
            visited: seq,
            waiting: frontier.len(),
            skipped: frontier.skipped.iter().map(|(k, v)| (*k, *v)).collect(),
            gave_up,
        };
        if let Some((form, lang)) = search
            && summary.gave_up.is_none()
            && !stored.contains_key(&(VisitKind::Search, 1))
        {
            let observation = self
                .search_site(
                    &mut visitor,
                    site,
                    site_index,
                    mode,
                    &form,
                    lang.as_deref(),
                    first.as_ref(),
                    &first_plan,
                )
                .await;
            self.store.put_visit(
                site_index,
                &StoredVisit {
                    seq: 1,
                    kind: VisitKind::Search,
                    depth: 1,
                    observation: observation.clone(),
                },
            )?;
            job.visit(self.progress, seq + 1, &observation, false);
        }
        if let Some(v) = visitor {
            v.session.close().await;
        }
        self.store.finish_job(site_index, mode, &summary)?;
        self.progress.job_done(job);
        Ok(())
    }

    /// Visits one page as this job's visitor, opening the visitor first when needed. A visitor opened in
    /// the middle of a job (a resumed scan, a replaced browser) first makes the consent choice again on
    /// the start page, unrecorded, so it browses in the same state as the visitor it replaces. A visit
    /// that failed because Chromium died is retried once in a fresh one.
    #[allow(clippy::too_many_arguments)]
    async fn visit(
        &self,
        visitor: &mut Option<Visitor>,
        site: &Site,
        mode: ConsentMode,
        url: &str,
        evidence_name: &str,
        plan: Option<&ConsentPlan>,
        first_plan: &ConsentPlan,
    ) -> Observation {
        let evidence = self.config.out_dir.join("evidence");
        let mut last: Option<Observation> = None;
        for _attempt in 0..2 {
            if visitor.is_none() {
                match self.open_visitor(site, mode, url, first_plan).await {
                    Ok(v) => *visitor = Some(v),
                    Err(e) => {
                        return Observation {
                            url: url.to_string(),
                            mode,
                            started_at: crate::now_rfc3339(),
                            error: Some(format!(
                                "the browser could not open a new visitor session: {e}"
                            )),
                            ..Observation::default()
                        };
                    }
                }
            }
            let Some(v) = visitor.as_mut() else {
                break;
            };
            let plan = if v.consent_done {
                plan
            } else {
                Some(first_plan)
            };
            self.politeness.wait(url).await;
            self.pool.count_visit();
            let observation = v
                .session
                .visit(url, mode, Some((&evidence, evidence_name)), plan)
                .await;
            v.consent_done = true;
            let mut observation = observation;
            if let Some(first) = &last {
                observation.first_attempt_error = first.error.clone();
                return observation;
            }
            if observation.error.is_some() && !v.chromium.responds().await {
                // Chromium itself went away: replace it and try this page once more.
                self.pool.discard(&v.chromium).await;
                *visitor = None;
                last = Some(observation);
                continue;
            }
            if observation.renderer_crashed {
                // Only the tab's renderer died: a new tab of the same visitor tries once more.
                last = Some(observation);
                continue;
            }
            return observation;
        }
        last.unwrap_or_default()
    }

    /// Opens a visitor session; when the job already has pages (resumed, or after a browser crash), the
    /// consent choice is made again first on the start page.
    async fn open_visitor(
        &self,
        site: &Site,
        mode: ConsentMode,
        url: &str,
        first_plan: &ConsentPlan,
    ) -> Result<Visitor, BrowserError> {
        let chromium = self.pool.get().await?;
        let session = chromium.session().await?;
        let mut visitor = Visitor {
            chromium,
            session,
            consent_done: false,
        };
        let is_start = normalise(url).as_deref() == normalise(&site.url).as_deref();
        if !is_start {
            if mode != ConsentMode::None {
                self.politeness.wait(&site.url).await;
                let again = visitor
                    .session
                    .visit(&site.url, mode, None, Some(first_plan))
                    .await;
                tracing::info!(site = %site.name, error = ?again.error, "consent choice made again for a new visitor session");
            }
            visitor.consent_done = true;
        }
        Ok(visitor)
    }

    /// Searches the site for a health term in its language, as a visitor would, and records the results
    /// page as a visit of its own (finding F14 looks for the term in what trackers received).
    #[allow(clippy::too_many_arguments)]
    async fn search_site(
        &self,
        visitor: &mut Option<Visitor>,
        site: &Site,
        site_index: usize,
        mode: ConsentMode,
        form: &crate::observe::SearchForm,
        lang: Option<&str>,
        first: Option<&Observation>,
        first_plan: &ConsentPlan,
    ) -> Observation {
        let term = search_term_for(lang);
        let mut url = match url::Url::parse(&form.action) {
            Ok(u) => u,
            Err(e) => {
                return Observation {
                    url: form.action.clone(),
                    mode,
                    started_at: crate::now_rfc3339(),
                    error: Some(format!("the search form's address is not a URL: {e}")),
                    ..Observation::default()
                };
            }
        };
        url.query_pairs_mut().clear().append_pair(&form.param, term);
        let name = format!("site{:03}-{}-search", site_index + 1, mode.as_str());
        let mut observation = self
            .visit(visitor, site, mode, url.as_str(), &name, None, first_plan)
            .await;
        observation.search_term = Some(term.to_string());
        if let Some(first) = first.filter(|f| f.choice_at_ms.is_some()) {
            observation.choice_at_ms = Some(0);
            observation.cookies_before_choice = first.cookies_before_choice.clone();
        }
        observation
    }
}

/// The health term a site search uses, in the site's language.
fn search_term_for(lang: Option<&str>) -> &'static str {
    match lang
        .map(|l| l.get(..2).unwrap_or(l).to_ascii_lowercase())
        .as_deref()
    {
        Some("en") | Some("de") => "depression",
        Some("fr") => "dépression",
        _ => "depressie",
    }
}

/// The site's registrable domain, the first party of every visit.
pub fn site_domain(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(registrable_domain))
        .unwrap_or_default()
}
