//! The terminal summary a scan ends with: a row per site (pages, failures, medical pages, findings per
//! severity, vendors that received medical pages), a total, and the sector's vendor table. A pure
//! function of the report, like the other renderers, so what the terminal shows is what report.json says.

use std::fmt::Write;

use crate::results::{Report, SiteReport};
use crate::rules::Severity;

/// The summary as text, ending in a newline.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let severities = Severity::GRAVEST_FIRST;
    let _ = write!(
        out,
        "{:<34} {:>5} {:>6} {:>7}",
        "site", "pages", "failed", "medical"
    );
    for s in severities {
        let _ = write!(out, " {:>8}", s.as_str());
    }
    out.push_str("  vendors receiving medical pages\n");
    let mut totals = [0usize; 3 + Severity::GRAVEST_FIRST.len()];
    for site in &report.sites {
        let row = counts(site);
        for (t, v) in totals.iter_mut().zip(row) {
            *t += v;
        }
        push_row(&mut out, &truncate(&site.name, 34), &row);
        let _ = writeln!(
            out,
            "  {}",
            site.summary.vendors_receiving_medical_pages.join(", ")
        );
    }
    push_row(
        &mut out,
        &format!("total: {} sites", report.sites.len()),
        &totals,
    );
    out.push('\n');
    let sector = &report.sector;
    let _ = writeln!(
        out,
        "\n{} of {} sites have findings, {} critical.",
        sector.sites_with_findings, sector.sites, sector.sites_with_critical_findings
    );
    if !sector.vendors.is_empty() {
        let _ = writeln!(
            out,
            "{:<20} {:>6} {:>14} {:>16} {:>13}",
            "vendor", "sites", "medical pages", "without consent", "after reject"
        );
        for v in &sector.vendors {
            let _ = writeln!(
                out,
                "{:<20} {:>6} {:>14} {:>16} {:>13}",
                v.vendor,
                v.sites,
                v.sites_on_medical_pages,
                v.sites_without_consent,
                v.sites_after_reject
            );
        }
    }
    out
}

/// Pages, failed pages, medical pages, then findings per severity, gravest first.
fn counts(site: &SiteReport) -> [usize; 3 + Severity::GRAVEST_FIRST.len()] {
    let mut row = [0usize; 3 + Severity::GRAVEST_FIRST.len()];
    row[0] = site.pages.len();
    row[1] = site
        .pages
        .iter()
        .filter(|p| p.visit.error.is_some())
        .count();
    row[2] = site.summary.medical_pages;
    for (i, s) in Severity::GRAVEST_FIRST.iter().enumerate() {
        row[3 + i] = site
            .summary
            .findings_by_severity
            .get(s.as_str())
            .copied()
            .unwrap_or(0);
    }
    row
}

fn push_row(out: &mut String, name: &str, row: &[usize]) {
    let _ = write!(out, "{name:<34} {:>5} {:>6} {:>7}", row[0], row[1], row[2]);
    for v in &row[3..] {
        let _ = write!(out, " {v:>8}");
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{SiteConsent, SiteSummary};

    fn site(name: &str, by_severity: &[(&str, usize)]) -> SiteReport {
        SiteReport {
            url: format!("https://{name}/"),
            name: name.into(),
            sector: None,
            crawl: Default::default(),
            consent: SiteConsent::default(),
            findings: Vec::new(),
            summary: SiteSummary {
                findings_by_severity: by_severity
                    .iter()
                    .map(|(s, n)| (s.to_string(), *n))
                    .collect(),
                medical_pages: 2,
                vendors_receiving_medical_pages: vec!["meta".into()],
            },
            pages: Vec::new(),
        }
    }

    #[test]
    fn every_severity_has_its_column_and_info_findings_are_counted() {
        let report = Report {
            schema_version: "1".into(),
            tool: crate::results::ToolInfo {
                name: "pixelaudit".into(),
                version: "0".into(),
                rules_version: "sha256:0".into(),
                browser: "Chromium".into(),
                cookie_mode: String::new(),
                filter_lists: Vec::new(),
                entities: Vec::new(),
                workers: Vec::new(),
                command_line: String::new(),
                started_at: String::new(),
                finished_at: String::new(),
                map_hosts: None,
                reassessed_at: None,
            },
            not_assessed: Vec::new(),
            handoff: None,
            sector: Default::default(),
            sites: vec![
                site("a.nl", &[("critical", 1), ("info", 2)]),
                site("b.nl", &[("medium", 3), ("info", 1)]),
            ],
        };
        let text = render(&report);
        let header = text.lines().next().unwrap();
        assert!(
            header.contains("critical") && header.contains("info"),
            "{header}"
        );
        assert!(!header.contains("low"), "{header}");
        let total = text.lines().find(|l| l.starts_with("total")).unwrap();
        let numbers: Vec<&str> = total.split_whitespace().skip(3).collect();
        // pages failed medical critical high medium info
        assert_eq!(numbers, ["0", "0", "4", "1", "0", "3", "3"], "{total}");
        assert!(text.lines().nth(1).unwrap().ends_with("meta"), "{text}");
    }
}
