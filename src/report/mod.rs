//! Reports: the JSON report (the contract in `docs/report.schema.json`) and the evidence manifest.
//!
//! A report is built only from what the scan stored (observations and detections); nothing here detects.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::detect::{
    BlockedCookie, CookieFinding, Detections, SocialPlugin, StorageFinding, Tracker,
};
use crate::observe::{ConsentMode, ConsentObservation, Control, FirstLayerControls, Observation};

/// The report format version; bumped only with a breaking change to the schema.
pub const SCHEMA_VERSION: &str = "1";

pub mod har;
pub mod html;
mod tables;

pub use tables::write_csv;

/// An output format of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `report.json`.
    Json,
    /// `report.html`.
    Html,
    /// `findings.csv`, `pages.csv`, `trackers.csv`, `services.csv`, `cookies.csv`.
    Csv,
    /// `evidence/<visit>.har`.
    Har,
}

impl Format {
    /// Every format, the default.
    pub const ALL: [Format; 4] = [Format::Json, Format::Html, Format::Csv, Format::Har];

    /// Parses a format name as given on the command line.
    pub fn parse(name: &str) -> Option<Format> {
        match name.trim() {
            "json" => Some(Format::Json),
            "html" => Some(Format::Html),
            "csv" => Some(Format::Csv),
            "har" => Some(Format::Har),
            _ => None,
        }
    }
}

/// Writes `report.html` in `lang` into `dir`.
pub fn write_html(report: &Report, dir: &Path, lang: &str) -> std::io::Result<PathBuf> {
    let text = html::render(report, dir, lang).map_err(std::io::Error::other)?;
    let path = dir.join("report.html");
    write_atomically(&path, text.as_bytes())?;
    Ok(path)
}

/// Writes `scan.json`: what made the scan, for the record (tool, rules, browser, operating system,
/// command line, UTC times, host mapping, sites).
pub fn write_scan_json(
    report: &Report,
    dir: &Path,
    formats: &[Format],
) -> std::io::Result<PathBuf> {
    let os_release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    let os_name = os_release
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim_matches('"').to_string());
    let value = serde_json::json!({
        "tool": { "name": report.tool.name, "version": report.tool.version },
        "rules_version": report.tool.rules_version,
        "browser": report.tool.browser,
        "os": { "family": std::env::consts::OS, "arch": std::env::consts::ARCH, "name": os_name },
        "command_line": report.tool.command_line,
        "started_at": report.tool.started_at,
        "finished_at": report.tool.finished_at,
        "reassessed_at": report.tool.reassessed_at,
        "written_at": crate::now_rfc3339(),
        "map_hosts": report.tool.map_hosts,
        "cookie_mode": report.tool.cookie_mode,
        "sites": report.sites.iter().map(|s| serde_json::json!({ "name": s.name, "url": s.url })).collect::<Vec<_>>(),
        "formats": formats,
        "manifest": "manifest.sha256 (sha256sum -c manifest.sha256, run inside this folder)",
    });
    let text = serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?;
    let path = dir.join("scan.json");
    write_atomically(&path, text.as_bytes())?;
    Ok(path)
}

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
    pub sector: crate::assess::SectorSummary,
    /// One entry per site scanned.
    pub sites: Vec<SiteReport>,
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
    pub findings: Vec<crate::assess::Finding>,
    /// Findings in numbers.
    pub summary: crate::assess::SiteSummary,
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
    pub frontiers: std::collections::BTreeMap<String, crate::crawl::FrontierSummary>,
}

/// A site's consent banner, summarised from the first page of each consent mode.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SiteConsent {
    /// The consent tool, `generic` for a banner only the word lists found, `None` when no banner was seen.
    pub tool: Option<String>,
    /// What gave the tool away.
    pub detected_by: Option<String>,
    /// Whether a banner was shown.
    pub banner_found: bool,
    /// The banner's text, shortened.
    pub banner_text: Option<String>,
    /// Controls on the first layer.
    pub first_layer: FirstLayerControls,
    /// The clicks made, one per clicking mode.
    pub clicks: Vec<ClickReport>,
    /// Purposes switched on before the visitor did anything.
    pub pre_ticked: Vec<String>,
    /// After "accept": a control that reopens the banner, if one is shown.
    pub reopen_control: Option<Control>,
    /// After "reject": what still blocks the page, if anything.
    pub cookie_wall: Option<String>,
    /// Modes in which the banner came back on a later page after the choice.
    pub banner_reappeared: Vec<ConsentMode>,
    /// Screenshots: the banner before each click, and the page after it.
    pub screenshots: Vec<String>,
    /// IAB TCF data read after a choice.
    pub tcf: Option<serde_json::Value>,
    /// What could not be handled, by mode.
    pub problems: Vec<String>,
    /// The signals that made the generic finder take the element for a consent notice.
    #[serde(default)]
    pub notice_signals: Vec<String>,
    /// Prompts set aside as not consent notices (age gates, newsletter and app prompts, chat widgets).
    #[serde(default)]
    pub set_aside: Vec<String>,
}

/// One consent click.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClickReport {
    /// `reject` or `accept`.
    pub mode: ConsentMode,
    /// The control clicked.
    pub control: Option<Control>,
    /// `first` or `second` layer.
    pub layer: String,
    /// The banner closed and the choice was stored.
    pub effective: bool,
    /// The banner closed.
    pub banner_gone: bool,
    /// Where the choice was stored.
    pub choice_stored: Vec<String>,
    /// Milliseconds after the page started loading.
    pub at_ms: Option<u64>,
    /// What went wrong.
    pub problem: Option<String>,
}

impl SiteConsent {
    /// Summarises the banner from a site's pages (the first page of each mode carries the banner work).
    pub fn from_pages(pages: &[PageReport]) -> SiteConsent {
        let mut out = SiteConsent::default();
        for mode in [ConsentMode::None, ConsentMode::Reject, ConsentMode::Accept] {
            let mut of_mode = pages.iter().filter(|p| p.mode == mode);
            let Some(first) = of_mode.next() else {
                continue;
            };
            if of_mode.any(|p| p.consent.as_ref().is_some_and(|c| c.banner_found)) {
                out.banner_reappeared.push(mode);
            }
            let Some(seen) = &first.consent else { continue };
            out.absorb(mode, seen, first.screenshot.as_ref());
        }
        out
    }

    fn absorb(&mut self, mode: ConsentMode, seen: &ConsentObservation, after: Option<&String>) {
        if self.tool.is_none() || (!self.banner_found && seen.banner_found) {
            self.tool = seen.tool.clone();
            self.detected_by = seen.detected_by.clone();
        }
        if seen.banner_found && !self.banner_found {
            self.banner_found = true;
            self.first_layer = seen.first_layer.clone();
            self.banner_text = seen.banner_text.clone();
            self.pre_ticked = seen.pre_ticked.clone();
            self.notice_signals = seen.notice_signals.clone();
        }
        for prompt in &seen.set_aside {
            if !self.set_aside.contains(prompt) {
                self.set_aside.push(prompt.clone());
            }
        }
        if let Some(problem) = &seen.problem {
            self.problems.push(format!("{}: {problem}", mode.as_str()));
        }
        if let Some(click) = &seen.click {
            if let Some(p) = &click.problem {
                self.problems.push(format!("{}: {p}", mode.as_str()));
            }
            self.clicks.push(ClickReport {
                mode,
                control: click.control.clone(),
                layer: click.layer.clone(),
                effective: click.effective,
                banner_gone: click.banner_gone,
                choice_stored: click.choice_stored.clone(),
                at_ms: seen.choice_at_ms,
                problem: click.problem.clone(),
            });
            self.screenshots
                .extend(seen.screenshot_before.iter().cloned());
            self.screenshots.extend(after.cloned());
            match mode {
                ConsentMode::Accept => self.reopen_control = seen.reopen_control.clone(),
                ConsentMode::Reject => self.cookie_wall = seen.cookie_wall.clone(),
                ConsentMode::None => {}
            }
            if seen.tcf.is_some() {
                self.tcf = seen.tcf.clone();
            }
        }
    }
}

/// One visit of one page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageReport {
    /// URL asked for.
    pub url: String,
    /// URL after redirects.
    pub final_url: Option<String>,
    /// Consent mode of the visit.
    pub mode: ConsentMode,
    /// HTTP status of the document.
    pub status: Option<u16>,
    /// Why the visit failed, if it did.
    pub error: Option<String>,
    /// Page title.
    pub title: Option<String>,
    /// UTC start of the visit.
    pub started_at: String,
    /// Duration in milliseconds.
    pub duration_ms: u64,
    /// Screenshot path relative to the output folder.
    pub screenshot: Option<String>,
    /// Number of requests the page made.
    pub requests_total: usize,
    /// Test values typed into the page's forms (never submitted).
    pub form_values: Vec<String>,
    /// The health term searched for, on a site-search visit.
    pub search_term: Option<String>,
    /// Whether the page reveals something about a visitor's health, with the evidence.
    pub medical: Option<crate::classify::Classification>,
    /// When the consent choice came into force (ms after the visit started; 0 when made on an earlier page).
    pub choice_at_ms: Option<u64>,
    /// The consent banner as this visit saw it (first page of each mode, and later pages where it was looked for).
    pub consent: Option<ConsentObservation>,
    /// Tracker endpoints contacted.
    pub trackers: Vec<Tracker>,
    /// Third-party services contacted that do not track by the rules (consent tools, CDNs, fonts,
    /// functional embeds): listed with vendor and purpose (`category`), never counted as trackers.
    #[serde(default)]
    pub services: Vec<Tracker>,
    /// Cookie jar at the end of the visit.
    pub cookies: Vec<CookieFinding>,
    /// Social plug-ins and embeds.
    pub social_plugins: Vec<SocialPlugin>,
    /// Web Storage items.
    pub storage: Vec<StorageFinding>,
    /// Cookies the browser refused.
    pub blocked_cookies: Vec<BlockedCookie>,
    /// Tracker payloads sent to the site's own hosts.
    pub disguised: Vec<crate::detect::DisguisedRequest>,
    /// JavaScript dialogs the page opened, answered so the visit could go on.
    #[serde(default)]
    pub dialogs: Vec<crate::observe::Dialog>,
    /// Windows the page tried to open, refused or closed at once.
    #[serde(default)]
    pub popups: Vec<String>,
    /// Why the first attempt of this visit failed, when it was made twice (renderer or Chromium died).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_attempt_error: Option<String>,
}

impl PageReport {
    /// Joins a visit's observation with its detections.
    pub fn new(observation: &Observation, detections: Detections) -> PageReport {
        PageReport {
            url: observation.url.clone(),
            final_url: observation.final_url.clone(),
            mode: observation.mode,
            status: observation.status,
            error: observation.error.clone(),
            title: observation.title.clone(),
            started_at: observation.started_at.clone(),
            duration_ms: observation.duration_ms,
            screenshot: observation.screenshot.clone(),
            requests_total: observation.requests.len(),
            medical: None,
            form_values: observation.form_values.clone(),
            search_term: observation.search_term.clone(),
            choice_at_ms: observation.choice_at_ms,
            consent: observation.consent.clone(),
            trackers: detections.trackers,
            services: detections.services,
            cookies: detections.cookies,
            social_plugins: detections.social_plugins,
            storage: detections.storage,
            blocked_cookies: detections.blocked_cookies,
            disguised: detections.disguised,
            dialogs: observation.dialogs.clone(),
            popups: observation.popups.clone(),
            first_attempt_error: observation.first_attempt_error.clone(),
        }
    }
}

impl Report {
    /// Number of visits that failed.
    pub fn failed_pages(&self) -> usize {
        self.sites
            .iter()
            .flat_map(|s| &s.pages)
            .filter(|p| p.error.is_some())
            .count()
    }
}

/// Writes `report.json` into `dir`.
pub fn write_json(report: &Report, dir: &Path) -> std::io::Result<PathBuf> {
    let path = dir.join("report.json");
    let text = serde_json::to_string_pretty(report).map_err(std::io::Error::other)?;
    write_atomically(&path, text.as_bytes())?;
    Ok(path)
}

/// Writes `manifest.sha256` (sha256sum format, paths relative to `dir`) over every other file below `dir`,
/// so that `sha256sum -c manifest.sha256` run inside `dir` proves nothing changed since the scan.
pub fn write_manifest(dir: &Path) -> std::io::Result<PathBuf> {
    let mut files = Vec::new();
    collect_files(dir, dir, &mut files)?;
    files.sort();
    let mut out = String::new();
    for rel in files {
        let name = rel.to_string_lossy();
        // The manifest itself, and files of a write in progress (SQLite journals, temporary files).
        if rel == Path::new("manifest.sha256")
            || name.ends_with("-wal")
            || name.ends_with("-shm")
            || name.ends_with("-journal")
            || name.ends_with(".tmp")
        {
            continue;
        }
        let bytes = std::fs::read(dir.join(&rel))?;
        let digest = hex::encode(Sha256::digest(&bytes));
        out.push_str(&format!(
            "{digest}  {}\n",
            rel.to_string_lossy().replace('\\', "/")
        ));
    }
    let path = dir.join("manifest.sha256");
    write_atomically(&path, out.as_bytes())?;
    Ok(path)
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect_files(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_path_buf());
        }
    }
    Ok(())
}

/// Writes through a temporary file and a rename, so a crash never leaves half a report.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(tmp, path)
}
