//! The store of a scan spread over many machines: one PostgreSQL database (`--db postgres://…`) holds
//! many scans, their evidence files, the queue of site × mode jobs and the per-host politeness slots.
//! Schema in `migrations/postgres/`, applied on connect and recorded in `schema_version`.
//!
//! The connection outlives the database server: a call that finds the connection gone (PostgreSQL
//! restarted, failed over, a network cut) reconnects with backoff for up to [`RECONNECT_FOR`] and runs
//! again. Every call is written to be safe to run twice: upserts, and one transaction per visit.
//!
//! Here: the connection, migrations and the scan's settings and sites; visits and evidence files in
//! `visits.rs`; the queue, its leases and the per-host slots in `queue.rs`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use postgres::{Client, NoTls};

use super::StoreError;
use crate::observe::ConsentMode;

mod queue;
mod visits;

pub use queue::{FailedJob, Lease, LeasedJob, MAX_ATTEMPTS, QueueStatus};

/// How long a call keeps reconnecting before it gives up on the database.
pub const RECONNECT_FOR: Duration = Duration::from_secs(300);

/// The schema, in order; a database at version n gets the migrations after n.
const MIGRATIONS: &[(i32, &str, &str)] = &[(
    1,
    "0001_init",
    include_str!("../../../migrations/postgres/0001_init.sql"),
)];

/// Serialises schema changes of workers starting at the same moment (an arbitrary, fixed key).
const MIGRATION_LOCK: i64 = 0x70_69_78_65_6c;

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
                let done = "state = 'done', finished_at = now(), error = NULL";
                if !queue::in_lease(&mut tx, done, (&scan, site, mode, token), &[])? {
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
}

/// How long a call keeps reconnecting: [`RECONNECT_FOR`], or `PIXELAUDIT_DB_RECONNECT_SECS`.
fn reconnect_for() -> Duration {
    std::env::var("PIXELAUDIT_DB_RECONNECT_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(RECONNECT_FOR)
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
