//! Property tests for the parts that read what sites and users hand us: URL normalisation and the
//! frontier, payload decoding, sitemaps, robots.txt and rule files. Whatever the input, they answer
//! (an error is an answer) and never panic; normalisation is stable.

use proptest::prelude::*;

use pixelaudit::crawl::{
    Frontier, Robots, SiteFiles, TrapBounds, dedup_key, normalise, parse_sitemap,
};
use pixelaudit::detect::payload::decode_request;
use pixelaudit::rules::RuleSet;

/// http(s) URLs built from parts a site might use, odd characters included.
fn site_url() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["http", "https", "HTTPS"]),
        prop::sample::select(vec!["www.zorg.nl", "ZORG.nl", "zorg.nl", "sub.zorg.nl"]),
        prop::collection::vec("[a-zA-Z0-9%;=._~-]{0,12}", 0..5),
        prop::collection::vec(("[a-zA-Z_]{1,8}", "[a-zA-Z0-9%+ <>\"']{0,8}"), 0..4),
        prop::option::of("[a-z0-9#]{0,6}"),
    )
        .prop_map(|(scheme, host, segments, params, fragment)| {
            let mut url = format!("{scheme}://{host}/{}", segments.join("/"));
            if !params.is_empty() {
                let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
                url.push('?');
                url.push_str(&query.join("&"));
            }
            if let Some(f) = fragment {
                url.push('#');
                url.push_str(&f);
            }
            url
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn normalising_never_panics_and_is_stable(raw in "\\PC{0,80}") {
        if let Some(once) = normalise(&raw) {
            prop_assert_eq!(normalise(&once), Some(once.clone()));
        }
    }

    #[test]
    fn site_urls_normalise_stably_and_tracking_parameters_do_not_make_a_new_page(url in site_url()) {
        let once = normalise(&url).expect("an http(s) URL normalises");
        prop_assert_eq!(normalise(&once), Some(once.clone()));
        let parsed = url::Url::parse(&once).unwrap();
        let mut tracked = parsed.clone();
        tracked.query_pairs_mut().append_pair("utm_source", "nieuwsbrief").append_pair("fbclid", "x1");
        let tracked = normalise(tracked.as_str()).unwrap();
        prop_assert_eq!(dedup_key(&url::Url::parse(&tracked).unwrap()), dedup_key(&parsed));
    }

    #[test]
    fn the_frontier_takes_anything_and_never_gives_a_page_twice(urls in prop::collection::vec(prop_oneof![site_url(), "\\PC{0,40}"], 0..40)) {
        let mut frontier = Frontier::new("zorg.nl", 5, TrapBounds::default());
        for (i, u) in urls.iter().enumerate() {
            frontier.offer(u, i % 7, (i % 3) as f64, None, |_| true);
        }
        let mut keys = std::collections::BTreeSet::new();
        while let Some(c) = frontier.pop() {
            prop_assert!(keys.insert(dedup_key(&url::Url::parse(&c.url).unwrap())), "{} twice", c.url);
        }
    }

    #[test]
    fn payload_decoding_never_panics(url in "\\PC{0,60}", body in prop::option::of("\\PC{0,200}"), b64 in any::<bool>()) {
        let _ = decode_request(&url, body.as_deref(), b64);
    }

    #[test]
    fn binary_bodies_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        use base64::Engine;
        let body = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let _ = decode_request("https://t.example/collect", Some(&body), true);
        let _ = parse_sitemap(&bytes);
    }

    #[test]
    fn form_bodies_round_trip(key in "[a-z]{1,10}", value in "[a-zA-Z0-9 äöü<>&=]{0,20}") {
        let body = url::form_urlencoded::Serializer::new(String::new()).append_pair(&key, &value).finish();
        let pairs = decode_request("https://t.example/collect", Some(&body), false);
        prop_assert!(pairs.contains(&(key.clone(), value.clone())), "{pairs:?}");
    }

    #[test]
    fn robots_txt_of_any_shape_answers(text in "\\PC{0,300}", path in "[a-z/]{0,20}") {
        let files = SiteFiles { robots_txt: Some(text), ..SiteFiles::default() };
        let robots = Robots::new(&files, false);
        let _ = robots.allowed(&format!("https://www.zorg.nl/{path}"));
    }

    #[test]
    fn a_rule_file_of_any_text_is_an_answer_not_a_panic(text in "\\PC{0,400}") {
        let result = RuleSet::from_sources(vec![pixelaudit::rules::Source::new("rules/trackers/x.toml", text)]);
        if let Err(errors) = result {
            for e in &errors.0 {
                prop_assert!(e.to_string().starts_with("rules/trackers/x.toml"), "{e}");
            }
        }
    }
}
