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
#[cfg(test)]
mod test_report;

pub use tables::write_csv;

/// An output format of the report; the names are the same on the command line (`--format`) and in
/// scan.json.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
#[value(rename_all = "lowercase")]
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
        "filter_lists": report.tool.filter_lists,
        "entities": report.tool.entities,
        "workers": report.tool.workers,
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

/// Writes through a temporary file of its own and a rename, so a crash never leaves half a report and
/// two files written at once (report.json and report.html) never share a temporary name. The temporary
/// name ends in `.tmp`, which the manifest leaves out should one be left behind.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".pixelaudit-").suffix(".tmp");
    // A temporary file is private (0600) by default; a report is for reading, as any file written
    // plainly would be.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut file = builder.tempfile_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        write_atomically(&path, b"first").unwrap();
        write_atomically(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["report.json"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o044, 0o044, "readable by others: {mode:o}");
        }
    }
}
