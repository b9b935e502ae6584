//! The stages after the store, run over one site's stored visits: detect what trackers received,
//! classify the pages, assess the findings. A pure function of the visits and the rules, so a stored scan
//! can be re-assessed with newer rules without crawling again.

use crate::classify;
use crate::crawl::{Site, site_domain};
use crate::detect;
use crate::results::{PageReport, SiteConsent, SiteReport};
use crate::rules::Rules;
use crate::store::StoredVisit;

/// The site's report from its visits (all modes, in visit order).
pub fn site_report(site: &Site, visits: &[StoredVisit], rules: &Rules) -> SiteReport {
    let domain = site_domain(&site.url);
    let mut pages = Vec::with_capacity(visits.len());
    // (url, html) of every page that loaded, once per URL: the classifier reads a site's pages together
    // to drop blocks repeated on every page and to find the site's specialty.
    let mut documents: Vec<(String, String)> = Vec::new();
    for visit in visits {
        let observation = &visit.observation;
        let mut detections = detect::detect(observation, &rules.trackers, &domain);
        classify::annotate_health_terms(&rules.medical, &mut detections);
        if let (None, Some(html)) = (&observation.visit.error, &observation.html)
            && !documents.iter().any(|(u, _)| *u == observation.visit.url)
        {
            documents.push((observation.visit.url.clone(), html.clone()));
        }
        pages.push(PageReport::new(observation, detections));
    }
    let results = classify::classify_site(&rules.medical, &site.name, &documents);
    for page in pages.iter_mut() {
        page.medical = results.iter().find(|c| c.url == page.visit.url).cloned();
    }
    let mut report = SiteReport {
        url: site.url.clone(),
        name: site.name.clone(),
        sector: site.sector.clone(),
        crawl: Default::default(),
        consent: SiteConsent::from_pages(&pages),
        findings: Vec::new(),
        summary: Default::default(),
        pages,
    };
    let (findings, summary) = crate::assess::assess(&report, rules);
    report.findings = findings;
    report.summary = summary;
    report
}
