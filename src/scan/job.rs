//! One crawl job: one site in one consent mode, browsed by one visitor (a browser context), so a consent
//! choice made on the first page holds for the rest. Its steps: seed the frontier, then for each page
//! replay the stored visit or visit it, offer the page's links, and finally search the site for a
//! health term. Every visit is stored the moment it finishes.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use crate::browser::{BrowserError, BrowserPool, Chromium, ConsentPlan, Session};
use crate::crawl::{
    Candidate, Fetcher, Frontier, FrontierSummary, HostDelay, Robots, Site, SiteFiles, TrapBounds,
    normalise, site_domain,
};
use crate::observe::{ConsentMode, Observation, SearchForm, Visit};
use crate::rules::{Rules, registrable_domain};
use crate::store::{Store, StoredVisit, VisitKind, evidence_name};

use super::progress::{JobProgress, Progress};
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

/// The visitor of one job: its browser and session, opened at the first visit that is not replayed.
struct Visitor {
    chromium: Arc<Chromium>,
    session: Session,
    /// Whether this session has been shown the banner's first page (and clicked, in reject/accept).
    consent_done: bool,
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
    first_plan: ConsentPlan,
    later_plan: ConsentPlan,
    visitor: Option<Visitor>,
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
            first_plan: ConsentPlan::new(&shared.rules.consent, choice),
            later_plan: ConsentPlan::quick_look(&shared.rules.consent),
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
            let Some(candidate) = self.frontier.pop() else {
                break;
            };
            seq += 1;
            let observation = self.replay_or_visit(seq, &candidate).await?;
            if observation.visit.error.is_some() {
                failures_in_a_row += 1;
            } else {
                failures_in_a_row = 0;
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
        if let Some(v) = self.visitor.take() {
            v.session.close().await;
        }
        let shared = self.shared;
        shared
            .store
            .finish_job(self.site_index, self.mode, &summary)?;
        shared.progress.job_done(self.progress);
        Ok(())
    }

    /// The page's stored visit when an earlier run made it to the same URL, else a fresh visit, stored.
    async fn replay_or_visit(
        &mut self,
        seq: usize,
        candidate: &Candidate,
    ) -> Result<Observation, ScanError> {
        if let Some(v) = self.stored.get(&(VisitKind::Page, seq))
            && v.observation.visit.url == candidate.url
        {
            self.progress
                .visit(self.shared.progress, seq, &v.observation, true);
            return Ok(v.observation.clone());
        }
        let step = match (&self.first, self.mode) {
            (None, _) => ConsentStep::FirstPage,
            (Some(_), ConsentMode::None) => ConsentStep::Nothing,
            (Some(_), _) => ConsentStep::QuickLook,
        };
        let name = evidence_name(self.site_index, self.mode, VisitKind::Page, seq);
        let mut observation = self.visit(&candidate.url, &name, step).await;
        carry_choice(&mut observation, self.first.as_ref());
        self.store(VisitKind::Page, seq, candidate.depth, &observation)?;
        self.progress
            .visit(self.shared.progress, seq, &observation, false);
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

    /// Visits one page as this job's visitor, opening the visitor first when needed. A visitor opened in
    /// the middle of a job (a resumed scan, a replaced browser) first makes the consent choice again on
    /// the start page, unrecorded, so it browses in the same state as the visitor it replaces. A visit
    /// that failed because Chromium died is retried once in a fresh one.
    async fn visit(&mut self, url: &str, evidence_name: &str, step: ConsentStep) -> Observation {
        let shared = self.shared;
        let Some(pool) = shared.pool else {
            // The static sweep: the document over HTTP, read without running it.
            shared.politeness.wait(url).await;
            return crate::sweep::visit(&shared.fetcher, url).await;
        };
        let evidence = shared.config.out_dir.join("evidence");
        let mut last: Option<Observation> = None;
        for _attempt in 0..2 {
            if self.visitor.is_none() {
                match self.open_visitor(url).await {
                    Ok(v) => self.visitor = Some(v),
                    Err(e) => {
                        return failed_visit(
                            url,
                            self.mode,
                            format!("the browser could not open a new visitor session: {e}"),
                        );
                    }
                }
            }
            let Some(v) = self.visitor.as_mut() else {
                break;
            };
            let plan = match (v.consent_done, step) {
                (false, _) | (true, ConsentStep::FirstPage) => Some(&self.first_plan),
                (true, ConsentStep::QuickLook) => Some(&self.later_plan),
                (true, ConsentStep::Nothing) => None,
            };
            shared.politeness.wait(url).await;
            pool.count_visit();
            let mut observation = v
                .session
                .visit(url, self.mode, Some((&evidence, evidence_name)), plan)
                .await;
            v.consent_done = true;
            if let Some(first) = &last {
                observation.visit.first_attempt_error = first.visit.error.clone();
                return observation;
            }
            if observation.visit.error.is_some() && !v.chromium.responds().await {
                // Chromium itself went away: replace it and try this page once more.
                pool.discard(&v.chromium).await;
                self.visitor = None;
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
    async fn open_visitor(&self, url: &str) -> Result<Visitor, BrowserError> {
        let pool = self.shared.pool.ok_or_else(|| {
            BrowserError::Launch("a static sweep opens no browser session".into())
        })?;
        let chromium = pool.get().await?;
        let session = chromium.session().await?;
        let mut visitor = Visitor {
            chromium,
            session,
            consent_done: false,
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
            visitor.consent_done = true;
        }
        Ok(visitor)
    }
}

/// The choice made on the first page holds for every later page of this visitor: a later visit records
/// it as in force from its start, with the cookies set before it on the first page.
fn carry_choice(observation: &mut Observation, first: Option<&Observation>) {
    if let Some(first) = first.filter(|f| f.visit.choice_at_ms.is_some()) {
        observation.visit.choice_at_ms = Some(0);
        observation.cookies_before_choice = first.cookies_before_choice.clone();
    }
}

/// The record of a visit that could not be made at all.
fn failed_visit(url: &str, mode: ConsentMode, error: String) -> Observation {
    Observation {
        visit: Visit {
            url: url.to_string(),
            mode,
            started_at: crate::now_rfc3339(),
            error: Some(error),
            ..Visit::default()
        },
        ..Observation::default()
    }
}
