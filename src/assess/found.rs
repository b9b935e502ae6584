//! Findings under construction: one per (finding id, vendor), gathering every page and mode where it
//! occurred, its severity raised to critical where the catalogue says so for a medical page, and its
//! explanation filled in when the site is done.

use super::explain;
use crate::results::{Finding, Occurrence, SiteReport};
use crate::rules::{Catalogue, FindingText, Severity};

/// Findings under construction, keyed by (id, vendor).
pub(super) struct Found<'c> {
    catalogue: &'c Catalogue,
    findings: Vec<Finding>,
}

impl<'c> Found<'c> {
    pub(super) fn new(catalogue: &'c Catalogue) -> Self {
        Found {
            catalogue,
            findings: Vec::new(),
        }
    }

    pub(super) fn add(
        &mut self,
        id: &str,
        vendor: Option<&str>,
        rule: Option<&str>,
        on_medical_page: bool,
        occurrence: Occurrence,
    ) {
        self.push(id, vendor, rule, on_medical_page, false, occurrence);
    }

    pub(super) fn add_review(
        &mut self,
        id: &str,
        vendor: Option<&str>,
        rule: Option<&str>,
        occurrence: Occurrence,
    ) {
        self.push(id, vendor, rule, false, true, occurrence);
    }

    fn push(
        &mut self,
        id: &str,
        vendor: Option<&str>,
        rule: Option<&str>,
        on_medical_page: bool,
        review: bool,
        occurrence: Occurrence,
    ) {
        let Some(entry) = self.catalogue.entry(id) else {
            return;
        };
        let severity = if on_medical_page && entry.critical_on_medical_page {
            Severity::Critical
        } else {
            entry.severity
        };
        let existing = self
            .findings
            .iter_mut()
            .find(|f| f.id == id && f.vendor.as_deref() == vendor);
        let finding = match existing {
            Some(f) => f,
            None => {
                self.findings.push(Finding {
                    id: id.to_string(),
                    severity: entry.severity,
                    needs_review: entry.needs_review || review,
                    vendor: vendor.map(str::to_string),
                    rule: rule.map(str::to_string),
                    title: entry.title.clone(),
                    explanation: FindingText::default(),
                    legal_basis: entry.legal_basis.clone(),
                    occurrences: Vec::new(),
                });
                self.findings.last_mut().expect("just pushed")
            }
        };
        finding.severity = finding.severity.max(severity);
        // A finding proven in some modes without review needs none.
        finding.needs_review = finding.needs_review && (review || entry.needs_review);
        if !finding.occurrences.iter().any(|o| {
            o.page == occurrence.page && o.mode == occurrence.mode && o.phase == occurrence.phase
        }) {
            finding.occurrences.push(occurrence);
        } else if let Some(o) = finding.occurrences.iter_mut().find(|o| {
            o.page == occurrence.page && o.mode == occurrence.mode && o.phase == occurrence.phase
        }) {
            for r in occurrence.requests {
                if !o.requests.contains(&r) {
                    o.requests.push(r);
                }
            }
            for t in occurrence.health_terms {
                if !o.health_terms.contains(&t) {
                    o.health_terms.push(t);
                }
            }
            for d in occurrence.details {
                if !o.details.contains(&d) {
                    o.details.push(d);
                }
            }
        }
    }

    pub(super) fn finish(mut self, site: &SiteReport, catalogue: &Catalogue) -> Vec<Finding> {
        for f in self.findings.iter_mut() {
            let company = f
                .vendor
                .as_ref()
                .and_then(|v| {
                    site.pages
                        .iter()
                        .flat_map(|p| p.detected.trackers.iter().chain(&p.detected.services))
                        .find(|t| &t.vendor == v)
                        .map(|t| t.company.clone())
                })
                .or_else(|| f.vendor.clone())
                .unwrap_or_else(|| site.name.clone());
            f.explanation = explain::explain(
                catalogue,
                &f.id,
                &company,
                f.vendor.as_deref().unwrap_or(""),
                &f.occurrences[0],
            );
        }
        self.findings.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.id.cmp(&b.id))
                .then(a.vendor.cmp(&b.vendor))
        });
        self.findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::ConsentMode;

    #[test]
    fn a_second_occurrence_on_the_same_page_adds_only_its_new_details_and_keeps_each_whole() {
        let rules = crate::rules::Rules::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"),
        )
        .unwrap();
        let mut found = Found::new(&rules.findings);
        let on_page = |details: &[&str]| Occurrence {
            page: "https://www.zorg.nl/contact/".into(),
            mode: ConsentMode::Accept,
            details: details.iter().map(|d| d.to_string()).collect(),
            ..Occurrence::default()
        };
        // A decoded value may itself hold "; ": it stays one detail.
        found.add(
            "F13",
            Some("meta"),
            None,
            false,
            on_page(&["em=\"a; b\" as SHA-256"]),
        );
        found.add(
            "F13",
            Some("meta"),
            None,
            false,
            on_page(&["em=\"a; b\" as SHA-256", "ph=\"06\" as SHA-256"]),
        );
        let f = &found.findings[0];
        assert_eq!(f.occurrences.len(), 1);
        assert_eq!(
            f.occurrences[0].details,
            vec!["em=\"a; b\" as SHA-256", "ph=\"06\" as SHA-256"]
        );
    }
}
