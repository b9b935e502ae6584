//! Reading documents without running them, on HTML written here.

use super::*;

fn page(html: &str, set_cookies: &[&str]) -> FetchedPage {
    FetchedPage {
        final_url: "https://www.zorg.example/vergoedingen/ivf/".into(),
        status: 200,
        content_type: Some("text/html; charset=utf-8".into()),
        set_cookies: set_cookies.iter().map(|s| s.to_string()).collect(),
        body: html.as_bytes().to_vec(),
        truncated: false,
    }
}

const HTML: &str = r#"<!doctype html><html lang="nl"><head><title> Vergoeding ivf </title>
<base href="https://www.zorg.example/">
<link rel="stylesheet" href="/css/site.css"><link rel="preconnect" href="https://cdn.example">
<script src="https://connect.facebook.net/en_US/fbevents.js"></script>
<script>fbq('init', '112233445566778'); fbq('track', 'PageView');</script>
<script type="text/plain" data-cookieconsent="marketing">_linkedin_partner_id = "998877";</script>
<script type="application/ld+json">{"@type": "MedicalWebPage"}</script>
</head><body><h1>Ivf</h1><p>De basisverzekering vergoedt ivf.</p>
<a href="vergoedingen/icsi/">ICSI</a> <a href="mailto:info@zorg.example">mail</a> <a href="javascript:void(0)">x</a>
<iframe src="https://www.youtube.com/embed/abc"></iframe>
<noscript><img height="1" width="1" src="https://www.facebook.com/tr?id=112233445566778&ev=PageView&noscript=1"></noscript>
</body></html>"#;

#[test]
fn the_html_names_its_sources_links_and_inline_scripts() {
    let seen = read_document(
        "https://www.zorg.example/vergoedingen/ivf/",
        &page(HTML, &[]),
    );
    assert_eq!(seen.visit.engine, Engine::Static);
    assert_eq!(seen.visit.title.as_deref(), Some("Vergoeding ivf"));
    assert_eq!(seen.lang.as_deref(), Some("nl"));
    assert!(
        seen.requests.is_empty(),
        "a static read never claims a request was sent"
    );
    let page = seen.static_page.as_ref().unwrap();
    let referenced: Vec<(&str, &str)> = page
        .referenced
        .iter()
        .map(|r| (r.element.as_str(), r.url.as_str()))
        .collect();
    assert_eq!(
        referenced,
        [
            ("script", "https://connect.facebook.net/en_US/fbevents.js"),
            ("iframe", "https://www.youtube.com/embed/abc"),
            ("link", "https://www.zorg.example/css/site.css"),
            (
                "noscript img",
                "https://www.facebook.com/tr?id=112233445566778&ev=PageView&noscript=1"
            ),
        ]
    );
    let scripts: Vec<(bool, bool)> = page
        .inline_scripts
        .iter()
        .map(|s| (s.text.contains("fbq"), s.held_back))
        .collect();
    assert_eq!(
        scripts,
        [(true, false), (false, true)],
        "JSON-LD is no script"
    );
    let links: Vec<&str> = seen.links.iter().map(|l| l.url.as_str()).collect();
    assert_eq!(links, ["https://www.zorg.example/vergoedingen/icsi/"]);
    assert!(seen.text.as_deref().unwrap().contains("vergoedt ivf"));
    assert!(!seen.text.as_deref().unwrap().contains("fbq"));
}

#[test]
fn the_documents_own_set_cookie_headers_are_its_cookies() {
    let seen = read_document(
        "https://www.zorg.example/vergoedingen/ivf/",
        &page(
            "<html></html>",
            &[
                "sid=abc; Path=/; HttpOnly; Secure; SameSite=Lax",
                "_track=1; Domain=zorg.example; Max-Age=31536000",
                "=broken",
            ],
        ),
    );
    let cookies: Vec<(&str, &str, bool, bool)> = seen
        .cookies
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.domain.as_str(),
                c.http_only,
                c.expires.is_some(),
            )
        })
        .collect();
    assert_eq!(
        cookies,
        [
            ("sid", "www.zorg.example", true, false),
            ("_track", ".zorg.example", false, true)
        ]
    );
    assert_eq!(
        seen.set_cookies.len(),
        3,
        "every header is kept as evidence"
    );
}

#[test]
fn a_document_that_is_not_html_is_a_failed_visit_that_says_why() {
    let mut pdf = page("%PDF-1.7", &[]);
    pdf.content_type = Some("application/pdf".into());
    let seen = read_document("https://www.zorg.example/polis.pdf", &pdf);
    assert!(
        seen.visit
            .error
            .as_deref()
            .unwrap()
            .contains("application/pdf")
    );
    assert!(seen.static_page.is_none());
}
