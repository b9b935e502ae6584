//! Crawling: which sites and pages to visit, in what order, and the scan loop that visits them.
//!
//! A site is crawled breadth-first from its start URL over same-site links (one registrable domain:
//! `www.` and the apex are one site), up to `max_pages` pages. Each visit goes through the browser,
//! detection and the report, in that order; a page that fails is recorded with its error and the scan
//! goes on.

mod sites;

use std::collections::{HashSet, VecDeque};
use std::path::PathBuf;

pub use sites::{Site, SiteListError, read_site_list, site_from_url};

use crate::browser::{BrowserError, BrowserOptions, Chromium, ConsentPlan};
use crate::classify;
use crate::detect;
use crate::observe::{ConsentMode, Observation};
use crate::report::{self, PageReport, Report, SiteConsent, SiteReport, ToolInfo};
use crate::rules::{Rules, registrable_domain};

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    /// Sites to scan, in order.
    pub sites: Vec<Site>,
    /// Output folder.
    pub out_dir: PathBuf,
    /// Most pages visited per site (and consent mode).
    pub max_pages: usize,
    /// Consent modes to visit each page in.
    pub modes: Vec<ConsentMode>,
    /// Browser settings.
    pub browser: BrowserOptions,
    /// The command line, for the record.
    pub command_line: String,
}

/// A scan that could not run at all (page failures are not errors: they are in the report).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The browser could not be started.
    #[error(transparent)]
    Browser(#[from] BrowserError),
    /// The output folder is not usable.
    #[error("cannot write to the output folder {0}: {1}")]
    Output(PathBuf, std::io::Error),
}

/// File extensions that are never HTML pages; links to them are not visited.
const NOT_PAGES: &[&str] = &[
    ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".zip", ".doc", ".docx", ".xls",
    ".xlsx", ".ppt", ".pptx", ".mp4", ".mp3", ".ics", ".xml", ".json", ".css", ".js",
];

/// Runs a whole scan and writes `report.json` and `manifest.sha256` into the output folder.
pub async fn scan(config: &ScanConfig, rules: &Rules) -> Result<Report, ScanError> {
    let evidence = config.out_dir.join("evidence");
    std::fs::create_dir_all(&evidence).map_err(|e| ScanError::Output(config.out_dir.clone(), e))?;
    let started_at = crate::now_rfc3339();
    let chromium = Chromium::launch(config.browser.clone()).await?;
    let mut report = Report {
        schema_version: report::SCHEMA_VERSION.into(),
        tool: ToolInfo {
            name: "pixelaudit".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            rules_version: rules.version(),
            browser: chromium.version().into(),
            cookie_mode: "third-party cookies allowed, as in a visitor's default browser (cookie_controls_mode 0)".into(),
            command_line: config.command_line.clone(),
            started_at,
            finished_at: String::new(),
            map_hosts: config.browser.map_hosts.clone(),
        },
        not_assessed: crate::assess::NOT_ASSESSED
            .iter()
            .map(|(id, reason)| report::NotAssessed { id: id.to_string(), reason: reason.to_string() })
            .collect(),
        sites: Vec::new(),
    };
    for (index, site) in config.sites.iter().enumerate() {
        let mut site_report = SiteReport {
            url: site.url.clone(),
            name: site.name.clone(),
            consent: SiteConsent::default(),
            findings: Vec::new(),
            summary: Default::default(),
            pages: Vec::new(),
        };
        let visits = Visits {
            chromium: &chromium,
            config,
            rules,
            documents: Default::default(),
        };
        for &mode in &config.modes {
            visits.crawl_site(site, index, mode, &mut site_report).await;
        }
        visits.classify_pages(site, &mut site_report);
        site_report.consent = SiteConsent::from_pages(&site_report.pages);
        let (findings, summary) = crate::assess::assess(&site_report, rules);
        site_report.findings = findings;
        site_report.summary = summary;
        report.sites.push(site_report);
    }
    chromium.close().await;
    report.tool.finished_at = crate::now_rfc3339();
    report::write_json(&report, &config.out_dir)
        .and_then(|_| report::write_manifest(&config.out_dir))
        .map_err(|e| ScanError::Output(config.out_dir.clone(), e))?;
    Ok(report)
}

/// What every visit of a scan shares.
struct Visits<'a> {
    chromium: &'a Chromium,
    config: &'a ScanConfig,
    rules: &'a Rules,
    /// `(url, html)` of every page of the current site that loaded, once per URL, for the classifier.
    documents: std::cell::RefCell<Vec<(String, String)>>,
}

impl Visits<'_> {
    /// Classifies the site's pages together (boilerplate across pages, site-level specialty) and gives
    /// every visit of a URL that URL's classification.
    fn classify_pages(&self, site: &Site, out: &mut SiteReport) {
        let documents = std::mem::take(&mut *self.documents.borrow_mut());
        let results = classify::classify_site(&self.rules.medical, &site.name, &documents);
        for page in out.pages.iter_mut() {
            page.medical = results.iter().find(|c| c.url == page.url).cloned();
        }
    }

    /// Crawls one site in one consent mode, as one visitor: the first page is where the banner is looked
    /// at and, in `reject` and `accept`, clicked; the choice then holds for the rest of the crawl.
    async fn crawl_site(
        &self,
        site: &Site,
        site_index: usize,
        mode: ConsentMode,
        out: &mut SiteReport,
    ) {
        let site_domain = site_domain(&site.url);
        let evidence = self.config.out_dir.join("evidence");
        let session = match self.chromium.session().await {
            Ok(s) => s,
            Err(e) => {
                let failed = Observation {
                    url: site.url.clone(),
                    mode,
                    started_at: crate::now_rfc3339(),
                    error: Some(format!(
                        "the browser could not open a new visitor session: {e}"
                    )),
                    ..Observation::default()
                };
                out.pages.push(PageReport::new(
                    &failed,
                    detect::detect(&failed, &self.rules.trackers, &site_domain),
                ));
                return;
            }
        };
        let choice = matches!(mode, ConsentMode::Accept | ConsentMode::Reject).then_some(mode);
        let first_plan = ConsentPlan::new(&self.rules.consent, choice);
        let later_plan = ConsentPlan::quick_look(&self.rules.consent);
        let mut first_choice: Option<(u64, Vec<String>)> = None;
        let mut queue: VecDeque<String> = VecDeque::from([normalise(&site.url)]);
        let mut seen: HashSet<String> = queue.iter().cloned().collect();
        let mut first: Option<Observation> = None;
        let mut visited = 0;
        let mut search_form = None;
        let mut search_lang = None;
        while let Some(url) = queue.pop_front() {
            if visited >= self.config.max_pages {
                break;
            }
            visited += 1;
            let name = format!(
                "site{:03}-{}-page{:03}",
                site_index + 1,
                mode.as_str(),
                visited
            );
            let plan = match (&first, choice) {
                (None, _) => Some(&first_plan),
                (Some(_), Some(_)) => Some(&later_plan),
                (Some(_), None) => None,
            };
            let mut observation = session
                .visit(&url, mode, Some((&evidence, &name)), plan)
                .await;
            if let Some(first) = &first {
                // The choice made on the first page holds for every later page of this visitor.
                if first.choice_at_ms.is_some() {
                    observation.choice_at_ms = Some(0);
                    observation.cookies_before_choice = first.cookies_before_choice.clone();
                }
            }
            log_visit(site, visited, &observation);
            if search_form.is_none() {
                search_form = observation.search_form.clone().filter(|f| {
                    url::Url::parse(&f.action)
                        .ok()
                        .and_then(|u| u.host_str().map(registrable_domain))
                        .is_some_and(|d| d == site_domain)
                });
                search_lang = observation.lang.clone();
            }
            for link in same_site_links(&observation, &site_domain) {
                if seen.insert(link.clone()) {
                    queue.push_back(link);
                }
            }
            let mut detections = detect::detect(&observation, &self.rules.trackers, &site_domain);
            classify::annotate_health_terms(&self.rules.medical, &mut detections);
            if let (None, Some(html)) = (&observation.error, &observation.html) {
                let mut documents = self.documents.borrow_mut();
                if !documents.iter().any(|(u, _)| *u == url) {
                    documents.push((url.clone(), html.clone()));
                }
            }
            out.pages.push(PageReport::new(&observation, detections));
            if first.is_none() {
                first_choice = observation
                    .choice_at_ms
                    .map(|at| (at, observation.cookies_before_choice.clone()));
                first = Some(observation);
            }
        }
        if let Some(form) = search_form {
            self.search_site(
                &session,
                site,
                site_index,
                mode,
                &form,
                search_lang.as_deref(),
                first_choice,
                out,
            )
            .await;
        }
        session.close().await;
    }

    /// Searches the site for a health term in its language, as a visitor would, and records the results
    /// page as a visit of its own (finding F14 looks for the term in what trackers received).
    #[allow(clippy::too_many_arguments)]
    async fn search_site(
        &self,
        session: &crate::browser::Session<'_>,
        site: &Site,
        site_index: usize,
        mode: ConsentMode,
        form: &crate::observe::SearchForm,
        lang: Option<&str>,
        choice: Option<(u64, Vec<String>)>,
        out: &mut SiteReport,
    ) {
        let term = search_term_for(lang);
        let Ok(mut url) = url::Url::parse(&form.action) else {
            return;
        };
        url.query_pairs_mut().clear().append_pair(&form.param, term);
        let evidence = self.config.out_dir.join("evidence");
        let name = format!("site{:03}-{}-search", site_index + 1, mode.as_str());
        let mut observation = session
            .visit(url.as_str(), mode, Some((&evidence, &name)), None)
            .await;
        observation.search_term = Some(term.to_string());
        if let Some((_, cookies)) = choice {
            observation.choice_at_ms = Some(0);
            observation.cookies_before_choice = cookies;
        }
        log_visit(site, 0, &observation);
        let site_domain = site_domain(&site.url);
        let mut detections = detect::detect(&observation, &self.rules.trackers, &site_domain);
        classify::annotate_health_terms(&self.rules.medical, &mut detections);
        if let (None, Some(html)) = (&observation.error, &observation.html) {
            let mut documents = self.documents.borrow_mut();
            if !documents.iter().any(|(u, _)| u == url.as_str()) {
                documents.push((url.to_string(), html.clone()));
            }
        }
        out.pages.push(PageReport::new(&observation, detections));
    }
}

fn log_visit(site: &Site, n: usize, observation: &Observation) {
    match &observation.error {
        Some(e) => eprintln!(
            "[{}] {} {} ({}): FAILED: {e}",
            site.name,
            n,
            observation.url,
            observation.mode.as_str()
        ),
        None => eprintln!(
            "[{}] {} {} ({}): {} requests in {} ms",
            site.name,
            n,
            observation.url,
            observation.mode.as_str(),
            observation.requests.len(),
            observation.duration_ms
        ),
    }
}

/// The health term a site search uses, in the site's language.
fn search_term_for(lang: Option<&str>) -> &'static str {
    match lang
        .map(|l| l.get(..2).unwrap_or(l).to_ascii_lowercase())
        .as_deref()
    {
        Some("en") | Some("de") => "depression",
        Some("fr") => "dépression",
        _ => "depressie",
    }
}

/// The site's registrable domain, the first party of every visit.
pub fn site_domain(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(registrable_domain))
        .unwrap_or_default()
}

/// Links on the page that stay on the site and lead to pages, normalised.
fn same_site_links(observation: &Observation, site_domain: &str) -> Vec<String> {
    observation
        .links
        .iter()
        .filter_map(|l| url::Url::parse(&l.url).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .filter(|u| {
            u.host_str()
                .is_some_and(|h| registrable_domain(h) == site_domain)
        })
        .filter(|u| {
            let path = u.path().to_ascii_lowercase();
            !NOT_PAGES.iter().any(|ext| path.ends_with(ext))
        })
        .map(|u| normalise(u.as_str()))
        .collect()
}

/// Drops the fragment, so `/a#top` and `/a` are one page.
pub fn normalise(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => url.to_string(),
    }
}
