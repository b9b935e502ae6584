//! The static sweep (`scan --static`): a page as its HTML says it is, without running it. The document
//! fetched over HTTP becomes an [`Observation`] of engine `static`: title, language, links and the HTML
//! for the classifier, the addresses the HTML names as sources (scripts, images, frames, style sheets,
//! the pixels inside `<noscript>`), the inline scripts, and the cookies the document's own response set.
//! It proves what the HTML names, never what a browser would have sent: requests, cookies set by
//! script, storage and consent behaviour stay empty, and the report marks them not assessed.

use std::time::Instant;

use scraper::{ElementRef, Html, Selector};

use crate::crawl::{FetchedPage, Fetcher};
use crate::observe::{
    ConsentMode, Engine, InlineScript, Link, Observation, ObservedCookie, Referenced, SetCookie,
    StaticPage, Visit,
};

/// The largest document the sweep reads; the rest is cut, as the browser stops loading at 4 MiB.
pub const MAX_DOCUMENT_BYTES: usize = 4 * 1024 * 1024;
/// The longest inline script kept, and the most kept of one page: tag snippets are short.
const MAX_INLINE_SCRIPT: usize = 64 * 1024;
const MAX_INLINE_SCRIPTS: usize = 200;

/// Fetches `url` and reads it without running it. A fetch that fails is a visit with its error, as a
/// browser visit would be.
pub async fn visit(fetcher: &Fetcher, url: &str) -> Observation {
    let started_at = crate::now_rfc3339();
    let clock = Instant::now();
    let fetched = fetcher.page(url, MAX_DOCUMENT_BYTES).await;
    let mut observation = match fetched {
        Ok(page) => read_document(url, &page),
        Err(e) => Observation {
            visit: Visit {
                url: url.to_string(),
                error: Some(e),
                ..Visit::default()
            },
            ..Observation::default()
        },
    };
    observation.visit.engine = Engine::Static;
    observation.visit.mode = ConsentMode::None;
    observation.visit.started_at = started_at;
    observation.visit.duration_ms = clock.elapsed().as_millis() as u64;
    observation
}

/// Reads a fetched document: what its HTML and its response headers say.
pub fn read_document(url: &str, page: &FetchedPage) -> Observation {
    let mut visit = Visit {
        url: url.to_string(),
        engine: Engine::Static,
        final_url: (page.final_url != url).then(|| page.final_url.clone()),
        status: Some(page.status),
        ..Visit::default()
    };
    let host = url::Url::parse(&page.final_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    let set_cookies: Vec<SetCookie> = page
        .set_cookies
        .iter()
        .map(|header| SetCookie {
            url: page.final_url.clone(),
            request_id: None,
            header: header.clone(),
            blocked_reason: None,
        })
        .collect();
    let cookies = page
        .set_cookies
        .iter()
        .filter_map(|h| parse_set_cookie(h, &host))
        .collect();
    let is_html = page.content_type.as_deref().is_none_or(|t| {
        let t = t.to_ascii_lowercase();
        t.contains("html") || t.contains("xml")
    });
    if !is_html {
        visit.error = Some(format!(
            "not an HTML document (Content-Type {}): nothing to read",
            page.content_type.as_deref().unwrap_or("")
        ));
        return Observation {
            visit,
            set_cookies,
            cookies,
            ..Observation::default()
        };
    }
    let text = String::from_utf8_lossy(&page.body).into_owned();
    let document = Html::parse_document(&text);
    let base = base_url(&document, &page.final_url);
    visit.title = first_text(&document, "title");
    if page.truncated {
        visit.error = Some(format!(
            "too large: the document passed the {} MiB limit, reading stopped (what arrived until then is read)",
            MAX_DOCUMENT_BYTES / (1024 * 1024)
        ));
    }
    Observation {
        visit,
        text: Some(visible_text(&document)),
        links: links(&document, base.as_ref()),
        lang: attribute(&document, "html", "lang"),
        static_page: Some(StaticPage {
            referenced: referenced(&document, base.as_ref()),
            inline_scripts: inline_scripts(&document),
        }),
        html: Some(text),
        set_cookies,
        cookies,
        ..Observation::default()
    }
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("the sweep's selectors are valid CSS")
}

fn first_text(document: &Html, css: &str) -> Option<String> {
    document
        .select(&selector(css))
        .next()
        .map(|e| e.text().collect::<String>().trim().to_string())
        .filter(|t| !t.is_empty())
}

fn attribute(document: &Html, css: &str, name: &str) -> Option<String> {
    document
        .select(&selector(css))
        .next()
        .and_then(|e| e.value().attr(name))
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The document's base: `<base href>` when it has one, else its own address.
fn base_url(document: &Html, page_url: &str) -> Option<url::Url> {
    let own = url::Url::parse(page_url).ok()?;
    match attribute(document, "base[href]", "href") {
        Some(href) => own.join(&href).ok().or(Some(own)),
        None => Some(own),
    }
}

/// An address in an attribute, made absolute; only http(s) addresses count.
fn absolute(base: Option<&url::Url>, raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let url = match base {
        Some(base) => base.join(raw).ok()?,
        None => url::Url::parse(raw).ok()?,
    };
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

fn links(document: &Html, base: Option<&url::Url>) -> Vec<Link> {
    let mut out: Vec<Link> = Vec::new();
    for a in document.select(&selector("a[href], area[href]")) {
        let Some(url) = a.value().attr("href").and_then(|h| absolute(base, h)) else {
            continue;
        };
        let text = a.text().collect::<Vec<_>>().join(" ");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !out.iter().any(|l| l.url == url) {
            out.push(Link { url, text });
        }
    }
    out
}

/// Where each element names what it loads.
const SOURCES: [(&str, &str); 9] = [
    ("script[src]", "src"),
    ("img[src]", "src"),
    ("iframe[src]", "src"),
    ("frame[src]", "src"),
    ("embed[src]", "src"),
    ("source[src]", "src"),
    ("video[src]", "src"),
    ("audio[src]", "src"),
    ("object[data]", "data"),
];

/// `<link rel>` values that make the browser fetch the address (not `preconnect` or `dns-prefetch`,
/// which only open a connection).
const FETCHING_LINK_RELS: [&str; 5] =
    ["stylesheet", "preload", "modulepreload", "prefetch", "icon"];

fn referenced(document: &Html, base: Option<&url::Url>) -> Vec<Referenced> {
    let mut out: Vec<Referenced> = Vec::new();
    let mut add = |url: Option<String>, element: &str| {
        if let Some(url) = url
            && !out.iter().any(|r| r.url == url && r.element == element)
        {
            out.push(Referenced {
                url,
                element: element.to_string(),
            });
        }
    };
    sources_of(document.root_element(), base, "", &mut add);
    for link in document.select(&selector("link[href][rel]")) {
        let rel = link
            .value()
            .attr("rel")
            .unwrap_or_default()
            .to_ascii_lowercase();
        if rel
            .split_whitespace()
            .any(|r| FETCHING_LINK_RELS.contains(&r))
        {
            add(
                link.value().attr("href").and_then(|h| absolute(base, h)),
                "link",
            );
        }
    }
    // The HTML parser keeps a <noscript>'s content as text (scripting is on): parsed again as a
    // fragment, it shows the pixels a visitor without JavaScript would load.
    for noscript in document.select(&selector("noscript")) {
        let inner = noscript.text().collect::<String>();
        let fragment = Html::parse_fragment(&inner);
        sources_of(fragment.root_element(), base, "noscript ", &mut add);
    }
    out
}

fn sources_of(
    root: ElementRef<'_>,
    base: Option<&url::Url>,
    prefix: &str,
    add: &mut impl FnMut(Option<String>, &str),
) {
    for (css, attr) in SOURCES {
        let element = css.split('[').next().unwrap_or(css);
        for e in root.select(&selector(css)) {
            add(
                e.value().attr(attr).and_then(|v| absolute(base, v)),
                &format!("{prefix}{element}"),
            );
        }
    }
}

/// Script types a browser runs; any other type (`text/plain` with a consent category, say) is held back
/// by the page's consent tool until it rewrites the type.
fn runs_as_script(script_type: Option<&str>) -> bool {
    match script_type.map(|t| t.trim().to_ascii_lowercase()) {
        None => true,
        Some(t) => {
            t.is_empty() || t == "module" || t.contains("javascript") || t.contains("ecmascript")
        }
    }
}

fn inline_scripts(document: &Html) -> Vec<InlineScript> {
    document
        .select(&selector("script:not([src])"))
        .filter_map(|s| {
            let script_type = s.value().attr("type");
            if script_type.is_some_and(|t| t.to_ascii_lowercase().contains("json")) {
                return None;
            }
            let mut text = s.text().collect::<String>();
            if text.trim().is_empty() {
                return None;
            }
            if text.len() > MAX_INLINE_SCRIPT {
                let mut end = MAX_INLINE_SCRIPT;
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.truncate(end);
            }
            Some(InlineScript {
                text,
                held_back: !runs_as_script(script_type),
            })
        })
        .take(MAX_INLINE_SCRIPTS)
        .collect()
}

/// The text a reader sees: every text node outside scripts, styles and the head.
fn visible_text(document: &Html) -> String {
    let hidden = ["script", "style", "noscript", "template", "head"];
    let mut out = String::new();
    for node in document.tree.nodes() {
        let Some(text) = node.value().as_text() else {
            continue;
        };
        if node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| hidden.contains(&e.name()))
        }) {
            continue;
        }
        let text = text.trim();
        if !text.is_empty() {
            out.push_str(text);
            out.push('\n');
        }
    }
    out
}

/// A cookie as a `Set-Cookie` header sets it for `host` (its Domain attribute, else the host itself).
fn parse_set_cookie(header: &str, host: &str) -> Option<ObservedCookie> {
    let mut parts = header.split(';');
    let (name, value) = parts.next()?.split_once('=')?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    let mut cookie = ObservedCookie {
        name: name.to_string(),
        value: value.trim().to_string(),
        domain: host.to_string(),
        path: "/".into(),
        ..ObservedCookie::default()
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp() as f64;
    for attribute in parts {
        let (key, val) = attribute
            .split_once('=')
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim()))
            .unwrap_or_else(|| (attribute.trim().to_ascii_lowercase(), ""));
        match key.as_str() {
            "domain" if !val.is_empty() => {
                cookie.domain = format!(".{}", val.trim_start_matches('.').to_ascii_lowercase())
            }
            "path" if !val.is_empty() => cookie.path = val.to_string(),
            "max-age" => {
                if let Ok(seconds) = val.parse::<f64>() {
                    cookie.expires = Some(now + seconds);
                }
            }
            "expires" if cookie.expires.is_none() => {
                cookie.expires = time::OffsetDateTime::parse(
                    val,
                    &time::format_description::well_known::Rfc2822,
                )
                .ok()
                .map(|t| t.unix_timestamp() as f64);
            }
            "httponly" => cookie.http_only = true,
            "secure" => cookie.secure = true,
            "samesite" => cookie.same_site = Some(val.to_string()),
            _ => {}
        }
    }
    Some(cookie)
}

#[cfg(test)]
mod tests;
