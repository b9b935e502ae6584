//! The scan store: every visit, stored the moment it finishes, in one of two backends with the same
//! tables. On one machine, one SQLite file per scan (`scan.sqlite` in the output folder); for a scan
//! spread over many machines, a PostgreSQL database (`--db postgres://…`) that also holds the work queue
//! (`store/postgres/`).
//!
//! Every visit is written in its own transaction, so an interrupted scan loses at most the visit in
//! flight and `scan --resume` (or another worker) continues where it stopped. The report is a function of
//! what is stored: `pixelaudit report DIR` re-renders it, `--reassess` recomputes it with newer rules.
//! The schema is documented in `docs/store.md`; it is in `migrations/`.

pub mod postgres;
mod sqlite;

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::observe::{ConsentMode, Observation};
use postgres::PgStore;
use sqlite::{SiteColumn, SqliteStore};

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
    /// PostgreSQL refused, or stayed unreachable.
    #[error("scan database {target}: {message}")]
    Postgres {
        /// The database URL without its password.
        target: String,
        /// What PostgreSQL (or the connection) said.
        message: String,
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
    /// A worker's lease on a job ran out and another worker has it now: this worker stops that job.
    #[error("{0}")]
    LeaseLost(String),
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

    fn parse(stored: &str) -> VisitKind {
        if stored == "search" {
            VisitKind::Search
        } else {
            VisitKind::Page
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

/// A visit as the backends write it: its place in the crawl and the observation, also as JSON.
pub(crate) struct RawVisit<'a> {
    seq: usize,
    kind: VisitKind,
    depth: usize,
    observation: &'a Observation,
    json: String,
}

enum Backend {
    Sqlite(SqliteStore),
    Postgres(Box<PgStore>),
}

/// An open scan store. Safe to share between the crawl's concurrent jobs.
pub struct Store {
    backend: Backend,
}

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
        let store = Store {
            backend: Backend::Sqlite(SqliteStore::open(&path)?),
        };
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
        let store = Store {
            backend: Backend::Sqlite(SqliteStore::open(&path)?),
        };
        match store.meta::<i64>("store_schema")? {
            Some(SCHEMA_VERSION) => Ok(store),
            other => Err(StoreError::NotAScan(format!(
                "{}: store schema {other:?}, this pixelaudit reads {SCHEMA_VERSION}",
                path.display()
            ))),
        }
    }

    /// Creates scan `scan` in the PostgreSQL database at `url` (the schema is brought up to date first).
    /// Refuses a name already taken.
    pub fn create_in_database(url: &str, scan: &str) -> Result<Store, StoreError> {
        let pg = PgStore::connect(url, scan)?;
        pg.create_scan()?;
        let store = Store {
            backend: Backend::Postgres(Box::new(pg)),
        };
        store.put_meta("store_schema", &SCHEMA_VERSION)?;
        Ok(store)
    }

    /// Opens scan `scan` in the PostgreSQL database at `url`.
    pub fn open_in_database(url: &str, scan: &str) -> Result<Store, StoreError> {
        let pg = PgStore::connect(url, scan)?;
        if !pg.scan_exists()? {
            return Err(StoreError::NotAScan(format!(
                "{} holds no scan named {scan:?}; `pixelaudit queue push` creates one",
                pg.target()
            )));
        }
        Ok(Store {
            backend: Backend::Postgres(Box::new(pg)),
        })
    }

    /// The PostgreSQL side of the store (queue, leases, evidence), when it is one.
    pub fn database(&self) -> Option<&PgStore> {
        match &self.backend {
            Backend::Postgres(pg) => Some(pg),
            Backend::Sqlite(_) => None,
        }
    }

    /// Closes the store; a SQLite store folds its write-ahead log into the file, so that `scan.sqlite`
    /// alone holds the scan (and the manifest's digest of it stays true).
    pub fn close(self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite(s) => s.close(),
            Backend::Postgres(_) => Ok(()),
        }
    }

    /// Where the store is, for messages: the file, or the database and scan name.
    pub fn location(&self) -> String {
        match &self.backend {
            Backend::Sqlite(s) => s.path().display().to_string(),
            Backend::Postgres(p) => format!("{} (scan {:?})", p.target(), p.scan()),
        }
    }

    fn corrupt(&self, what: &str, e: impl std::fmt::Display) -> StoreError {
        StoreError::Corrupt {
            path: PathBuf::from(self.location()),
            what: what.into(),
            message: e.to_string(),
        }
    }

    fn as_json<T: Serialize + ?Sized>(&self, what: &str, value: &T) -> Result<String, StoreError> {
        serde_json::to_string(value).map_err(|e| self.corrupt(what, e))
    }

    fn parse_json<T: DeserializeOwned>(
        &self,
        what: &str,
        json: Option<String>,
    ) -> Result<Option<T>, StoreError> {
        json.map(|j| serde_json::from_str(&j).map_err(|e| self.corrupt(what, e)))
            .transpose()
    }

    /// Stores a value under a key (scan configuration, tool information, …) as JSON.
    pub fn put_meta<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        let json = self.as_json(key, value)?;
        match &self.backend {
            Backend::Sqlite(s) => s.put_meta(key, &json),
            Backend::Postgres(p) => p.put_meta(key, &json),
        }
    }

    /// Reads a value stored with [`Store::put_meta`].
    pub fn meta<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let json = match &self.backend {
            Backend::Sqlite(s) => s.meta(key)?,
            Backend::Postgres(p) => p.meta(key)?,
        };
        self.parse_json(key, json)
    }

    /// The values stored with [`Store::put_meta`] under keys that start with `prefix`, by key.
    pub fn metas_under<T: DeserializeOwned>(&self, prefix: &str) -> Result<Vec<T>, StoreError> {
        let rows = match &self.backend {
            Backend::Sqlite(s) => s.metas_under(prefix)?,
            Backend::Postgres(p) => p.metas_under(prefix)?,
        };
        rows.into_iter()
            .map(|(key, json)| serde_json::from_str(&json).map_err(|e| self.corrupt(&key, e)))
            .collect()
    }

    /// Records the sites of the scan (once, when it starts).
    pub fn put_sites(&self, sites: &[crate::crawl::Site]) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.put_sites(sites),
            Backend::Postgres(p) => p.put_sites(sites),
        }
    }

    /// Stores what a site's robots.txt and sitemaps said (in a shared database, the first fetch stays).
    pub fn put_site_files(
        &self,
        site: usize,
        files: &crate::crawl::SiteFiles,
    ) -> Result<(), StoreError> {
        let json = self.as_json("site files", files)?;
        match &self.backend {
            Backend::Sqlite(s) => s.put_site_files(site, &json),
            Backend::Postgres(p) => p.put_site_files(site, &json),
        }
    }

    fn site_column(&self, site: usize, column: SiteColumn) -> Result<Option<String>, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.site_column(site, column),
            Backend::Postgres(p) => p.site_column(site, column),
        }
    }

    /// A site's robots.txt and sitemaps, if already fetched.
    pub fn site_files(&self, site: usize) -> Result<Option<crate::crawl::SiteFiles>, StoreError> {
        let json = self.site_column(site, SiteColumn::Files)?;
        self.parse_json("site files", json)
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
        let json = self.as_json("site report", report)?;
        match &self.backend {
            Backend::Sqlite(s) => s.put_site_report(site, &json, rules_version),
            Backend::Postgres(p) => p.put_site_report(site, &json, rules_version),
        }
    }

    /// The rules version a site was assessed with, if it has been.
    pub fn site_rules_version(&self, site: usize) -> Result<Option<String>, StoreError> {
        self.site_column(site, SiteColumn::RulesVersion)
    }

    /// A site's assessed report, if it has been assessed.
    pub fn site_report<T: DeserializeOwned>(&self, site: usize) -> Result<Option<T>, StoreError> {
        let json = self.site_column(site, SiteColumn::Report)?;
        self.parse_json("site report", json)
    }

    /// Notes that a site's crawl in one mode has started (kept when it already had).
    pub fn start_job(&self, site: usize, mode: ConsentMode) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.start_job(site, mode),
            Backend::Postgres(p) => p.start_job(site, mode),
        }
    }

    /// Notes that a site's crawl in one mode is complete, with what the frontier left out. An assessment
    /// made before (`pixelaudit report` on an interrupted scan) no longer covers all the site's visits
    /// and is dropped.
    pub fn finish_job<T: Serialize>(
        &self,
        site: usize,
        mode: ConsentMode,
        frontier: &T,
    ) -> Result<(), StoreError> {
        let json = self.as_json("frontier", frontier)?;
        match &self.backend {
            Backend::Sqlite(s) => s.finish_job(site, mode, &json),
            Backend::Postgres(p) => p.finish_job(site, mode, &json),
        }
    }

    /// Whether a site's crawl in one mode is complete.
    pub fn job_finished(&self, site: usize, mode: ConsentMode) -> Result<bool, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.job_finished(site, mode),
            Backend::Postgres(p) => p.job_finished(site, mode),
        }
    }

    /// What a finished job's frontier left out (JSON as stored), by mode.
    pub fn job_frontiers(&self, site: usize) -> Result<Vec<(String, String)>, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.job_frontiers(site),
            Backend::Postgres(p) => p.job_frontiers(site),
        }
    }

    /// Stores one finished visit, in one transaction.
    pub fn put_visit(&self, site: usize, visit: &StoredVisit) -> Result<(), StoreError> {
        let raw = RawVisit {
            seq: visit.seq,
            kind: visit.kind,
            depth: visit.depth,
            observation: &visit.observation,
            json: self.as_json("observation", &visit.observation)?,
        };
        match &self.backend {
            Backend::Sqlite(s) => s.put_visit(site, &raw),
            Backend::Postgres(p) => p.put_visit(site, &raw),
        }
    }

    /// The stored visits of a site in one mode (or all modes), in visit order.
    pub fn visits(
        &self,
        site: usize,
        mode: Option<ConsentMode>,
    ) -> Result<Vec<StoredVisit>, StoreError> {
        let rows = match &self.backend {
            Backend::Sqlite(s) => s.visits(site, mode)?,
            Backend::Postgres(p) => p.visits(site, mode)?,
        };
        let mut out = Vec::with_capacity(rows.len());
        for (seq, kind, depth, json) in rows {
            let observation: Observation =
                serde_json::from_str(&json).map_err(|e| self.corrupt("observation", e))?;
            out.push(StoredVisit {
                seq,
                kind,
                depth,
                observation,
            });
        }
        Ok(out)
    }

    /// Number of stored visits.
    pub fn visit_count(&self) -> Result<usize, StoreError> {
        match &self.backend {
            Backend::Sqlite(s) => s.visit_count(),
            Backend::Postgres(p) => p.visit_count(),
        }
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
