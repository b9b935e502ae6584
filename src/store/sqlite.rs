//! The store of one machine: one SQLite file per scan (`scan.sqlite` in the output folder), schema in
//! `migrations/sqlite/`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

use super::{RawVisit, StoreError, VisitKind};
use crate::observe::ConsentMode;

const SCHEMA: &str = include_str!("../../migrations/sqlite/0001_init.sql");

/// An open `scan.sqlite`.
pub(super) struct SqliteStore {
    path: PathBuf,
    conn: Mutex<Connection>,
}

impl SqliteStore {
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
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
        if let Some(pages) = std::env::var(super::STORE_PAGE_LIMIT_VAR)
            .ok()
            .and_then(|v| v.parse::<i64>().ok())
        {
            conn.pragma_update(None, "max_page_count", pages)
                .map_err(sqlite)?;
        }
        Ok(SqliteStore {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
        })
    }

    /// Folds the write-ahead log into the file, so that `scan.sqlite` alone holds the scan.
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

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (each write is one statement or
        // transaction), so a poisoned lock is still usable.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn put_meta(&self, key: &str, json: &str) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, json],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn()
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))
    }

    pub fn metas_under(&self, prefix: &str) -> Result<Vec<(String, String)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(
                "SELECT key, value FROM meta WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([prefix], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

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

    pub fn put_site_files(&self, site: usize, json: &str) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE sites SET files = ?2 WHERE site = ?1",
                params![site as i64, json],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    pub fn put_site_report(
        &self,
        site: usize,
        json: &str,
        rules_version: &str,
    ) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "UPDATE sites SET report = ?2, assessed_with_rules = ?3 WHERE site = ?1",
                params![site as i64, json, rules_version],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// One nullable text column of a site's row (`files`, `report`, `assessed_with_rules`).
    pub fn site_column(
        &self,
        site: usize,
        column: SiteColumn,
    ) -> Result<Option<String>, StoreError> {
        let sql = format!("SELECT {} FROM sites WHERE site = ?1", column.name());
        let v: Option<Option<String>> = self
            .conn()
            .query_row(&sql, [site as i64], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(v.flatten())
    }

    pub fn start_job(&self, site: usize, mode: ConsentMode) -> Result<(), StoreError> {
        self.conn()
            .execute(
                "INSERT OR IGNORE INTO jobs (site, mode, started_at) VALUES (?1, ?2, ?3)",
                params![site as i64, mode.as_str(), crate::now_rfc3339()],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    pub fn finish_job(&self, site: usize, mode: ConsentMode, json: &str) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(|e| self.err(e))?;
        tx.execute(
            "UPDATE jobs SET finished_at = ?3, frontier = ?4 WHERE site = ?1 AND mode = ?2",
            params![site as i64, mode.as_str(), crate::now_rfc3339(), json],
        )
        .map_err(|e| self.err(e))?;
        tx.execute(
            "UPDATE sites SET report = NULL, assessed_with_rules = NULL WHERE site = ?1",
            params![site as i64],
        )
        .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

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

    pub fn put_visit(&self, site: usize, visit: &RawVisit<'_>) -> Result<(), StoreError> {
        let o = visit.observation;
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
                visit.json
            ],
        )
        .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    /// `(seq, kind, depth, observation JSON)` of a site's visits, in visit order.
    pub fn visits(
        &self,
        site: usize,
        mode: Option<ConsentMode>,
    ) -> Result<Vec<(usize, VisitKind, usize, String)>, StoreError> {
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
                    r.get::<_, i64>(0)? as usize,
                    VisitKind::parse(&r.get::<_, String>(1)?),
                    r.get::<_, i64>(2)? as usize,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    pub fn visit_count(&self) -> Result<usize, StoreError> {
        self.conn()
            .query_row("SELECT count(*) FROM visits", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(|e| self.err(e))
    }
}

/// The nullable text columns of a site's row.
#[derive(Debug, Clone, Copy)]
pub(super) enum SiteColumn {
    Files,
    Report,
    RulesVersion,
}

impl SiteColumn {
    pub fn name(self) -> &'static str {
        match self {
            SiteColumn::Files => "files",
            SiteColumn::Report => "report",
            SiteColumn::RulesVersion => "assessed_with_rules",
        }
    }
}
