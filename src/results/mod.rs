//! The results model: the records of a scan that every stage after the store reads and writes. A
//! [`PageReport`] joins a visit's observation with what detection and classification made of it; a
//! [`SiteReport`] gathers a site's pages, its consent banner and the findings assessed on them; a
//! [`Report`] is the whole scan. The store caches site reports, assess fills in their findings and
//! report renders them; none of those stages owns the model, so none of them imports another for it.

mod consent;
mod findings;

use serde::{Deserialize, Serialize};

pub use consent::{ClickReport, SiteConsent};
pub use findings::{Finding, Occurrence, SectorSummary, SiteSummary, VendorReach};

use crate::classify::Classification;
use crate::crawl::FrontierSummary;
use crate::detect::Detections;
use crate::observe::{Observation, Visit};

/// The report format version; bumped only with a breaking change to the schema.
pub const SCHEMA_VERSION: &str = "1";

/// The whole report of one scan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: String,
    /// What made the report.
    pub tool: ToolInfo,
    /// Findings this release does not assess, with the reason.
    pub not_assessed: Vec<NotAssessed>,
    /// The scanned sites together: how many each vendor reached, and on how many medical pages.
    #[serde(default)]
    pub sector: SectorSummary,
    /// One entry per site scanned.
    pub sites: Vec<SiteReport>,
    /// For `scan --static --then-browser`: every site the static sweep read, and why it was or was not
    /// visited in the browser for this report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff: Option<Handoff>,
}

/// A static sweep handed on to the browser: which swept sites this report visited in Chromium, and why.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Handoff {
    /// The static sweep's own report, relative to this report's folder.
    pub static_report: String,
    /// Every swept site, in the sweep's order.
    pub sites: Vec<HandoffSite>,
}

/// One swept site: escalated to a browser visit or not, and the facts of the sweep that decided it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct HandoffSite {
    /// The start URL.
    pub url: String,
    /// Display name.
    pub name: String,
    /// True when the browser visited it.
    pub escalated: bool,
    /// Why: the trackers the HTML named and where, or that it named none that calls for a browser.
    pub reasons: Vec<String>,
}

/// A finding the report does not assess.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NotAssessed {
    /// Finding id.
    pub id: String,
    /// Why not.
    pub reason: String,
}

/// Tool, rules and browser versions, and when and how the scan ran.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ToolInfo {
    /// `pixelaudit`.
    pub name: String,
    /// The tool's version.
    pub version: String,
    /// Hash of the rule files used.
    pub rules_version: String,
    /// The browser's product string.
    pub browser: String,
    /// How the browser treated third-party cookies.
    pub cookie_mode: String,
    /// The command line, as typed.
    pub command_line: String,
    /// UTC start (RFC 3339).
    pub started_at: String,
    /// UTC end (RFC 3339).
    pub finished_at: String,
    /// Host mapping in force (`--map-hosts`), if any.
    pub map_hosts: Option<String>,
    /// When detection, classification and assessment were re-run on the stored visits with the rules
    /// named in `rules_version` (`pixelaudit report --reassess`); `None` when assessed during the scan.
    #[serde(default)]
    pub reassessed_at: Option<String>,
    /// The filter lists used after the vendor rules: path, SHA-256, size and header of each.
    #[serde(default)]
    pub filter_lists: Vec<crate::rules::filter_lists::FilterListInfo>,
    /// The domain → owner files given with `--entities`.
    #[serde(default)]
    pub entities: Vec<crate::rules::owners::EntitiesFile>,
    /// The workers that took part in a scan queued in PostgreSQL, each with its own command line and
    /// Chromium; empty for a scan made on one machine.
    #[serde(default)]
    pub workers: Vec<WorkerRecord>,
}

/// A worker that took part in a queued scan, for the record (kept in the scan's store under the key
/// `worker <name>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerRecord {
    /// The worker's name.
    pub name: String,
    /// Its command line (a database password replaced).
    pub command_line: String,
    /// Its Chromium.
    pub browser: String,
    /// Its pixelaudit version.
    pub tool_version: String,
    /// Its rules version.
    pub rules_version: String,
    /// When it started on this scan (UTC, RFC 3339).
    pub started_at: String,
}

/// One site and its visited pages.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteReport {
    /// The start URL.
    pub url: String,
    /// Display name.
    pub name: String,
    /// Sector, when the site list gave one.
    #[serde(default)]
    pub sector: Option<String>,
    /// How the site was crawled: robots.txt, sitemaps, what the page budget left out.
    #[serde(default)]
    pub crawl: SiteCrawl,
    /// The consent banner: what it offers and what clicking it did, over all modes.
    pub consent: SiteConsent,
    /// Likely violations, most severe first.
    pub findings: Vec<Finding>,
    /// Findings in numbers.
    pub summary: SiteSummary,
    /// Every visit, failed ones included.
    pub pages: Vec<PageReport>,
}

/// How a site was crawled.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SiteCrawl {
    /// The robots.txt URL.
    pub robots_url: String,
    /// What fetching it gave, in words.
    pub robots_status: String,
    /// Whether robots.txt was obeyed (`false` with `--ignore-robots`).
    pub robots_obeyed: bool,
    /// Sitemap files read.
    pub sitemaps: Vec<String>,
    /// Page URLs the sitemaps listed (same site).
    pub sitemap_urls: usize,
    /// Problems fetching robots.txt or sitemaps.
    pub problems: Vec<String>,
    /// The page budget per consent mode.
    pub max_pages: usize,
    /// The link depth limit.
    pub max_depth: usize,
    /// Per consent mode: pages visited, pages left waiting, URLs skipped by reason.
    pub frontiers: std::collections::BTreeMap<String, FrontierSummary>,
}

/// One visit of one page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageReport {
    /// The page, its consent mode and how the visit went, as the observation recorded them (their fields
    /// stand at this record's level in report.json).
    #[serde(flatten)]
    pub visit: Visit,
    /// Number of requests the page made.
    pub requests_total: usize,
    /// Whether the page reveals something about a visitor's health, with the evidence.
    pub medical: Option<Classification>,
    /// What the rules found in the visit: trackers, services, cookies, plug-ins, storage, blocked cookies
    /// and disguised requests (their fields stand at this record's level in report.json).
    #[serde(flatten)]
    pub detected: Detections,
}

impl PageReport {
    /// Joins a visit's observation with its detections.
    pub fn new(observation: &Observation, detections: Detections) -> PageReport {
        PageReport {
            visit: observation.visit.clone(),
            requests_total: observation.requests.len(),
            medical: None,
            detected: detections,
        }
    }
}

impl Report {
    /// Number of visits that failed.
    pub fn failed_pages(&self) -> usize {
        self.sites
            .iter()
            .flat_map(|s| &s.pages)
            .filter(|p| p.visit.error.is_some())
            .count()
    }
}
