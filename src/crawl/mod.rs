//! Crawling: which sites and pages to visit and in what order. The site list, each site's robots.txt
//! and sitemaps, the frontier of links (scored, deduplicated, with trap bounds) and the spacing of
//! visits per host. Nothing here drives a browser: [`crate::scan`] runs the visits and offers each
//! page's links back to the frontier.

mod frontier;
mod politeness;
mod robots;
mod sites;

use serde::{Deserialize, Serialize};

pub use frontier::{Candidate, Frontier, Skipped, TrapBounds, dedup_key, normalise};
pub use politeness::{HostDelay, SlotBook};
pub use robots::{FetchedPage, Fetcher, ROBOTS_AGENT, Robots, SiteFiles, parse_sitemap};
pub use sites::{Site, SiteListError, read_site_list, site_from_url};

use crate::rules::registrable_domain;

/// What the frontier of a finished crawl left out, stored per site and mode and shown in the report.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FrontierSummary {
    /// Pages visited.
    pub visited: usize,
    /// Pages found but not visited because the page budget was spent.
    pub waiting: usize,
    /// URLs left out, by reason.
    pub skipped: std::collections::BTreeMap<Skipped, usize>,
    /// Why the crawl stopped before its page budget or frontier ran out, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gave_up: Option<String>,
}

/// The site's registrable domain, the first party of every visit.
pub fn site_domain(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(registrable_domain))
        .unwrap_or_default()
}
