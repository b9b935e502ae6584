//! The scan's output: the report built from the store (each site's stored assessment, or a fresh one),
//! and the files written from it (report.json, report.html, the CSV tables, HAR files, scan.json and
//! the manifest of SHA-256 digests over them all).

use std::path::Path;

use crate::crawl::FrontierSummary;
use crate::report::{self, Format};
use crate::results::{NotAssessed, Report, SiteCrawl, ToolInfo};
use crate::rules::Rules;
use crate::store::{Store, evidence_name};

use super::{ScanConfig, ScanError};

/// Writes the report in `formats` (HAR files from the stored visits), closes the store, writes
/// `scan.json` and then `manifest.sha256` over everything in the folder.
pub fn write_outputs(
    report: &Report,
    store: Store,
    dir: &Path,
    formats: &[Format],
    lang: &str,
) -> Result<(), ScanError> {
    let output = |e| ScanError::Output(dir.to_path_buf(), e);
    if formats.contains(&Format::Har) {
        write_hars(&store, dir, &report.tool.browser)?;
    }
    store.close()?;
    if formats.contains(&Format::Json) {
        report::write_json(report, dir).map_err(output)?;
    }
    if formats.contains(&Format::Html) {
        report::write_html(report, dir, lang).map_err(output)?;
    }
    if formats.contains(&Format::Csv) {
        report::write_csv(report, dir, lang).map_err(output)?;
    }
    report::write_scan_json(report, dir, formats).map_err(output)?;
    report::write_manifest(dir).map_err(output)?;
    Ok(())
}

/// One HAR file per stored visit, named as its screenshot: `evidence/site001-none-page001.har`.
fn write_hars(store: &Store, dir: &Path, browser: &str) -> Result<(), ScanError> {
    let config: ScanConfig = store
        .meta("config")?
        .ok_or_else(|| ScanError::Other("the scan's settings are missing".into()))?;
    let evidence = dir.join("evidence");
    std::fs::create_dir_all(&evidence).map_err(|e| ScanError::Output(dir.to_path_buf(), e))?;
    for site in 0..config.sites.len() {
        for visit in store.visits(site, None)? {
            let name =
                evidence_name(site, visit.observation.visit.mode, visit.kind, visit.seq) + ".har";
            let har = report::har::har(&visit.observation, browser);
            let text = serde_json::to_vec(&har).map_err(|e| ScanError::Other(e.to_string()))?;
            report::write_atomically(&evidence.join(name), &text)
                .map_err(|e| ScanError::Output(dir.to_path_buf(), e))?;
        }
    }
    Ok(())
}

/// Where the scan's store keeps what each worker of a queued scan was (`worker <name>`).
pub const WORKER_KEY_PREFIX: &str = "worker ";

/// The report of the scan in `store`: each site's stored assessment, or a fresh one (with `rules`) for
/// sites not yet assessed, and for every site when `reassess` is set.
pub fn build_report(store: &Store, rules: &Rules, reassess: bool) -> Result<Report, ScanError> {
    let config: ScanConfig = store
        .meta("config")?
        .ok_or_else(|| ScanError::Other("the scan's settings are missing".into()))?;
    let mut sites = Vec::new();
    for (index, site) in config.sites.iter().enumerate() {
        let stored = if reassess {
            None
        } else {
            store.site_report(index)?
        };
        let site_report = match stored {
            Some(r) => r,
            None => {
                let visits = store.visits(index, None)?;
                if visits.is_empty() {
                    continue;
                }
                let mut report = super::site_report(site, &visits, rules);
                report.crawl = crawl_summary(store, index, &config)?;
                store.put_site_report(index, &report, &rules.version())?;
                report
            }
        };
        sites.push(site_report);
    }
    let mut command_line = config.command_line.clone();
    for again in store
        .meta::<Vec<String>>("resumed_with")?
        .unwrap_or_default()
    {
        command_line.push_str(" ; resumed: ");
        command_line.push_str(&again);
    }
    let assessed_with: Vec<String> = {
        let mut v: Vec<String> = (0..config.sites.len())
            .filter_map(|i| store.site_rules_version(i).ok().flatten())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    Ok(Report {
        schema_version: crate::results::SCHEMA_VERSION.into(),
        tool: ToolInfo {
            name: "pixelaudit".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            rules_version: assessed_with
                .first()
                .cloned()
                .unwrap_or_else(|| rules.version()),
            browser: store.meta("browser")?.unwrap_or_else(|| "unknown".into()),
            cookie_mode: "third-party cookies allowed, as in a visitor's default browser (cookie_controls_mode 0)".into(),
            command_line,
            started_at: store.meta("started_at")?.unwrap_or_default(),
            finished_at: store
                .meta("finished_at")?
                .unwrap_or_else(crate::now_rfc3339),
            map_hosts: config.browser.map_hosts.clone(),
            reassessed_at: reassess.then(crate::now_rfc3339),
            filter_lists: rules
                .trackers
                .filter_lists()
                .map(|l| l.lists().to_vec())
                .unwrap_or_default(),
            entities: rules.trackers.owners().files().to_vec(),
            workers: store.metas_under(WORKER_KEY_PREFIX)?,
        },
        not_assessed: not_assessed(&config, rules),
        sector: crate::assess::sector_summary(&sites),
        sites,
        handoff: config.handoff.clone(),
    })
}

/// What the crawl of a site did: robots.txt, sitemaps, what each mode's frontier left out.
fn crawl_summary(store: &Store, site: usize, config: &ScanConfig) -> Result<SiteCrawl, ScanError> {
    let files = store.site_files(site)?.unwrap_or_default();
    let mut frontiers = std::collections::BTreeMap::new();
    for (mode, json) in store.job_frontiers(site)? {
        if let Ok(summary) = serde_json::from_str::<FrontierSummary>(&json) {
            frontiers.insert(mode, summary);
        }
    }
    Ok(SiteCrawl {
        robots_url: files.robots_url,
        robots_status: files.robots_status,
        robots_obeyed: !config.ignore_robots,
        sitemaps: files.sitemaps,
        sitemap_urls: files.sitemap_urls.len(),
        problems: files.problems,
        max_pages: config.max_pages,
        max_depth: config.max_depth,
        frontiers,
    })
}

/// The findings this scan could not assess: those the tool never assesses yet, and for a static sweep
/// every other one, since each needs what only a browser shows (what was sent, the banner's behaviour).
fn not_assessed(config: &ScanConfig, rules: &Rules) -> Vec<NotAssessed> {
    let mut out: Vec<NotAssessed> = crate::assess::NOT_ASSESSED
        .iter()
        .map(|(id, reason)| NotAssessed {
            id: id.to_string(),
            reason: reason.to_string(),
        })
        .collect();
    if config.engine == crate::observe::Engine::Static {
        for id in rules.findings.ids() {
            if !out.iter().any(|n| n.id == id) {
                out.push(NotAssessed {
                    id: id.to_string(),
                    reason: "static sweep (scan --static): the HTML shows which trackers a page names, not what a browser sent, which cookies scripts set or what the consent banner does; visit the site with the browser (scan without --static) to assess it".into(),
                });
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
    }
    out
}
