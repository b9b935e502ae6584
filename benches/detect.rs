//! Detection speed: rule matching of request URLs and payload decoding, single thread.
//!
//!     cargo bench --bench detect

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pixelaudit::detect::payload::decode_request;
use pixelaudit::rules::RuleSet;

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

criterion_group!(benches, matching, decoding);
criterion_main!(benches);
