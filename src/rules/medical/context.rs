//! Page and site context for the classifier: the kinds of page whose main topic is the organisation, not
//! care (home pages, overviews, about pages, news, rule books, insurance products, generic service pages),
//! from `rules/medical/page-types.toml`; and the words that make a site a general provider (a general
//! hospital, an insurer, a GP practice, a pharmacy), which is never single-specialty, from
//! `rules/medical/sites.toml`.
//!
//! Both are data: the cues are matched against the URL's path segments and the page's title and h1, never
//! against body text, because a body that *mentions* "over ons" or "nieuws" says nothing of what the page is.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::words::fold_accents;
use crate::rules::source::{RuleError, Source, line_at};

/// File names of the two context files inside `rules/medical/`.
pub const PAGE_TYPES_FILE: &str = "page-types.toml";
/// See [`PAGE_TYPES_FILE`].
pub const SITES_FILE: &str = "sites.toml";
/// The schema.org types that name medical content, inside `rules/medical/`.
pub const SCHEMA_FILE: &str = "schema-org.toml";
/// The concept families inside `rules/medical/`.
pub const FAMILIES_FILE: &str = "families.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FamiliesFile {
    #[serde(default)]
    families: BTreeMap<String, Vec<String>>,
}

/// Reads `families.toml`: family id → the concept ids it joins.
pub fn parse_families(
    path: &Path,
    text: &str,
) -> Result<BTreeMap<String, Vec<String>>, Vec<RuleError>> {
    Source::new(path, text)
        .parse::<FamiliesFile>()
        .map(|f| f.families)
        .map_err(|e| vec![e])
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageTypeEntry {
    name: String,
    weight: f64,
    #[serde(default)]
    title_names_the_site: bool,
    #[serde(default)]
    opens_care_pages: bool,
    #[serde(default)]
    path: Vec<String>,
    #[serde(default)]
    not_with_query: Vec<String>,
    #[serde(default)]
    segment: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    last_segment: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    title: BTreeMap<String, Vec<String>>,
}

/// Where a page-type cue is looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CueField {
    /// The URL's whole path.
    Path,
    /// Any segment of the URL's path.
    Segment,
    /// The last segment of the URL's path (an index page, not the pages below it).
    LastSegment,
    /// The page's title or h1.
    Title,
}

#[derive(Debug, Clone)]
struct Cue {
    field: CueField,
    text: String,
    lang: String,
    /// The cue with hyphens read as spaces, for matching inside a path segment.
    spaced: String,
    /// Its first word: a title that lacks it cannot show the cue, which spares most searches.
    first_word: String,
}

impl Cue {
    fn new(field: CueField, text: String, lang: String) -> Cue {
        let spaced = text.replace('-', " ");
        let first_word = words_of(&text).next().unwrap_or_default().to_string();
        Cue {
            field,
            text,
            lang,
            spaced,
            first_word,
        }
    }
}

/// The words of a text: runs of letters and digits.
fn words_of(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// A kind of page whose topic is not care, with its cues.
#[derive(Debug, Clone)]
pub struct PageType {
    /// Its id in the file (`home`, `about`, `news`, …).
    pub id: String,
    /// What the evidence calls it.
    pub name: String,
    /// Points it takes off the score.
    pub weight: f64,
    /// Whether the page's title and h1 name the organisation rather than the page's topic (a home page's
    /// tagline): then they count for the site's specialty only.
    pub title_names_the_site: bool,
    /// Whether a last-segment cue of this type, with a further segment after it, opens the pages of one care
    /// type or department (`/specialismen/cardiologie/…`, `/offre-de-soins/amp/…`).
    pub opens_care_pages: bool,
    /// Query keys that name the page when its path does not (`/index.php?id=194` is page 194 of a CMS): with
    /// one of them in the URL, the path cues of this type do not apply.
    pub not_with_query: Vec<String>,
    cues: Vec<Cue>,
}

/// The page type a page was found to be, and the cue that showed it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PageTypeEvidence {
    /// The type's id (`home`, `overview`, `about`, `news`, `rules`, `product`, `service`).
    pub id: String,
    /// What the type is, in words.
    pub name: String,
    /// The cue that matched (a path segment or a title phrase).
    pub cue: String,
    /// Where it matched.
    pub field: CueField,
    /// Language of the cue.
    pub lang: String,
    /// Points it took off the score.
    pub weight: f64,
    /// Whether the title and h1 were read as the organisation's name rather than the page's topic.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub title_names_the_site: bool,
}

/// Words that make a site a general provider, per language, and the lexicon forms that also count at the
/// start of a host name's words.
#[derive(Debug, Clone, Default)]
pub struct SiteCues {
    /// Lower-case general-provider words (any language).
    pub general: Vec<String>,
    /// Forms that name a specialty at the start of a host word (`ggzcentraal`, `ivfkliniek`).
    pub host_prefixes: Vec<String>,
    /// Words that hold a form without naming it (`orthodox` opens with `ortho`): a form inside one of them
    /// names no specialty.
    pub host_false_friends: Vec<String>,
    /// Languages whose URL paths run words together as host names do (`griepvaccinatie`).
    pub compounding_languages: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SitesFile {
    #[serde(default)]
    host_prefixes: Vec<String>,
    #[serde(default)]
    host_false_friends: Vec<String>,
    #[serde(default)]
    compounding_languages: Vec<String>,
    #[serde(default)]
    general: BTreeMap<String, Vec<String>>,
}

/// Reads `page-types.toml`. Types keep the file's order, which is also the order of preference when a page
/// shows the cues of several.
pub fn parse_page_types(path: &Path, text: &str) -> Result<Vec<PageType>, Vec<RuleError>> {
    let entries: BTreeMap<String, toml::Spanned<PageTypeEntry>> =
        Source::new(path, text).parse().map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let mut types: Vec<(usize, PageType)> = Vec::new();
    for (id, entry) in entries {
        let at = entry.span().start;
        let entry = entry.into_inner();
        let problem = |message: String| RuleError {
            file: path.to_path_buf(),
            line: line_at(text, at),
            message,
        };
        if entry.weight <= 0.0 {
            errors.push(problem(format!(
                "page type `{id}`: weight must be above 0 (it is taken off the score)"
            )));
        }
        let mut cues: Vec<Cue> = entry
            .path
            .iter()
            .map(|p| {
                Cue::new(
                    CueField::Path,
                    normalise_segment(p.trim_matches('/')),
                    String::new(),
                )
            })
            .collect();
        for (field, by_lang) in [
            (CueField::Segment, &entry.segment),
            (CueField::LastSegment, &entry.last_segment),
            (CueField::Title, &entry.title),
        ] {
            for (lang, words) in by_lang {
                for w in words {
                    let text = match field {
                        CueField::Title => w.trim().to_lowercase(),
                        _ => normalise_segment(w),
                    };
                    if text.chars().count() < 2 && field != CueField::Path {
                        errors.push(problem(format!(
                            "page type `{id}`: cue `{w}` is too short to match safely"
                        )));
                        continue;
                    }
                    cues.push(Cue::new(field, text, lang.clone()));
                }
            }
        }
        if cues.is_empty() {
            errors.push(problem(format!("page type `{id}` has no cues")));
        }
        types.push((
            at,
            PageType {
                id,
                name: entry.name,
                weight: entry.weight,
                title_names_the_site: entry.title_names_the_site,
                opens_care_pages: entry.opens_care_pages,
                not_with_query: entry
                    .not_with_query
                    .iter()
                    .map(|k| k.trim().to_lowercase())
                    .collect(),
                cues,
            },
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    types.sort_by_key(|(at, _)| *at);
    Ok(types.into_iter().map(|(_, t)| t).collect())
}

/// Reads `sites.toml`.
pub fn parse_sites(path: &Path, text: &str) -> Result<SiteCues, Vec<RuleError>> {
    let file: SitesFile = Source::new(path, text).parse().map_err(|e| vec![e])?;
    Ok(SiteCues {
        general: file
            .general
            .into_values()
            .flatten()
            .map(|w| w.trim().to_lowercase())
            .filter(|w| !w.is_empty())
            .collect(),
        host_prefixes: file
            .host_prefixes
            .into_iter()
            .map(|w| w.trim().to_lowercase())
            .collect(),
        host_false_friends: file
            .host_false_friends
            .into_iter()
            .map(|w| fold_accents(&w.trim().to_lowercase()))
            .filter(|w| !w.is_empty())
            .collect(),
        compounding_languages: file.compounding_languages,
    })
}

/// A path segment as cues are written: lower case, percent-escapes decoded, `_` and spaces as `-`, a file
/// extension (`.html`, `.php`, `.aspx`) dropped.
fn normalise_segment(segment: &str) -> String {
    let decoded =
        url::form_urlencoded::parse(format!("s={}", segment.replace('+', "%2B")).as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| segment.to_string());
    let lower = decoded.trim().to_lowercase().replace(['_', ' '], "-");
    match lower.rsplit_once('.') {
        Some((stem, "html" | "htm" | "php" | "aspx" | "asp" | "jsp")) => stem.to_string(),
        _ => lower,
    }
}

/// The path segments of a URL, normalised; empty for the site's root.
pub fn path_segments(url: &str) -> Vec<String> {
    url::Url::parse(url)
        .ok()
        .map(|u| {
            u.path()
                .split('/')
                .filter(|s| !s.is_empty())
                .map(normalise_segment)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a path segment shows a segment cue: the whole segment, or for a cue of several words, those
/// words in a row inside it (`donnees-personnelles` in `la-protection-des-donnees-personnelles`). A cue of
/// one word must be the whole segment: `over` is an about page, `alles-over-diabetes` is not.
fn segment_shows(segment: &str, spaced_segment: &str, cue: &Cue) -> bool {
    segment == cue.text || (cue.text.contains('-') && has_phrase(spaced_segment, &cue.spaced))
}

/// Whether `phrase` stands in `text` as whole words.
fn has_phrase(text: &str, phrase: &str) -> bool {
    let mut from = 0;
    while let Some(at) = text[from..].find(phrase) {
        let start = from + at;
        let end = start + phrase.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return true;
        }
        from = start + phrase.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// The first page type (in file order) whose cue the page shows. `title` is the page's title and h1, lower
/// case. Segments below a care department (`/offre-de-soins/amp/presentation`) show no type: they name the
/// department's own presentation, news or contact page, whose topic is the department.
pub fn page_type(types: &[PageType], url: &str, title: &str) -> Option<PageTypeEvidence> {
    let mut segments = path_segments(url);
    segments.truncate(care_department_end(types, &segments));
    let spaced_segments: Vec<String> = segments.iter().map(|s| s.replace('-', " ")).collect();
    let whole_path = segments.join("/");
    let title_words: std::collections::HashSet<&str> = words_of(title).collect();
    // A path that lacks a cue's first word cannot show it, which spares most phrase searches.
    let path_words: std::collections::HashSet<&str> =
        spaced_segments.iter().flat_map(|s| words_of(s)).collect();
    let query_keys: Vec<String> = url::Url::parse(url)
        .map(|u| u.query_pairs().map(|(k, _)| k.to_lowercase()).collect())
        .unwrap_or_default();
    for t in types {
        let query_names_the_page = t.not_with_query.iter().any(|k| query_keys.contains(k));
        for cue in &t.cues {
            let shown = match cue.field {
                CueField::Path => whole_path == cue.text && !query_names_the_page,
                CueField::Segment => {
                    path_words.contains(cue.first_word.as_str())
                        && segments
                            .iter()
                            .zip(&spaced_segments)
                            .any(|(s, spaced)| segment_shows(s, spaced, cue))
                }
                CueField::LastSegment => segments.last().is_some_and(|s| *s == cue.text),
                CueField::Title => {
                    title_words.contains(cue.first_word.as_str()) && has_phrase(title, &cue.text)
                }
            };
            if shown {
                return Some(PageTypeEvidence {
                    id: t.id.clone(),
                    name: t.name.clone(),
                    cue: if cue.field == CueField::Path {
                        format!("/{}", cue.text)
                    } else {
                        cue.text.clone()
                    },
                    field: cue.field,
                    lang: cue.lang.clone(),
                    weight: t.weight,
                    title_names_the_site: t.title_names_the_site,
                });
            }
        }
    }
    None
}

/// Whether a path segment is a care section that opens care pages below it (`vergoedingen`, `specialismen`).
fn opens_care_pages(types: &[PageType], segment: &str) -> bool {
    types.iter().filter(|t| t.opens_care_pages).any(|t| {
        t.cues
            .iter()
            .any(|c| c.field == CueField::LastSegment && c.text == segment)
    })
}

/// Where the segments inside a care department start: two after the care section (the section, then the
/// department), or the path's length when there is none.
fn care_department_end(types: &[PageType], segments: &[String]) -> usize {
    care_section(types, segments).map_or(segments.len(), |at| (at + 2).min(segments.len()))
}

/// The segment that names a care department or care type right below a care section
/// (`vervoer` in `/vergoedingen/vervoer`, `amp` in `/offre-de-soins/amp/presentation`), if the path has one.
pub fn care_department(types: &[PageType], url: &str) -> Option<String> {
    let segments = path_segments(url);
    let section = care_section(types, &segments)?;
    segments.get(section + 1).cloned()
}

/// The position of the first segment that opens care pages below it, if any.
fn care_section(types: &[PageType], segments: &[String]) -> Option<usize> {
    segments.iter().position(|s| opens_care_pages(types, s))
}

/// The words of a host name that can name a site (`www.ggz-kompas.nl` → `ggz`, `kompas`): the registrable
/// part and its subdomains, without `www` and the public suffix.
pub fn host_words(url: &str) -> Vec<String> {
    let Some(host) = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_lowercase))
    else {
        return Vec::new();
    };
    let suffix_len = psl::suffix(host.as_bytes()).map_or(0, |s| s.as_bytes().len());
    let name = host[..host.len().saturating_sub(suffix_len)].trim_end_matches('.');
    name.split(['.', '-'])
        .filter(|w| !w.is_empty() && *w != "www")
        .map(str::to_string)
        .collect()
}

/// The general provider's word that a site's name or title (`text`, lower case; whole words) or one of its
/// host words (inside the word: `maasstadziekenhuis`) shows, if any. Host words that name a specialty
/// themselves (`oogziekenhuis`) are left out by the caller.
pub fn general_provider_word<'a>(
    cues: &'a SiteCues,
    text: &str,
    host_words: &[&str],
) -> Option<&'a str> {
    cues.general
        .iter()
        .find(|g| has_phrase(text, g) || host_words.iter().any(|w| w.contains(g.as_str())))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TYPES: &str = r#"
[home]
name = "home page"
weight = 4.5
path = ["", "home", "nl"]

[overview]
name = "overview of care"
weight = 4.5
opens_care_pages = true
last_segment.nl = ["vergoedingen"]

[about]
name = "about the organisation"
weight = 4.5
segment.nl = ["over-ons"]
title.nl = ["over ons"]
"#;

    fn types() -> Vec<PageType> {
        parse_page_types(Path::new("rules/medical/page-types.toml"), TYPES).unwrap()
    }

    fn id(url: &str, title: &str) -> Option<String> {
        page_type(&types(), url, title).map(|t| t.id)
    }

    #[test]
    fn the_site_root_and_its_language_roots_are_home_pages() {
        assert_eq!(id("https://www.x.nl/", ""), Some("home".into()));
        assert_eq!(id("https://www.x.nl/nl/", ""), Some("home".into()));
        assert_eq!(id("https://www.x.nl/nl/ivf/", ""), None);
    }

    #[test]
    fn below_a_care_department_the_segments_name_its_own_pages_not_a_page_type() {
        assert_eq!(id("https://www.x.nl/over-ons/", ""), Some("about".into()));
        assert_eq!(
            id("https://www.x.nl/vergoedingen/over-ons/", ""),
            Some("about".into())
        );
        assert_eq!(id("https://www.x.nl/vergoedingen/ivf/over-ons/", ""), None);
        // The title still shows the type.
        assert_eq!(
            id("https://www.x.nl/vergoedingen/ivf/over-ons/", "over ons"),
            Some("about".into())
        );
        assert_eq!(
            care_department(
                &types(),
                "https://www.x.nl/nl/vergoedingen/vervoer/aanvragen"
            ),
            Some("vervoer".into())
        );
        assert_eq!(
            care_department(&types(), "https://www.x.nl/vergoedingen/"),
            None
        );
        assert_eq!(
            care_department(&types(), "https://www.x.nl/over-ons/ivf/"),
            None
        );
    }

    #[test]
    fn an_index_segment_marks_the_index_not_the_pages_below_it() {
        assert_eq!(
            id("https://www.x.nl/vergoedingen/", ""),
            Some("overview".into())
        );
        assert_eq!(id("https://www.x.nl/vergoedingen/fysiotherapie/", ""), None);
    }

    #[test]
    fn segments_and_title_phrases_match_whole_words_only() {
        assert_eq!(
            id("https://www.x.nl/over-ons/bestuur", ""),
            Some("about".into())
        );
        assert_eq!(id("https://www.x.nl/over-onsje", ""), None);
        assert_eq!(
            id("https://www.x.nl/meer-over-ons-ziekenhuis/", ""),
            Some("about".into())
        );
        assert_eq!(
            id("https://www.x.nl/wie", "meer over ons ziekenhuis"),
            Some("about".into())
        );
        assert_eq!(id("https://www.x.nl/wie", "voorover onsamenhangend"), None);
    }

    #[test]
    fn host_words_leave_out_www_and_the_public_suffix() {
        assert_eq!(
            host_words("https://www.ggz-kompas.nl/contact"),
            vec!["ggz", "kompas"]
        );
        assert_eq!(
            host_words("https://fertility.example.co.uk/"),
            vec!["fertility", "example"]
        );
    }

    #[test]
    fn a_weightless_or_cueless_type_is_refused_with_its_line() {
        let bad = "[a]\nname = \"x\"\nweight = 0\npath = [\"\"]\n\n[b]\nname = \"y\"\nweight = 1\n";
        let errors = parse_page_types(Path::new("page-types.toml"), bad).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].message.contains("weight must be above 0"));
        assert_eq!(errors[0].line, 1);
        assert!(errors[1].message.contains("has no cues"));
        assert_eq!(errors[1].line, 6);
    }
}
