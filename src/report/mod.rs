//! Reports: the JSON report (the contract in `docs/report.schema.json`) and the evidence manifest.
//!
//! A report is built only from what the scan stored (observations and detections); nothing here detects.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

// html.rs and tables.rs name the records as `super::…`.
use crate::results::{PageReport, Report, SiteReport};

pub mod har;
pub mod html;
pub mod summary;
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
