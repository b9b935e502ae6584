//! Detection speed: rule matching of request URLs (our rules alone, and with the default filter lists
//! after them) and payload decoding, single thread. Throughput is per request.
//!
//!     cargo bench --bench detect

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pixelaudit::detect::payload::decode_request;
use pixelaudit::rules::RuleSet;
use pixelaudit::rules::filter_lists::{FilterLists, default_list_paths};

const URLS: &[&str] = &[
    "https://www.facebook.com/tr/?id=112233445566778&ev=PageView&dl=https%3A%2F%2Fwww.zilverpolis.nl%2Fvergoedingen%2Fivf%2F&rl=&if=false",
    "https://region1.google-analytics.com/g/collect?v=2&tid=G-ABC&cid=1.2&dl=https%3A%2F%2Fwww.example.nl%2F&en=page_view",
    "https://www.zilverpolis.nl/vergoedingen/ivf/",
    "https://static.zilverpolis.nl/css/site.css",
    "https://cdn.jsdelivr.net/npm/tiny-dom@1.2.0/tiny-dom.min.js",
    "https://px.ads.linkedin.com/collect/?pid=1&fmt=gif&url=https%3A%2F%2Fwww.example.nl%2F",
    "https://fonts.gstatic.com/s/roboto/v30/x.woff2",
    "https://www.youtube.com/embed/abc",
];

fn matching(c: &mut Criterion) {
    let rules =
        RuleSet::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).expect("rules load");
    let urls: Vec<url::Url> = URLS.iter().map(|u| url::Url::parse(u).unwrap()).collect();
    let mut group = c.benchmark_group("rules");
    group.throughput(Throughput::Elements(urls.len() as u64));
    group.bench_function("match_url", |b| {
        b.iter(|| urls.iter().filter(|u| rules.match_url(u).is_some()).count())
    });
    group.finish();
}

fn decoding(c: &mut Criterion) {
    let body = r#"{"event":"Pageview","context":{"page":{"url":"https://www.ggz-kompas.nl/behandelingen/depressie/","referrer":""},"pixel":{"code":"C1"},"user":{"anonymous_id":"abc"}},"properties":{"content_name":"Behandeling depressie"}}"#;
    let mut group = c.benchmark_group("payload");
    group.throughput(Throughput::Elements(1));
    group.bench_function("decode_json_body", |b| {
        b.iter(|| {
            decode_request(
                "https://analytics.tiktok.com/api/v2/pixel",
                Some(body),
                false,
            )
            .len()
        })
    });
    group.bench_function("decode_query", |b| {
        b.iter(|| decode_request(URLS[0], None, false).len())
    });
    group.finish();
}

/// A page's worth of third-party and first-party requests: known trackers, services, trackers only the
/// lists know, and the site's own files (which every list must also be asked about, the slow case).
const MIXED: &[(&str, &str)] = &[
    (
        "https://www.facebook.com/tr/?id=112233445566778&ev=PageView&dl=https%3A%2F%2Fwww.zilverpolis.nl%2Fvergoedingen%2Fivf%2F",
        "Image",
    ),
    (
        "https://region1.google-analytics.com/g/collect?v=2&tid=G-ABC&cid=1.2&en=page_view",
        "Ping",
    ),
    ("https://www.zilverpolis.nl/vergoedingen/ivf/", "Document"),
    ("https://static.zilverpolis.nl/css/site.css", "Stylesheet"),
    ("https://static.zilverpolis.nl/js/menu.js?v=3", "Script"),
    ("https://www.zilverpolis.nl/images/hero-ivf.jpg", "Image"),
    (
        "https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js",
        "Script",
    ),
    (
        "https://sb.scorecardresearch.com/b?c1=2&c2=123&c7=https%3A%2F%2Fwww.zilverpolis.nl%2F",
        "Image",
    ),
    (
        "https://cdn.jsdelivr.net/npm/tiny-dom@1.2.0/tiny-dom.min.js",
        "Script",
    ),
    ("https://fonts.gstatic.com/s/roboto/v30/x.woff2", "Font"),
    ("https://api.zilverpolis.nl/v1/premie?leeftijd=40", "XHR"),
    (
        "https://widget.trustpilot.com/bootstrap/v5/tp.widget.bootstrap.min.js",
        "Script",
    ),
];

fn attribution(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let ours = RuleSet::load(&dir).expect("rules load");
    let requests: Vec<(url::Url, &str)> = MIXED
        .iter()
        .map(|(u, t)| (url::Url::parse(u).unwrap(), *t))
        .collect();
    let page = "https://www.zilverpolis.nl/vergoedingen/ivf/";
    let mut group = c.benchmark_group("attribute");
    group.throughput(Throughput::Elements(requests.len() as u64));
    group.bench_function("our_rules", |b| {
        b.iter(|| {
            requests
                .iter()
                .filter(|(u, t)| ours.attribute(u, page, t).is_some())
                .count()
        })
    });
    let paths = default_list_paths();
    if paths.is_empty() {
        eprintln!(
            "attribute/our_rules_and_default_lists: skipped, EasyPrivacy and EasyList are not installed (scripts/setup)"
        );
    } else {
        let mut with_lists = ours.clone();
        with_lists.set_filter_lists(FilterLists::load(&paths).expect("default lists load"));
        group.bench_function("our_rules_and_default_lists", |b| {
            b.iter(|| {
                requests
                    .iter()
                    .filter(|(u, t)| with_lists.attribute(u, page, t).is_some())
                    .count()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, matching, attribution, decoding);
criterion_main!(benches);
