//! Visits and their evidence files in PostgreSQL: one transaction per visit with its screenshots,
//! fenced by the lease of the job it belongs to, and the export of evidence into a report folder.

use std::path::{Path, PathBuf};

use sha2::Digest;

use super::PgStore;
use crate::observe::ConsentMode;
use crate::store::{RawVisit, StoreError, VisitKind};

impl PgStore {
    /// Stores one visit with its screenshots in one transaction; under a lease, only while the lease is
    /// still this worker's (it is renewed by the same statement).
    pub(in crate::store) fn put_visit(
        &self,
        site: usize,
        visit: &RawVisit<'_>,
    ) -> Result<(), StoreError> {
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
                let key = (scan.as_str(), site, mode, token.as_str());
                if !super::queue::in_lease(&mut tx, super::queue::RENEW, key, &[&lease_secs])? {
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

    pub(in crate::store) fn visits(
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

    pub(in crate::store) fn visit_count(&self) -> Result<usize, StoreError> {
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
        let stem = crate::store::evidence_name(site, mode, kind, seq);
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
}
