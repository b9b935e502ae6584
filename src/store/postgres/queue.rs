//! The queue of site × mode jobs in PostgreSQL: leases taken with `FOR UPDATE SKIP LOCKED`, renewed by
//! a heartbeat and fenced by a token, jobs given up after [`MAX_ATTEMPTS`], the status `queue status`
//! shows, and the per-host slots that keep politeness across workers.

use std::time::Duration;

use postgres::GenericClient;
use postgres::types::ToSql;

use super::PgStore;
use crate::observe::ConsentMode;
use crate::store::StoreError;

/// The fence every write of a leased job passes: `UPDATE queue SET {set}` on the job's row, only while
/// `token` still holds its lease. `more` are the parameters from `$5` on. `false` when no row matched:
/// the lease ran out and another worker may have taken the job over, so nothing else may be written.
pub(super) fn in_lease(
    client: &mut impl GenericClient,
    set: &str,
    (scan, site, mode, token): (&str, usize, ConsentMode, &str),
    more: &[&(dyn ToSql + Sync)],
) -> Result<bool, postgres::Error> {
    let sql = format!(
        "UPDATE queue SET {set}
         WHERE scan = $1 AND site = $2 AND mode = $3 AND lease_token = $4 AND state = 'leased'"
    );
    let (site, mode) = (site as i32, mode.as_str());
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&scan, &site, &mode, &token];
    params.extend_from_slice(more);
    Ok(client.execute(sql.as_str(), &params)? == 1)
}

/// Pushes a lease's end `secs` from now.
pub(super) const RENEW: &str = "lease_until = now() + make_interval(secs => $5)";

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

impl PgStore {
    /// This worker's name, recorded with every visit it stores.
    pub fn set_worker(&self, worker: &str, lease_for: Duration) {
        *self.worker.lock().unwrap_or_else(|p| p.into_inner()) = Some(worker.to_string());
        *self.lease_for.lock().unwrap_or_else(|p| p.into_inner()) = lease_for;
    }

    pub(super) fn lease_for(&self) -> Duration {
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

    pub(super) fn lease_token(&self, site: usize, mode: ConsentMode) -> Option<String> {
        self.leases
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(site, mode))
            .cloned()
    }

    pub(super) fn lease_lost(&self, site: usize, mode: ConsentMode) -> StoreError {
        StoreError::LeaseLost(format!(
            "scan {:?}, site {}, mode {}: this worker's lease ran out and another worker took the job over; \
             it continues from the visits stored until now",
            self.scan,
            site + 1,
            mode.as_str()
        ))
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
        let key = (
            lease.scan.as_str(),
            lease.site,
            lease.mode,
            lease.token.as_str(),
        );
        self.call(|c| in_lease(c, RENEW, key, &[&secs]))
    }

    /// Gives a job up with a reason: back to the queue while it has attempts left, else failed.
    pub fn fail(&self, lease: &Lease, error: &str) -> Result<(), StoreError> {
        let key = (
            lease.scan.as_str(),
            lease.site,
            lease.mode,
            lease.token.as_str(),
        );
        self.call(|c| {
            in_lease(
                c,
                "state = CASE WHEN attempts >= $6 THEN 'failed' ELSE 'queued' END,
                 error = $5, lease_until = NULL,
                 finished_at = CASE WHEN attempts >= $6 THEN now() END",
                key,
                &[&error, &(MAX_ATTEMPTS as i32)],
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

fn new_token() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).unwrap_or_default();
    hex::encode(bytes)
}
