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
use crate::observe::{ConsentMode, Observation};

/// The report format version; bumped only with a breaking change to the schema.
pub const SCHEMA_VERSION: &str = "1";

/// The whole report of one scan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: String,
    /// What made the report.
    pub tool: ToolInfo,
    /// One entry per site scanned.
    pub sites: Vec<SiteReport>,
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
}

/// One site and its visited pages.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteReport {
    /// The start URL.
    pub url: String,
    /// Display name.
    pub name: String,
    /// Every visit, failed ones included.
    pub pages: Vec<PageReport>,
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
    /// Tracker endpoints contacted.
    pub trackers: Vec<Tracker>,
    /// Cookie jar at the end of the visit.
    pub cookies: Vec<CookieFinding>,
    /// Social plug-ins and embeds.
    pub social_plugins: Vec<SocialPlugin>,
    /// Web Storage items.
    pub storage: Vec<StorageFinding>,
    /// Cookies the browser refused.
    pub blocked_cookies: Vec<BlockedCookie>,
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
            trackers: detections.trackers,
            cookies: detections.cookies,
            social_plugins: detections.social_plugins,
            storage: detections.storage,
            blocked_cookies: detections.blocked_cookies,
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
        if rel == Path::new("manifest.sha256") {
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
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(tmp, path)
}
