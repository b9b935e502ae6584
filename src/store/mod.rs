//! The scan store: one SQLite file per scan (`scan.sqlite` in the output folder).
//!
//! Every visit is written in its own transaction as soon as it finishes, so an interrupted scan loses at
//! most the visit in flight and `scan --resume` continues where it stopped. The report is a function of
//! what is stored: `pixelaudit report DIR` re-renders it, `--reassess` recomputes it with newer rules.
//! The schema is documented in `docs/store.md`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::observe::{ConsentMode, Observation};

/// The file name of the store inside the output folder.
pub const FILE_NAME: &str = "scan.sqlite";
/// Bumped when the tables change in a way older stores cannot be read with.
pub const SCHEMA_VERSION: i64 = 1;

/// What can go wrong with the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused.
    #[error("scan store {path}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// A stored value could not be read back.
    #[error("scan store {path}: a stored {what} cannot be read: {message}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// Which value.
        what: String,
        /// Why.
        message: String,
    },
    /// The folder holds no scan, or one from an incompatible version.
    #[error("{0}")]
    NotAScan(String),
}

/// Environment variable that caps the store's size in SQLite pages (tests of a full disk).
pub const STORE_PAGE_LIMIT_VAR: &str = "PIXELAUDIT_TEST_STORE_PAGE_LIMIT";

impl StoreError {
    /// Whether SQLite failed because the disk (or the store's size limit) is full.
    pub fn is_disk_full(&self) -> bool {
        match self {
            StoreError::Sqlite { source, .. } => matches!(
                source.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DiskFull)
            ),
            _ => false,
        }
    }
}

/// What a visit was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VisitKind {
    /// A page of the site.
    Page,
    /// The site-search results page.
    Search,
}

impl VisitKind {
    fn as_str(self) -> &'static str {
        match self {
            VisitKind::Page => "page",
            VisitKind::Search => "search",
        }
    }
}

/// The file name (without extension) of a visit's evidence: `site001-none-page001` for the first page
/// of the first site without consent, `site001-accept-search` for its site-search visit. Screenshots and
/// HAR files of one visit share it, so a reader finds them together.
pub fn evidence_name(site: usize, mode: ConsentMode, kind: VisitKind, seq: usize) -> String {
    match kind {
        VisitKind::Page => format!("site{:03}-{}-page{:03}", site + 1, mode.as_str(), seq),
        VisitKind::Search => format!("site{:03}-{}-search", site + 1, mode.as_str()),
    }
}

/// One stored visit.
#[derive(Debug, Clone)]
pub struct StoredVisit {
    /// Order within its site and mode, from 1.
    pub seq: usize,
    /// Page or search.
    pub kind: VisitKind,
    /// Link hops from the start URL.
    pub depth: usize,
    /// What the visit saw.
    pub observation: Observation,
}

/// An open scan store. Safe to share between the crawl's concurrent jobs.
pub struct Store {
    path: PathBuf,
    conn: Mutex<Connection>,
}

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sites (
    site        INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    url         TEXT NOT NULL,
    sector      TEXT,
    files       TEXT,
    report      TEXT,
    assessed_with_rules TEXT
);
CREATE TABLE IF NOT EXISTS jobs (
    site        INTEGER NOT NULL REFERENCES sites(site),
    mode        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    frontier    TEXT,
    PRIMARY KEY (site, mode)
);
CREATE TABLE IF NOT EXISTS visits (
    id          INTEGER PRIMARY KEY,
    site        INTEGER NOT NULL REFERENCES sites(site),
    mode        TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    depth       INTEGER NOT NULL,
    url         TEXT NOT NULL,
    final_url   TEXT,
    status      INTEGER,
    error       TEXT,
    started_at  TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    requests    INTEGER NOT NULL,
    observation TEXT NOT NULL,
    UNIQUE (site, mode, kind, seq)
);
"#;

impl Store {
    /// Creates the store of a new scan in `dir`. Refuses a folder that already holds a scan, so two scans
    /// are never mixed: resume it, or choose another folder.
    pub fn create(dir: &Path) -> Result<Store, StoreError> {
        let path = dir.join(FILE_NAME);
        if path.exists() {
            return Err(StoreError::NotAScan(format!(
                "{} already holds a scan ({FILE_NAME}); continue it with `pixelaudit scan --resume {}`, or choose another --out",
                dir.display(),
                dir.display()
            )));
        }
        let store = Store::open_file(&path)?;
        store.put_meta("store_schema", &SCHEMA_VERSION)?;
        Ok(store)
    }

    /// Opens the store of an earlier scan in `dir`.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        let path = dir.join(FILE_NAME);
        if !path.is_file() {
            return Err(StoreError::NotAScan(format!(
                "{} holds no scan: {FILE_NAME} is missing (was it written by pixelaudit 0.1 or later?)",
                dir.display()
            )));
        }
        let store = Store::open_file(&path)?;
        match store.meta::<i64>("store_schema")? {
            Some(SCHEMA_VERSION) => Ok(store),
            other => Err(StoreError::NotAScan(format!(
                "{}: store schema {other:?}, this pixelaudit reads {SCHEMA_VERSION}",
                path.display()
            ))),
        }
    }

    fn open_file(path: &Path) -> Result<Store, StoreError> {
        let sqlite = |source| StoreError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(sqlite)?;
        // WAL with synchronous=NORMAL survives the process being killed (not a power cut) without an fsync
        // per visit.
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;",
        )
        .map_err(sqlite)?;
        conn.execute_batch(SCHEMA).map_err(sqlite)?;
        // Fault injection for the disk-full test: a store that may not grow past this many pages fails
        // with SQLite's own "database or disk is full", exactly as on a full disk.
        if let Some(pages) = std::env::var(STORE_PAGE_LIMIT_VAR)
            .ok()
            .and_then(|v| v.parse::<i64>().ok())
        {
            conn.pragma_update(None, "max_page_count", pages)
                .map_err(sqlite)?;
        }
        Ok(Store {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
        })
    }

    /// Closes the store, folding the write-ahead log into the file so that `scan.sqlite` alone holds the
    /// scan (and the manifest's digest of it stays true).
    pub fn close(self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let conn = self.conn.into_inner().unwrap_or_else(|p| p.into_inner());
        let sqlite = |source| StoreError::Sqlite {
            path: path.clone(),
            source,
        };
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(sqlite)?;
        conn.close().map_err(|(_, e)| sqlite(e))
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    fn corrupt(&self, what: &str, e: impl std::fmt::Display) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            what: what.into(),
            message: e.to_string(),
        }
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (each write is one statement or
        // transaction), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores a value under a key (scan configuration, tool information, …) as JSON.
    pub fn put_meta<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        let json = serde_json::to_string(value).map_err(|e| self.corrupt(key, e))?;
        self.conn()
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, json],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Reads a value stored with [`Store::put_meta`].
    pub fn meta<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let json: Option<String> = self
            .conn()
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        json.map(|j| serde_json::from_str(&j).map_err(|e| self.corrupt(key, e)))
            .transpose()
    }

    /// Records the sites of the scan (once, when it starts).
    pub fn put_sites(&self, sites: &[crate::crawl::Site]) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.err(e))?;
        for (i, s) in sites.iter().enumerate() {
            tx.execute(
                "INSERT OR IGNORE INTO sites (site, name, url, sector) VALUES (?1, ?2, ?3, ?4)",
                params![i as i64, s.name, s.url, s.sector],
            )
            .map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))
    }

    /// Stores what a site's robots.txt and sitemaps said.
    pub fn put_site_files(
        &self,
        site: usize,
        files: &crate::crawl::SiteFiles,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(files).map_err(|e| self.corrupt("site files", e))?;
        self.conn()
            .execute(
                "UPDATE sites SET files = ?2 WHERE site = ?1",
                params![site as i64, json],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// A site's robots.txt and sitemaps, if already fetched.
    pub fn site_files(&self, site: usize) -> Result<Option<crate::crawl::SiteFiles>, StoreError> {
        self.json_column(
            "SELECT files FROM sites WHERE site = ?1",
            site,
            "site files",
        )
    }

    /// Stores a site's assessed report and the rules version it was assessed with.
    /// The report is stored as JSON and read back as whatever type wrote it: the store keeps records,
    /// it does not know what a report holds (that is decided by the later stages).
    pub fn put_site_report<T: Serialize>(
        &self,
        site: usize,
        report: &T,
        rules_version: &str,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(report).map_err(|e| self.corrupt("site report", e))?;
        self.conn()
            .execute(
                "UPDATE sites SET report = ?2, assessed_with_rules = ?3 WHERE site = ?1",
                params![site as i64, json, rules_version],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The rules version a site was assessed with, if it has been.
    pub fn site_rules_version(&self, site: usize) -> Result<Option<String>, StoreError> {
        let v: Option<Option<String>> = self
            .conn()
            .query_row(
                "SELECT assessed_with_rules FROM sites WHERE site = ?1",
                [site as i64],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(v.flatten())
    }

    /// A site's assessed report, if it has been assessed.
    pub fn site_report<T: DeserializeOwned>(&self, site: usize) -> Result<Option<T>, StoreError> {
        self.json_column(
            "SELECT report FROM sites WHERE site = ?1",
            site,
            "site report",
        )
    }

    fn json_column<T: DeserializeOwned>(
        &self,
        sql: &str,
        site: usize,
        what: &str,
    ) -> Result<Option<T>, StoreError> {
        let json: Option<Option<String>> = self
            .conn()
            .query_row(sql, [site as i64], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        json.flatten()
            .map(|j| serde_json::from_str(&j).map_err(|e| self.corrupt(what, e)))
            .transpose()
    }

    /// Notes that a site's crawl in one mode has started (kept when it already had).
    pub fn start_job(&self, site: usize, mode: ConsentMode) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "INSERT OR IGNORE INTO jobs (site, mode, started_at) VALUES (?1, ?2, ?3)",
                params![site as i64, mode.as_str(), crate::now_rfc3339()],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Notes that a site's crawl in one mode is complete, with what the frontier left out.
    pub fn finish_job<T: Serialize>(
        &self,
        site: usize,
        mode: ConsentMode,
        frontier: &T,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(frontier).map_err(|e| self.corrupt("frontier", e))?;
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.err(e))?;
        tx.execute(
            "UPDATE jobs SET finished_at = ?3, frontier = ?4 WHERE site = ?1 AND mode = ?2",
            params![site as i64, mode.as_str(), crate::now_rfc3339(), json],
        )
        .map_err(|e| self.err(e))?;
        // An assessment made before this crawl finished (`pixelaudit report` on an interrupted scan)
        // no longer covers all the site's visits.
        tx.execute(
            "UPDATE sites SET report = NULL, assessed_with_rules = NULL WHERE site = ?1",
            params![site as i64],
        )
        .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    /// Whether a site's crawl in one mode is complete.
    pub fn job_finished(&self, site: usize, mode: ConsentMode) -> Result<bool, StoreError> {
        let done: Option<Option<String>> = self
            .conn()
            .query_row(
                "SELECT finished_at FROM jobs WHERE site = ?1 AND mode = ?2",
                params![site as i64, mode.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(done.flatten().is_some())
    }

    /// What a finished job's frontier left out (JSON as stored), by mode.
    pub fn job_frontiers(&self, site: usize) -> Result<Vec<(String, String)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(
                "SELECT mode, frontier FROM jobs WHERE site = ?1 AND frontier IS NOT NULL ORDER BY mode",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([site as i64], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Stores one finished visit, in one transaction.
    pub fn put_visit(&self, site: usize, visit: &StoredVisit) -> Result<(), StoreError> {
        let o = &visit.observation;
        let json = serde_json::to_string(o).map_err(|e| self.corrupt("observation", e))?;
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.err(e))?;
        tx.execute(
            "INSERT OR REPLACE INTO visits
             (site, mode, seq, kind, depth, url, final_url, status, error, started_at, duration_ms, requests, observation)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                site as i64,
                o.visit.mode.as_str(),
                visit.seq as i64,
                visit.kind.as_str(),
                visit.depth as i64,
                o.visit.url,
                o.visit.final_url,
                o.visit.status,
                o.visit.error,
                o.visit.started_at,
                o.visit.duration_ms as i64,
                o.requests.len() as i64,
                json
            ],
        )
        .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    /// The stored visits of a site in one mode (or all modes), in visit order.
    pub fn visits(
        &self,
        site: usize,
        mode: Option<ConsentMode>,
    ) -> Result<Vec<StoredVisit>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(
                "SELECT seq, kind, depth, observation FROM visits
                 WHERE site = ?1 AND (?2 IS NULL OR mode = ?2)
                 ORDER BY CASE mode WHEN 'none' THEN 0 WHEN 'reject' THEN 1 ELSE 2 END, kind = 'search', seq",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![site as i64, mode.map(|m| m.as_str())], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, kind, depth, json) = row.map_err(|e| self.err(e))?;
            let observation: Observation =
                serde_json::from_str(&json).map_err(|e| self.corrupt("observation", e))?;
            out.push(StoredVisit {
                seq: seq as usize,
                kind: if kind == "search" {
                    VisitKind::Search
                } else {
                    VisitKind::Page
                },
                depth: depth as usize,
                observation,
            });
        }
        Ok(out)
    }

    /// Number of stored visits.
    pub fn visit_count(&self) -> Result<usize, StoreError> {
        self.conn()
            .query_row("SELECT count(*) FROM visits", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::Visit;

    #[test]
    fn visits_survive_reopening_and_a_second_scan_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path()).unwrap();
        store
            .put_sites(&[crate::crawl::site_from_url("https://www.zorg.nl/").unwrap()])
            .unwrap();
        store.start_job(0, ConsentMode::Reject).unwrap();
        let observation = Observation {
            visit: Visit {
                url: "https://www.zorg.nl/ivf".into(),
                mode: ConsentMode::Reject,
                title: Some("IVF".into()),
                ..Visit::default()
            },
            ..Observation::default()
        };
        store
            .put_visit(
                0,
                &StoredVisit {
                    seq: 1,
                    kind: VisitKind::Page,
                    depth: 2,
                    observation,
                },
            )
            .unwrap();
        assert!(!store.job_finished(0, ConsentMode::Reject).unwrap());
        store
            .finish_job(0, ConsentMode::Reject, &serde_json::json!({}))
            .unwrap();
        drop(store);
        assert!(matches!(
            Store::create(dir.path()),
            Err(StoreError::NotAScan(_))
        ));
        let store = Store::open(dir.path()).unwrap();
        assert!(store.job_finished(0, ConsentMode::Reject).unwrap());
        let visits = store.visits(0, Some(ConsentMode::Reject)).unwrap();
        assert_eq!(visits.len(), 1);
        assert_eq!(visits[0].observation.visit.title.as_deref(), Some("IVF"));
        assert_eq!(visits[0].depth, 2);
        assert!(
            store
                .visits(0, Some(ConsentMode::Accept))
                .unwrap()
                .is_empty()
        );
    }
}
