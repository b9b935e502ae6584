//! Tests of the tracker rule set: the shipped rules, matching, and how rule errors are reported.

use super::*;

fn shipped() -> RuleSet {
    RuleSet::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn url(s: &str) -> url::Url {
    url::Url::parse(s).unwrap()
}

#[test]
fn shipped_rules_cover_every_vendor_in_wire_md() {
    let set = shipped();
    assert!(set.vendors().len() >= 30, "{} vendors", set.vendors().len());
    for slug in [
        "meta",
        "google",
        "linkedin",
        "tiktok",
        "microsoft",
        "hotjar",
        "x",
        "pinterest",
        "snap",
        "adform",
        "criteo",
        "addthis",
        "sharethis",
    ] {
        assert!(
            set.vendors().iter().any(|v| v.vendor == slug),
            "no rules for {slug}"
        );
    }
}

#[test]
fn every_endpoint_carries_an_example_that_matches_it() {
    // Loading already fails when an example matches another rule; here: none may be missing.
    for v in shipped().vendors() {
        for e in &v.endpoints {
            assert!(
                !e.examples.is_empty(),
                "{}: rule {} has no example",
                v.vendor,
                e.id
            );
        }
    }
}

#[test]
fn matching_goes_by_host_then_endpoint() {
    let set = shipped();
    let m = set
        .match_url(&url("https://www.facebook.com/tr/?id=1&ev=PageView"))
        .unwrap();
    assert_eq!(m.rule_id(), "meta-pixel");
    let m = set
        .match_url(&url("https://www.facebook.com/some/page"))
        .unwrap();
    assert_eq!(m.rule_id(), "meta-host");
    // A CDN is known, as a service: its category is not tracking.
    let cdn = set
        .match_url(&url("https://cdn.jsdelivr.net/npm/x.js"))
        .unwrap();
    assert_eq!(
        (cdn.rule_id().as_str(), cdn.category()),
        ("jsdelivr-cdn", Category::Cdn)
    );
    assert!(!cdn.category().is_tracking());
    let fonts = set
        .match_url(&url("https://fonts.gstatic.com/s/roboto/v30/a.woff2"))
        .unwrap();
    assert_eq!(fonts.category(), Category::Fonts);
    assert!(
        set.match_url(&url("https://unknown-cdn.example/x.js"))
            .is_none()
    );
    assert!(set.match_url(&url("https://notfacebook.com/tr")).is_none());
    assert!(
        set.match_url(&url("https://stats.zorggroep-eemland.nl/matomo.php"))
            .is_none()
    );
    let m = set
        .match_url(&url("https://www.youtube.com/embed/x"))
        .unwrap();
    assert_eq!(
        (m.rule_id().as_str(), m.kind(), m.category()),
        ("youtube-embed", EndpointKind::Embed, Category::Social)
    );
}

#[test]
fn cookies_and_storage_keys_are_found_by_name_and_prefix() {
    let set = shipped();
    assert_eq!(
        set.vendor_for_cookie("_fbp").map(|v| v.vendor.as_str()),
        Some("meta")
    );
    assert_eq!(
        set.vendor_for_cookie("_ga_ABC").map(|v| v.vendor.as_str()),
        Some("google")
    );
    assert_eq!(
        set.vendor_for_cookie("_hjSessionUser_1")
            .map(|v| v.vendor.as_str()),
        Some("hotjar")
    );
    assert!(set.vendor_for_cookie("PHPSESSID").is_none());
    assert_eq!(
        set.vendor_for_storage_key("_hjid")
            .map(|v| v.vendor.as_str()),
        Some("hotjar")
    );
}

fn one(text: &str) -> Result<RuleSet, RuleErrors> {
    RuleSet::from_sources(vec![Source::new("rules/trackers/acme.toml", text)])
}

#[test]
fn problems_are_reported_with_file_and_line() {
    let errors = one("company = \"Acme\"\ncategories = [\"advertising\"]\nhosts = [\"acme.example\"]\n\n[[endpoint]]\nid = \"acme-pixel\"\nhosts = [\"px.other.example\"]\npaths = [\"collect\"]\nexamples = [\"https://px.acme.example/x\"]\n")
        .unwrap_err()
        .0;
    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(
        text.iter().any(|e| e.starts_with(
            "rules/trackers/acme.toml:7: endpoint host `px.other.example` is not within"
        )),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|e| e.starts_with("rules/trackers/acme.toml:8: path pattern `collect`")),
        "{text:?}"
    );
    let syntax = one("company = \"Acme\"\ncategories = [\"advertising\"\nhosts = []\n")
        .unwrap_err()
        .0;
    assert_eq!(syntax[0].line, 3, "{:?}", syntax);
    let unknown = one("company = \"Acme\"\ncategories = [\"advertising\"]\nhosts = [\"acme.example\"]\ncolour = \"red\"\n").unwrap_err().0;
    assert_eq!(unknown[0].line, 4, "{:?}", unknown);
    let kind = one("company = \"Acme\"\ncategories = [\"advertising\"]\nhosts = [\"acme.example\"]\n\n[[endpoint]]\nid = \"acme-pixel\"\nkind = \"beacon\"\nhosts = [\"acme.example\"]\n").unwrap_err().0;
    assert_eq!(kind[0].line, 7, "{kind:?}");
    assert!(
        kind[0]
            .message
            .contains("unknown kind `beacon` (one of tracker, script, social-plugin, embed)"),
        "{kind:?}"
    );
}

#[test]
fn two_vendors_may_not_claim_one_host() {
    let a = "company = \"A\"\ncategories = [\"analytics\"]\nhosts = [\"shared.example\"]\n";
    let errors = RuleSet::from_sources(vec![
        Source::new("a.toml", a),
        Source::new("b.toml", a.replace("\"A\"", "\"B\"")),
    ])
    .unwrap_err()
    .0;
    assert!(
        errors[0].to_string().contains("also claimed by vendor `a`"),
        "{errors:?}"
    );
}

#[test]
fn a_duplicate_rule_id_is_reported_at_its_second_occurrence() {
    let text = "company = \"Acme\"\ncategories = [\"advertising\"]\nhosts = [\"acme.example\"]\n\n\
                [[endpoint]]\nid = \"acme-pixel\"\nhosts = [\"acme.example\"]\n\n\
                [[endpoint]]\nid = \"acme-pixel\"\nhosts = [\"acme.example\"]\n";
    let errors = one(text).unwrap_err().0;
    let twice: Vec<&RuleError> = errors
        .iter()
        .filter(|e| e.message.contains("appears twice"))
        .collect();
    assert_eq!(twice.len(), 1, "{errors:?}");
    // Line 10 is the second `id = "acme-pixel"`; a text search would have said 6.
    assert_eq!(twice[0].line, 10, "{errors:?}");
}

/// Shapes seen in real tag snippets: extra arguments after the id, no spaces, and templates that leave
/// the id to a variable, which must give no id at all rather than a wrong one.
#[test]
fn tag_ids_come_from_literal_ids_only() {
    let set = shipped();
    let ids = |text: &str| -> Vec<String> {
        set.tag_ids(text)
            .into_iter()
            .map(|m| format!("{}={}", m.rule.id, m.id))
            .collect()
    };
    assert_eq!(
        ids("fbq('init', '4455667788990011', {}, {autoConfig: false});"),
        ["meta-pixel-id=4455667788990011"]
    );
    assert_eq!(
        ids("h._hjSettings={hjid:1234567,hjsv:6};"),
        ["hotjar-site-id=1234567"]
    );
    for template in [
        "fbq('init', '${pixelId}');",
        "fbq('init', tracking.pixelID);",
        "_linkedin_partner_id = \"{{ partner_id }}\";",
        "ttq.load('${TIKTOK_ID}');",
        "ttq.load('\" . $code . \"');",
        "h._hjSettings={hjid:${hotjarId},hjsv:6};",
        "})(window, document, \"clarity\", \"script\", \"${clarityId}\");",
    ] {
        assert!(ids(template).is_empty(), "{template}: {:?}", ids(template));
    }
}
