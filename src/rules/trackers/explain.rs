//! Saying which rule or list recognises a request, for people (`rules explain URL`), for measurement
//! (`rules explain --file`, one TSV line a URL) and for review (`rules list`).

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use super::{Attribution, RuleSet, host_matches, registrable_domain};

impl RuleSet {
    /// Explains in words which rule matches a URL and why (for `rules explain`).
    pub fn explain(&self, raw: &str) -> String {
        let Ok(url) = url::Url::parse(raw) else {
            return format!("`{raw}` is not a URL");
        };
        let Some(host) = url.host_str() else {
            return format!("`{raw}` has no host");
        };
        let domain = registrable_domain(host);
        let Some(m) = self.match_url(&url) else {
            let no_rule = format!(
                "no vendor rule matches: no vendor claims a host pattern covering `{host}` (registrable domain `{domain}`)"
            );
            return match self.attribute(&url, "", "Other") {
                Some(Attribution::List(found)) => format!(
                    "{no_rule}\nfilter list: {} blocks it with `{}`{}; a tracker of vendor {} ({}), rule {}, category {}",
                    found.matched.list,
                    found.matched.filter,
                    found
                        .matched
                        .line
                        .map(|l| format!(" (line {l})"))
                        .unwrap_or_default(),
                    found.vendor(),
                    found.company(),
                    found.rule_id(),
                    found.category
                ),
                _ if self.lists.is_some() => format!("{no_rule}\nand no filter list blocks it"),
                _ => no_rule,
            };
        };
        let pattern = self
            .by_domain
            .get(&domain)
            .and_then(|l| {
                l.iter()
                    .find(|(p, _)| host_matches(p, &host.to_ascii_lowercase()))
            })
            .map(|(p, _)| p.clone())
            .unwrap_or_default();
        let mut out = format!(
            "vendor: {} ({})\n  host `{host}` is covered by the vendor's host pattern `{pattern}` (registrable domain `{domain}`)\n",
            m.vendor.vendor, m.vendor.company
        );
        match m.endpoint {
            Some(e) => {
                out.push_str(&format!(
                    "rule: {} (kind {}, category {})\n  host matches one of {:?}; path `{}` matches {}\n",
                    e.id,
                    e.kind,
                    m.category(),
                    e.hosts,
                    url.path(),
                    if e.paths.is_empty() { "any path".to_string() } else { format!("{:?}", e.paths) }
                ));
            }
            None => out.push_str(&format!(
                "rule: {} (no endpoint of the vendor matches; counted as a request to the vendor, category {})\n",
                m.rule_id(),
                m.category()
            )),
        }
        out
    }
}

/// One line of `rules explain --file`: the input is `URL[<TAB>PAGE_URL[<TAB>TYPE]]` (TYPE a Chromium
/// resource type, `Other` when left out), the output `url, source, vendor, rule, category, list,
/// filter`, where source is `rules` (a vendor rule), `list` (a filter list only) or `none`.
pub fn explain_row(set: &RuleSet, line: &str) -> [String; 7] {
    let mut parts = line.split('\t');
    let raw = parts.next().unwrap_or_default().trim();
    let page = parts.next().unwrap_or_default().trim();
    let resource_type = parts.next().map(str::trim).unwrap_or("Other");
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let none = |url: &str| [url, "none", "", "", "", "", ""].map(str::to_string);
    let Ok(url) = url::Url::parse(raw) else {
        return none(&clean(raw));
    };
    match set.attribute(&url, page, resource_type) {
        None => none(&clean(raw)),
        Some(Attribution::Rule(hit)) => [
            clean(raw),
            "rules".into(),
            hit.vendor.vendor.clone(),
            hit.rule_id(),
            hit.category().as_str().into(),
            String::new(),
            String::new(),
        ],
        Some(Attribution::List(found)) => [
            clean(raw),
            "list".into(),
            found.vendor(),
            found.rule_id(),
            found.category.as_str().into(),
            clean(&found.matched.list),
            clean(&found.matched.filter),
        ],
    }
}

/// A summary line per vendor, for `rules list`.
pub fn list(set: &RuleSet) -> BTreeMap<String, String> {
    set.vendors
        .iter()
        .map(|v| {
            (
                v.vendor.clone(),
                format!(
                    "{} [{}] hosts: {}; rules: {}",
                    v.company,
                    v.categories
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    v.hosts.join(" "),
                    v.endpoints
                        .iter()
                        .map(|e| e.id.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            )
        })
        .collect()
}

/// `rules explain --file`: one [`explain_row`] line of TSV for each input line, in order.
pub fn explain_lines(
    set: &RuleSet,
    input: impl BufRead,
    mut out: impl Write,
) -> std::io::Result<()> {
    for line in input.lines() {
        writeln!(out, "{}", explain_row(set, &line?).join("\t"))?;
    }
    out.flush()
}
