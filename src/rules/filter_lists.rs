//! Standard filter lists (Adblock Plus syntax: EasyPrivacy, EasyList, or the user's own) as the floor
//! under the curated vendor rules: a request no vendor rule knows but a list blocks is still a tracker.
//! The lists are compiled once into one `adblock` engine (Brave's) shared by every tab; each list is
//! recorded with its path, SHA-256, size and header, so a report says exactly which lists made it.
//! Lists are read from disk only, never downloaded: the default set is Debian's copy of EasyPrivacy and
//! EasyList from the package `webext-ublock-origin-chromium`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Category;

/// Where Debian's `webext-ublock-origin-chromium` keeps EasyPrivacy and EasyList.
pub const DEBIAN_LIST_DIR: &str =
    "/usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist";

/// The default lists, in the order they are consulted: tracking first, then advertising.
const DEFAULT_LIST_FILES: [&str; 2] = ["easyprivacy.txt", "easylist.txt"];

/// One loaded list, as scan.json and the report record it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FilterListInfo {
    /// Short name used in evidence: the `! Title:` of the list, else its file name.
    pub name: String,
    /// Where it was read from.
    pub path: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Lines that are filters (not comments or blank).
    pub filters: usize,
    /// The `! Version:` header, when the list has one.
    pub version: Option<String>,
    /// The `! Last modified:` header, when the list has one (Debian's copies keep the placeholder
    /// `%timestamp%`: then the SHA-256 is the only identity).
    pub last_modified: Option<String>,
    /// What a request this list blocks is taken to be, when no owner is known: tracking lists
    /// (EasyPrivacy, any list named `*privacy*`) are analytics, others advertising.
    pub category: Category,
}

/// A request a list blocks: which list and which filter.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ListMatch {
    /// The list's name ([`FilterListInfo::name`]).
    pub list: String,
    /// The filter as written in the list.
    pub filter: String,
    /// Its line in the list file (1-based), when the engine knows it.
    pub line: Option<u32>,
}

/// A list file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum FilterListError {
    /// The file could not be read.
    #[error("filter list {path}: {source}; check the path given to --filter-list")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file holds no filter at all: most likely not a filter list.
    #[error(
        "filter list {path}: no filters found (expected Adblock Plus syntax, e.g. `||tracker.example^`)"
    )]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

/// The lists, compiled twice: an optimised engine that decides fast whether a list blocks a request, and
/// a literal one (not optimised, with each filter's text and line) that names the filter for the
/// requests that are blocked. Optimising fuses filters, and evidence must name the exact one.
pub struct FilterLists {
    fast: adblock::Engine,
    exact: adblock::Engine,
    lists: Vec<FilterListInfo>,
}

impl std::fmt::Debug for FilterLists {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilterLists")
            .field("lists", &self.lists)
            .finish_non_exhaustive()
    }
}

/// The default lists that are present on this machine (none when the Debian package is missing).
pub fn default_list_paths() -> Vec<PathBuf> {
    DEFAULT_LIST_FILES
        .iter()
        .map(|f| Path::new(DEBIAN_LIST_DIR).join(f))
        .filter(|p| p.is_file())
        .collect()
}

impl FilterLists {
    /// Reads and compiles the list files; any unreadable or empty file fails the load, so a scan never
    /// runs with fewer lists than it was asked for.
    pub fn load(paths: &[PathBuf]) -> Result<FilterLists, FilterListError> {
        let mut texts = Vec::new();
        for path in paths {
            let bytes = std::fs::read(path).map_err(|source| FilterListError::Read {
                path: path.clone(),
                source,
            })?;
            texts.push((path.display().to_string(), bytes));
        }
        let lists = Self::from_texts(texts);
        for (info, path) in lists.lists.iter().zip(paths) {
            if info.filters == 0 {
                return Err(FilterListError::Empty { path: path.clone() });
            }
        }
        Ok(lists)
    }

    /// Compiles lists given as (path, contents); used by `load` and by tests.
    pub fn from_texts(texts: Vec<(String, Vec<u8>)>) -> FilterLists {
        let mut fast = adblock::lists::FilterSet::new(false);
        let mut exact = adblock::lists::FilterSet::new(true);
        let mut lists = Vec::new();
        for (path, bytes) in texts {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            lists.push(describe(&path, &bytes, &text));
            fast.add_filter_list(text.clone(), adblock::lists::ParseOptions::default());
            exact.add_filter_list(text, adblock::lists::ParseOptions::default());
        }
        FilterLists {
            fast: adblock::Engine::new_with_filter_set(fast),
            exact: adblock::Engine::new_with_filter_set_no_optimize(exact),
            lists,
        }
    }

    /// The loaded lists.
    pub fn lists(&self) -> &[FilterListInfo] {
        &self.lists
    }

    /// The list and filter that block a request of Chromium resource type `resource_type` made by the
    /// page at `source_url`; `None` when no list blocks it or an exception (`@@`) allows it.
    pub fn check(&self, url: &str, source_url: &str, resource_type: &str) -> Option<ListMatch> {
        // The method only matters to `$method=` filters, which EasyList and EasyPrivacy do not use.
        let request =
            adblock::request::Request::new(url, source_url, request_type(resource_type), "GET")
                .ok()?;
        if !self.fast.check_network_request(&request).should_block() {
            return None;
        }
        let result = self.exact.check_network_request(&request);
        let blocks = result.should_block();
        let filter = result.filter.filter(|_| blocks).unwrap_or_default();
        let list = filter
            .source_location
            .as_ref()
            .and_then(|l| self.lists.get(l.source_index as usize))
            .map(|l| l.name.clone())
            .unwrap_or_else(|| "filter lists".to_string());
        Some(ListMatch {
            list,
            filter: filter
                .raw_line
                .unwrap_or_else(|| "(the engine did not name the filter)".into()),
            line: filter.source_location.map(|l| l.line_number + 1),
        })
    }

    /// The category a request blocked by the named list is taken to be.
    pub fn category_of(&self, list: &str) -> Category {
        self.lists
            .iter()
            .find(|l| l.name == list)
            .map(|l| l.category)
            .unwrap_or(Category::Advertising)
    }
}

/// The adblock request type for a Chromium resource type (`Network.ResourceType`, any case); the
/// WebExtension names (`sub_frame`, `xmlhttprequest`, `beacon`) that crawl data sets use pass through.
fn request_type(resource_type: &str) -> &'static str {
    match resource_type.to_ascii_lowercase().as_str() {
        // A document request that reaches the engine is a frame's: the page itself is not checked.
        "document" | "sub_frame" | "subdocument" => "sub_frame",
        "main_frame" => "document",
        "stylesheet" => "stylesheet",
        "image" | "imageset" => "image",
        "media" => "media",
        "font" => "font",
        "script" => "script",
        "xhr" | "fetch" | "eventsource" | "xmlhttprequest" => "xmlhttprequest",
        "websocket" => "websocket",
        "ping" | "beacon" => "ping",
        "cspviolationreport" | "csp_report" => "csp_report",
        "object" => "object",
        _ => "other",
    }
}

fn describe(path: &str, bytes: &[u8], text: &str) -> FilterListInfo {
    let header = |key: &str| {
        text.lines()
            .take_while(|l| l.starts_with('!') || l.starts_with('[') || l.trim().is_empty())
            .find_map(|l| {
                l.trim_start_matches('!')
                    .trim()
                    .strip_prefix(key)
                    .map(|v| v.trim().to_string())
            })
            .filter(|v| !v.is_empty())
    };
    let file_name = Path::new(path)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string());
    let name = header("Title:").unwrap_or_else(|| file_name.clone());
    let privacy = name.to_ascii_lowercase().contains("privacy")
        || file_name.to_ascii_lowercase().contains("privacy");
    FilterListInfo {
        name,
        path: path.to_string(),
        sha256: hex::encode(Sha256::digest(bytes)),
        size: bytes.len() as u64,
        filters: text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('!') && !l.starts_with('['))
            .count(),
        version: header("Version:"),
        last_modified: header("Last modified:"),
        category: if privacy {
            Category::Analytics
        } else {
            Category::Advertising
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(texts: &[(&str, &str)]) -> FilterLists {
        FilterLists::from_texts(
            texts
                .iter()
                .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
                .collect(),
        )
    }

    const PRIVACY: &str = "[Adblock Plus 2.0]\n! Title: Test Privacy\n! Version: 202612070900\n! Last modified: 07 Dec 2026 09:00 UTC\n||metrics.example^$third-party\n/pixel.gif?\n@@||metrics.example/consent-check^\n";

    #[test]
    fn a_blocked_request_names_its_list_filter_and_line() {
        let set = lists(&[("/lists/test-privacy.txt", PRIVACY)]);
        let hit = set
            .check(
                "https://metrics.example/collect?id=1",
                "https://www.zorg.example/ivf",
                "Image",
            )
            .expect("blocked");
        assert_eq!(hit.list, "Test Privacy");
        assert_eq!(hit.filter, "||metrics.example^$third-party");
        assert_eq!(hit.line, Some(5));
        assert_eq!(set.category_of("Test Privacy"), Category::Analytics);
    }

    #[test]
    fn an_exception_is_honoured_and_options_are_respected() {
        let set = lists(&[("/lists/test-privacy.txt", PRIVACY)]);
        assert_eq!(
            set.check(
                "https://metrics.example/consent-check?x=1",
                "https://www.zorg.example/",
                "Script"
            ),
            None,
            "@@ exception"
        );
        assert_eq!(
            set.check(
                "https://metrics.example/collect",
                "https://www.metrics.example/",
                "Image"
            ),
            None,
            "$third-party does not block a first-party request"
        );
        assert!(
            set.check(
                "https://cdn.zorg.example/pixel.gif?u=1",
                "https://www.zorg.example/",
                "Image"
            )
            .is_some()
        );
    }

    #[test]
    fn headers_size_and_hash_are_recorded() {
        let set = lists(&[
            ("/lists/test-privacy.txt", PRIVACY),
            ("/lists/ads.txt", "||ads.example^\n"),
        ]);
        let [privacy, ads] = set.lists() else {
            panic!("two lists")
        };
        assert_eq!(privacy.version.as_deref(), Some("202612070900"));
        assert_eq!(
            privacy.last_modified.as_deref(),
            Some("07 Dec 2026 09:00 UTC")
        );
        assert_eq!(privacy.filters, 3);
        assert_eq!(privacy.size, PRIVACY.len() as u64);
        assert_eq!(privacy.sha256.len(), 64);
        assert_eq!(ads.name, "ads.txt");
        assert_eq!(ads.category, Category::Advertising);
        let hit = set
            .check(
                "https://ads.example/x.js",
                "https://www.zorg.example/",
                "Script",
            )
            .unwrap();
        assert_eq!((hit.list.as_str(), hit.line), ("ads.txt", Some(1)));
    }

    #[test]
    fn a_file_without_filters_is_refused_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "! just a comment\n\n").unwrap();
        let err = FilterLists::load(std::slice::from_ref(&path)).unwrap_err();
        assert!(err.to_string().contains("no filters found"), "{err}");
        let missing = dir.path().join("missing.txt");
        let err = FilterLists::load(&[missing]).unwrap_err();
        assert!(err.to_string().contains("missing.txt"), "{err}");
    }

    /// The default lists load and block what they are for, when Debian's package is installed;
    /// `scripts/setup` installs it, and CI sets PIXELAUDIT_REQUIRE_DEFAULT_LISTS so a missing package
    /// fails there instead of passing quietly.
    #[test]
    fn the_debian_lists_load_when_present() {
        let paths = default_list_paths();
        if paths.len() < 2 {
            assert!(
                std::env::var_os("PIXELAUDIT_REQUIRE_DEFAULT_LISTS").is_none(),
                "EasyPrivacy and EasyList are missing from {DEBIAN_LIST_DIR}: run scripts/setup"
            );
            eprintln!("default lists not installed; run scripts/setup to test them");
            return;
        }
        let set = FilterLists::load(&paths).unwrap();
        assert_eq!(set.lists()[0].name, "EasyPrivacy");
        assert!(set.lists().iter().all(|l| l.filters > 10_000));
        let hit = set
            .check(
                "https://sb.scorecardresearch.com/b?c1=2&c2=123",
                "https://www.zorg.example/",
                "Image",
            )
            .expect("EasyPrivacy blocks comScore's beacon");
        assert_eq!(hit.list, "EasyPrivacy");
    }
}
