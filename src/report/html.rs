//! `report.html`: one self-contained page (styles, screenshots and charts inline, no request when opened)
//! that a journalist can read and a regulator can file, in Dutch or English.
//!
//! Everything a scanned site controls (URLs, titles, cookie names, request bodies, page text) reaches the
//! page only through the template engine's HTML escaping; nothing site-made is marked safe. A Content
//! Security Policy allows no loads at all (images are `data:` URIs) and only the report's own script
//! (by nonce), so even a missed escape could not run a site's script or call home.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine;
use serde::Serialize;

use super::{PageReport, Report, SiteReport};

const TEMPLATE: &str = include_str!("report.html.j2");
/// Largest screenshot embedded (bytes); larger ones are named, not shown.
const MAX_EMBEDDED_SCREENSHOT: u64 = 2 * 1024 * 1024;
/// Occurrences shown per finding; the rest are counted (all are in report.json and findings.csv).
const OCCURRENCES_SHOWN: usize = 5;

/// Renders the report as HTML in `lang` (`nl` or `en`); screenshots are read from `dir`.
pub fn render(report: &Report, dir: &Path, lang: &str) -> Result<String, String> {
    let lang = if lang == "en" { "en" } else { "nl" };
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_template("report.html", TEMPLATE)
        .map_err(|e| format!("the report template is broken: {e}"))?;
    let nonce = nonce()?;
    let sites: Vec<SiteView> = report
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| site_view(i, s, dir, lang))
        .collect();
    let max_reach = report
        .sector
        .vendors
        .iter()
        .map(|v| v.sites)
        .max()
        .unwrap_or(1)
        .max(1);
    let chart: Vec<BarView> = report
        .sector
        .vendors
        .iter()
        .enumerate()
        .map(|(i, v)| BarView {
            vendor: v.vendor.clone(),
            y: 8 + i * 26,
            sites: v.sites,
            medical: v.sites_on_medical_pages,
            sites_width: 360 * v.sites / max_reach,
            medical_width: 360 * v.sites_on_medical_pages / max_reach,
        })
        .collect();
    let template = env.get_template("report.html").map_err(|e| e.to_string())?;
    template
        .render(minijinja::context! {
            lang => lang,
            t => serde_value(&labels(lang)),
            nonce => nonce,
            tool => serde_value(&report.tool),
            sector => serde_value(&report.sector),
            not_assessed => serde_value(&report.not_assessed),
            sites => serde_value(&sites),
            chart_height => 16 + chart.len() * 26,
            chart => serde_value(&chart),
            pages_total => report.sites.iter().map(|s| s.pages.len()).sum::<usize>(),
        })
        .map_err(|e| format!("the report could not be rendered: {e}"))
}

fn serde_value<T: Serialize>(value: &T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(value))
}

/// A fresh nonce for the report's own script, from the operating system's random source: a script a
/// site smuggled into the page cannot know or guess it, as it could a hash of the time and process id.
fn nonce() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| format!("no random source for the report's script nonce: {e}"))?;
    Ok(hex::encode(bytes))
}

#[derive(Serialize)]
struct BarView {
    vendor: String,
    y: usize,
    sites: usize,
    medical: usize,
    sites_width: usize,
    medical_width: usize,
}

#[derive(Serialize)]
struct SiteView {
    anchor: String,
    name: String,
    url: String,
    sector: Option<String>,
    pages: usize,
    failed: usize,
    medical_pages: usize,
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    vendors_medical: Vec<String>,
    consent_tool: Option<String>,
    /// How the tool and its banner were recognised (for the generic finder: the signals that decided).
    detected_by: Option<String>,
    /// Prompts set aside as not consent notices.
    set_aside: Vec<String>,
    banner_found: bool,
    screenshots: Vec<ScreenshotView>,
    findings: Vec<FindingView>,
    cookies: Vec<CookieView>,
    services: Vec<ServiceView>,
    visited: Vec<PageView>,
    robots: String,
    /// Per consent mode that stopped early: why.
    gave_up: Vec<String>,
}

#[derive(Serialize)]
struct ScreenshotView {
    caption: String,
    data_uri: Option<String>,
}

#[derive(Serialize)]
struct FindingView {
    id: String,
    severity: String,
    needs_review: bool,
    vendor: Option<String>,
    title: String,
    explanation: String,
    legal_basis: Vec<String>,
    occurrences: Vec<OccurrenceView>,
    more: usize,
}

#[derive(Serialize)]
struct OccurrenceView {
    page: String,
    mode: String,
    phase: Option<String>,
    detail: Option<String>,
    requests: Vec<RequestView>,
    cookies: Vec<String>,
}

#[derive(Serialize)]
struct RequestView {
    line: String,
    /// Decoded fields: name and the value cut into plain and highlighted (health-bearing) pieces.
    fields: Vec<(String, Vec<Piece>)>,
    body: Option<String>,
}

#[derive(Serialize)]
struct Piece {
    text: String,
    mark: bool,
}

/// A third-party service the site uses that does not track by the rules (consent tool, CDN, fonts).
#[derive(Serialize)]
struct ServiceView {
    vendor: String,
    company: String,
    purpose: String,
    hosts: String,
    requests: usize,
    modes: String,
}

#[derive(Serialize)]
struct CookieView {
    domain: String,
    name: String,
    vendor: Option<String>,
    expires: String,
    http_only: bool,
    modes: String,
}

#[derive(Serialize)]
struct PageView {
    mode: String,
    url: String,
    status: String,
    medical: Option<bool>,
    score: Option<f64>,
    terms: Vec<String>,
    vendors: Vec<String>,
}

fn site_view(index: usize, site: &SiteReport, dir: &Path, lang: &str) -> SiteView {
    let by = |s: &str| {
        site.summary
            .findings_by_severity
            .get(s)
            .copied()
            .unwrap_or(0)
    };
    let screenshots = site
        .consent
        .screenshots
        .iter()
        .take(2)
        .enumerate()
        .map(|(i, path)| ScreenshotView {
            caption: if lang == "en" {
                ["banner as first shown", "after the click"][i.min(1)].to_string()
            } else {
                ["banner bij het eerste bezoek", "na de klik"][i.min(1)].to_string()
            },
            data_uri: embed_png(dir, path),
        })
        .collect();
    let findings = site
        .findings
        .iter()
        .map(|f| FindingView {
            id: f.id.clone(),
            severity: f.severity.to_string(),
            needs_review: f.needs_review,
            vendor: f.vendor.clone(),
            title: if lang == "en" {
                &f.title.en
            } else {
                &f.title.nl
            }
            .clone(),
            explanation: if lang == "en" {
                &f.explanation.en
            } else {
                &f.explanation.nl
            }
            .clone(),
            legal_basis: f.legal_basis.clone(),
            occurrences: f
                .occurrences
                .iter()
                .take(OCCURRENCES_SHOWN)
                .map(|o| OccurrenceView {
                    page: o.page.clone(),
                    mode: o.mode.as_str().into(),
                    phase: o.phase.map(|p| p.as_str().into()),
                    detail: o.detail.clone(),
                    requests: o
                        .requests
                        .iter()
                        .take(3)
                        .map(|line| request_view(site, &o.page, o.mode, line, &o.health_terms))
                        .collect(),
                    cookies: o.cookies.clone(),
                })
                .collect(),
            more: f.occurrences.len().saturating_sub(OCCURRENCES_SHOWN),
        })
        .collect();
    let mut cookies: BTreeMap<(String, String), CookieView> = BTreeMap::new();
    for page in &site.pages {
        for c in page.cookies.iter().filter(|c| c.third_party) {
            let entry = cookies
                .entry((c.domain.clone(), c.name.clone()))
                .or_insert_with(|| CookieView {
                    domain: c.domain.clone(),
                    name: c.name.clone(),
                    vendor: c.vendor.clone(),
                    expires: c.expires.clone().unwrap_or_else(|| "session".into()),
                    http_only: c.http_only,
                    modes: String::new(),
                });
            add_word(&mut entry.modes, page.mode.as_str());
        }
    }
    let mut services: BTreeMap<(String, String), ServiceView> = BTreeMap::new();
    for page in &site.pages {
        for t in page.services.iter().filter(|t| t.third_party) {
            let entry = services
                .entry((t.vendor.clone(), t.category.clone()))
                .or_insert_with(|| ServiceView {
                    vendor: t.vendor.clone(),
                    company: t.company.clone(),
                    purpose: t.category.clone(),
                    hosts: String::new(),
                    requests: 0,
                    modes: String::new(),
                });
            entry.requests += t.requests.len();
            for host in t
                .requests
                .iter()
                .filter_map(|r| url::Url::parse(&r.url).ok()?.host_str().map(str::to_string))
            {
                add_word(&mut entry.hosts, &host);
            }
            add_word(&mut entry.modes, page.mode.as_str());
        }
    }
    SiteView {
        anchor: format!("site-{}", index + 1),
        name: site.name.clone(),
        url: site.url.clone(),
        sector: site.sector.clone(),
        pages: site.pages.len(),
        failed: site.pages.iter().filter(|p| p.error.is_some()).count(),
        medical_pages: site.summary.medical_pages,
        critical: by("critical"),
        high: by("high"),
        medium: by("medium"),
        low: by("low"),
        vendors_medical: site.summary.vendors_receiving_medical_pages.clone(),
        consent_tool: site.consent.tool.clone(),
        detected_by: site.consent.detected_by.clone(),
        set_aside: site.consent.set_aside.clone(),
        banner_found: site.consent.banner_found,
        screenshots,
        findings,
        cookies: cookies.into_values().collect(),
        services: services.into_values().collect(),
        visited: site.pages.iter().map(page_view).collect(),
        robots: site.crawl.robots_status.clone(),
        gave_up: site
            .crawl
            .frontiers
            .iter()
            .filter_map(|(mode, f)| f.gave_up.as_ref().map(|why| format!("{mode}: {why}")))
            .collect(),
    }
}

/// Appends `word` to a space-separated list unless it is there already.
fn add_word(list: &mut String, word: &str) {
    if !list.split(' ').any(|w| w == word) {
        if !list.is_empty() {
            list.push(' ');
        }
        list.push_str(word);
    }
}

fn page_view(p: &PageReport) -> PageView {
    let mut vendors: Vec<String> = p.trackers.iter().map(|t| t.vendor.clone()).collect();
    vendors.sort();
    vendors.dedup();
    let mut terms: Vec<String> = p
        .medical
        .as_ref()
        .map(|m| m.evidence.iter().map(|e| e.term.clone()).collect())
        .unwrap_or_default();
    terms.sort();
    terms.dedup();
    terms.truncate(8);
    PageView {
        mode: p.mode.as_str().into(),
        url: p.url.clone(),
        status: match (&p.error, p.status) {
            (Some(e), _) => e.clone(),
            (None, Some(s)) => s.to_string(),
            (None, None) => String::new(),
        },
        medical: p.medical.as_ref().map(|m| m.is_medical),
        score: p.medical.as_ref().map(|m| m.score),
        terms,
        vendors,
    }
}

/// The cited request (`METHOD URL`) with what the vendor received, found on the page it came from.
fn request_view(
    site: &SiteReport,
    page: &str,
    mode: crate::observe::ConsentMode,
    line: &str,
    health_terms: &[String],
) -> RequestView {
    let found = site
        .pages
        .iter()
        .filter(|p| p.url == page && p.mode == mode)
        .flat_map(|p| p.trackers.iter().chain(&p.services))
        .flat_map(|t| &t.requests)
        .find(|r| format!("{} {}", r.method, r.url) == line);
    let mut fields = Vec::new();
    let mut body = None;
    if let Some(r) = found {
        let received = &r.received;
        let mut push = |name: &str, value: &str| {
            fields.push((name.to_string(), highlight(value, health_terms)));
        };
        for (name, value) in [
            ("page_url", &received.page_url),
            ("referrer", &received.referrer),
            ("title", &received.title),
            ("event", &received.event),
        ] {
            if let Some(v) = value {
                push(name, v);
            }
        }
        for (k, v) in &received.custom {
            push(k, v);
        }
        for (k, v) in &received.identifiers {
            push(k, v);
        }
        for (k, v) in &received.hashed_user_data {
            push(k, v);
        }
        body = r
            .post_data
            .as_ref()
            .map(|b| b.chars().take(2000).collect::<String>());
    }
    RequestView {
        line: line.chars().take(2000).collect(),
        fields,
        body,
    }
}

/// Cuts `value` into pieces, marking every occurrence of a health term (case-insensitive).
fn highlight(value: &str, terms: &[String]) -> Vec<Piece> {
    let lower = value.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII; only then fall back to no marking.
    if lower.len() != value.len() || terms.is_empty() {
        return vec![Piece {
            text: value.to_string(),
            mark: false,
        }];
    }
    let mut marks = vec![false; value.len()];
    for term in terms.iter().filter(|t| !t.is_empty()) {
        let term = term.to_lowercase();
        let mut from = 0;
        while let Some(at) = lower[from..].find(&term) {
            let start = from + at;
            for m in &mut marks[start..start + term.len()] {
                *m = true;
            }
            from = start + term.len();
        }
    }
    let mut pieces: Vec<Piece> = Vec::new();
    let mut start = 0;
    for i in 1..=value.len() {
        if i == value.len() || (marks[i] != marks[start] && value.is_char_boundary(i)) {
            pieces.push(Piece {
                text: value[start..i].to_string(),
                mark: marks[start],
            });
            start = i;
        }
    }
    pieces
}

/// A screenshot as a `data:` URI, when it is a PNG file inside the output folder and not too large.
fn embed_png(dir: &Path, relative: &str) -> Option<String> {
    let path = dir.join(relative);
    // The path comes from our own evidence naming; refuse anything that leaves the folder anyway.
    if relative.contains("..") || !relative.ends_with(".png") {
        return None;
    }
    let meta = std::fs::metadata(&path).ok()?;
    if meta.len() > MAX_EMBEDDED_SCREENSHOT {
        return None;
    }
    let bytes = std::fs::read(&path).ok()?;
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return None;
    }
    Some(format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

fn labels(lang: &str) -> BTreeMap<&'static str, &'static str> {
    let pairs: &[(&str, &str, &str)] = &[
        (
            "title",
            "Rapport: tracking van gezondheidsgegevens",
            "Report: tracking of health data",
        ),
        ("sector", "Overzicht van de sector", "Sector overview"),
        ("site", "Website", "Website"),
        ("pages", "Pagina's", "Pages"),
        ("failed", "Mislukt", "Failed"),
        ("medical", "Medisch", "Medical"),
        ("critical", "Kritiek", "Critical"),
        ("high", "Hoog", "High"),
        ("medium", "Middel", "Medium"),
        ("low", "Laag", "Low"),
        (
            "vendors_medical",
            "Ontvangers van medische pagina's",
            "Recipients of medical pages",
        ),
        ("vendor", "Partij", "Vendor"),
        ("sites_reached", "websites", "sites"),
        ("on_medical", "op medische pagina's", "on medical pages"),
        (
            "chart_title",
            "Per partij: op hoeveel websites, en op hoeveel met medische pagina's",
            "Per vendor: on how many sites, and on how many with medical pages",
        ),
        (
            "summary_sentence",
            "websites hebben bevindingen, waarvan kritiek:",
            "sites have findings, critical:",
        ),
        ("of", "van", "of"),
        ("findings", "Bevindingen", "Findings"),
        ("no_findings", "Geen bevindingen.", "No findings."),
        ("legal_basis", "Juridische grondslag", "Legal basis"),
        ("evidence", "Bewijs", "Evidence"),
        ("page", "Pagina", "Page"),
        ("mode", "Toestemmingsmodus", "Consent mode"),
        ("phase", "Moment", "Phase"),
        ("request", "Verzoek", "Request"),
        (
            "received",
            "Wat de partij ontving",
            "What the vendor received",
        ),
        ("body", "Inhoud van het verzoek", "Request body"),
        (
            "needs_review",
            "beoordeling door een mens nodig",
            "needs review by a person",
        ),
        (
            "more",
            "meer vindplaatsen in report.json en findings.csv",
            "more occurrences in report.json and findings.csv",
        ),
        ("cookies", "Cookies van derden", "Third-party cookies"),
        (
            "services",
            "Diensten van derden die volgens de regels niet volgen (geen trackers)",
            "Third-party services that do not track by the rules (not trackers)",
        ),
        ("purpose", "Doel", "Purpose"),
        ("hosts", "Hosts", "Hosts"),
        ("requests", "Verzoeken", "Requests"),
        ("domain", "Domein", "Domain"),
        ("name", "Naam", "Name"),
        ("expires", "Verloopt", "Expires"),
        ("visited", "Bezochte pagina's", "Pages visited"),
        ("status", "Status", "Status"),
        ("terms", "Medische termen", "Medical terms"),
        ("trackers", "Trackers", "Trackers"),
        ("banner", "Cookiebanner", "Consent banner"),
        (
            "no_banner",
            "Geen cookiebanner gevonden.",
            "No consent banner found.",
        ),
        ("tool", "Hulpmiddel", "Tool"),
        ("detected_by", "Herkend aan", "Recognised by"),
        (
            "set_aside",
            "Geen cookiemelding (terzijde gelegd)",
            "Not a consent notice (set aside)",
        ),
        ("method", "Methode", "Method"),
        (
            "tool_version",
            "Versie van pixelaudit",
            "pixelaudit version",
        ),
        ("rules_version", "Versie van de regels", "Rules version"),
        ("browser", "Browser", "Browser"),
        ("command_line", "Opdrachtregel", "Command line"),
        ("started", "Begonnen (UTC)", "Started (UTC)"),
        ("finished", "Klaar (UTC)", "Finished (UTC)"),
        (
            "map_hosts",
            "Hostnamen omgeleid naar",
            "Host names mapped to",
        ),
        ("not_assessed", "Niet beoordeeld", "Not assessed"),
        (
            "cookie_mode",
            "Cookie-instelling van de browser",
            "Browser cookie setting",
        ),
        ("robots", "robots.txt", "robots.txt"),
        (
            "gave_up",
            "Crawl vroegtijdig gestopt",
            "Crawl stopped early",
        ),
        ("yes", "ja", "yes"),
        ("no", "nee", "no"),
        (
            "sort_hint",
            "Klik op een kolomkop om te sorteren.",
            "Click a column header to sort.",
        ),
        (
            "disclaimer",
            "Dit rapport wijst op waarschijnlijk onrechtmatige verwerking; het oordeel is aan de toezichthouder of de rechter. Elke bevinding noemt het verzoek, de ontvangen gegevens en de pagina waar het vandaan kwam.",
            "This report points to likely unlawful processing; the judgement is for the regulator or a court. Every finding names the request, the data received and the page it came from.",
        ),
    ];
    pairs
        .iter()
        .map(|(k, nl, en)| (*k, if lang == "en" { *en } else { *nl }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_terms_are_marked_and_nothing_else() {
        let pieces = highlight(
            "https://x.nl/vergoedingen/IVF-behandeling/",
            &["ivf".into()],
        );
        let marked: Vec<&str> = pieces
            .iter()
            .filter(|p| p.mark)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, ["IVF"]);
        let joined: String = pieces.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(joined, "https://x.nl/vergoedingen/IVF-behandeling/");
    }

    fn render_sample(lang: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        render(&super::super::test_report::sample(), dir.path(), lang).unwrap()
    }

    #[test]
    fn everything_a_site_controls_comes_out_as_text() {
        let html = render_sample("en");
        assert_eq!(html.matches("<script").count(), 1, "only the report's own");
        assert!(!html.contains(super::super::test_report::SCRIPT));
        let text = "&lt;script&gt;alert(&quot;pwned&quot;)&lt;&#x2f;script&gt;";
        for (what, shown) in [
            ("site name", format!("<h2>Zorg {text}</h2>")),
            ("page URL", format!("ivf?q={text}</td>")),
            (
                "page title the vendor received",
                format!("-behandeling {text}</td>"),
            ),
            ("request body", format!("dl={text}</code>")),
            ("cookie name", format!("<td class=\"mono\">_fbp{text}</td>")),
            ("finding cookie", format!(".shop.example {text}</code>")),
            ("banner control", format!("<div>banner button {text}</div>")),
            (
                "banner recognition",
                format!("Recognised by: text {text}</p>"),
            ),
            (
                "prompt set aside",
                format!("(set aside): newsletter {text}</p>"),
            ),
            ("visit error", format!("<td>-1 timed out {text}</td>")),
        ] {
            assert!(html.contains(&shown), "{what} is not shown as text");
        }
    }

    #[test]
    fn severity_columns_count_findings_by_severity() {
        let report = super::super::test_report::sample();
        let view = site_view(0, &report.sites[0], Path::new("."), "en");
        let counts = [view.critical, view.high, view.medium, view.low];
        assert_eq!(counts, [2, 1, 1, 0]);
        let html = render_sample("en");
        let row = ["2", "1", "1", "0"].map(|n| format!("<td class=\"num\">{n}</td>"));
        assert!(html.contains(&row.concat()), "the sector table row");
        assert!(html.contains("Critical: 2 · High: 1 · Medium: 1"));
    }

    /// The nonces of the page: the one its Content Security Policy allows, then those on its tags.
    fn nonces(html: &str) -> (String, Vec<String>) {
        let policy = html.split("'nonce-").nth(1).unwrap();
        let allowed = policy[..policy.find('\'').unwrap()].to_string();
        let on_tags = html
            .split(" nonce=\"")
            .skip(1)
            .map(|rest| rest[..rest.find('"').unwrap()].to_string())
            .collect();
        (allowed, on_tags)
    }

    #[test]
    fn each_render_has_its_own_nonce_and_the_policy_names_it() {
        let (first, on_tags) = nonces(&render_sample("nl"));
        assert_eq!(first.len(), 32, "16 random bytes in hex");
        assert!(!on_tags.is_empty());
        assert!(on_tags.iter().all(|n| *n == first), "{first} vs {on_tags:?}");
        let (second, _) = nonces(&render_sample("nl"));
        assert_ne!(first, second);
    }
}
