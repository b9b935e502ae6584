//! `report.html`: one self-contained page (styles, screenshots and charts inline, no request when opened)
//! that a journalist can read and a regulator can file, in Dutch or English.
//!
//! Everything a scanned site controls (URLs, titles, cookie names, request bodies, page text) reaches the
//! page only through the template engine's HTML escaping; nothing site-made is marked safe. A Content
//! Security Policy allows no loads at all (images are `data:` URIs) and only the report's own script
//! (by nonce), so even a missed escape could not run a site's script or call home.
//!
//! The page is built in three parts: this module renders the template with the views of [`views`] (what
//! each section of a site shows) and [`evidence`] (the requests and screenshots that prove a finding),
//! in the words of [`labels`].

mod evidence;
pub(super) mod labels;
mod views;

use std::path::Path;

use serde::Serialize;

use super::Report;
use views::{SiteView, site_view};

const TEMPLATE: &str = include_str!("report.html.j2");

/// Renders the report as HTML in `lang` (`nl` or `en`); screenshots are read from `dir`.
pub fn render(report: &Report, dir: &Path, lang: &str) -> Result<String, String> {
    let lang = if lang == "en" { "en" } else { "nl" };
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_template("report.html", TEMPLATE)
        .map_err(|e| format!("the report template is broken: {e}"))?;
    let nonce = nonce()?;
    let t = labels::labels(lang)?;
    let sites: Vec<SiteView> = report
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| site_view(i, s, dir, lang, &t))
        .collect();
    let chart = chart(report);
    let template = env.get_template("report.html").map_err(|e| e.to_string())?;
    template
        .render(minijinja::context! {
            lang => lang,
            t => serde_value(&t),
            nonce => nonce,
            tool => serde_value(&report.tool),
            sector => serde_value(&report.sector),
            not_assessed => serde_value(&report.not_assessed),
            handoff => serde_value(&report.handoff),
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

/// One bar pair of the sector chart, in SVG units.
#[derive(Serialize)]
struct BarView {
    vendor: String,
    y: usize,
    sites: usize,
    medical: usize,
    sites_width: usize,
    medical_width: usize,
}

/// The sector chart: per vendor, the sites it reached and those with medical pages, scaled so the
/// widest-reaching vendor's bar is 360 units long.
fn chart(report: &Report) -> Vec<BarView> {
    let vendors = &report.sector.vendors;
    let max_reach = vendors.iter().map(|v| v.sites).max().unwrap_or(1).max(1);
    vendors
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
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(
            on_tags.iter().all(|n| *n == first),
            "{first} vs {on_tags:?}"
        );
        let (second, _) = nonces(&render_sample("nl"));
        assert_ne!(first, second);
    }
}
