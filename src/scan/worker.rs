//! A worker of a scan spread over many machines: it takes site × mode jobs from the queue in the scan
//! database, crawls each exactly as a single-machine scan does (the same [`Job`]), and stores every
//! visit as it finishes. It holds each job under a lease that it renews while it works; a worker that
//! dies (SIGKILL, a lost machine, a cut network) lets its lease run out, and the next worker takes the
//! job over, replays the stored visits to rebuild the frontier, makes the consent choice again and goes
//! on. Politeness holds across workers through the per-host slots in the database.

use std::path::PathBuf;
use std::time::Duration;

use crate::browser::BrowserPool;
use crate::crawl::{Fetcher, HostDelay};
use crate::observe::Engine;
use crate::rules::Rules;
use crate::store::postgres::{Lease, PgStore};
use crate::store::{Store, StoreError};

use super::job::{Job, Shared};
use super::progress::Progress;
use super::{ScanConfig, ScanError};

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// The scan database (`postgres://…`).
    pub db: String,
    /// Only this scan's jobs; `None`: any scan's.
    pub scan: Option<String>,
    /// This worker's name in the queue and in every visit it stores.
    pub name: String,
    /// Jobs crawled at once, each a visitor of its own (a browser context) in one Chromium.
    pub concurrency: usize,
    /// How long a lease lasts without renewal (renewed every third of it, and with every visit).
    pub lease_for: Duration,
    /// Where the browser writes screenshots before they are stored in the database.
    pub work_dir: PathBuf,
    /// Replaces the scan's Chromium binary on this machine.
    pub chrome: Option<PathBuf>,
    /// Replaces the scan's host mapping on this machine.
    pub map_hosts: Option<String>,
    /// Keep waiting for work when the queue is empty, instead of stopping.
    pub wait: bool,
    /// The worker's command line, for the record.
    pub command_line: String,
}

/// What a worker did.
#[derive(Debug, Clone, Default)]
pub struct WorkerSummary {
    /// Jobs finished.
    pub jobs_done: usize,
    /// Jobs taken over from a worker whose lease ran out.
    pub taken_over: usize,
    /// Jobs this worker lost to another (its own lease ran out).
    pub lost: usize,
}

/// A default worker name: host name and process id, unique among running workers.
pub fn default_worker_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".into());
    format!("{host}:{}", std::process::id())
}

/// How often an idle worker looks at the queue again while other workers hold leases.
const IDLE_POLL: Duration = Duration::from_secs(2);

/// Takes jobs until the queue has none waiting or held (or forever, with `wait`).
pub async fn work(options: &WorkerOptions, rules: &Rules) -> Result<WorkerSummary, ScanError> {
    let control = PgStore::connect(&options.db, options.scan.as_deref().unwrap_or("(any)"))?;
    control.set_worker(&options.name, options.lease_for);
    let any_scan = options.scan.is_none();
    let mut summary = WorkerSummary::default();
    loop {
        let Some(lease) = control.lease_next(&options.name, any_scan)? else {
            if !options.wait && control.queue_settled(any_scan)? {
                return Ok(summary);
            }
            tokio::time::sleep(IDLE_POLL).await;
            continue;
        };
        let got = work_on_scan(options, rules, lease).await?;
        summary.jobs_done += got.jobs_done;
        summary.taken_over += got.taken_over;
        summary.lost += got.lost;
    }
}

/// Works on the scan of `first` until none of its jobs is left to lease, `concurrency` at a time.
async fn work_on_scan(
    options: &WorkerOptions,
    rules: &Rules,
    first: Lease,
) -> Result<WorkerSummary, ScanError> {
    let store = Store::open_in_database(&options.db, &first.scan)?;
    let Some(pg) = store.database() else {
        return Err(ScanError::Other("a worker needs a PostgreSQL store".into()));
    };
    pg.set_worker(&options.name, options.lease_for);
    let mut config: ScanConfig = store.meta("config")?.ok_or_else(|| {
        ScanError::Other(format!(
            "scan {:?} has no settings in the database; push it again with `pixelaudit queue push`",
            first.scan
        ))
    })?;
    config.out_dir = options.work_dir.join(safe_folder_name(&first.scan));
    let evidence = config.out_dir.join("evidence");
    std::fs::create_dir_all(&evidence).map_err(|e| ScanError::Output(evidence.clone(), e))?;
    pg.set_evidence_dir(evidence);
    if options.chrome.is_some() {
        config.browser.chrome = options.chrome.clone();
    }
    if options.map_hosts.is_some() {
        config.browser.map_hosts = options.map_hosts.clone();
    }
    let pool = match config.engine {
        Engine::Browser => {
            let mut browser = config.browser.clone();
            browser.form_values = rules.probes.form_values().to_vec();
            match BrowserPool::launch(browser, config.restart_after).await {
                Ok(pool) => Some(pool),
                Err(e) => {
                    let why = format!("worker {} could not start Chromium: {e}", options.name);
                    pg.fail(&first, &why)?;
                    return Err(e.into());
                }
            }
        }
        Engine::Static => None,
    };
    let browser = pool
        .as_ref()
        .map_or(super::STATIC_ENGINE_NAME.to_string(), |p| {
            p.version().to_string()
        });
    if store.meta::<String>("browser")?.is_none() {
        store.put_meta("browser", &browser)?;
    }
    // For the record of the scan: every worker that took part, with its command line and Chromium (one
    // key each, so workers starting together do not overwrite each other).
    store.put_meta(
        &format!("{}{}", super::outputs::WORKER_KEY_PREFIX, options.name),
        &crate::results::WorkerRecord {
            name: options.name.clone(),
            command_line: options.command_line.clone(),
            browser,
            tool_version: env!("CARGO_PKG_VERSION").into(),
            rules_version: rules.version(),
            started_at: crate::now_rfc3339(),
        },
    )?;
    let slots = PgStore::connect(&options.db, &first.scan)?;
    let shared = Shared {
        config: &config,
        rules,
        store: &store,
        pool: pool.as_ref(),
        fetcher: Fetcher::new(config.browser.map_hosts.as_deref(), config.browser.insecure)
            .map_err(ScanError::Other)?,
        politeness: HostDelay::shared(config.host_delay, Box::new(slots)),
        site_files: (0..config.sites.len())
            .map(|_| tokio::sync::Mutex::new(()))
            .collect(),
        progress: &Progress::lines(),
    };
    let mut first = Some(first);
    let lanes: Vec<_> = (0..options.concurrency.max(1))
        .map(|_| lane(&shared, pg, first.take(), options))
        .collect();
    let results = futures::future::join_all(lanes).await;
    drop(shared);
    if let Some(pool) = pool {
        pool.close().await;
    }
    let mut summary = WorkerSummary::default();
    for r in results {
        let r = r?;
        summary.jobs_done += r.jobs_done;
        summary.taken_over += r.taken_over;
        summary.lost += r.lost;
    }
    if pg.queue_settled(false)? && store.meta::<String>("finished_at")?.is_none() {
        store.put_meta("finished_at", &crate::now_rfc3339())?;
    }
    Ok(summary)
}

/// One tab's worth of work: lease a job of the scan, crawl it under a renewed lease, repeat.
async fn lane(
    shared: &Shared<'_>,
    pg: &PgStore,
    mut next: Option<Lease>,
    options: &WorkerOptions,
) -> Result<WorkerSummary, ScanError> {
    let mut summary = WorkerSummary::default();
    loop {
        let lease = match next.take() {
            Some(lease) => lease,
            None => match pg.lease_next(&options.name, false)? {
                Some(lease) => lease,
                None => return Ok(summary),
            },
        };
        if lease.attempts > 1 {
            summary.taken_over += 1;
            tracing::info!(scan = %lease.scan, site = lease.site + 1, mode = lease.mode.as_str(),
                attempts = lease.attempts, "taking over a job whose lease ran out");
        }
        pg.hold(&lease);
        let outcome = crawl_under_lease(shared, pg, &lease, options.lease_for).await;
        pg.release(&lease);
        match outcome {
            Ok(()) => summary.jobs_done += 1,
            Err(ScanError::Store(StoreError::LeaseLost(why))) => {
                summary.lost += 1;
                tracing::warn!("{why}");
            }
            Err(e) => {
                // The job goes back to the queue (or is failed after its last attempt) with the reason.
                let _ = pg.fail(&lease, &e.to_string());
                return Err(e);
            }
        }
    }
}

/// Crawls the lease's job, renewing the lease every third of its length; stops the crawl the moment the
/// lease is found to be someone else's.
async fn crawl_under_lease(
    shared: &Shared<'_>,
    pg: &PgStore,
    lease: &Lease,
    lease_for: Duration,
) -> Result<(), ScanError> {
    let crawl = async {
        let job = Job::seed(shared, lease.site, lease.mode).await?;
        job.run().await
    };
    tokio::pin!(crawl);
    let mut renew = tokio::time::interval(lease_for / 3);
    renew.tick().await;
    loop {
        tokio::select! {
            done = &mut crawl => return done,
            _ = renew.tick() => {
                if !pg.renew(lease)? {
                    return Err(ScanError::Store(StoreError::LeaseLost(format!(
                        "scan {:?}, site {}, mode {}: the lease could not be renewed in time; another worker has the job",
                        lease.scan, lease.site + 1, lease.mode.as_str()
                    ))));
                }
            }
        }
    }
}

/// A scan name as a folder name: letters, digits, `-`, `_` and `.` kept, anything else `_`.
fn safe_folder_name(scan: &str) -> String {
    let name: String = scan
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.starts_with('.') {
        format!("_{name}")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_names_become_safe_folder_names() {
        assert_eq!(safe_folder_name("nl-zorg-2026"), "nl-zorg-2026");
        assert_eq!(safe_folder_name("../etc passwd"), "_.._etc_passwd");
        assert_eq!(safe_folder_name("zorg/../x"), "zorg_.._x");
    }
}
