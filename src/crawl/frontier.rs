//! The frontier of one site: which page to visit next.
//!
//! Pages come from the start URL, the site's sitemaps and the links of visited pages. Each URL is
//! normalised (fragment, tracking and session parameters dropped) and deduplicated on a looser key
//! (case, trailing slash, parameter order). Links whose URL words or anchor text look medical are visited
//! first, so a small page budget reaches the IVF and mental-health pages rather than thirty news items.
//! Crawler traps (calendars, faceted search, endless paths) are bounded by URL shape.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::rules::registrable_domain;

/// Query parameters that only say where a visitor came from; they never change the page.
const TRACKING_PARAMS: &[&str] = &[
    "gclid",
    "gbraid",
    "wbraid",
    "dclid",
    "fbclid",
    "msclkid",
    "yclid",
    "igshid",
    "twclid",
    "ttclid",
    "li_fat_id",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "_hsenc",
    "_hsmkt",
    "mkt_tok",
    "epik",
    "ref_src",
    "srsltid",
];
/// Query parameters (and `;name=` path parameters) that carry a session id.
const SESSION_PARAMS: &[&str] = &[
    "jsessionid",
    "phpsessid",
    "sid",
    "sessionid",
    "session_id",
    "cfid",
    "cftoken",
    "aspsessionid",
    "zenid",
    "oscsid",
];
/// File extensions that are never HTML pages; links to them are not visited.
const NOT_PAGES: &[&str] = &[
    ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".zip", ".doc", ".docx", ".xls",
    ".xlsx", ".ppt", ".pptx", ".mp4", ".mp3", ".ics", ".xml", ".json", ".css", ".js", ".gz",
    ".rss", ".atom", ".vcf", ".txt",
];

/// Bounds that keep a crawler trap from eating the page budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrapBounds {
    /// Most URLs of one shape (digits and query values ignored) found on a page of that same shape: a
    /// calendar's next month, a list's next page. Siblings linked from another page (fifty news items on
    /// the news index) are not a chain.
    pub per_shape_chain: usize,
    /// Most URLs of one shape in all.
    pub per_shape: usize,
    /// Most query-string variants of one path: the combinations of a faceted search.
    pub per_path: usize,
    /// Most query parameters a page URL may have.
    pub max_params: usize,
    /// Most path segments.
    pub max_segments: usize,
    /// Longest URL.
    pub max_length: usize,
}

impl Default for TrapBounds {
    fn default() -> Self {
        TrapBounds {
            per_shape_chain: 5,
            per_shape: 200,
            per_path: 5,
            max_params: 4,
            max_segments: 10,
            max_length: 400,
        }
    }
}

/// Why a URL was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Skipped {
    /// Another site.
    OffSite,
    /// Not a web page (PDF, image, mailto:, …).
    NotPage,
    /// robots.txt disallows it.
    Robots,
    /// Deeper than `--depth`.
    TooDeep,
    /// Looks like a crawler trap (calendar, faceted search, endless path).
    Trap,
}

/// A page waiting to be visited.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The URL to load (normalised).
    pub url: String,
    /// Link hops from the start URL (sitemap entries count as one).
    pub depth: usize,
    /// How medical the link looked (URL words and anchor text).
    pub score: f64,
    /// Discovery order, the last tie-breaker, so the crawl is the same on every run.
    order: u64,
}

impl Eq for Candidate {}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap pops the greatest: the most medical, then the shallowest, then the earliest.
        self.score
            .total_cmp(&other.score)
            .then(other.depth.cmp(&self.depth))
            .then(other.order.cmp(&self.order))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The frontier of one site.
pub struct Frontier {
    site_domain: String,
    max_depth: usize,
    bounds: TrapBounds,
    queue: BinaryHeap<Candidate>,
    seen: HashSet<String>,
    per_shape: HashMap<String, usize>,
    per_shape_chain: HashMap<String, usize>,
    per_path: HashMap<String, usize>,
    order: u64,
    /// How many URLs were left out, by reason.
    pub skipped: HashMap<Skipped, usize>,
}

impl Frontier {
    /// An empty frontier for the site of `site_domain` (its registrable domain).
    pub fn new(site_domain: &str, max_depth: usize, bounds: TrapBounds) -> Frontier {
        Frontier {
            site_domain: site_domain.to_string(),
            max_depth,
            bounds,
            queue: BinaryHeap::new(),
            seen: HashSet::new(),
            per_shape: HashMap::new(),
            per_shape_chain: HashMap::new(),
            per_path: HashMap::new(),
            order: 0,
            skipped: HashMap::new(),
        }
    }

    /// Offers a URL found at `depth` on the page `found_on` (`None` for the start page and sitemap
    /// entries); `allowed` is the robots.txt verdict. Returns whether it was queued.
    pub fn offer(
        &mut self,
        raw: &str,
        depth: usize,
        score: f64,
        found_on: Option<&str>,
        allowed: impl Fn(&str) -> bool,
    ) -> bool {
        let Some(url) = normalise(raw) else {
            self.skip(Skipped::NotPage);
            return false;
        };
        let parsed = match url::Url::parse(&url) {
            Ok(u) => u,
            Err(_) => {
                self.skip(Skipped::NotPage);
                return false;
            }
        };
        if parsed
            .host_str()
            .is_none_or(|h| registrable_domain(h) != self.site_domain)
        {
            self.skip(Skipped::OffSite);
            return false;
        }
        let path = parsed.path().to_ascii_lowercase();
        if NOT_PAGES.iter().any(|ext| path.ends_with(ext)) {
            self.skip(Skipped::NotPage);
            return false;
        }
        let key = dedup_key(&parsed);
        if self.seen.contains(&key) {
            return false;
        }
        if depth > self.max_depth {
            self.skip(Skipped::TooDeep);
            return false;
        }
        if self.looks_like_trap(&parsed, &url, found_on) {
            self.seen.insert(key);
            self.skip(Skipped::Trap);
            return false;
        }
        if !allowed(&url) {
            self.seen.insert(key);
            self.skip(Skipped::Robots);
            return false;
        }
        self.seen.insert(key);
        self.order += 1;
        self.queue.push(Candidate {
            url,
            depth,
            score,
            order: self.order,
        });
        true
    }

    /// The next page to visit.
    pub fn pop(&mut self) -> Option<Candidate> {
        self.queue.pop()
    }

    /// Pages waiting.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether no page is waiting.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    fn skip(&mut self, why: Skipped) {
        *self.skipped.entry(why).or_default() += 1;
    }

    /// Counts the URL against its shape and path bounds; true when it is over one of them.
    fn looks_like_trap(&mut self, url: &url::Url, text: &str, found_on: Option<&str>) -> bool {
        let b = self.bounds;
        if text.len() > b.max_length {
            return true;
        }
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        if segments.len() > b.max_segments {
            return true;
        }
        // /a/b/a/b/a/b: relative links that grow a path on every visit.
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for s in &segments {
            let n = counts.entry(s).or_default();
            *n += 1;
            if *n >= 3 {
                return true;
            }
        }
        let params: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        if params.len() > b.max_params {
            return true;
        }
        if shape_has_variables(url, &params) {
            let shape = shape_of(url, &params);
            let found_on_same_shape =
                found_on
                    .and_then(|f| url::Url::parse(f).ok())
                    .is_some_and(|f| {
                        let params: Vec<(String, String)> = f.query_pairs().into_owned().collect();
                        shape_of(&f, &params) == shape
                    });
            if found_on_same_shape {
                let chain = self.per_shape_chain.entry(shape.clone()).or_default();
                *chain += 1;
                if *chain > b.per_shape_chain {
                    return true;
                }
            }
            let count = self.per_shape.entry(shape).or_default();
            *count += 1;
            if *count > b.per_shape {
                return true;
            }
        }
        if !params.is_empty() {
            let path_count = self
                .per_path
                .entry(url.path().to_ascii_lowercase())
                .or_default();
            *path_count += 1;
            if *path_count > b.per_path {
                return true;
            }
        }
        false
    }
}

/// The URL's shape: digit runs become `0`, query values are dropped and keys sorted.
fn shape_of(url: &url::Url, params: &[(String, String)]) -> String {
    let mut shape = String::new();
    let mut in_digits = false;
    for c in url.path().to_ascii_lowercase().chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                shape.push('0');
            }
            in_digits = true;
        } else {
            in_digits = false;
            shape.push(c);
        }
    }
    let mut keys: Vec<&str> = params.iter().map(|(k, _)| k.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    if !keys.is_empty() {
        shape.push('?');
        shape.push_str(&keys.join("&"));
    }
    shape
}

/// Whether a shape stands for many URLs (it has digits or query values), as opposed to one fixed page.
fn shape_has_variables(url: &url::Url, params: &[(String, String)]) -> bool {
    !params.is_empty() || url.path().chars().any(|c| c.is_ascii_digit())
}

/// The URL a visit loads: http(s) only, fragment dropped, tracking and session parameters removed.
/// `None` for anything that is not a web page address (`mailto:`, `tel:`, `javascript:`).
pub fn normalise(raw: &str) -> Option<String> {
    let mut url = url::Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    url.set_fragment(None);
    // ;jsessionid=… in the path
    if let Some(semi) = url.path().find(';') {
        let lower = url.path()[semi..].to_ascii_lowercase();
        if SESSION_PARAMS.iter().any(|p| lower.contains(p)) {
            let path = url.path()[..semi].to_string();
            url.set_path(&path);
        }
    }
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .into_owned()
            .filter(|(k, _)| {
                let k = k.to_ascii_lowercase();
                !k.starts_with("utm_")
                    && !TRACKING_PARAMS.contains(&k.as_str())
                    && !SESSION_PARAMS.iter().any(|p| k.starts_with(p))
            })
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    Some(url.to_string())
}

/// The key two URLs of one page share: host without `www.`, path in lower case without a trailing
/// slash, query parameters sorted. The scheme is left out: http and https of a page are one page.
pub fn dedup_key(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let mut path = url.path().to_lowercase();
    while path.len() > 1 && path.ends_with('/') {
        path.pop();
    }
    for index in ["/index.html", "/index.htm", "/index.php"] {
        if let Some(p) = path.strip_suffix(index) {
            path = if p.is_empty() { "/".into() } else { p.into() };
        }
    }
    let mut params: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    params.sort();
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{host}{path}?{}", query.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_allowed(_: &str) -> bool {
        true
    }

    #[test]
    fn normalising_drops_fragments_tracking_and_session_parameters() {
        assert_eq!(
            normalise("https://www.zorg.nl/ivf?utm_source=fb&gclid=1&jaar=2026#top").unwrap(),
            "https://www.zorg.nl/ivf?jaar=2026"
        );
        assert_eq!(
            normalise("https://www.zorg.nl/a;jsessionid=ABC123?PHPSESSID=9").unwrap(),
            "https://www.zorg.nl/a"
        );
        assert_eq!(normalise("mailto:info@zorg.nl"), None);
        assert_eq!(normalise("javascript:void(0)"), None);
    }

    #[test]
    fn case_trailing_slash_and_parameter_order_are_one_page() {
        let mut f = Frontier::new("zorg.nl", 5, TrapBounds::default());
        assert!(f.offer(
            "https://www.zorg.nl/Vergoedingen/",
            1,
            0.0,
            None,
            all_allowed
        ));
        assert!(!f.offer(
            "https://www.zorg.nl/vergoedingen",
            1,
            0.0,
            None,
            all_allowed
        ));
        assert!(!f.offer(
            "http://zorg.nl/vergoedingen/index.html",
            1,
            0.0,
            None,
            all_allowed
        ));
        assert!(f.offer(
            "https://www.zorg.nl/zoek?a=1&b=2",
            1,
            0.0,
            None,
            all_allowed
        ));
        assert!(!f.offer(
            "https://www.zorg.nl/zoek?b=2&a=1",
            1,
            0.0,
            None,
            all_allowed
        ));
        assert!(!f.offer("https://www.andere.nl/", 1, 0.0, None, all_allowed));
        assert!(!f.offer("https://www.zorg.nl/folder.PDF", 1, 0.0, None, all_allowed));
    }

    #[test]
    fn medical_links_come_first_then_shallow_then_in_order_found() {
        let mut f = Frontier::new("zorg.nl", 5, TrapBounds::default());
        f.offer("https://www.zorg.nl/nieuws/1", 1, 0.0, None, all_allowed);
        f.offer("https://www.zorg.nl/nieuws/2", 1, 0.0, None, all_allowed);
        f.offer("https://www.zorg.nl/ivf", 3, 6.0, None, all_allowed);
        f.offer("https://www.zorg.nl/over-ons", 2, 0.0, None, all_allowed);
        let order: Vec<String> = std::iter::from_fn(|| f.pop().map(|c| c.url)).collect();
        assert_eq!(
            order,
            [
                "https://www.zorg.nl/ivf",
                "https://www.zorg.nl/nieuws/1",
                "https://www.zorg.nl/nieuws/2",
                "https://www.zorg.nl/over-ons"
            ]
        );
    }

    #[test]
    fn calendars_facets_and_growing_paths_are_bounded() {
        let mut f = Frontier::new("zorg.nl", 50, TrapBounds::default());
        // Each month found on the month before: a chain, cut after five.
        let calendar = (1..=40)
            .filter(|m| {
                let previous = format!("https://www.zorg.nl/agenda/2026/{}", m - 1);
                f.offer(
                    &format!("https://www.zorg.nl/agenda/2026/{m}"),
                    1,
                    0.0,
                    Some(&previous),
                    all_allowed,
                )
            })
            .count();
        assert_eq!(calendar, 5);
        // Fifty items of one shape listed on an index page are no trap.
        let news = (1..=50)
            .filter(|n| {
                f.offer(
                    &format!("https://www.zorg.nl/nieuws/bericht-{n}"),
                    1,
                    0.0,
                    Some("https://www.zorg.nl/nieuws/"),
                    all_allowed,
                )
            })
            .count();
        assert_eq!(news, 50);
        let facets = (1..=40)
            .filter(|i| {
                f.offer(
                    &format!("https://www.zorg.nl/zoeken?kleur={i}&maat={}", i % 3),
                    1,
                    0.0,
                    None,
                    all_allowed,
                )
            })
            .count();
        assert_eq!(facets, 5);
        let mut path = "https://www.zorg.nl".to_string();
        let mut grown = 0;
        for _ in 0..20 {
            path.push_str("/a/b");
            if f.offer(&path, 1, 0.0, None, all_allowed) {
                grown += 1;
            }
        }
        assert_eq!(grown, 2, "/a/b/a/b/a/b is where it stops");
        assert!(f.offer("https://www.zorg.nl/contact", 1, 0.0, None, all_allowed));
        assert_eq!(f.skipped[&Skipped::Trap], 35 + 35 + 18);
    }

    #[test]
    fn depth_and_robots_are_obeyed() {
        let mut f = Frontier::new("zorg.nl", 2, TrapBounds::default());
        assert!(!f.offer("https://www.zorg.nl/diep", 3, 0.0, None, all_allowed));
        assert!(
            !f.offer("https://www.zorg.nl/prive", 1, 0.0, None, |u: &str| {
                !u.contains("prive")
            })
        );
        assert_eq!(f.skipped[&Skipped::TooDeep], 1);
        assert_eq!(f.skipped[&Skipped::Robots], 1);
    }
}
