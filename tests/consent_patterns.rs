//! End to end: banners read by their words, in the real Chromium. The "accept only necessary" trap in six
//! languages (with and without an "accept all" beside it): reject mode clicks it, accept mode never does.
//! And the notices the generic finder must tell apart: a toast without cookie words, an age gate that
//! mentions cookies above the real notice, a known tool's in-page bar without its frame, an Italian notice
//! beside a footer that talks about cookies too.

mod common;

use std::sync::OnceLock;
use std::time::Duration;

use common::ScanResult;
use pixelaudit::observe::ConsentMode;
use pixelaudit::results::{ClickReport, SiteReport};

fn scan() -> &'static ScanResult {
    static SCAN: OnceLock<ScanResult> = OnceLock::new();
    SCAN.get_or_init(|| {
        let sites = pixelaudit::crawl::read_site_list(
            &common::repo().join("fixtures/sectors/consent-patterns.csv"),
        )
        .unwrap()
        .0;
        common::scan_fixture_sites_in_modes(
            sites,
            1,
            Duration::from_secs(15),
            vec![ConsentMode::None, ConsentMode::Reject, ConsentMode::Accept],
        )
    })
}

/// The site whose list row names this pattern.
fn site(pattern: &str) -> &'static SiteReport {
    let list = pixelaudit::crawl::read_site_list(
        &common::repo().join("fixtures/sectors/consent-patterns.csv"),
    )
    .unwrap()
    .0;
    let url = list
        .iter()
        .find(|s| s.sector.as_deref() == Some(pattern))
        .unwrap_or_else(|| panic!("no site for {pattern}"))
        .url
        .clone();
    scan().report.sites.iter().find(|s| s.url == url).unwrap()
}

fn click(site: &SiteReport, mode: ConsentMode) -> &ClickReport {
    site.consent
        .clicks
        .iter()
        .find(|c| c.mode == mode)
        .unwrap_or_else(|| panic!("{}: no {mode:?} click: {:?}", site.url, site.consent))
}

fn clicked_text(click: &ClickReport) -> &str {
    click.control.as_ref().map_or("", |c| c.text.as_str())
}

/// (language, "accept all" text, "accept only necessary" text, the lone "accept necessary" text), lower-cased
/// as the report records control texts.
const TRAPS: &[(&str, &str, &str, &str)] = &[
    (
        "nl",
        "alles accepteren",
        "alleen noodzakelijke cookies accepteren",
        "noodzakelijke cookies accepteren",
    ),
    (
        "en",
        "accept all cookies",
        "accept only necessary cookies",
        "accept necessary cookies",
    ),
    (
        "de",
        "alle akzeptieren",
        "nur notwendige cookies akzeptieren",
        "notwendige cookies akzeptieren",
    ),
    (
        "fr",
        "tout accepter",
        "accepter uniquement les cookies nécessaires",
        "accepter les cookies nécessaires",
    ),
    (
        "it",
        "accetta tutti",
        "accetta solo i cookie necessari",
        "accetta i cookie necessari",
    ),
    (
        "es",
        "aceptar todas",
        "aceptar solo las cookies necesarias",
        "aceptar las cookies necesarias",
    ),
];

#[test]
fn accept_only_necessary_is_clicked_to_reject_and_never_to_accept() {
    for (lang, accept_all, only_necessary, necessary) in TRAPS {
        let with = site(&format!("trap-{lang}-with"));
        let reject = click(with, ConsentMode::Reject);
        assert_eq!(clicked_text(reject), *only_necessary, "{lang} reject");
        assert!(reject.effective, "{lang}: {reject:?}");
        assert_eq!(
            reject.choice_stored,
            vec!["cookie cookie_choice".to_string()],
            "{lang}"
        );
        let accept = click(with, ConsentMode::Accept);
        assert_eq!(clicked_text(accept), *accept_all, "{lang} accept");
        assert!(accept.effective, "{lang}: {accept:?}");
        assert_eq!(
            with.consent
                .first_layer
                .reject
                .as_ref()
                .map(|c| c.text.as_str()),
            Some(*only_necessary)
        );

        let without = site(&format!("trap-{lang}-without"));
        let reject = click(without, ConsentMode::Reject);
        assert_eq!(clicked_text(reject), *necessary, "{lang} reject alone");
        assert!(reject.effective, "{lang}: {reject:?}");
        // With no "accept all" there is nothing to accept with: accept mode clicks nothing and says so.
        assert!(without.consent.first_layer.accept.is_none(), "{lang}");
        let accept = click(without, ConsentMode::Accept);
        assert!(accept.control.is_none(), "{lang}: {accept:?}");
        assert_eq!(
            accept.problem.as_deref(),
            Some("no accept control found on the banner"),
            "{lang}"
        );
    }
}

#[test]
fn a_toast_about_analytics_without_cookie_words_is_a_consent_notice() {
    let toast = site("toast");
    assert!(toast.consent.banner_found, "{:?}", toast.consent);
    assert_eq!(toast.consent.tool.as_deref(), Some("generic"));
    assert_eq!(clicked_text(click(toast, ConsentMode::Reject)), "opt out");
    assert_eq!(clicked_text(click(toast, ConsentMode::Accept)), "accept");
    assert!(toast.consent.clicks.iter().all(|c| c.effective));
    assert!(
        toast
            .consent
            .notice_signals
            .iter()
            .any(|s| s.contains("controls read as accept, reject")),
        "{:?}",
        toast.consent.notice_signals
    );
}

#[test]
fn an_age_gate_that_mentions_cookies_is_set_aside_for_the_real_notice() {
    let gate = site("age-gate");
    assert!(
        gate.consent
            .set_aside
            .iter()
            .any(|s| s.starts_with("an age gate")),
        "{:?}",
        gate.consent.set_aside
    );
    assert!(
        gate.consent
            .banner_text
            .as_deref()
            .unwrap()
            .starts_with("wij gebruiken cookies"),
        "{:?}",
        gate.consent.banner_text
    );
    assert_eq!(
        clicked_text(click(gate, ConsentMode::Reject)),
        "alles weigeren"
    );
    assert_eq!(
        clicked_text(click(gate, ConsentMode::Accept)),
        "alles accepteren"
    );
    // The report says so, and which signals made the generic finder take the notice.
    let html = std::fs::read_to_string(scan().out.path().join("report.html")).unwrap();
    assert!(
        html.contains("Geen cookiemelding (terzijde gelegd): an age gate"),
        "the age gate is not named in report.html"
    );
    assert!(html.contains("generic finder: consent words"));
}

#[test]
fn a_known_tools_in_page_bar_without_its_frame_is_found_and_handled() {
    let inpage = site("trustarc-inpage");
    let consent = &inpage.consent;
    assert_eq!(consent.tool.as_deref(), Some("trustarc"), "{consent:?}");
    let by = consent.detected_by.as_deref().unwrap();
    assert!(
        by.contains("consent.trustarc.com") && by.contains("generic finder"),
        "{by}"
    );
    assert_eq!(
        clicked_text(click(inpage, ConsentMode::Reject)),
        "alleen vereiste cookies"
    );
    for c in &consent.clicks {
        assert!(c.effective, "{c:?}");
        assert!(
            c.choice_stored
                .contains(&"cookie notice_preferences".to_string()),
            "{c:?}"
        );
    }
}

#[test]
fn an_italian_notice_is_read_and_the_footer_is_not_taken_for_it() {
    let lago = site("italian");
    assert!(
        lago.consent
            .banner_text
            .as_deref()
            .unwrap()
            .starts_with("utilizziamo i cookie"),
        "{:?}",
        lago.consent.banner_text
    );
    assert_eq!(clicked_text(click(lago, ConsentMode::Reject)), "rifiuta");
    assert_eq!(
        clicked_text(click(lago, ConsentMode::Accept)),
        "accetta tutti"
    );
    assert!(lago.consent.clicks.iter().all(|c| c.effective));
    assert_eq!(
        lago.consent
            .first_layer
            .settings
            .as_ref()
            .map(|c| c.text.as_str()),
        Some("personalizza")
    );
}

#[test]
fn the_pattern_report_is_valid_against_the_schema() {
    common::assert_report_matches_schema(scan());
}
