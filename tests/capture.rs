//! End to end: the real Chromium against the fixture web's six health-care sites. What left the browser
//! (the fixture server's own log) is compared with what pixelaudit captured and reported.

mod common;

use std::collections::BTreeSet;
use std::sync::OnceLock;
use std::time::Duration;

use common::ScanResult;
use pixelaudit::observe::ConsentMode;
use pixelaudit::results::{PageReport, Report};

fn demo() -> &'static ScanResult {
    static SCAN: OnceLock<ScanResult> = OnceLock::new();
    SCAN.get_or_init(|| {
        common::scan_fixture_sites_in_modes(
            common::demo_sites(),
            10,
            Duration::from_secs(20),
            vec![ConsentMode::None, ConsentMode::Reject, ConsentMode::Accept],
        )
    })
}

fn pages(report: &Report) -> impl Iterator<Item = (&str, &PageReport)> {
    report
        .sites
        .iter()
        .flat_map(|s| s.pages.iter().map(move |p| (s.name.as_str(), p)))
}

#[test]
fn every_page_of_the_demo_sites_loads() {
    let result = demo();
    assert_eq!(result.report.sites.len(), 7);
    for (site, page) in pages(&result.report) {
        assert!(
            page.visit.error.is_none(),
            "{site} {}: {:?}",
            page.visit.url,
            page.visit.error
        );
    }
    let first_visits = pages(&result.report)
        .filter(|(_, p)| p.visit.mode == ConsentMode::None)
        .count();
    assert!(
        first_visits >= 34,
        "only {first_visits} pages visited as a new visitor"
    );
}

#[test]
fn every_tracker_request_the_server_received_was_captured() {
    let checked = common::assert_server_log_captured(demo());
    assert!(
        checked > 100,
        "only {checked} tracker requests in the server log: the fixture web is not being exercised"
    );
}

#[test]
fn a_beacon_sent_from_inside_a_cross_site_iframe_is_captured() {
    let result = demo();
    let oncology = pages(&result.report)
        .map(|(_, p)| p)
        .find(|p| p.visit.url.ends_with("/afdelingen/oncologie/"))
        .expect("oncology page visited");
    let stats = oncology
        .detected
        .trackers
        .iter()
        .find(|t| t.rule == "youtube-stats")
        .expect("the YouTube player's beacon, sent from its own youtube.com frame, is reported");
    assert_eq!(stats.requests[0].method, "POST");
    assert!(
        oncology
            .detected
            .social_plugins
            .iter()
            .any(|s| s.rule == "youtube-embed")
    );
    let like = pages(&result.report)
        .map(|(_, p)| p)
        .find(|p| p.visit.url.ends_with("/vergoedingen/ggz/"))
        .unwrap();
    let plugin_requests: Vec<&str> = like
        .detected
        .trackers
        .iter()
        .filter(|t| t.rule == "meta-social-plugin")
        .flat_map(|t| t.requests.iter().map(|r| r.url.as_str()))
        .collect();
    assert!(
        plugin_requests
            .iter()
            .any(|u| u.contains("/plugins/impression.php")),
        "{plugin_requests:?}"
    );
}

#[test]
fn no_first_party_or_cdn_request_is_reported_as_a_tracker() {
    let result = demo();
    for (site, page) in pages(&result.report) {
        for tracker in &page.detected.trackers {
            for request in &tracker.requests {
                let host = url::Url::parse(&request.url)
                    .unwrap()
                    .host_str()
                    .unwrap()
                    .to_string();
                assert!(
                    !host.ends_with("zilverpolis.nl")
                        && !host.ends_with("zorggroep-eemland.nl")
                        && host != "cdn.jsdelivr.net",
                    "{site}: {} reported as {} tracker",
                    request.url,
                    tracker.vendor
                );
                assert!(
                    tracker.third_party,
                    "{site}: {} marked first party",
                    request.url
                );
            }
        }
    }
    let clean = result
        .report
        .sites
        .iter()
        .find(|s| s.name == "Zorggroep Eemland")
        .unwrap();
    assert!(clean.pages.iter().all(
        |p| p.detected.trackers.is_empty() && p.detected.cookies.iter().all(|c| !c.third_party)
    ));
    assert!(
        clean.pages.iter().all(|p| p.requests_total >= 4),
        "the clean site's own, CDN and analytics requests were made"
    );
    // The CDN is listed, as a third-party service with its purpose, not as a tracker.
    let zilver = result
        .report
        .sites
        .iter()
        .find(|s| s.name == "Zilverpolis Zorgverzekering")
        .unwrap();
    let cdn = zilver
        .pages
        .iter()
        .flat_map(|p| &p.detected.services)
        .find(|s| s.vendor == "jsdelivr")
        .expect("jsDelivr listed as a service");
    assert_eq!((cdn.category.as_str(), cdn.third_party), ("cdn", true));
    assert!(
        pages(&result.report)
            .all(|(_, p)| { p.detected.trackers.iter().all(|t| t.category.is_tracking()) })
    );
}

#[test]
fn cookies_are_attributed_to_the_right_party_and_vendor() {
    let result = demo();
    let mut seen = BTreeSet::new();
    for (_, page) in pages(&result.report) {
        for c in &page.detected.cookies {
            let expected = match c.name.as_str() {
                "fr" | "datr" => Some(("meta", true)),
                "_fbp" => Some(("meta", false)),
                "_ga" => Some(("google", false)),
                "IDE" | "YSC" | "VISITOR_INFO1_LIVE" => Some(("google", true)),
                "lidc" | "bcookie" => Some(("linkedin", true)),
                "_ttp" => Some(("tiktok", false)),
                "MUID" => Some(("microsoft", true)),
                "_clck" | "_uetvid" => Some(("microsoft", false)),
                n if n.starts_with("_hjSessionUser_") => Some(("hotjar", false)),
                _ => None,
            };
            if let Some((vendor, third_party)) = expected {
                assert_eq!(
                    c.vendor.as_deref(),
                    Some(vendor),
                    "{} on {}",
                    c.name,
                    page.visit.url
                );
                assert_eq!(
                    c.third_party, third_party,
                    "{} on {}",
                    c.name, page.visit.url
                );
                seen.insert(c.name.clone());
            }
        }
    }
    for name in [
        "fr", "datr", "_fbp", "_ga", "IDE", "YSC", "lidc", "_ttp", "MUID", "_clck",
    ] {
        assert!(
            seen.contains(name),
            "cookie {name} never seen; seen: {seen:?}"
        );
    }
    let fr = pages(&result.report)
        .flat_map(|(_, p)| &p.detected.cookies)
        .find(|c| c.name == "fr")
        .unwrap();
    assert!(
        fr.http_only && fr.secure && fr.same_site.as_deref() == Some("None"),
        "{fr:?}"
    );
}

#[test]
fn decoded_page_url_equals_the_page_that_was_visited() {
    let result = demo();
    let mut checked = BTreeSet::new();
    for (_, page) in pages(&result.report) {
        let visited = page.visit.final_url.as_deref().unwrap();
        for tracker in &page.detected.trackers {
            for request in &tracker.requests {
                let Some(received) = &request.received.page_url else {
                    continue;
                };
                if tracker.rule == "youtube-stats" {
                    // The player only learns the embedding page's origin (Referrer-Policy).
                    assert!(
                        visited.starts_with(received.as_str()),
                        "{received} vs {visited}"
                    );
                } else {
                    assert_eq!(received, visited, "{} via {}", tracker.rule, request.url);
                }
                checked.insert(tracker.rule.clone());
            }
        }
    }
    for rule in [
        "meta-pixel",
        "google-analytics-4",
        "linkedin-insight",
        "tiktok-pixel",
        "microsoft-uet",
        "microsoft-clarity",
        "hotjar-collect",
        "meta-social-plugin",
    ] {
        assert!(
            checked.contains(rule),
            "no decoded page_url from {rule}; checked {checked:?}"
        );
    }
}

#[test]
fn what_each_tracker_received_is_decoded() {
    let result = demo();
    let ivf = pages(&result.report)
        .map(|(_, p)| p)
        .find(|p| p.visit.url == "https://www.zilverpolis.nl/vergoedingen/ivf/")
        .unwrap();
    let view = ivf
        .detected
        .trackers
        .iter()
        .filter(|t| t.rule == "meta-pixel")
        .flat_map(|t| &t.requests)
        .find(|r| r.received.event.as_deref() == Some("ViewContent"))
        .expect("the ViewContent beacon");
    assert_eq!(view.method, "POST");
    assert_eq!(
        view.received
            .custom
            .get("cd[content_name]")
            .map(String::as_str),
        Some("Vergoeding IVF-behandeling")
    );
    assert_eq!(
        view.received.identifiers.get("id").map(String::as_str),
        Some("112233445566778")
    );
    assert!(
        view.received
            .identifiers
            .get("fbp")
            .is_some_and(|f| f.starts_with("fb.1."))
    );
    let ga = ivf
        .detected
        .trackers
        .iter()
        .find(|t| t.rule == "google-analytics-4")
        .unwrap();
    assert_eq!(
        ga.requests[0].received.title.as_deref(),
        Some("Vergoeding IVF-behandeling | Zilverpolis")
    );
    assert_eq!(ga.requests[0].received.event.as_deref(), Some("page_view"));

    let depression = pages(&result.report)
        .map(|(_, p)| p)
        .find(|p| p.visit.url.ends_with("/behandelingen/depressie/"))
        .unwrap();
    let tiktok = depression
        .detected
        .trackers
        .iter()
        .find(|t| t.rule == "tiktok-pixel")
        .unwrap();
    let events: BTreeSet<_> = tiktok
        .requests
        .iter()
        .filter_map(|r| r.received.event.clone())
        .collect();
    assert_eq!(
        events,
        BTreeSet::from(["Pageview".to_string(), "ViewContent".to_string()])
    );
    let ggz = pages(&result.report)
        .map(|(_, p)| p)
        .find(|p| p.visit.url.ends_with("/vergoedingen/ggz/"))
        .unwrap();
    let clarity = ggz
        .detected
        .trackers
        .iter()
        .find(|t| t.rule == "microsoft-clarity")
        .unwrap();
    assert!(
        clarity.requests[0].post_data_base64,
        "Clarity's gzip body is binary"
    );
    let replayed = clarity.requests[0]
        .received
        .custom
        .get("events.0.value")
        .expect("the gzip body was decoded");
    assert!(
        replayed.contains("Vergoeding geestelijke gezondheidszorg"),
        "{replayed}"
    );
}

#[test]
fn storage_writes_are_recorded_with_their_vendor() {
    let result = demo();
    let ggz = pages(&result.report)
        .map(|(_, p)| p)
        .find(|p| p.visit.url.ends_with("/behandelingen/depressie/"))
        .unwrap();
    let keys: BTreeSet<(&str, Option<&str>)> = ggz
        .detected
        .storage
        .iter()
        .map(|s| (s.key.as_str(), s.vendor.as_deref()))
        .collect();
    assert!(keys.contains(&("_hjid", Some("hotjar"))), "{keys:?}");
    assert!(keys.contains(&("tt_sessionId", Some("tiktok"))), "{keys:?}");
    let ivf = pages(&result.report)
        .map(|(_, p)| p)
        .find(|p| p.visit.url.starts_with("https://www.ivf-noorderlicht.nl/"))
        .unwrap();
    assert!(
        ivf.detected
            .storage
            .iter()
            .any(|s| s.key == "noorderlicht_bezoek" && s.vendor.is_none() && !s.third_party)
    );
}

#[test]
fn report_json_is_valid_against_the_schema() {
    let result = demo();
    common::assert_report_matches_schema(result);
    assert!(result.report.tool.browser.contains("Chrome"));
}

#[test]
fn the_manifest_covers_every_evidence_file() {
    let result = demo();
    let out = common::out_path(result);
    let manifest = std::fs::read_to_string(out.join("manifest.sha256")).unwrap();
    let listed: BTreeSet<&str> = manifest
        .lines()
        .map(|l| l.split_once("  ").unwrap().1)
        .collect();
    assert!(listed.contains("report.json"));
    assert!(listed.contains("scan.sqlite"));
    let evidence = std::fs::read_dir(out.join("evidence")).unwrap().count();
    assert!(evidence >= 2 * 29, "{evidence} screenshots and HAR files");
    // Evidence, report.json, report.html, five CSV files, scan.json and the store; SQLite's journal files
    // are gone once the store is closed.
    assert_eq!(listed.len(), evidence + 9, "{listed:?}");
    for line in manifest.lines() {
        let (digest, path) = line.split_once("  ").unwrap();
        use sha2::Digest;
        let actual = hex::encode(sha2::Sha256::digest(std::fs::read(out.join(path)).unwrap()));
        assert_eq!(digest, actual, "{path}");
    }
}

#[test]
fn pages_are_classified_and_health_terms_found_in_what_trackers_received() {
    let result = demo();
    let page = |suffix: &str| {
        pages(&result.report)
            .map(|(_, p)| p)
            .find(|p| p.visit.url.ends_with(suffix))
            .unwrap()
    };
    let ivf = page("zilverpolis.nl/vergoedingen/ivf/")
        .medical
        .as_ref()
        .expect("classified");
    assert!(ivf.is_medical, "{ivf:?}");
    assert!(
        ivf.evidence
            .iter()
            .any(|e| e.concept == "ivf" && e.field == pixelaudit::classify::EvidenceField::Url)
    );
    let premium = page("zilverpolis.nl/premie-berekenen/")
        .medical
        .as_ref()
        .unwrap();
    assert!(!premium.is_medical, "{premium:?}");
    // A single-specialty site: every page of the GGZ clinic is medical, "about us" included.
    let about = page("ggz-kompas.nl/over-ons/").medical.as_ref().unwrap();
    assert!(
        about.is_medical
            && about
                .evidence
                .iter()
                .any(|e| e.field == pixelaudit::classify::EvidenceField::Site),
        "{about:?}"
    );
    // Meta received the IVF page's address and the event's content name: both carry health terms.
    let view = page("zilverpolis.nl/vergoedingen/ivf/")
        .detected
        .trackers
        .iter()
        .filter(|t| t.rule == "meta-pixel")
        .flat_map(|t| &t.requests)
        .find(|r| r.received.event.as_deref() == Some("ViewContent"))
        .unwrap();
    assert!(
        view.health_terms.iter().any(|t| t.contains("ivf")),
        "{:?}",
        view.health_terms
    );
    let contact_ga = page("zilverpolis.nl/contact/")
        .detected
        .trackers
        .iter()
        .find(|t| t.rule == "google-analytics-4")
        .unwrap();
    assert!(
        contact_ga
            .requests
            .iter()
            .all(|r| r.health_terms.is_empty()),
        "{:?}",
        contact_ga.requests[0].health_terms
    );
}

#[test]
fn every_demo_site_produces_exactly_its_expected_findings() {
    assert_eq!(common::assert_expected_findings(demo()), 7);
}

#[test]
fn a_finding_can_be_followed_to_the_request_it_cites() {
    let result = demo();
    let site = result
        .report
        .sites
        .iter()
        .find(|s| s.name == "Zilverpolis Zorgverzekering")
        .unwrap();
    let f10 = site
        .findings
        .iter()
        .find(|f| f.id == "F10" && f.vendor.as_deref() == Some("meta"))
        .unwrap();
    assert_eq!(f10.severity, pixelaudit::rules::Severity::Critical);
    assert!(
        (f10.explanation.nl.contains("/vergoedingen/ivf/")
            || f10.explanation.nl.contains("/vergoedingen/fysiotherapie/"))
            && f10.explanation.en.contains("Meta"),
        "{:?}",
        f10.explanation
    );
    assert!(f10.legal_basis.iter().any(|l| l.contains("art. 9")));
    for occurrence in &f10.occurrences {
        let page = site
            .pages
            .iter()
            .find(|p| p.visit.url == occurrence.page && p.visit.mode == occurrence.mode)
            .unwrap();
        for cited in &occurrence.requests {
            let found = page
                .detected
                .trackers
                .iter()
                .flat_map(|t| &t.requests)
                .any(|r| format!("{} {}", r.method, r.url) == *cited);
            assert!(
                found,
                "{cited} is not among the requests of {} ({:?})",
                page.visit.url, page.visit.mode
            );
        }
    }
    assert_eq!(
        site.summary.vendors_receiving_medical_pages,
        vec!["google".to_string(), "meta".to_string()]
    );
    let clean = result
        .report
        .sites
        .iter()
        .find(|s| s.name == "Zorggroep Eemland")
        .unwrap();
    assert!(clean.findings.is_empty(), "{:?}", clean.findings);
    assert!(result.report.not_assessed.iter().any(|n| n.id == "F16"));
    assert!(
        !result
            .report
            .not_assessed
            .iter()
            .any(|n| n.id == "F13" || n.id == "F14")
    );
}

#[test]
fn typed_form_values_and_site_searches_are_found_in_what_trackers_received() {
    let result = demo();
    let clinic = result
        .report
        .sites
        .iter()
        .find(|s| s.name == "Fertiliteitskliniek Noorderlicht")
        .unwrap();
    let f13 = clinic
        .findings
        .iter()
        .find(|f| f.id == "F13")
        .expect("F13 on the clinic");
    assert_eq!(f13.vendor.as_deref(), Some("meta"));
    // One decoded form value per detail, never joined into one string and split again.
    let details = &f13.occurrences[0].details;
    assert!(
        details
            .iter()
            .any(|d| d.contains("\"pixelaudit.test@example.nl\" as SHA-256")),
        "{details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.contains("\"06-12345678\" as SHA-256") && !d.contains("example.nl")),
        "{details:?}"
    );
    let contact = clinic
        .pages
        .iter()
        .find(|p| p.visit.url.ends_with("/contact/"))
        .unwrap();
    assert_eq!(
        contact.visit.form_values.len(),
        5,
        "{:?}",
        contact.visit.form_values
    );
    // Forms are never submitted.
    assert!(
        result
            .log
            .iter()
            .all(|l| !l.path.starts_with("/contact/verstuurd"))
    );

    let insurer = result
        .report
        .sites
        .iter()
        .find(|s| s.name == "Zilverpolis Zorgverzekering")
        .unwrap();
    let search = insurer
        .pages
        .iter()
        .find(|p| p.visit.search_term.is_some())
        .expect("a site-search visit");
    assert_eq!(search.visit.search_term.as_deref(), Some("depressie"));
    assert!(
        search.visit.url.ends_with("/zoeken/?q=depressie"),
        "{}",
        search.visit.url
    );
    let f14: Vec<_> = insurer
        .findings
        .iter()
        .filter(|f| f.id == "F14")
        .filter_map(|f| f.vendor.as_deref())
        .collect();
    assert_eq!(f14, vec!["google", "meta"]);
    // Sites without a search form get no search visit.
    let hospital = result
        .report
        .sites
        .iter()
        .find(|s| s.name == "Ziekenhuis Rijnoever")
        .unwrap();
    assert!(hospital.pages.iter().all(|p| p.visit.search_term.is_none()));
}
