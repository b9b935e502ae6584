//! Unit tests of detection on hand-made observations, with the shipped rules.
use super::*;
use crate::observe::{ConsentMode, Visit};

fn shipped() -> RuleSet {
    RuleSet::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).unwrap()
}

fn request(url: &str, time_ms: u64) -> ObservedRequest {
    ObservedRequest {
        id: format!("r{time_ms}"),
        url: url.into(),
        method: "GET".into(),
        resource_type: "Image".into(),
        status: Some(200),
        time_ms,
        ..Default::default()
    }
}

fn visit(requests: Vec<ObservedRequest>, choice_at_ms: Option<u64>) -> Observation {
    Observation {
        visit: Visit {
            url: "https://www.zorgverzekeraar.nl/vergoedingen/ivf".into(),
            mode: ConsentMode::Accept,
            choice_at_ms,
            ..Visit::default()
        },
        requests,
        ..Default::default()
    }
}

#[test]
fn a_pixel_request_is_a_third_party_tracker_with_what_it_received() {
    let seen = visit(
        vec![request(
            "https://www.facebook.com/tr/?id=1234&ev=PageView&dl=https%3A%2F%2Fwww.zorgverzekeraar.nl%2Fvergoedingen%2Fivf",
            100,
        )],
        None,
    );
    let found = detect(&seen, &shipped(), "zorgverzekeraar.nl");
    assert_eq!(found.trackers.len(), 1, "{:?}", found.trackers);
    let meta = &found.trackers[0];
    assert_eq!(
        (meta.vendor.as_str(), meta.rule.as_str()),
        ("meta", "meta-pixel")
    );
    assert!(meta.third_party);
    let received = &meta.requests[0].received;
    assert_eq!(
        received.page_url.as_deref(),
        Some("https://www.zorgverzekeraar.nl/vergoedingen/ivf")
    );
    assert_eq!(received.event.as_deref(), Some("PageView"));
    assert_eq!(
        received.identifiers.get("id").map(String::as_str),
        Some("1234")
    );
    assert!(found.services.is_empty());
}

#[test]
fn requests_are_before_or_after_the_choice_by_their_time() {
    let seen = visit(
        vec![
            request("https://www.facebook.com/tr/?id=1&ev=PageView", 100),
            request("https://www.facebook.com/tr/?id=1&ev=Lead", 900),
        ],
        Some(500),
    );
    let found = detect(&seen, &shipped(), "zorgverzekeraar.nl");
    let phases: Vec<Phase> = found.trackers[0].requests.iter().map(|r| r.phase).collect();
    assert_eq!(phases, [Phase::BeforeChoice, Phase::AfterChoice]);
}

fn with_test_list() -> RuleSet {
    let mut rules = shipped();
    rules.set_filter_lists(crate::rules::filter_lists::FilterLists::from_texts(vec![(
        "/lists/test.txt".into(),
        b"! Title: Test Privacy\n||longtail-metrics.eu^$third-party\n@@||longtail-metrics.eu/consent-check.js\n||mxpnl.com^$third-party\n||facebook.com^\n".to_vec(),
    )]));
    rules
}

#[test]
fn a_request_only_a_list_knows_is_a_tracker_with_its_list_filter_and_parameters() {
    let mut seen = visit(
        vec![
            request(
                "https://px.longtail-metrics.eu/c?u=https%3A%2F%2Fwww.zorgverzekeraar.nl%2Fvergoedingen%2Fivf&t=IVF%20vergoeding&sid=77",
                100,
            ),
            request("https://px.longtail-metrics.eu/consent-check.js", 110),
            request("https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js", 120),
            request("https://www.facebook.com/tr/?id=1&ev=PageView", 130),
        ],
        None,
    );
    seen.visit.title = Some("IVF vergoeding".into());
    let found = detect(&seen, &with_test_list(), "zorgverzekeraar.nl");
    let rules: Vec<(&str, &str)> = found
        .trackers
        .iter()
        .map(|t| (t.vendor.as_str(), t.rule.as_str()))
        .collect();
    // The curated rule keeps precedence for Meta, though the list blocks facebook.com too.
    assert_eq!(
        rules,
        [
            ("unknown", "list:longtail-metrics.eu"),
            ("mixpanel-inc", "list:mxpnl.com"),
            ("meta", "meta-pixel")
        ]
    );
    let unknown = &found.trackers[0];
    assert_eq!(unknown.requests.len(), 1, "the @@ exception is honoured");
    assert_eq!(unknown.company, "unknown (longtail-metrics.eu)");
    assert_eq!(unknown.category, Category::Analytics);
    let listed = unknown.list.as_ref().unwrap();
    assert_eq!(
        (listed.list.as_str(), listed.filter.as_str(), listed.line),
        (
            "Test Privacy",
            "||longtail-metrics.eu^$third-party",
            Some(2)
        )
    );
    let received = &unknown.requests[0].received;
    assert_eq!(
        received.page_url.as_deref(),
        Some("https://www.zorgverzekeraar.nl/vergoedingen/ivf")
    );
    assert_eq!(received.title.as_deref(), Some("IVF vergoeding"));
    assert_eq!(received.custom.get("sid").map(String::as_str), Some("77"));
    let mixpanel = &found.trackers[1];
    assert_eq!(mixpanel.company, "Mixpanel, Inc.");
    assert!(mixpanel.list_only() && !found.trackers[2].list_only());
}

#[test]
fn static_files_thumbnails_maps_and_consent_hosts_of_tracking_vendors_are_services() {
    let seen = visit(
        vec![
            request("https://fonts.gstatic.com/s/roboto/v30/a.woff2", 10),
            request("https://maps.gstatic.com/mapfiles/api-3/images/x.png", 20),
            request("https://maps.googleapis.com/maps/api/js?key=k", 30),
            request("https://i.ytimg.com/vi/abc/hqdefault.jpg", 40),
            request("https://pbs.twimg.com/media/x.jpg", 50),
            request(
                "https://fundingchoicesmessages.google.com/i/pub-1?ers=1",
                60,
            ),
        ],
        None,
    );
    let found = detect(&seen, &with_test_list(), "zorgverzekeraar.nl");
    assert!(found.trackers.is_empty(), "{:?}", found.trackers);
    let categories: Vec<Category> = found.services.iter().map(|s| s.category).collect();
    assert_eq!(
        categories,
        [
            Category::Fonts,
            Category::Functional,
            Category::Functional,
            Category::Cdn,
            Category::Consent
        ]
    );
}

#[test]
fn a_font_host_is_a_service_and_the_sites_own_hosts_are_nothing() {
    let seen = visit(
        vec![
            request("https://fonts.googleapis.com/css2?family=Inter", 50),
            request("https://www.zorgverzekeraar.nl/app.js", 60),
            request("https://static.zorgverzekeraar.nl/logo.png", 70),
        ],
        None,
    );
    let found = detect(&seen, &shipped(), "zorgverzekeraar.nl");
    assert!(found.trackers.is_empty(), "{:?}", found.trackers);
    assert_eq!(found.services.len(), 1, "{:?}", found.services);
    assert_eq!(found.services[0].category, Category::Fonts);
}

#[test]
fn every_inline_snippet_id_is_extracted_from_a_static_page() {
    use crate::observe::{Engine, InlineScript, Referenced, StaticPage};
    let script = |text: &str, held_back: bool| InlineScript {
        text: text.into(),
        held_back,
    };
    let mut seen = visit(Vec::new(), None);
    seen.visit.engine = Engine::Static;
    seen.static_page = Some(StaticPage {
        referenced: vec![
            Referenced {
                url: "https://www.googletagmanager.com/gtag/js?id=G-AB12CD34EF".into(),
                element: "script".into(),
            },
            Referenced {
                url: "https://www.facebook.com/tr?id=112233445566778&ev=PageView&noscript=1".into(),
                element: "noscript img".into(),
            },
            Referenced {
                url: "https://fonts.googleapis.com/css2?family=Inter".into(),
                element: "link".into(),
            },
        ],
        inline_scripts: vec![
            script(
                "fbq('init', '112233445566778'); fbq('track', 'PageView');",
                false,
            ),
            script(
                "(function(w,d,s,l,i){})(window,document,'script','dataLayer','GTM-K9X2ZQ7');",
                false,
            ),
            script(
                "gtag('config', 'G-AB12CD34EF'); gtag('config', 'AW-987654321');",
                false,
            ),
            script("_linkedin_partner_id = \"5544332\";", true),
            script("ttq.load('CABCDEFGHIJ1234567890'); ttq.page();", false),
            script(
                "(function(h,o,t,j,a,r){h._hjSettings={hjid:3456789,hjsv:6};})(window,document);",
                false,
            ),
            script(
                "(function(c,l,a,r,i,t,y){})(window, document, \"clarity\", \"script\", \"k2j4h6g8f0\");",
                false,
            ),
        ],
    });
    let found = detect(&seen, &shipped(), "zorgverzekeraar.nl");
    let ids: Vec<(&str, &str, &str)> = found
        .tag_ids
        .iter()
        .map(|t| (t.rule.as_str(), t.id.as_str(), t.found_in.as_str()))
        .collect();
    for expected in [
        ("meta-pixel-id", "112233445566778", "inline script"),
        (
            "google-tag-manager-container",
            "GTM-K9X2ZQ7",
            "inline script",
        ),
        (
            "google-analytics-4-measurement-id",
            "G-AB12CD34EF",
            "inline script",
        ),
        ("google-ads-conversion-id", "AW-987654321", "inline script"),
        (
            "linkedin-partner-id",
            "5544332",
            "inline script held back until consent",
        ),
        (
            "tiktok-pixel-code",
            "CABCDEFGHIJ1234567890",
            "inline script",
        ),
        ("hotjar-site-id", "3456789", "inline script"),
        ("clarity-project-id", "k2j4h6g8f0", "inline script"),
    ] {
        assert!(ids.contains(&expected), "{expected:?} in {ids:?}");
    }
    assert_eq!(
        ids.iter().filter(|(r, _, _)| *r == "meta-pixel-id").count(),
        1,
        "an id found in the snippet and in its <noscript> pixel is listed once"
    );
    let referenced: Vec<(&str, Category)> = found
        .referenced
        .iter()
        .map(|r| (r.vendor.as_str(), r.category))
        .collect();
    assert!(
        referenced.contains(&("meta", Category::Advertising)),
        "{referenced:?}"
    );
    assert!(
        referenced.contains(&("google", Category::Fonts)),
        "{referenced:?}"
    );
    assert!(
        found.trackers.is_empty() && found.services.is_empty(),
        "what the HTML names is never a request that was sent"
    );
}

#[test]
fn a_cookie_of_a_domain_only_the_owner_file_knows_is_named_by_its_owner() {
    use crate::observe::ObservedCookie;
    let mut seen = visit(Vec::new(), None);
    seen.cookies = vec![
        ObservedCookie {
            name: "mp_abc_mixpanel".into(),
            domain: ".mxpnl.com".into(),
            ..ObservedCookie::default()
        },
        ObservedCookie {
            name: "sid".into(),
            domain: ".nobody-knows.example".into(),
            ..ObservedCookie::default()
        },
    ];
    let found = detect(&seen, &shipped(), "zorgverzekeraar.nl");
    let mixpanel = &found.cookies[0];
    assert_eq!(mixpanel.vendor.as_deref(), Some("mixpanel-inc"));
    assert_eq!(mixpanel.owner_category, Some(Category::Analytics));
    assert!(
        mixpanel
            .purpose
            .as_deref()
            .unwrap()
            .contains("Mixpanel, Inc.")
    );
    assert!(mixpanel.third_party);
    let unknown = &found.cookies[1];
    assert_eq!(
        (unknown.vendor.as_ref(), unknown.owner_category),
        (None, None)
    );
}
