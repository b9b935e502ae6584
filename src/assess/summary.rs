//! Findings in numbers: per site (by severity, medical pages, vendors that received them) and over a
//! sector's sites (how many sites each vendor reached, on medical pages, before consent, after reject).

use std::collections::BTreeMap;

use super::is_tracking;
use crate::observe::ConsentMode;
use crate::results::{Finding, SectorSummary, SiteReport, SiteSummary, VendorReach};
use crate::rules::Severity;

pub(super) fn summarise(site: &SiteReport, findings: &[Finding]) -> SiteSummary {
    let mut by_severity = BTreeMap::new();
    for f in findings {
        *by_severity
            .entry(f.severity.as_str().to_string())
            .or_insert(0) += 1;
    }
    let mut medical: Vec<&str> = site
        .pages
        .iter()
        // A site-search results page is pixelaudit's own probe (F14), not one of the site's pages.
        .filter(|p| {
            p.visit.search_term.is_none() && p.medical.as_ref().is_some_and(|m| m.is_medical)
        })
        .map(|p| p.visit.url.as_str())
        .collect();
    medical.sort();
    medical.dedup();
    // As for medical_pages: the site's own pages, not the search pixelaudit typed (that is F14).
    let searches: Vec<&str> = site
        .pages
        .iter()
        .filter(|p| p.visit.search_term.is_some())
        .map(|p| p.visit.url.as_str())
        .collect();
    let mut vendors: Vec<String> = findings
        .iter()
        .filter(|f| f.id == "F10")
        .filter(|f| {
            f.occurrences
                .iter()
                .any(|o| !searches.contains(&o.page.as_str()))
        })
        .filter_map(|f| f.vendor.clone())
        .collect();
    vendors.sort();
    vendors.dedup();
    SiteSummary {
        findings_by_severity: by_severity,
        medical_pages: medical.len(),
        vendors_receiving_medical_pages: vendors,
    }
}

/// Counts vendors and findings over a sector's sites.
pub fn sector_summary(sites: &[SiteReport]) -> SectorSummary {
    let mut reach: BTreeMap<String, VendorReach> = BTreeMap::new();
    for site in sites {
        let mut seen: BTreeMap<&str, [bool; 4]> = BTreeMap::new();
        for page in &site.pages {
            // The site's own medical pages; a search pixelaudit typed is counted by F14 instead.
            let medical = page.visit.search_term.is_none()
                && page.medical.as_ref().is_some_and(|m| m.is_medical);
            for t in page.detected.trackers.iter().filter(|t| is_tracking(t)) {
                let flags = seen.entry(t.vendor.as_str()).or_default();
                flags[0] = true;
                flags[1] |= medical;
                flags[2] |= page.visit.mode == ConsentMode::None;
                flags[3] |= page.visit.mode == ConsentMode::Reject;
            }
        }
        for (vendor, flags) in seen {
            let r = reach
                .entry(vendor.to_string())
                .or_insert_with(|| VendorReach {
                    vendor: vendor.to_string(),
                    ..VendorReach::default()
                });
            r.sites += flags[0] as usize;
            r.sites_on_medical_pages += flags[1] as usize;
            r.sites_without_consent += flags[2] as usize;
            r.sites_after_reject += flags[3] as usize;
        }
    }
    let mut vendors: Vec<VendorReach> = reach.into_values().collect();
    vendors.sort_by(|a, b| b.sites.cmp(&a.sites).then(a.vendor.cmp(&b.vendor)));
    SectorSummary {
        sites: sites.len(),
        sites_with_findings: sites.iter().filter(|s| !s.findings.is_empty()).count(),
        sites_with_critical_findings: sites
            .iter()
            .filter(|s| s.findings.iter().any(|f| f.severity == Severity::Critical))
            .count(),
        vendors,
    }
}
