//! A site's robots.txt and sitemaps, fetched once per site outside the browser (a crawler's own
//! requests, not a visitor's: they must not show up in any visit's evidence).

use std::net::SocketAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The agent name pixelaudit looks for in robots.txt groups (`*` applies when it is not named).
pub const ROBOTS_AGENT: &str = "pixelaudit";
/// Largest robots.txt read (Google reads 500 KiB).
const MAX_ROBOTS_BYTES: usize = 512 * 1024;
/// Largest sitemap file read, decompressed.
const MAX_SITEMAP_BYTES: usize = 10 * 1024 * 1024;
/// Most sitemap files read per site (indexes included).
const MAX_SITEMAP_FILES: usize = 20;
/// Most page URLs taken from a site's sitemaps.
const MAX_SITEMAP_URLS: usize = 5_000;

/// What a site's robots.txt and sitemaps said, as stored with the scan so a resumed scan crawls the same.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SiteFiles {
    /// The robots.txt URL asked for.
    pub robots_url: String,
    /// Its text, when there was one (HTTP 200).
    pub robots_txt: Option<String>,
    /// What happened when fetching it, in words ("HTTP 404: no robots.txt, everything allowed").
    pub robots_status: String,
    /// Sitemap files read.
    pub sitemaps: Vec<String>,
    /// Page URLs listed in the sitemaps (same site only, at most 5,000).
    pub sitemap_urls: Vec<String>,
    /// Problems met (unreachable sitemap, bad XML, limits reached).
    pub problems: Vec<String>,
}

/// A parsed robots.txt, or "everything allowed".
pub struct Robots {
    robot: Option<texting_robots::Robot>,
    /// Seconds between requests the site asks for (`Crawl-delay`).
    pub crawl_delay: Option<f32>,
}

impl Robots {
    /// Parses the stored robots.txt; `ignore` makes every URL allowed (a regulator with a mandate).
    pub fn new(files: &SiteFiles, ignore: bool) -> Robots {
        let robot = files
            .robots_txt
            .as_deref()
            .filter(|_| !ignore)
            .and_then(|t| texting_robots::Robot::new(ROBOTS_AGENT, t.as_bytes()).ok());
        Robots {
            crawl_delay: robot.as_ref().and_then(|r| r.delay),
            robot,
        }
    }

    /// Whether robots.txt lets pixelaudit visit `url`.
    pub fn allowed(&self, url: &str) -> bool {
        self.robot.as_ref().is_none_or(|r| r.allowed(url))
    }
}

/// A page as the static sweep fetched it: the document after redirects, not run.
#[derive(Debug, Clone, Default)]
pub struct FetchedPage {
    /// The URL after redirects.
    pub final_url: String,
    /// HTTP status.
    pub status: u16,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `Set-Cookie` headers of the final response.
    pub set_cookies: Vec<String>,
    /// The body, cut at the fetch's limit.
    pub body: Vec<u8>,
    /// True when the body was cut.
    pub truncated: bool,
}

/// Fetches robots.txt and sitemaps (and, for the static sweep, the pages themselves), sending every host
/// to the mapped address when there is one.
pub struct Fetcher {
    client: reqwest::Client,
}

/// Sends every host name to one address, as `--host-resolver-rules` does for Chromium; `.invalid`
/// names never resolve.
struct MappedResolver(SocketAddr);

impl reqwest::dns::Resolve for MappedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let addr = self.0;
        let invalid = name.as_str().ends_with(".invalid");
        Box::pin(async move {
            if invalid {
                return Err("the .invalid domain never resolves".into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(std::iter::once(addr));
            Ok(addrs)
        })
    }
}

impl Fetcher {
    /// A fetcher; `map_hosts` and `insecure` as for the browser.
    pub fn new(map_hosts: Option<&str>, insecure: bool) -> Result<Fetcher, String> {
        // reqwest is built without a crypto provider of its own; rustls uses ring, like the fixture web.
        let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!(
                "Mozilla/5.0 (compatible; pixelaudit/",
                env!("CARGO_PKG_VERSION"),
                "; health-data tracking audit)"
            ))
            .timeout(Duration::from_secs(15))
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::limited(5))
            .danger_accept_invalid_certs(insecure);
        if let Some(addr) = map_hosts {
            let addr: SocketAddr = addr
                .parse()
                .map_err(|e| format!("--map-hosts {addr}: {e}"))?;
            builder = builder.dns_resolver(std::sync::Arc::new(MappedResolver(addr)));
        }
        Ok(Fetcher {
            client: builder
                .build()
                .map_err(|e| format!("cannot set up HTTP fetching: {e}"))?,
        })
    }

    /// Reads the robots.txt and sitemaps of the site that starts at `start_url`.
    pub async fn site_files(&self, start_url: &str, site_domain: &str) -> SiteFiles {
        let mut files = SiteFiles::default();
        let Ok(start) = url::Url::parse(start_url) else {
            files.robots_status = "the start URL is not a URL".into();
            return files;
        };
        let mut robots_url = start.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        files.robots_url = robots_url.to_string();
        let mut sitemap_queue: Vec<String> = Vec::new();
        match self.get(robots_url.as_str(), MAX_ROBOTS_BYTES).await {
            Ok((200, body)) => {
                let text = String::from_utf8_lossy(&body).into_owned();
                files.robots_status = "HTTP 200: rules read".into();
                if let Ok(robot) = texting_robots::Robot::new(ROBOTS_AGENT, text.as_bytes()) {
                    sitemap_queue.extend(robot.sitemaps.iter().cloned());
                }
                files.robots_txt = Some(text);
            }
            Ok((status, _)) if (400..500).contains(&status) => {
                files.robots_status = format!("HTTP {status}: no robots.txt, everything allowed");
            }
            Ok((status, _)) => {
                // A server error means "come back later"; we note it and crawl as allowed.
                files.robots_status =
                    format!("HTTP {status}: robots.txt unavailable, crawled as allowed");
            }
            Err(e) => {
                files.robots_status = format!("robots.txt unreachable ({e}), crawled as allowed");
            }
        }
        if sitemap_queue.is_empty() {
            let mut sitemap = robots_url.clone();
            sitemap.set_path("/sitemap.xml");
            sitemap_queue.push(sitemap.to_string());
        }
        let mut read = 0;
        while let Some(sitemap) = (!sitemap_queue.is_empty()).then(|| sitemap_queue.remove(0)) {
            if read >= MAX_SITEMAP_FILES {
                files.problems.push(format!(
                    "more than {MAX_SITEMAP_FILES} sitemap files; the rest were not read"
                ));
                break;
            }
            if files.sitemaps.contains(&sitemap) {
                continue;
            }
            read += 1;
            let body = match self.get(&sitemap, MAX_SITEMAP_BYTES).await {
                Ok((200, body)) => body,
                Ok((404, _)) | Ok((410, _)) => continue,
                Ok((status, _)) => {
                    files.problems.push(format!("{sitemap}: HTTP {status}"));
                    continue;
                }
                Err(e) => {
                    files.problems.push(format!("{sitemap}: {e}"));
                    continue;
                }
            };
            files.sitemaps.push(sitemap.clone());
            let body = gunzip_if_needed(body);
            match parse_sitemap(&body) {
                Ok(parsed) => {
                    sitemap_queue.extend(parsed.sitemaps);
                    for url in parsed.pages {
                        if files.sitemap_urls.len() >= MAX_SITEMAP_URLS {
                            break;
                        }
                        let same_site = url::Url::parse(&url).ok().and_then(|u| {
                            u.host_str()
                                .map(|h| crate::rules::registrable_domain(h) == site_domain)
                        });
                        if same_site == Some(true) && !files.sitemap_urls.contains(&url) {
                            files.sitemap_urls.push(url);
                        }
                    }
                }
                Err(e) => files
                    .problems
                    .push(format!("{sitemap}: not a sitemap: {e}")),
            }
        }
        files
    }

    /// GETs a URL, reading at most `limit` bytes of its body.
    /// Fetches one page as a document (the static sweep), following up to 5 redirects; a body past
    /// `limit` bytes is cut there and said so.
    pub async fn page(&self, url: &str, limit: usize) -> Result<FetchedPage, String> {
        let mut response = self
            .client
            .get(url)
            .header("accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
            .send()
            .await
            .map_err(|e| in_words(&e))?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let mut page = FetchedPage {
            final_url: response.url().to_string(),
            status: response.status().as_u16(),
            content_type: header("content-type"),
            set_cookies: response
                .headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok().map(str::to_string))
                .collect(),
            body: Vec::new(),
            truncated: false,
        };
        while let Some(chunk) = response.chunk().await.map_err(|e| in_words(&e))? {
            page.body.extend_from_slice(&chunk);
            if page.body.len() > limit {
                page.body.truncate(limit);
                page.truncated = true;
                break;
            }
        }
        Ok(page)
    }

    async fn get(&self, url: &str, limit: usize) -> Result<(u16, Vec<u8>), String> {
        let mut response = self
            .client
            .get(url)
            .send()
            .await
            .map_err(|e| describe(&e))?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| describe(&e))? {
            body.extend_from_slice(&chunk);
            if body.len() > limit {
                body.truncate(limit);
                break;
            }
        }
        Ok((status, body))
    }
}

/// A failed page fetch in the words the browser's failures use, with the details after them.
fn in_words(e: &reqwest::Error) -> String {
    let details = describe(e);
    let lower = details.to_ascii_lowercase();
    let what = if e.is_timeout() {
        "timeout: no complete answer within 15 s"
    } else if e.is_redirect() {
        "redirect loop or too long a chain (more than 5 redirects)"
    } else if lower.contains("dns error") || lower.contains("never resolves") {
        "host not found"
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake")
    {
        "TLS handshake failed"
    } else if lower.contains("reset")
        || lower.contains("connection closed")
        || lower.contains("broken pipe")
    {
        "connection reset"
    } else if e.is_connect() {
        "connection refused"
    } else {
        "the fetch failed"
    };
    format!("{what} ({details})")
}

fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn gunzip_if_needed(body: Vec<u8>) -> Vec<u8> {
    if body.starts_with(&[0x1f, 0x8b]) {
        use std::io::Read;
        let mut out = Vec::new();
        let mut decoder =
            flate2::read::GzDecoder::new(body.as_slice()).take(MAX_SITEMAP_BYTES as u64);
        if decoder.read_to_end(&mut out).is_ok() {
            return out;
        }
    }
    body
}

/// The `<loc>`s of a sitemap: pages from a `<urlset>`, sitemaps from a `<sitemapindex>`.
#[derive(Debug, Default, PartialEq)]
pub struct ParsedSitemap {
    /// Page URLs.
    pub pages: Vec<String>,
    /// Nested sitemap URLs.
    pub sitemaps: Vec<String>,
}

/// Parses a sitemap or sitemap index (namespaces ignored).
pub fn parse_sitemap(xml: &[u8]) -> Result<ParsedSitemap, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut parsed = ParsedSitemap::default();
    let mut parent: Option<String> = None;
    let mut in_loc = false;
    let mut loc = String::new();
    let mut root_seen = false;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                let name = e.local_name().into_inner().to_ascii_lowercase();
                if !root_seen {
                    root_seen = true;
                    if name != "urlset" && name != "sitemapindex" {
                        return Err(format!(
                            "the root element is <{}>, not <urlset> or <sitemapindex>",
                            name
                        ));
                    }
                }
                match name.as_str() {
                    "url" | "sitemap" => parent = Some(name),
                    "loc" => {
                        in_loc = true;
                        loc.clear();
                    }
                    _ => {}
                }
            }
            Ok(Event::End(e)) => {
                let name = e.local_name().into_inner().to_ascii_lowercase();
                if name == "loc" {
                    in_loc = false;
                    push_loc(&mut parsed, parent.as_deref(), std::mem::take(&mut loc));
                } else if name == "url" || name == "sitemap" {
                    parent = None;
                }
            }
            Ok(Event::Text(t)) if in_loc => loc.push_str(&t),
            Ok(Event::CData(t)) if in_loc => loc.push_str(&t),
            Ok(Event::GeneralRef(r)) if in_loc => {
                // quick-xml hands `&amp;` and `&#38;` over as references of their own.
                match r.resolve_char_ref() {
                    Ok(Some(c)) => loc.push(c),
                    _ => match &*r {
                        "amp" => loc.push('&'),
                        "lt" => loc.push('<'),
                        "gt" => loc.push('>'),
                        "quot" => loc.push('"'),
                        "apos" => loc.push('\''),
                        other => {
                            loc.push('&');
                            loc.push_str(other);
                            loc.push(';');
                        }
                    },
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => return Err(format!("at byte {}: {e}", reader.buffer_position())),
            _ => {}
        }
        buf.clear();
    }
    if !root_seen {
        return Err("empty document".into());
    }
    Ok(parsed)
}

fn push_loc(parsed: &mut ParsedSitemap, parent: Option<&str>, loc: String) {
    let loc = loc.trim().to_string();
    if loc.is_empty() {
        return;
    }
    match parent {
        Some("sitemap") => parsed.sitemaps.push(loc),
        Some("url") => parsed.pages.push(loc),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemaps_and_indexes_are_read() {
        let urlset = br#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://www.zorg.nl/ivf?a=1&amp;b=2</loc><lastmod>2026-01-01</lastmod></url>
  <url><loc> https://www.zorg.nl/ggz </loc></url>
</urlset>"#;
        let parsed = parse_sitemap(urlset).unwrap();
        assert_eq!(
            parsed.pages,
            ["https://www.zorg.nl/ivf?a=1&b=2", "https://www.zorg.nl/ggz"]
        );
        let index = br#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://www.zorg.nl/sitemap-zorg.xml</loc></sitemap></sitemapindex>"#;
        assert_eq!(
            parse_sitemap(index).unwrap().sitemaps,
            ["https://www.zorg.nl/sitemap-zorg.xml"]
        );
        assert!(parse_sitemap(b"<html><body>Not found</body></html>").is_err());
        assert!(parse_sitemap(b"").is_err());
    }

    #[test]
    fn robots_rules_for_pixelaudit_or_everyone() {
        let files = SiteFiles {
            robots_txt: Some(
                "User-agent: *\nDisallow: /intern/\nCrawl-delay: 2\n\nUser-agent: pixelaudit\nDisallow: /zoeken\n"
                    .into(),
            ),
            ..SiteFiles::default()
        };
        let robots = Robots::new(&files, false);
        assert!(!robots.allowed("https://www.zorg.nl/zoeken?q=x"));
        // pixelaudit's own group replaces the * group.
        assert!(robots.allowed("https://www.zorg.nl/intern/a"));
        let ignored = Robots::new(&files, true);
        assert!(ignored.allowed("https://www.zorg.nl/zoeken?q=x"));
    }
}
