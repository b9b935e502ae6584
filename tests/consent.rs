//! End to end: every consent fixture site visited as `none`, `reject` and `accept` in the real Chromium.
//! The tool must be identified, the clicks must take effect, and a site that tracks after "reject" must be
//! distinguishable in the data from one that does not.

mod common;

use std::sync::OnceLock;
use std::time::Duration;

use common::ScanResult;
use pixelaudit::detect::Phase;
use pixelaudit::observe::ConsentMode;
use pixelaudit::results::{PageReport, SiteReport};

fn scan() -> &'static ScanResult {
    static SCAN: OnceLock<ScanResult> = OnceLock::new();
    SCAN.get_or_init(|| {
        let sites =
            pixelaudit::crawl::read_site_list(&common::repo().join("fixtures/sectors/consent.csv"))
                .unwrap()
                .0;
        common::scan_fixture_sites_in_modes(
            sites,
            2,
            Duration::from_secs(15),
            vec![ConsentMode::None, ConsentMode::Reject, ConsentMode::Accept],
        )
    })
}

/// The site whose list row names this sector (the consent tool it mimics).
fn site(tool: &str) -> &'static SiteReport {
    let list =
        pixelaudit::crawl::read_site_list(&common::repo().join("fixtures/sectors/consent.csv"))
            .unwrap()
            .0;
    let url = list
        .iter()
        .find(|s| s.sector.as_deref() == Some(tool))
        .unwrap()
        .url
        .clone();
    scan().report.sites.iter().find(|s| s.url == url).unwrap()
}

fn tracker_requests(page: &PageReport, phase: Phase) -> usize {
    page.detected
        .trackers
        .iter()
        .flat_map(|t| &t.requests)
        .filter(|r| r.phase == phase)
        .count()
}

fn pages(site: &SiteReport, mode: ConsentMode) -> impl Iterator<Item = &PageReport> {
    site.pages.iter().filter(move |p| p.visit.mode == mode)
}

const HANDLED: &[&str] = &[
    "cookiebot",
    "onetrust",
    "cookieyes",
    "didomi",
    "usercentrics",
    "complianz",
    "quantcast",
    "cookiefirst",
    "trustarc",
    "borlabs",
    "consentmanager",
    "sourcepoint",
    "funding-choices",
    "civic",
    "osano",
    "cookie-script",
    "klaro",
    "cookieconsent3",
    "ketch",
    "termly",
    "iubenda",
    "eu-cookie-compliance",
    "cookiehub",
    "cookie-information",
    "tarteaucitron",
    "generic",
];

/// Tools whose rule names no storage for the choice (the public rule sets do not say): only the banner
/// closing is checked for them.
const NO_KNOWN_STORAGE: &[&str] = &["termly"];

#[test]
fn every_consent_tool_is_identified() {
    for tool in HANDLED {
        let consent = &site(tool).consent;
        assert_eq!(consent.tool.as_deref(), Some(*tool), "{tool}: {consent:?}");
        assert!(consent.banner_found, "{tool}: banner not found");
        assert!(
            consent.first_layer.accept.is_some(),
            "{tool}: no accept control"
        );
    }
    assert!(
        site("cookiebot")
            .consent
            .detected_by
            .as_deref()
            .unwrap()
            .contains("consent.cookiebot.com")
    );
    assert!(
        site("complianz")
            .consent
            .detected_by
            .as_deref()
            .unwrap()
            .contains("/wp-content/plugins/complianz-gdpr/")
    );
}

#[test]
fn accept_and_reject_are_clicked_and_take_effect() {
    for tool in HANDLED {
        let consent = &site(tool).consent;
        for mode in [ConsentMode::Reject, ConsentMode::Accept] {
            let click = consent
                .clicks
                .iter()
                .find(|c| c.mode == mode)
                .unwrap_or_else(|| panic!("{tool}: no {mode:?} click"));
            assert!(click.effective, "{tool} {mode:?}: {click:?}");
            assert_eq!(
                click.layer,
                if ["cookiehub", "didomi"].contains(tool) && mode == ConsentMode::Reject {
                    "second"
                } else {
                    "first"
                },
                "{tool} {mode:?}"
            );
            assert_eq!(
                click.choice_stored.is_empty(),
                NO_KNOWN_STORAGE.contains(tool),
                "{tool} {mode:?}: {:?}",
                click.choice_stored
            );
        }
        // The choice holds on the next page: no banner comes back, except the cookie wall, which blocks
        // every page after "reject".
        let expected: Vec<ConsentMode> = if *tool == "borlabs" {
            vec![ConsentMode::Reject]
        } else {
            vec![]
        };
        assert_eq!(consent.banner_reappeared, expected, "{tool}");
    }
}

#[test]
fn banners_in_shadow_roots_and_iframes_are_handled() {
    let shadow = &site("usercentrics").consent;
    assert!(shadow.clicks.iter().all(|c| c.effective));
    assert!(shadow.clicks.iter().any(|c| {
        c.choice_stored
            .contains(&"localStorage uc_settings".to_string())
    }));
    let framed = &site("trustarc").consent;
    assert!(framed.detected_by.as_deref().unwrap().contains("trustarc"));
    let reject = framed
        .clicks
        .iter()
        .find(|c| c.mode == ConsentMode::Reject)
        .unwrap();
    assert_eq!(
        reject.control.as_ref().unwrap().selector,
        "#truste-consent-required"
    );
}

#[test]
fn what_the_banner_offers_is_recorded() {
    // Reject only on the second layer.
    let didomi = &site("didomi").consent;
    assert!(didomi.first_layer.reject.is_none());
    assert_eq!(
        didomi
            .clicks
            .iter()
            .find(|c| c.mode == ConsentMode::Reject)
            .unwrap()
            .layer,
        "second"
    );
    // Pre-ticked purposes.
    assert_eq!(
        site("cookieyes").consent.pre_ticked.len(),
        2,
        "{:?}",
        site("cookieyes").consent.pre_ticked
    );
    assert!(site("cookiebot").consent.pre_ticked.is_empty());
    // Reject shown as a small, pale link while accept is a large button.
    let complianz = &site("complianz").consent.first_layer;
    let (accept, reject) = (
        complianz.accept.as_ref().unwrap(),
        complianz.reject.as_ref().unwrap(),
    );
    assert_eq!(
        (accept.styled_as.as_str(), reject.styled_as.as_str()),
        ("button", "link")
    );
    assert!(
        accept.width * accept.height > 4.0 * reject.width * reject.height,
        "{accept:?} {reject:?}"
    );
    assert!(
        reject.contrast < 3.0 && accept.contrast > 4.5,
        "{accept:?} {reject:?}"
    );
    // A way back after accepting, or not.
    assert!(site("cookiebot").consent.reopen_control.is_some());
    assert!(site("cookiefirst").consent.reopen_control.is_none());
    // A cookie wall after reject, and none elsewhere.
    assert!(
        site("borlabs")
            .consent
            .cookie_wall
            .as_deref()
            .unwrap()
            .contains("alleen te bekijken")
    );
    assert!(site("cookiebot").consent.cookie_wall.is_none());
    // TCF data is read through __tcfapi.
    assert!(site("quantcast").consent.tcf.is_some());
    // Screenshots of the banner before and of the page after each click.
    assert_eq!(site("cookiebot").consent.screenshots.len(), 4);
}

#[test]
fn a_site_that_tracks_after_reject_is_told_apart_from_one_that_does_not() {
    let tracks = site("onetrust");
    let clean = site("cookiebot");
    let after_reject = |s: &SiteReport| {
        pages(s, ConsentMode::Reject)
            .map(|p| tracker_requests(p, Phase::AfterChoice))
            .sum::<usize>()
    };
    let before = |s: &SiteReport| {
        pages(s, ConsentMode::None)
            .map(|p| tracker_requests(p, Phase::BeforeChoice))
            .sum::<usize>()
    };
    assert!(
        after_reject(tracks) > 0,
        "the OneTrust fixture keeps tracking after reject"
    );
    assert!(before(tracks) > 0);
    assert_eq!(
        after_reject(clean),
        0,
        "the Cookiebot fixture sends nothing after reject"
    );
    assert_eq!(
        before(clean),
        0,
        "the Cookiebot fixture sends nothing before consent"
    );
    let after_accept: usize = pages(clean, ConsentMode::Accept)
        .map(|p| tracker_requests(p, Phase::AfterChoice))
        .sum();
    assert!(after_accept > 0, "after accept the trackers run");
    // Cookies carry their phase too: Meta's _fbp exists only after the choice on the clean site.
    let fbp = pages(clean, ConsentMode::Accept)
        .flat_map(|p| &p.detected.cookies)
        .find(|c| c.name == "_fbp")
        .unwrap();
    assert_eq!(fbp.phase, Phase::AfterChoice);
    let fbp = pages(tracks, ConsentMode::Reject)
        .flat_map(|p| &p.detected.cookies)
        .find(|c| c.name == "_fbp")
        .unwrap();
    assert_eq!(fbp.phase, Phase::BeforeChoice);
}

#[test]
fn banners_that_cannot_be_handled_are_reported_and_the_scan_goes_on() {
    let dead = &site("dead-button").consent;
    assert!(dead.clicks.iter().all(|c| !c.effective
        && c.problem.as_deref() == Some("the banner was still shown after the click")));
    assert_eq!(
        dead.banner_reappeared,
        vec![ConsentMode::Reject, ConsentMode::Accept]
    );
    let none = &site("no-controls").consent;
    assert!(
        none.problems
            .iter()
            .any(|p| p.contains("no recognisable accept or reject control")),
        "{:?}",
        none.problems
    );
    for s in [site("dead-button"), site("no-controls")] {
        assert_eq!(
            s.pages.len(),
            6,
            "both pages in all three modes were still visited"
        );
        assert!(s.pages.iter().all(|p| p.visit.error.is_none()));
    }
}

#[test]
fn requests_in_every_mode_match_the_fixture_server_log() {
    let checked = common::assert_server_log_captured(scan());
    assert!(checked > 50, "{checked}");
}

#[test]
fn the_consent_report_is_valid_against_the_schema() {
    common::assert_report_matches_schema(scan());
}

#[test]
fn every_consent_site_produces_exactly_its_expected_findings() {
    assert_eq!(common::assert_expected_findings(scan()), 13);
}

#[test]
fn consent_tools_and_font_hosts_are_services_not_trackers() {
    let report = &scan().report;
    let mut consent_services = 0;
    for site in &report.sites {
        for page in site.pages.iter().filter(|p| p.visit.error.is_none()) {
            for t in &page.detected.trackers {
                assert!(
                    t.category.is_tracking(),
                    "{} {}: {} ({}) is listed as a tracker",
                    page.visit.mode.as_str(),
                    page.visit.url,
                    t.vendor,
                    t.category
                );
            }
            // Every consent page loads a web font from Google Fonts: a font service, not Google tracking.
            let fonts = page
                .detected
                .services
                .iter()
                .find(|s| s.rule == "google-fonts")
                .unwrap_or_else(|| {
                    panic!(
                        "{}: no font service in {:?}",
                        page.visit.url, page.detected.services
                    )
                });
            assert_eq!(fonts.category, pixelaudit::rules::Category::Fonts);
            assert!(fonts.third_party);
            assert!(
                !page
                    .detected
                    .trackers
                    .iter()
                    .any(|t| t.rule == "google-fonts")
            );
            consent_services += page
                .detected
                .services
                .iter()
                .filter(|s| s.category == pixelaudit::rules::Category::Consent)
                .count();
        }
    }
    // The consent tools served from the vendor's own host are listed as consent services.
    let cookiebot = site("cookiebot");
    assert!(
        cookiebot.pages.iter().all(|p| {
            p.detected.services.iter().any(|s| {
                s.vendor == "cookiebot" && s.category == pixelaudit::rules::Category::Consent
            })
        }),
        "cookiebot's uc.js is a consent service on every page"
    );
    assert!(consent_services > 0);
    // And the CSV lists them apart.
    let csv = std::fs::read_to_string(scan().out.path().join("services.csv")).unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .starts_with("site,mode,page,vendor")
    );
    assert!(csv.contains(",google-fonts,fonts,yes,"));
    let trackers_csv = std::fs::read_to_string(scan().out.path().join("trackers.csv")).unwrap();
    assert!(!trackers_csv.contains("google-fonts") && !trackers_csv.contains("cookiebot-banner"));
    let html = std::fs::read_to_string(scan().out.path().join("report.html")).unwrap();
    assert!(
        html.contains("Third-party services that do not track")
            || html.contains("Diensten van derden")
    );
}

#[test]
fn purposes_and_vendors_left_on_legitimate_interest_after_reject_are_f06_with_their_names() {
    // Quantcast Choice on Gezondheidsplein West keeps purposes 2, 7, 9 and 10 and vendors 91 and 755 on
    // legitimate interest whatever the visitor chose.
    let quantcast = site("quantcast");
    let after_reject = quantcast
        .consent
        .tcf_after_reject
        .as_ref()
        .expect("the TCF data is read after reject");
    assert_eq!(after_reject.tc_string, "CPfixtureREJECTALL");
    assert_eq!(
        after_reject.purposes_on_legitimate_interest(),
        [2, 7, 9, 10]
    );
    let f06: Vec<_> = quantcast
        .findings
        .iter()
        .filter(|f| f.id == "F06")
        .collect();
    assert_eq!(f06.len(), 1, "{f06:#?}");
    let occurrence = &f06[0].occurrences[0];
    assert_eq!(occurrence.mode, ConsentMode::Reject);
    let details = occurrence.details.join("\n");
    for named in [
        "2 (Use limited data to select advertising)",
        "7 (Measure advertising performance)",
        "9 (Understand audiences",
        "10 (Develop and improve services)",
        "Criteo SA (TCF vendor 91)",
        "Google Advertising Products (TCF vendor 755)",
        "TC string CPfixtureREJECTALL",
    ] {
        assert!(details.contains(named), "{named} missing from {details}");
    }
    assert!(
        f06[0].explanation.en.contains("Criteo SA"),
        "{}",
        f06[0].explanation.en
    );
    // Didomi on Apotheek Zeezicht answers through the TCF too, with nothing on legitimate interest.
    let didomi = site("didomi");
    assert!(didomi.consent.tcf_after_reject.is_some());
    assert!(!didomi.findings.iter().any(|f| f.id == "F06"));
    // F06 is assessed now; F16 and F17 are still listed as not assessed.
    let not_assessed: Vec<&str> = scan()
        .report
        .not_assessed
        .iter()
        .map(|n| n.id.as_str())
        .collect();
    assert_eq!(not_assessed, ["F16", "F17"]);
}
