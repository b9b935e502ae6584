//! Classifier speed: pages per second on 50 KB pages, single thread (target: at least 2,000).
//!
//!     cargo bench --bench classify

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pixelaudit::classify::{Lexicon, classify_html};

/// A realistic 50 KB page: header, menus, footer and cookie banner around a long article.
fn page_of_50_kb() -> String {
    let article = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/pages/nl/013.html"),
    )
    .unwrap();
    let paragraph = "<p>De basisverzekering vergoedt de eerste drie IVF-pogingen. Voor ICSI en een eiceldonatie gelden dezelfde regels. \
        Bespreek met uw gynaecoloog welke behandeling bij u past; ook de hormoonbehandeling en de follikelpunctie horen daarbij.</p>\n";
    let menu: String = (0..60)
        .map(|i| format!("<li><a href=\"/pagina-{i}/\">Onderwerp {i}</a></li>"))
        .collect();
    let mut body = String::new();
    while body.len() < 44_000 {
        body.push_str(paragraph);
    }
    article
        .replace(
            "<main>",
            &format!("<nav class=\"mega-menu\"><ul>{menu}</ul></nav><main>"),
        )
        .replace("</main>", &format!("{body}</main>"))
}

fn classify(c: &mut Criterion) {
    let lexicon =
        Lexicon::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).expect("lexicon loads");
    let html = page_of_50_kb();
    assert!(
        (45_000..60_000).contains(&html.len()),
        "{} bytes",
        html.len()
    );
    let url = "https://www.zilverpolis.nl/vergoedingen/ivf/";
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(1));
    group.bench_function("page_50kb", |b| {
        b.iter(|| classify_html(&lexicon, url, &html).is_medical)
    });
    // The parts: text extraction, language detection, and the lexicon pass over the body.
    group.bench_function("extract_50kb", |b| {
        b.iter(|| pixelaudit::classify::extract(url, &html).body.len())
    });
    let text = pixelaudit::classify::extract(url, &html);
    group.bench_function("language", |b| {
        b.iter(|| pixelaudit::classify::language(&text).len())
    });
    let body = text.body.to_lowercase();
    group.bench_function("lexicon_body", |b| b.iter(|| lexicon.find(&body).len()));
    group.finish();
}

criterion_group!(benches, classify);
criterion_main!(benches);
