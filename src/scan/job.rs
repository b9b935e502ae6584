//! One crawl job: one site in one consent mode, browsed by one visitor (a browser context), so a consent
//! choice made on the first page holds for the rest. Its steps: seed the frontier, then for each page
//! replay the stored visit or visit it, offer the page's links, and finally search the site for a
//! health term. Every visit is stored the moment it finishes.
//!
//! After the first page has made the consent choice, up to `tabs` pages of the job are visited at once,
//! each in its own tab of the same visitor. Pages are taken from the frontier in its order (medical
//! first) and committed in the order they were taken: page `n + tabs` is taken only once page `n` has
//! offered its links. Which pages a job visits therefore depends on the frontier alone, never on which
//! tab was quicker, and a resumed job replays its stored visits into the same frontier.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::FuturesOrdered;

use crate::browser::{BrowserError, BrowserPool, ConsentPlan};
use crate::crawl::{
    Candidate, Fetcher, Frontier, FrontierSummary, HostDelay, Robots, Site, SiteFiles, TrapBounds,
    normalise, site_domain,
};
use crate::observe::{ConsentMode, Observation, SearchForm};
use crate::rules::{Rules, registrable_domain};
use crate::store::{Store, StoredVisit, VisitKind, evidence_name};

use super::progress::{JobProgress, Progress};
use super::visitor::{PageVisit, Visitor, carry_choice, failed_visit, no_session, static_visit};
use super::{ScanConfig, ScanError};

/// A site whose pages fail this many times in a row is given up for that consent mode: a dead or hostile
/// host would otherwise cost every page of its budget a full visit deadline.
pub const MAX_FAILURES_IN_A_ROW: usize = 3;

/// What every job of a scan shares.
pub(super) struct Shared<'a> {
    pub config: &'a ScanConfig,
    pub rules: &'a Rules,
    pub store: &'a Store,
    /// Chromium, for a browser scan; `None` for the static sweep.
    pub pool: Option<&'a BrowserPool>,
    pub fetcher: Fetcher,
    pub politeness: HostDelay,
    /// One lock per site, so its robots.txt and sitemaps are fetched once for all its modes.
    pub site_files: Vec<tokio::sync::Mutex<()>>,
    pub progress: &'a Progress,
}

impl Shared<'_> {
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
}

/// A page taken from the frontier, visited (or replayed), and not yet committed.
struct Taken {
    seq: usize,
    candidate: Candidate,
    step: ConsentStep,
    observation: Observation,
    /// `None` for a replayed visit (or a static one): nothing to recover.
    visitor: Option<Arc<Visitor>>,
    replayed: bool,
}

/// Which consent work a visit does.
#[derive(Clone, Copy)]
enum ConsentStep {
    /// The first page: find the banner, and click it in reject/accept.
    FirstPage,
    /// A later page after a choice: look whether the banner came back.
    QuickLook,
    /// No consent work (a later page without a choice, the site search).
    Nothing,
}

/// One site × consent-mode crawl in progress.
pub(super) struct Job<'a> {
    shared: &'a Shared<'a>,
    site_index: usize,
    site: &'a Site,
    mode: ConsentMode,
    domain: String,
    robots: Robots,
    frontier: Frontier,
    /// Visits stored by an earlier run of this job, replayed instead of visited again.
    stored: HashMap<(VisitKind, usize), StoredVisit>,
    first_plan: Arc<ConsentPlan>,
    later_plan: Arc<ConsentPlan>,
    visitor: Option<Arc<Visitor>>,
    /// The first page's visit, whose consent choice every later page carries.
    first: Option<Observation>,
    /// The site's own search form, with the page language it was found in.
    search: Option<(SearchForm, Option<String>)>,
    progress: JobProgress,
}

impl<'a> Job<'a> {
    /// Starts the job: reads robots.txt and sitemaps, and seeds the frontier with the start URL and the
    /// sitemaps' pages.
    pub async fn seed(
        shared: &'a Shared<'a>,
        site_index: usize,
        mode: ConsentMode,
    ) -> Result<Job<'a>, ScanError> {
        let config = shared.config;
        let site = &config.sites[site_index];
        let progress = shared.progress.job(site, mode, config.max_pages);
        shared.store.start_job(site_index, mode)?;
        let files = shared.site_files(site_index).await?;
        let robots = Robots::new(&files, config.ignore_robots);
        if let (Some(delay), Some(host)) = (
            robots.crawl_delay,
            url::Url::parse(&site.url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string)),
        ) {
            shared.politeness.ask(&host, delay);
        }
        let domain = site_domain(&site.url);
        let mut frontier = Frontier::new(&domain, config.max_depth, TrapBounds::default());
        // The start URL is the visitor's way in, whatever robots.txt says of it: without it there is no scan.
        frontier.offer(&site.url, 0, f64::MAX, None, |_| true);
        for url in &files.sitemap_urls {
            let score = crate::classify::link_score(&shared.rules.medical, url, "");
            frontier.offer(url, 1, score, None, |u| robots.allowed(u));
        }
        let stored = shared
            .store
            .visits(site_index, Some(mode))?
            .into_iter()
            .map(|v| ((v.kind, v.seq), v))
            .collect();
        let choice = matches!(mode, ConsentMode::Accept | ConsentMode::Reject).then_some(mode);
        Ok(Job {
            shared,
            site_index,
            site,
            mode,
            domain,
            robots,
            frontier,
            stored,
            first_plan: Arc::new(ConsentPlan::new(&shared.rules.consent, choice)),
            later_plan: Arc::new(ConsentPlan::quick_look(&shared.rules.consent)),
            visitor: None,
            first: None,
            search: None,
            progress,
        })
    }

    /// Crawls the site as one visitor until the page budget, the frontier or the time budget runs out,
    /// then searches the site and records what the frontier left out.
    pub async fn run(mut self) -> Result<(), ScanError> {
        let config = self.shared.config;
        let (budget_start, mut failures_in_a_row, mut gave_up) = (Instant::now(), 0, None);
        let mut seq = 0;
        let mut taking = true;
        // Pages being visited, in the order they were taken; `next` yields them in that order.
        let mut in_flight: FuturesOrdered<BoxFuture<'a, Taken>> = FuturesOrdered::new();
        loop {
            // The first page makes the consent choice the others browse under: it goes alone.
            let tabs = if self.first.is_some() {
                config.tabs.max(1)
            } else {
                1
            };
            while taking && in_flight.len() < tabs && seq < config.max_pages {
                // The start page is always visited, so no site ends up in the report without a page.
                if seq > 0 && budget_start.elapsed() > config.site_budget {
                    gave_up = Some(format!(
                        "stopped: the site's time budget of {} s was used up",
                        config.site_budget.as_secs()
                    ));
                    taking = false;
                    break;
                }
                // An empty frontier may still be fed by the pages in flight.
                let Some(candidate) = self.frontier.pop() else {
                    break;
                };
                seq += 1;
                let page = self.take(seq, candidate).await;
                in_flight.push_back(page);
            }
            let Some(taken) = in_flight.next().await else {
                break;
            };
            let candidate = taken.candidate.clone();
            let observation = self.commit(taken).await?;
            if observation.visit.error.is_some() {
                failures_in_a_row += 1;
            } else {
                failures_in_a_row = 0;
            }
            // No new page is taken; the ones already in other tabs finish and are kept.
            if failures_in_a_row >= MAX_FAILURES_IN_A_ROW && gave_up.is_none() {
                gave_up = Some(format!(
                    "stopped after {failures_in_a_row} failed visits in a row"
                ));
                taking = false;
            }
            self.note_search_form(&observation);
            self.offer_links(&observation, &candidate);
            if self.first.is_none() {
                self.first = Some(observation);
            }
        }
        let summary = FrontierSummary {
            visited: seq,
            waiting: self.frontier.len(),
            skipped: self
                .frontier
                .skipped
                .iter()
                .map(|(k, v)| (*k, *v))
                .collect(),
            gave_up,
        };
        if summary.gave_up.is_none() && !self.stored.contains_key(&(VisitKind::Search, 1)) {
            self.search_site(seq + 1).await?;
        }
        if let Some(visitor) = self.visitor.take()
            && let Ok(visitor) = Arc::try_unwrap(visitor)
        {
            visitor.session.close().await;
        }
        let shared = self.shared;
        shared
            .store
            .finish_job(self.site_index, self.mode, &summary)?;
        shared.progress.job_done(self.progress);
        Ok(())
    }

    /// Starts on a page taken from the frontier; the future yields it, visited or replayed, for committing,
    /// and runs alongside the other pages in flight.
    async fn take(&mut self, seq: usize, candidate: Candidate) -> BoxFuture<'a, Taken> {
        let step = match (&self.first, self.mode) {
            (None, _) => ConsentStep::FirstPage,
            (Some(_), ConsentMode::None) => ConsentStep::Nothing,
            (Some(_), _) => ConsentStep::QuickLook,
        };
        let visit = self.start_visit(seq, &candidate.url, step).await;
        Box::pin(async move {
            let (observation, visitor, replayed) = visit.await;
            Taken {
                seq,
                candidate,
                step,
                observation,
                visitor,
                replayed,
            }
        })
    }

    /// The visit of a taken page, started: the stored one (replayed) when an earlier run made it to the
    /// same URL, the static sweep's, or one in a tab of this job's visitor, with the visitor it used.
    async fn start_visit(
        &mut self,
        seq: usize,
        url: &str,
        step: ConsentStep,
    ) -> BoxFuture<'a, (Observation, Option<Arc<Visitor>>, bool)> {
        if let Some(v) = self.stored.get(&(VisitKind::Page, seq))
            && v.observation.visit.url == url
        {
            return Box::pin(std::future::ready((v.observation.clone(), None, true)));
        }
        let (shared, mode, url) = (self.shared, self.mode, url.to_string());
        let Some(pool) = shared.pool else {
            return Box::pin(async move { (static_visit(shared, &url).await, None, false) });
        };
        let visitor = match self.visitor_for(&url).await {
            Ok(v) => v,
            Err(e) => {
                return Box::pin(std::future::ready((
                    no_session(&url, mode, &e),
                    None,
                    false,
                )));
            }
        };
        let plan = self.plan_for(&visitor, step);
        let name = evidence_name(self.site_index, mode, VisitKind::Page, seq);
        Box::pin(async move {
            let observation = PageVisit {
                url: &url,
                mode,
                evidence_name: &name,
                plan: plan.as_deref(),
            }
            .attempt(shared, pool, &visitor)
            .await;
            (observation, Some(visitor), false)
        })
    }

    /// Finishes a page in the order it was taken: recovers from a browser that died under it, records the
    /// consent choice it was made under, stores it and reports progress.
    async fn commit(&mut self, taken: Taken) -> Result<Observation, ScanError> {
        let Taken {
            seq,
            candidate,
            step,
            mut observation,
            visitor,
            replayed,
        } = taken;
        if !replayed {
            if let Some(used) = visitor {
                let name = evidence_name(self.site_index, self.mode, VisitKind::Page, seq);
                observation = self
                    .recover(observation, &used, &candidate.url, &name, step)
                    .await;
            }
            carry_choice(&mut observation, self.first.as_ref());
            self.store(VisitKind::Page, seq, candidate.depth, &observation)?;
        }
        self.progress
            .visit(self.shared.progress, seq, &observation, replayed);
        Ok(observation)
    }

    fn store(
        &self,
        kind: VisitKind,
        seq: usize,
        depth: usize,
        observation: &Observation,
    ) -> Result<(), ScanError> {
        let visit = StoredVisit {
            seq,
            kind,
            depth,
            observation: observation.clone(),
        };
        Ok(self.shared.store.put_visit(self.site_index, &visit)?)
    }

    /// Keeps the first search form that searches this site (not a partner's or a search engine's).
    fn note_search_form(&mut self, observation: &Observation) {
        if self.search.is_some() {
            return;
        }
        self.search = observation
            .search_form
            .clone()
            .filter(|f| {
                url::Url::parse(&f.action)
                    .ok()
                    .and_then(|u| u.host_str().map(registrable_domain))
                    .is_some_and(|d| d == self.domain)
            })
            .map(|f| (f, observation.lang.clone()));
    }

    /// Offers the page's links to the frontier, scored by how likely they lead to a medical page.
    fn offer_links(&mut self, observation: &Observation, candidate: &Candidate) {
        let medical = &self.shared.rules.medical;
        for link in &observation.links {
            let score = crate::classify::link_score(medical, &link.url, &link.text);
            let robots = &self.robots;
            self.frontier.offer(
                &link.url,
                candidate.depth + 1,
                score,
                Some(&candidate.url),
                |u| robots.allowed(u),
            );
        }
    }

    /// Searches the site for a health term in its language, as a visitor would, and records the results
    /// page as a visit of its own (finding F14 looks for the term in what trackers received).
    async fn search_site(&mut self, shown_as: usize) -> Result<(), ScanError> {
        let Some((form, lang)) = self.search.clone() else {
            return Ok(());
        };
        let term = self.shared.rules.probes.search_term(lang.as_deref());
        let observation = match url::Url::parse(&form.action) {
            Ok(mut url) => {
                url.query_pairs_mut().clear().append_pair(&form.param, term);
                let name = evidence_name(self.site_index, self.mode, VisitKind::Search, 1);
                let mut observation = self.visit(url.as_str(), &name, ConsentStep::Nothing).await;
                observation.visit.search_term = Some(term.to_string());
                carry_choice(&mut observation, self.first.as_ref());
                observation
            }
            Err(e) => failed_visit(
                &form.action,
                self.mode,
                format!("the search form's address is not a URL: {e}"),
            ),
        };
        self.store(VisitKind::Search, 1, 1, &observation)?;
        self.progress
            .visit(self.shared.progress, shown_as, &observation, false);
        Ok(())
    }

    /// Visits one page as this job's visitor, opening the visitor first when needed; a visit that failed
    /// because Chromium died is made once more in a fresh one.
    async fn visit(&mut self, url: &str, evidence_name: &str, step: ConsentStep) -> Observation {
        let shared = self.shared;
        let Some(pool) = shared.pool else {
            return static_visit(shared, url).await;
        };
        let visitor = match self.visitor_for(url).await {
            Ok(v) => v,
            Err(e) => return no_session(url, self.mode, &e),
        };
        let plan = self.plan_for(&visitor, step);
        let observation = PageVisit {
            url,
            mode: self.mode,
            evidence_name,
            plan: plan.as_deref(),
        }
        .attempt(shared, pool, &visitor)
        .await;
        self.recover(observation, &visitor, url, evidence_name, step)
            .await
    }

    /// A failed visit whose Chromium went away is made once more in a fresh Chromium, with a new visitor
    /// that makes the consent choice again; any other visit is returned as it is. Of several pages in
    /// flight when Chromium died, the first to be committed replaces the visitor and the others use it.
    async fn recover(
        &mut self,
        observation: Observation,
        used: &Arc<Visitor>,
        url: &str,
        evidence_name: &str,
        step: ConsentStep,
    ) -> Observation {
        let Some(pool) = self.shared.pool else {
            return observation;
        };
        if observation.visit.error.is_none() || used.chromium.responds().await {
            return observation;
        }
        pool.discard(&used.chromium).await;
        if self
            .visitor
            .as_ref()
            .is_some_and(|v| Arc::ptr_eq(&v.chromium, &used.chromium))
        {
            self.visitor = None;
        }
        let mut again = match self.visitor_for(url).await {
            Ok(visitor) => {
                let plan = self.plan_for(&visitor, step);
                PageVisit {
                    url,
                    mode: self.mode,
                    evidence_name,
                    plan: plan.as_deref(),
                }
                .once(self.shared, pool, &visitor)
                .await
            }
            Err(e) => no_session(url, self.mode, &e),
        };
        again.visit.first_attempt_error = observation.visit.error;
        again
    }

    /// The job's visitor, opened first when there is none (at the first visit, or after a crash).
    async fn visitor_for(&mut self, url: &str) -> Result<Arc<Visitor>, BrowserError> {
        if let Some(v) = &self.visitor {
            return Ok(Arc::clone(v));
        }
        let visitor = Arc::new(self.open_visitor(url).await?);
        self.visitor = Some(Arc::clone(&visitor));
        Ok(visitor)
    }

    /// The consent plan of a visit: the first page's until the visitor has been through the banner once.
    /// Called as the visit starts; the pages after the first start only once it is done.
    fn plan_for(&self, visitor: &Visitor, step: ConsentStep) -> Option<Arc<ConsentPlan>> {
        let done = visitor.consent_done.swap(true, Ordering::SeqCst);
        match (done, step) {
            (false, _) | (true, ConsentStep::FirstPage) => Some(Arc::clone(&self.first_plan)),
            (true, ConsentStep::QuickLook) => Some(Arc::clone(&self.later_plan)),
            (true, ConsentStep::Nothing) => None,
        }
    }

    /// Opens a visitor session; when the job already has pages (resumed, or after a browser crash), the
    /// consent choice is made again first on the start page.
    async fn open_visitor(&self, url: &str) -> Result<Visitor, BrowserError> {
        let pool = self.shared.pool.ok_or_else(|| {
            BrowserError::Launch("a static sweep opens no browser session".into())
        })?;
        let chromium = pool.get().await?;
        let session = chromium.session().await?;
        let visitor = Visitor {
            chromium,
            session,
            consent_done: AtomicBool::new(false),
        };
        let site = self.site;
        let is_start = normalise(url).as_deref() == normalise(&site.url).as_deref();
        if !is_start {
            if self.mode != ConsentMode::None {
                self.shared.politeness.wait(&site.url).await;
                let again = visitor
                    .session
                    .visit(&site.url, self.mode, None, Some(&self.first_plan))
                    .await;
                tracing::info!(site = %site.name, error = ?again.visit.error, "consent choice made again for a new visitor session");
            }
            visitor.consent_done.store(true, Ordering::SeqCst);
        }
        Ok(visitor)
    }
}
