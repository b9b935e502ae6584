//! The store of a scan spread over many machines: one PostgreSQL database (`--db postgres://…`) holds
//! many scans, their evidence files, the queue of site × mode jobs and the per-host politeness slots.
//! Schema in `migrations/postgres/`, applied on connect and recorded in `schema_version`.
//!
//! The connection outlives the database server: a call that finds the connection gone (PostgreSQL
//! restarted, failed over, a network cut) reconnects with backoff for up to [`RECONNECT_FOR`] and runs
//! again. Every call is written to be safe to run twice: upserts, and one transaction per visit.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use postgres::{Client, NoTls};
use sha2::Digest;

use super::{RawVisit, StoreError, VisitKind};
use crate::observe::ConsentMode;

/// How long a call keeps reconnecting before it gives up on the database.
pub const RECONNECT_FOR: Duration = Duration::from_secs(300);

/// The schema, in order; a database at version n gets the migrations after n.
const MIGRATIONS: &[(i32, &str, &str)] = &[(
    1,
    "0001_init",
    include_str!("../../migrations/postgres/0001_init.sql"),
)];

/// Serialises schema changes of workers starting at the same moment (an arbitrary, fixed key).
const MIGRATION_LOCK: i64 = 0x70_69_78_65_6c;

/// A job of the queue as a worker holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The scan's name.
    pub scan: String,
    /// The site's position in the scan's site list.
    pub site: usize,
    /// The consent mode.
    pub mode: ConsentMode,
    /// Proof of holding the lease: every visit stored under it must present it.
    pub token: String,
    /// How many times the job has been leased (more than 1: taken over from a worker that stopped).
    pub attempts: u32,
}

/// What `queue status` shows of a scan.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct QueueStatus {
    /// Jobs waiting for a worker.
    pub queued: usize,
    /// Jobs a worker holds now.
    pub leased: Vec<LeasedJob>,
    /// Jobs whose lease ran out (a worker that stopped); the next worker takes them over.
    pub expired: usize,
    /// Finished jobs.
    pub done: usize,
    /// Jobs given up, with why.
    pub failed: Vec<FailedJob>,
    /// Visits stored.
    pub visits: usize,
    /// Visits stored in the last ten minutes, per minute.
    pub visits_per_minute: f64,
}

/// A job held by a worker.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LeasedJob {
    /// Site name.
    pub site: String,
    /// Consent mode.
    pub mode: String,
    /// Which worker.
    pub worker: String,
    /// Since when (UTC).
    pub since: String,
    /// Times leased.
    pub attempts: i32,
}

/// A job given up.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FailedJob {
    /// Site name.
    pub site: String,
    /// Consent mode.
    pub mode: String,
    /// Why.
    pub error: String,
}

/// A scan's store in PostgreSQL.
pub struct PgStore {
    /// The database URL as given (with its password, to reconnect).
    url: String,
    /// The URL without password, for messages.
    target: String,
    scan: String,
    client: Mutex<Option<Client>>,
    /// Set by a worker: where its browser writes screenshots, uploaded with each visit.
    evidence_dir: Mutex<Option<PathBuf>>,
    /// Set by a worker: the leases it holds, by (site, mode), and how long a renewal lasts.
    leases: Mutex<HashMap<(usize, ConsentMode), String>>,
    lease_for: Mutex<Duration>,
    /// Who stores the visits (recorded with each).
    worker: Mutex<Option<String>>,
    /// Whether a connection has ever been made: a database never reached is more likely a wrong URL
    /// than a restart, and is reported after [`FIRST_CONNECT_FOR`] instead of minutes.
    connected_once: std::sync::atomic::AtomicBool,
}

/// How long the first connection is tried before the database is reported unreachable.
pub const FIRST_CONNECT_FOR: Duration = Duration::from_secs(10);

/// The URL with its password replaced, fit for logs, reports and error messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "postgres://(unreadable URL)".into(),
    }
}

/// Whether a failed call may succeed on a fresh connection: the connection closed, the server is
/// starting or stopping (SQLSTATE class 57), or a connection exception (class 08).
fn connection_lost(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.code() {
        Some(code) => {
            let c = code.code();
            c.starts_with("57") || c.starts_with("08")
        }
        // No SQLSTATE: an I/O error, a refused or reset connection.
        None => e.as_db_error().is_none() && !is_config_error(e),
    }
}

fn is_config_error(e: &postgres::Error) -> bool {
    let text = e.to_string();
    text.contains("invalid connection string") || text.contains("unknown option")
}

impl PgStore {
    /// Connects to the database at `url`, brings its schema up to date, and opens `scan` in it.
    pub fn connect(url: &str, scan: &str) -> Result<PgStore, StoreError> {
        if scan.is_empty() || scan.len() > 200 || scan.chars().any(|c| c.is_control() || c == '/') {
            return Err(StoreError::NotAScan(format!(
                "{scan:?} is not a usable scan name: give 1 to 200 characters, no '/' or control characters"
            )));
        }
        let store = PgStore {
            url: url.to_string(),
            target: redact(url),
            scan: scan.to_string(),
            client: Mutex::new(None),
            evidence_dir: Mutex::new(None),
            leases: Mutex::new(HashMap::new()),
            lease_for: Mutex::new(Duration::from_secs(60)),
            worker: Mutex::new(None),
            connected_once: std::sync::atomic::AtomicBool::new(false),
        };
        store.call(migrate)?;
        let have: Option<i32> = store.call(|c| {
            c.query_one("SELECT max(version) FROM schema_version", &[])?
                .try_get(0)
        })?;
        if have.unwrap_or(0) > latest_schema() {
            return Err(StoreError::NotAScan(format!(
                "{}: its schema is at version {}, newer than this pixelaudit knows ({}); upgrade pixelaudit on this machine",
                store.target,
                have.unwrap_or(0),
                latest_schema()
            )));
        }
        Ok(store)
    }

    /// The database, without its password.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The scan's name.
    pub fn scan(&self) -> &str {
        &self.scan
    }

    fn err(&self, e: postgres::Error) -> StoreError {
        let mut message = e.to_string();
        if let Some(db) = e.as_db_error() {
            message = format!("{} ({})", db.message(), db.code().code());
        }
        StoreError::Postgres {
            target: self.target.clone(),
            message,
        }
    }

    /// Runs `f` on the connection, on a thread outside any async runtime (the `postgres` client runs its
    /// own), reconnecting while the database is unreachable.
    fn call<R: Send>(
        &self,
        mut f: impl FnMut(&mut Client) -> Result<R, postgres::Error> + Send,
    ) -> Result<R, StoreError> {
        std::thread::scope(|s| {
            s.spawn(|| self.call_here(&mut f))
                .join()
                .unwrap_or_else(|_| {
                    Err(StoreError::Postgres {
                        target: self.target.clone(),
                        message: "a database call panicked".into(),
                    })
                })
        })
    }

    fn call_here<R>(
        &self,
        f: &mut impl FnMut(&mut Client) -> Result<R, postgres::Error>,
    ) -> Result<R, StoreError> {
        use std::sync::atomic::Ordering;
        let patience = if self.connected_once.load(Ordering::Relaxed) {
            reconnect_for()
        } else {
            reconnect_for().min(FIRST_CONNECT_FOR)
        };
        let deadline = Instant::now() + patience;
        let mut pause = Duration::from_millis(100);
        let mut guard = self.client.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if guard.is_none() {
                match Client::connect(&self.url, NoTls) {
                    Ok(client) => {
                        self.connected_once.store(true, Ordering::Relaxed);
                        *guard = Some(client);
                    }
                    Err(e) if connection_lost(&e) && Instant::now() < deadline => {
                        tracing::warn!(db = %self.target, error = %e, "database unreachable; trying again");
                        std::thread::sleep(pause);
                        pause = (pause * 2).min(Duration::from_secs(2));
                        continue;
                    }
                    Err(e) => return Err(self.unreachable(e, patience)),
                }
            }
            let Some(client) = guard.as_mut() else {
                continue;
            };
            match f(client) {
                Ok(v) => return Ok(v),
                Err(e) if connection_lost(&e) && Instant::now() < deadline => {
                    tracing::warn!(db = %self.target, error = %e, "database connection lost; reconnecting");
                    *guard = None;
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
                Err(e) => return Err(self.err(e)),
            }
        }
    }

    fn unreachable(&self, e: postgres::Error, tried_for: Duration) -> StoreError {
        if !connection_lost(&e) {
            return self.err(e);
        }
        StoreError::Postgres {
            target: self.target.clone(),
            message: format!(
                "cannot connect ({e}), tried for {} s: is PostgreSQL running there and reachable, and is the URL (--db, PIXELAUDIT_DB) right?",
                tried_for.as_secs()
            ),
        }
    }

    /// Whether the scan exists.
    pub fn scan_exists(&self) -> Result<bool, StoreError> {
        let scan = self.scan.clone();
        self.call(move |c| {
            Ok(
                c.query_opt("SELECT 1 FROM scans WHERE scan = $1", &[&scan])?
                    .is_some(),
            )
        })
    }

    /// Creates the scan; refuses a name already taken.
    pub fn create_scan(&self) -> Result<(), StoreError> {
        let scan = self.scan.clone();
        let created = self.call(move |c| {
            c.execute(
                "INSERT INTO scans (scan) VALUES ($1) ON CONFLICT DO NOTHING",
                &[&scan],
            )
        })?;
        if created == 0 {
            return Err(StoreError::NotAScan(format!(
                "{} already holds a scan named {:?}: choose another --scan, or run workers to continue it",
                self.target, self.scan
            )));
        }
        Ok(())
    }

    pub(super) fn put_meta(&self, key: &str, json: &str) -> Result<(), StoreError> {
        let (scan, key, json) = (self.scan.clone(), key.to_string(), json.to_string());
        self.call(move |c| {
            c.execute(
                "INSERT INTO meta (scan, key, value) VALUES ($1, $2, $3)
                 ON CONFLICT (scan, key) DO UPDATE SET value = excluded.value",
                &[&scan, &key, &json],
            )
        })?;
        Ok(())
    }

    pub(super) fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let (scan, key) = (self.scan.clone(), key.to_string());
        self.call(move |c| {
            Ok(c.query_opt(
                "SELECT value FROM meta WHERE scan = $1 AND key = $2",
                &[&scan, &key],
            )?
            .map(|r| r.get(0)))
        })
    }

    pub(super) fn metas_under(&self, prefix: &str) -> Result<Vec<(String, String)>, StoreError> {
        let (scan, prefix) = (self.scan.clone(), prefix.to_string());
        self.call(move |c| {
            Ok(c.query(
                "SELECT key, value FROM meta WHERE scan = $1 AND left(key, length($2)) = $2 ORDER BY key",
                &[&scan, &prefix],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
        })
    }

    pub(super) fn put_sites(&self, sites: &[crate::crawl::Site]) -> Result<(), StoreError> {
        let scan = self.scan.clone();
        self.call(|c| {
            let mut tx = c.transaction()?;
            for (i, s) in sites.iter().enumerate() {
                tx.execute(
                    "INSERT INTO sites (scan, site, name, url, sector) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT DO NOTHING",
                    &[&scan, &(i as i32), &s.name, &s.url, &s.sector],
                )?;
            }
            tx.commit()
        })
    }

    pub(super) fn put_site_files(&self, site: usize, json: &str) -> Result<(), StoreError> {
        let scan = self.scan.clone();
        // The first worker's fetch wins: every mode of the site then crawls with the same robots.txt.
        self.call(|c| {
            c.execute(
                "UPDATE sites SET files = coalesce(files, $3) WHERE scan = $1 AND site = $2",
                &[&scan, &(site as i32), &json],
            )
        })?;
        Ok(())
    }

    pub(super) fn put_site_report(
        &self,
        site: usize,
        json: &str,
        rules_version: &str,
    ) -> Result<(), StoreError> {
        let scan = self.scan.clone();
        self.call(|c| {
            c.execute(
                "UPDATE sites SET report = $3, assessed_with_rules = $4 WHERE scan = $1 AND site = $2",
                &[&scan, &(site as i32), &json, &rules_version],
            )
        })?;
        Ok(())
    }

    pub(super) fn site_column(
        &self,
        site: usize,
        column: super::sqlite::SiteColumn,
    ) -> Result<Option<String>, StoreError> {
        let sql = format!(
            "SELECT {} FROM sites WHERE scan = $1 AND site = $2",
            column.name()
        );
        let scan = self.scan.clone();
        self.call(|c| {
            Ok(c.query_opt(sql.as_str(), &[&scan, &(site as i32)])?
                .and_then(|r| r.get::<_, Option<String>>(0)))
        })
    }

    pub(super) fn start_job(&self, site: usize, mode: ConsentMode) -> Result<(), StoreError> {
        let scan = self.scan.clone();
        self.call(|c| {
            c.execute(
                "INSERT INTO jobs (scan, site, mode, started_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
                &[&scan, &(site as i32), &mode.as_str(), &crate::now_rfc3339()],
            )
        })?;
        Ok(())
    }

    /// Records the finished crawl and, for a worker, closes its queue job in the same transaction.
    pub(super) fn finish_job(
        &self,
        site: usize,
        mode: ConsentMode,
        json: &str,
    ) -> Result<(), StoreError> {
        let scan = self.scan.clone();
        let token = self.lease_token(site, mode);
        let held = self.call(|c| {
            let mut tx = c.transaction()?;
            if let Some(token) = &token {
                let n = tx.execute(
                    "UPDATE queue SET state = 'done', finished_at = now(), error = NULL
                     WHERE scan = $1 AND site = $2 AND mode = $3 AND lease_token = $4 AND state = 'leased'",
                    &[&scan, &(site as i32), &mode.as_str(), token],
                )?;
                if n == 0 {
                    return Ok(false);
                }
            }
            tx.execute(
                "UPDATE jobs SET finished_at = $4, frontier = $5 WHERE scan = $1 AND site = $2 AND mode = $3",
                &[&scan, &(site as i32), &mode.as_str(), &crate::now_rfc3339(), &json],
            )?;
            tx.execute(
                "UPDATE sites SET report = NULL, assessed_with_rules = NULL WHERE scan = $1 AND site = $2",
                &[&scan, &(site as i32)],
            )?;
            tx.commit()?;
            Ok(true)
        })?;
        if !held {
            return Err(self.lease_lost(site, mode));
        }
        Ok(())
    }

    pub(super) fn job_finished(&self, site: usize, mode: ConsentMode) -> Result<bool, StoreError> {
        let scan = self.scan.clone();
        self.call(|c| {
            Ok(c.query_opt(
                "SELECT 1 FROM jobs WHERE scan = $1 AND site = $2 AND mode = $3 AND finished_at IS NOT NULL",
                &[&scan, &(site as i32), &mode.as_str()],
            )?
            .is_some())
        })
    }

    pub(super) fn job_frontiers(&self, site: usize) -> Result<Vec<(String, String)>, StoreError> {
        let scan = self.scan.clone();
        self.call(|c| {
            Ok(c.query(
                "SELECT mode, frontier FROM jobs WHERE scan = $1 AND site = $2 AND frontier IS NOT NULL ORDER BY mode",
                &[&scan, &(site as i32)],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
        })
    }

    /// Stores one visit with its screenshots in one transaction; under a lease, only while the lease is
    /// still this worker's (it is renewed by the same statement).
    pub(super) fn put_visit(&self, site: usize, visit: &RawVisit<'_>) -> Result<(), StoreError> {
        let o = visit.observation;
        let mode = o.visit.mode;
        let scan = self.scan.clone();
        let token = self.lease_token(site, mode);
        let lease_secs = self.lease_for().as_secs_f64();
        let worker = self
            .worker
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let evidence = self.local_evidence(site, mode, visit.kind, visit.seq);
        let normalised =
            crate::crawl::normalise(&o.visit.url).unwrap_or_else(|| o.visit.url.clone());
        let held = self.call(|c| {
            let mut tx = c.transaction()?;
            if let Some(token) = &token {
                let n = tx.execute(
                    "UPDATE queue SET lease_until = now() + make_interval(secs => $5)
                     WHERE scan = $1 AND site = $2 AND mode = $3 AND lease_token = $4 AND state = 'leased'",
                    &[&scan, &(site as i32), &mode.as_str(), token, &lease_secs],
                )?;
                if n == 0 {
                    return Ok(false);
                }
            }
            // A visit made again (redelivered work) replaces the earlier one at its place or URL.
            tx.execute(
                "DELETE FROM visits WHERE scan = $1 AND site = $2 AND mode = $3 AND kind = $4
                 AND (seq = $5 OR normalised_url = $6)",
                &[
                    &scan,
                    &(site as i32),
                    &mode.as_str(),
                    &visit.kind.as_str(),
                    &(visit.seq as i32),
                    &normalised,
                ],
            )?;
            tx.execute(
                "INSERT INTO visits
                 (scan, site, mode, seq, kind, depth, url, normalised_url, final_url, status, error,
                  started_at, duration_ms, requests, observation, stored_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                &[
                    &scan,
                    &(site as i32),
                    &mode.as_str(),
                    &(visit.seq as i32),
                    &visit.kind.as_str(),
                    &(visit.depth as i32),
                    &o.visit.url,
                    &normalised,
                    &o.visit.final_url,
                    &o.visit.status.map(i32::from),
                    &o.visit.error,
                    &o.visit.started_at,
                    &(o.visit.duration_ms as i64),
                    &(o.requests.len() as i32),
                    &visit.json,
                    &worker,
                ],
            )?;
            for (name, sha, bytes) in &evidence {
                tx.execute(
                    "INSERT INTO evidence (scan, name, sha256, bytes) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (scan, name) DO UPDATE SET sha256 = excluded.sha256, bytes = excluded.bytes",
                    &[&scan, name, sha, bytes],
                )?;
            }
            tx.commit()?;
            Ok(true)
        })?;
        if !held {
            return Err(self.lease_lost(site, mode));
        }
        if let Some(dir) = self.evidence_dir() {
            for (name, _, _) in &evidence {
                let _ = std::fs::remove_file(dir.join(name));
            }
        }
        Ok(())
    }

    pub(super) fn visits(
        &self,
        site: usize,
        mode: Option<ConsentMode>,
    ) -> Result<Vec<(usize, VisitKind, usize, String)>, StoreError> {
        let scan = self.scan.clone();
        let mode = mode.map(|m| m.as_str().to_string());
        self.call(|c| {
            Ok(c.query(
                "SELECT seq, kind, depth, observation FROM visits
                 WHERE scan = $1 AND site = $2 AND ($3::text IS NULL OR mode = $3)
                 ORDER BY CASE mode WHEN 'none' THEN 0 WHEN 'reject' THEN 1 ELSE 2 END, kind = 'search', seq",
                &[&scan, &(site as i32), &mode],
            )?
            .iter()
            .map(|r| {
                (
                    r.get::<_, i32>(0) as usize,
                    VisitKind::parse(r.get::<_, &str>(1)),
                    r.get::<_, i32>(2) as usize,
                    r.get::<_, String>(3),
                )
            })
            .collect())
        })
    }

    pub(super) fn visit_count(&self) -> Result<usize, StoreError> {
        let scan = self.scan.clone();
        self.call(|c| {
            Ok(
                c.query_one("SELECT count(*) FROM visits WHERE scan = $1", &[&scan])?
                    .get::<_, i64>(0) as usize,
            )
        })
    }

    /// Writes the scan's evidence files into `dir` (a report folder's `evidence/`); returns how many.
    pub fn export_evidence(&self, dir: &Path) -> Result<usize, StoreError> {
        let scan = self.scan.clone();
        let names: Vec<String> = self.call(|c| {
            Ok(c.query(
                "SELECT name FROM evidence WHERE scan = $1 ORDER BY name",
                &[&scan],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
        })?;
        std::fs::create_dir_all(dir).map_err(|e| self.io(dir, e))?;
        for name in &names {
            // Names are ours (evidence_name), but a database is shared: never write outside `dir`.
            if name.contains('/') || name.contains('\\') || name.starts_with('.') {
                continue;
            }
            let (sha, bytes): (String, Vec<u8>) = self.call(|c| {
                let r = c.query_one(
                    "SELECT sha256, bytes FROM evidence WHERE scan = $1 AND name = $2",
                    &[&scan, name],
                )?;
                Ok((r.get(0), r.get(1)))
            })?;
            if hex::encode(sha2::Sha256::digest(&bytes)) != sha {
                return Err(StoreError::Corrupt {
                    path: PathBuf::from(&self.target),
                    what: format!("evidence file {name}"),
                    message: "its bytes no longer match the SHA-256 stored with them".into(),
                });
            }
            let path = dir.join(name);
            std::fs::write(&path, &bytes).map_err(|e| self.io(&path, e))?;
        }
        Ok(names.len())
    }

    fn io(&self, path: &Path, e: std::io::Error) -> StoreError {
        StoreError::Postgres {
            target: self.target.clone(),
            message: format!("cannot write {}: {e}", path.display()),
        }
    }

    // --- what a worker sets -------------------------------------------------------------------------

    /// Where this worker's browser writes screenshots; each visit's files are uploaded with it.
    pub fn set_evidence_dir(&self, dir: PathBuf) {
        *self.evidence_dir.lock().unwrap_or_else(|p| p.into_inner()) = Some(dir);
    }

    fn evidence_dir(&self) -> Option<PathBuf> {
        self.evidence_dir
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// This worker's name, recorded with every visit it stores.
    pub fn set_worker(&self, worker: &str, lease_for: Duration) {
        *self.worker.lock().unwrap_or_else(|p| p.into_inner()) = Some(worker.to_string());
        *self.lease_for.lock().unwrap_or_else(|p| p.into_inner()) = lease_for;
    }

    fn lease_for(&self) -> Duration {
        *self.lease_for.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// From now on, visits of (site, mode) are stored only under this lease.
    pub fn hold(&self, lease: &Lease) {
        self.leases
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((lease.site, lease.mode), lease.token.clone());
    }

    /// Forgets a lease (the job ended, one way or another).
    pub fn release(&self, lease: &Lease) {
        self.leases
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&(lease.site, lease.mode));
    }

    fn lease_token(&self, site: usize, mode: ConsentMode) -> Option<String> {
        self.leases
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(site, mode))
            .cloned()
    }

    fn lease_lost(&self, site: usize, mode: ConsentMode) -> StoreError {
        StoreError::LeaseLost(format!(
            "scan {:?}, site {}, mode {}: this worker's lease ran out and another worker took the job over; \
             it continues from the visits stored until now",
            self.scan,
            site + 1,
            mode.as_str()
        ))
    }

    /// The screenshots this worker's browser wrote for one visit: `(file name, SHA-256, bytes)`.
    fn local_evidence(
        &self,
        site: usize,
        mode: ConsentMode,
        kind: VisitKind,
        seq: usize,
    ) -> Vec<(String, String, Vec<u8>)> {
        let Some(dir) = self.evidence_dir() else {
            return Vec::new();
        };
        let stem = super::evidence_name(site, mode, kind, seq);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = name
                .strip_prefix(&stem)
                .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('-'));
            if !ours {
                continue;
            }
            if let Ok(bytes) = std::fs::read(entry.path()) {
                let sha = hex::encode(sha2::Sha256::digest(&bytes));
                out.push((name, sha, bytes));
            }
        }
        out.sort();
        out
    }

    // --- the queue ----------------------------------------------------------------------------------

    /// Enqueues one job per site × mode of the scan (kept as they are when already queued).
    pub fn enqueue(&self, sites: usize, modes: &[ConsentMode]) -> Result<usize, StoreError> {
        let scan = self.scan.clone();
        self.call(|c| {
            let mut tx = c.transaction()?;
            let mut n = 0;
            for site in 0..sites {
                for mode in modes {
                    n += tx.execute(
                        "INSERT INTO queue (scan, site, mode) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                        &[&scan, &(site as i32), &mode.as_str()],
                    )?;
                }
            }
            tx.commit()?;
            Ok(n as usize)
        })
    }

    /// Leases the next job for `worker`: a job whose lease ran out first (work in progress), else the
    /// first queued one, of this scan or (`any_scan`) of any. Jobs leased [`MAX_ATTEMPTS`] times without
    /// finishing are failed instead of leased again.
    pub fn lease_next(&self, worker: &str, any_scan: bool) -> Result<Option<Lease>, StoreError> {
        let scan = (!any_scan).then(|| self.scan.clone());
        let token = new_token();
        let secs = self.lease_for().as_secs_f64();
        let worker = worker.to_string();
        self.call(|c| {
            c.execute(
                "UPDATE queue SET state = 'failed', finished_at = now(),
                        error = 'leased ' || attempts || ' times and never finished: each worker stopped during it'
                 WHERE state = 'leased' AND lease_until < now() AND attempts >= $2
                   AND ($1::text IS NULL OR scan = $1)",
                &[&scan, &(MAX_ATTEMPTS as i32)],
            )?;
            let row = c.query_opt(
                "UPDATE queue q SET state = 'leased', worker = $2, lease_token = $3, leased_at = now(),
                        lease_until = now() + make_interval(secs => $4), attempts = q.attempts + 1
                 FROM (SELECT scan, site, mode FROM queue
                       WHERE (state = 'queued' OR (state = 'leased' AND lease_until < now()))
                         AND ($1::text IS NULL OR scan = $1)
                       ORDER BY state = 'queued', scan, site, mode
                       LIMIT 1 FOR UPDATE SKIP LOCKED) pick
                 WHERE q.scan = pick.scan AND q.site = pick.site AND q.mode = pick.mode
                 RETURNING q.scan, q.site, q.mode, q.attempts",
                &[&scan, &worker, &token, &secs],
            )?;
            Ok(row.map(|r| Lease {
                scan: r.get(0),
                site: r.get::<_, i32>(1) as usize,
                mode: ConsentMode::parse(r.get::<_, &str>(2)).unwrap_or(ConsentMode::None),
                token: token.clone(),
                attempts: r.get::<_, i32>(3) as u32,
            }))
        })
    }

    /// Renews a lease; `false` when it is no longer this worker's.
    pub fn renew(&self, lease: &Lease) -> Result<bool, StoreError> {
        let secs = self.lease_for().as_secs_f64();
        self.call(|c| {
            Ok(c.execute(
                "UPDATE queue SET lease_until = now() + make_interval(secs => $5)
                 WHERE scan = $1 AND site = $2 AND mode = $3 AND lease_token = $4 AND state = 'leased'",
                &[
                    &lease.scan,
                    &(lease.site as i32),
                    &lease.mode.as_str(),
                    &lease.token,
                    &secs,
                ],
            )? == 1)
        })
    }

    /// Gives a job up with a reason: back to the queue while it has attempts left, else failed.
    pub fn fail(&self, lease: &Lease, error: &str) -> Result<(), StoreError> {
        self.call(|c| {
            c.execute(
                "UPDATE queue SET state = CASE WHEN attempts >= $6 THEN 'failed' ELSE 'queued' END,
                        error = $5, lease_until = NULL,
                        finished_at = CASE WHEN attempts >= $6 THEN now() END
                 WHERE scan = $1 AND site = $2 AND mode = $3 AND lease_token = $4 AND state = 'leased'",
                &[
                    &lease.scan,
                    &(lease.site as i32),
                    &lease.mode.as_str(),
                    &lease.token,
                    &error,
                    &(MAX_ATTEMPTS as i32),
                ],
            )
        })?;
        Ok(())
    }

    /// Whether no job of this scan (or of any, with `any_scan`) is waiting or held any more.
    pub fn queue_settled(&self, any_scan: bool) -> Result<bool, StoreError> {
        let scan = (!any_scan).then(|| self.scan.clone());
        self.call(|c| {
            Ok(c.query_opt(
                "SELECT 1 FROM queue WHERE state IN ('queued', 'leased') AND ($1::text IS NULL OR scan = $1) LIMIT 1",
                &[&scan],
            )?
            .is_none())
        })
    }

    /// The queue of this scan.
    pub fn queue_status(&self) -> Result<QueueStatus, StoreError> {
        let scan = self.scan.clone();
        self.call(|c| {
            let mut status = QueueStatus::default();
            for r in c.query(
                "SELECT state, lease_until < now(), count(*) FROM queue WHERE scan = $1 GROUP BY 1, 2",
                &[&scan],
            )? {
                let n = r.get::<_, i64>(2) as usize;
                match (r.get::<_, &str>(0), r.get::<_, Option<bool>>(1)) {
                    ("queued", _) => status.queued += n,
                    ("leased", Some(true)) => status.expired += n,
                    ("done", _) => status.done += n,
                    _ => {}
                }
            }
            for r in c.query(
                "SELECT s.name, q.mode, q.worker, to_char(q.leased_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), q.attempts
                 FROM queue q JOIN sites s USING (scan, site)
                 WHERE q.scan = $1 AND q.state = 'leased' AND q.lease_until >= now() ORDER BY q.leased_at",
                &[&scan],
            )? {
                status.leased.push(LeasedJob {
                    site: r.get(0),
                    mode: r.get(1),
                    worker: r.get::<_, Option<String>>(2).unwrap_or_default(),
                    since: r.get::<_, Option<String>>(3).unwrap_or_default(),
                    attempts: r.get(4),
                });
            }
            for r in c.query(
                "SELECT s.name, q.mode, coalesce(q.error, '') FROM queue q JOIN sites s USING (scan, site)
                 WHERE q.scan = $1 AND q.state = 'failed' ORDER BY q.site, q.mode",
                &[&scan],
            )? {
                status.failed.push(FailedJob {
                    site: r.get(0),
                    mode: r.get(1),
                    error: r.get(2),
                });
            }
            let r = c.query_one(
                "SELECT count(*), count(*) FILTER (WHERE stored_at > now() - interval '10 minutes')
                 FROM visits WHERE scan = $1",
                &[&scan],
            )?;
            status.visits = r.get::<_, i64>(0) as usize;
            status.visits_per_minute = r.get::<_, i64>(1) as f64 / 10.0;
            Ok(status)
        })
    }

    /// Books the next visit of `host` at least `delay` after the one before, whichever worker made it;
    /// returns how long to wait for the booked slot. The database's clock is the only clock used.
    pub fn book_host_slot(&self, host: &str, delay: Duration) -> Result<Duration, StoreError> {
        let secs = delay.as_secs_f64();
        let wait: f64 = self.call(|c| {
            Ok(c.query_one(
                "INSERT INTO host_slots AS h (host, next_at) VALUES ($1, clock_timestamp() + make_interval(secs => $2))
                 ON CONFLICT (host) DO UPDATE
                   SET next_at = greatest(h.next_at, clock_timestamp()) + make_interval(secs => $2)
                 RETURNING extract(epoch FROM (next_at - clock_timestamp()))::float8 - $2",
                &[&host, &secs],
            )?
            .get(0))
        })?;
        Ok(Duration::from_secs_f64(wait.max(0.0)))
    }
}

impl crate::crawl::SlotBook for PgStore {
    fn book(&self, host: &str, delay: Duration) -> Result<Duration, String> {
        self.book_host_slot(host, delay).map_err(|e| e.to_string())
    }
}

/// How many times a job is leased before it is failed (a page that kills every worker that visits it).
pub const MAX_ATTEMPTS: u32 = 5;

/// How long a call keeps reconnecting: [`RECONNECT_FOR`], or `PIXELAUDIT_DB_RECONNECT_SECS`.
fn reconnect_for() -> Duration {
    std::env::var("PIXELAUDIT_DB_RECONNECT_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(RECONNECT_FOR)
}

fn new_token() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).unwrap_or_default();
    hex::encode(bytes)
}

fn migrate(c: &mut Client) -> Result<(), postgres::Error> {
    let mut tx = c.transaction()?;
    tx.query("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )?;
    let have: i32 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[])?
        .get(0);
    for (version, name, sql) in MIGRATIONS {
        if *version > have {
            tx.batch_execute(sql)?;
            tx.execute(
                "INSERT INTO schema_version (version, name) VALUES ($1, $2)",
                &[version, name],
            )?;
        }
    }
    tx.commit()
}

/// The newest schema version this pixelaudit writes.
pub fn latest_schema() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // The client owns a runtime of its own, which must not be dropped inside an async one.
        if let Some(client) = self
            .client
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            std::thread::scope(|s| {
                s.spawn(move || drop(client));
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_password_never_leaves_the_url_it_came_in() {
        assert_eq!(
            redact("postgres://audit:s3cret@db.internal:5432/pixelaudit"),
            "postgres://audit:***@db.internal:5432/pixelaudit"
        );
        assert_eq!(
            redact("postgres://audit@db.internal/pixelaudit"),
            "postgres://audit@db.internal/pixelaudit"
        );
        assert!(!redact("postgres://a:b@c:notaport/d").contains(":b@"));
    }
}
