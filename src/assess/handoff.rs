//! Which sites of a static sweep need a browser visit (`scan --static --then-browser`): a site whose
//! HTML names a tracking vendor on a medical page, or names any advertising or social vendor at all. The
//! sweep cannot prove what was sent; these are the sites where a browser visit is likely to prove it.

use crate::results::{HandoffSite, SiteReport};
use crate::rules::Category;

/// The most reasons listed for one site.
const MAX_REASONS: usize = 5;

/// Whether the browser should visit this swept site, with the facts that decided it.
pub fn escalation(site: &SiteReport) -> HandoffSite {
    let mut reasons: Vec<String> = Vec::new();
    let mut add = |reason: String| {
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    };
    for page in &site.pages {
        let medical = page.medical.as_ref().is_some_and(|m| m.is_medical);
        for named in page
            .detected
            .referenced
            .iter()
            .filter(|r| r.third_party && r.category.is_tracking())
        {
            let vendor = format!("{} ({})", named.vendor, named.category.as_str());
            if medical {
                add(format!(
                    "{vendor} named on the medical page {}",
                    page.visit.url
                ));
            } else if matches!(named.category, Category::Advertising | Category::Social) {
                add(format!("{vendor} named on {}", page.visit.url));
            }
        }
    }
    // A large site names the same vendors on many pages: the first few make the case.
    if reasons.len() > MAX_REASONS {
        let more = reasons.len() - MAX_REASONS;
        reasons.truncate(MAX_REASONS);
        reasons.push(format!("and {more} more"));
    }
    let escalated = !reasons.is_empty();
    if !escalated {
        reasons.push(
            "the HTML names no tracker on a medical page and no advertising or social vendor"
                .into(),
        );
    }
    HandoffSite {
        url: site.url.clone(),
        name: site.name.clone(),
        escalated,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Classification;
    use crate::detect::{Detections, ReferencedTracker};
    use crate::observe::{Engine, Referenced, Visit};
    use crate::results::PageReport;

    fn page(url: &str, medical: bool, named: &[(&str, Category)]) -> PageReport {
        let detected = Detections {
            referenced: named
                .iter()
                .map(|(vendor, category)| ReferencedTracker {
                    vendor: vendor.to_string(),
                    company: vendor.to_string(),
                    rule: format!("{vendor}-script"),
                    category: *category,
                    third_party: true,
                    engine: Engine::Static,
                    list: None,
                    sources: vec![Referenced {
                        url: format!("https://{vendor}.example/tag.js"),
                        element: "script".into(),
                    }],
                })
                .collect(),
            ..Detections::default()
        };
        let mut report = PageReport::new(
            &crate::observe::Observation {
                visit: Visit {
                    url: url.into(),
                    engine: Engine::Static,
                    ..Visit::default()
                },
                ..Default::default()
            },
            detected,
        );
        report.medical = Some(Classification {
            url: url.into(),
            is_medical: medical,
            ..Classification::default()
        });
        report
    }

    fn site(pages: Vec<PageReport>) -> SiteReport {
        SiteReport {
            url: "https://www.zorg.example/".into(),
            name: "Zorg".into(),
            sector: None,
            crawl: Default::default(),
            consent: crate::results::SiteConsent::from_pages(&pages),
            findings: Vec::new(),
            summary: Default::default(),
            pages,
        }
    }

    #[test]
    fn analytics_on_a_medical_page_or_advertising_anywhere_escalates() {
        let medical = site(vec![page(
            "https://www.zorg.example/ivf",
            true,
            &[("hotjar", Category::SessionReplay)],
        )]);
        let verdict = escalation(&medical);
        assert!(verdict.escalated);
        assert_eq!(
            verdict.reasons,
            ["hotjar (session-replay) named on the medical page https://www.zorg.example/ivf"]
        );
        let advertising = site(vec![page(
            "https://www.zorg.example/",
            false,
            &[("meta", Category::Advertising)],
        )]);
        assert!(escalation(&advertising).escalated);
    }

    #[test]
    fn analytics_on_general_pages_and_services_do_not_escalate() {
        let quiet = site(vec![
            page(
                "https://www.zorg.example/",
                false,
                &[("matomo", Category::Analytics)],
            ),
            page(
                "https://www.zorg.example/ivf",
                true,
                &[("fonts", Category::Fonts)],
            ),
        ]);
        let verdict = escalation(&quiet);
        assert!(!verdict.escalated, "{verdict:?}");
        assert!(verdict.reasons[0].contains("names no tracker"));
    }

    #[test]
    fn a_large_site_lists_the_first_reasons_and_how_many_more() {
        let pages = (0..8)
            .map(|i| {
                page(
                    &format!("https://www.zorg.example/zorg/{i}"),
                    true,
                    &[("meta", Category::Advertising)],
                )
            })
            .collect();
        let verdict = escalation(&site(pages));
        assert_eq!(verdict.reasons.len(), MAX_REASONS + 1);
        assert_eq!(verdict.reasons.last().unwrap(), "and 3 more");
    }
}
