//! The medical lexicon: concepts with their term forms and tier, per language, from `rules/medical/<lang>.toml`,
//! compiled into one Aho-Corasick automaton over every form of every language.
//!
//! Forms match whole words; a form ending in `*` also matches longer words that start with it
//! (`diabet*`: diabetes, diabetische). Compound endings (`kanker` in borstkanker) match at the end of a
//! longer word. False-friend phrases ("behandeling van uw aanvraag") cancel the terms inside them, and
//! negative cues (premie, vacatures) mark pages whose topic is not care.

use std::collections::BTreeMap;
use std::path::Path;

use aho_corasick::{AhoCorasick, MatchKind};
use serde::{Deserialize, Serialize};

use super::context::{self, PageType, SiteCues};
use crate::rules::{RuleError, RuleErrors};

/// How much a concept says about a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// A named condition, treatment, medicine or specialty.
    Strong,
    /// A care type (fysiotherapie, GGZ, IVF, kraamzorg…).
    Care,
    /// General care words (behandeling, patiënt, arts): never enough alone.
    Weak,
    /// A sign that the page is about something else (premie, vacatures, privacy).
    Negative,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    #[serde(default)]
    strong: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    care: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    weak: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    negative: BTreeMap<String, Vec<String>>,
    /// Word endings that make a compound a strong concept (`kanker` → borstkanker).
    #[serde(default)]
    compound_endings: BTreeMap<String, Vec<String>>,
    /// Phrases whose words do not count.
    #[serde(default)]
    false_friends: Vec<String>,
}

/// A concept of the lexicon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concept {
    /// Its id in the file.
    pub id: String,
    /// Its tier.
    pub tier: Tier,
    /// Language code of the file it came from.
    pub lang: String,
}

#[derive(Debug, Clone)]
enum PatternKind {
    Term { concept: usize, prefix: bool },
    Ending { concept: usize },
    FalseFriend,
}

/// One term found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The text that matched (the whole word for prefix forms and compound endings).
    pub term: String,
    /// Index of the concept.
    pub concept: usize,
    /// How often the term occurs in the text.
    pub count: usize,
}

/// The compiled lexicon.
#[derive(Debug, Clone)]
pub struct Lexicon {
    concepts: Vec<Concept>,
    kinds: Vec<PatternKind>,
    automaton: AhoCorasick,
    /// Strong and care forms with their accents folded (`dietist`), for host names, which are ASCII.
    host_automaton: AhoCorasick,
    host_concepts: Vec<usize>,
    languages: Vec<String>,
    page_types: Vec<PageType>,
    site_cues: SiteCues,
    version: String,
}

impl Lexicon {
    /// Loads every `medical/*.toml` below `dir`: a lexicon per language (the file stem is the language code),
    /// the page types (`page-types.toml`) and the site cues (`sites.toml`).
    pub fn load(dir: &Path) -> Result<Lexicon, RuleErrors> {
        let folder = dir.join("medical");
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .map_err(|e| {
                RuleErrors(vec![RuleError {
                    file: folder.clone(),
                    line: 0,
                    message: format!("cannot read the medical lexicon folder: {e}"),
                }])
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        let mut sources = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f).map_err(|e| {
                RuleErrors(vec![RuleError {
                    file: f.clone(),
                    line: 0,
                    message: format!("cannot read: {e}"),
                }])
            })?;
            sources.push((f, text));
        }
        Self::from_sources(&sources)
    }

    /// Builds the lexicon from `(path, text)` pairs; `page-types.toml` and `sites.toml` are read as context,
    /// every other file as the lexicon of the language its stem names.
    pub fn from_sources(sources: &[(std::path::PathBuf, String)]) -> Result<Lexicon, RuleErrors> {
        let mut errors = Vec::new();
        let mut concepts = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut kinds = Vec::new();
        let mut languages = Vec::new();
        let mut page_types = Vec::new();
        let mut site_cues = SiteCues::default();
        let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
        for (path, text) in sources {
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            sha2::Digest::update(&mut hasher, &file_name);
            sha2::Digest::update(&mut hasher, [0]);
            sha2::Digest::update(&mut hasher, text.as_bytes());
            if file_name == context::PAGE_TYPES_FILE {
                match context::parse_page_types(path, text) {
                    Ok(types) => page_types = types,
                    Err(e) => errors.extend(e),
                }
                continue;
            }
            if file_name == context::SITES_FILE {
                match context::parse_sites(path, text) {
                    Ok(cues) => site_cues = cues,
                    Err(e) => errors.extend(e),
                }
                continue;
            }
            let lang = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let file: LexiconFile = match toml::from_str(text) {
                Ok(f) => f,
                Err(e) => {
                    errors.push(RuleError {
                        file: path.clone(),
                        line: e
                            .span()
                            .map(|s| crate::rules::line_at(text, s.start))
                            .unwrap_or(0),
                        message: e.message().trim().to_string(),
                    });
                    continue;
                }
            };
            languages.push(lang.clone());
            let tiers = [
                (Tier::Strong, &file.strong),
                (Tier::Care, &file.care),
                (Tier::Weak, &file.weak),
                (Tier::Negative, &file.negative),
            ];
            for (tier, map) in tiers {
                for (id, forms) in map {
                    let concept = concepts.len();
                    concepts.push(Concept {
                        id: id.clone(),
                        tier,
                        lang: lang.clone(),
                    });
                    for form in forms {
                        let (form, prefix) = match form.strip_suffix('*') {
                            Some(f) => (f, true),
                            None => (form.as_str(), false),
                        };
                        let form = form.trim().to_lowercase();
                        if form.chars().count() < 2 {
                            errors.push(crate::rules::err_at(
                                path,
                                text,
                                id,
                                format!(
                                    "concept `{id}`: form `{form}` is too short to match safely"
                                ),
                            ));
                            continue;
                        }
                        patterns.push(form);
                        kinds.push(PatternKind::Term { concept, prefix });
                    }
                }
            }
            for (id, endings) in &file.compound_endings {
                let concept = concepts.len();
                concepts.push(Concept {
                    id: id.clone(),
                    tier: Tier::Strong,
                    lang: lang.clone(),
                });
                for ending in endings {
                    patterns.push(ending.to_lowercase());
                    kinds.push(PatternKind::Ending { concept });
                }
            }
            for phrase in &file.false_friends {
                patterns.push(phrase.to_lowercase());
                kinds.push(PatternKind::FalseFriend);
            }
        }
        if !errors.is_empty() {
            return Err(RuleErrors(errors));
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&patterns)
            .map_err(|e| {
                RuleErrors(vec![RuleError {
                    file: "rules/medical".into(),
                    line: 0,
                    message: e.to_string(),
                }])
            })?;
        let (host_forms, host_concepts): (Vec<String>, Vec<usize>) = patterns
            .iter()
            .zip(&kinds)
            .filter_map(|(form, kind)| match kind {
                PatternKind::Term { concept, .. }
                    if matches!(concepts[*concept].tier, Tier::Strong | Tier::Care) =>
                {
                    Some((fold_accents(form), *concept))
                }
                _ => None,
            })
            .unzip();
        let host_automaton = AhoCorasick::new(&host_forms).map_err(|e| {
            RuleErrors(vec![RuleError {
                file: "rules/medical".into(),
                line: 0,
                message: e.to_string(),
            }])
        })?;
        let version = format!(
            "sha256:{}",
            &hex::encode(sha2::Digest::finalize(hasher))[..16]
        );
        Ok(Lexicon {
            concepts,
            kinds,
            automaton,
            host_automaton,
            host_concepts,
            languages,
            page_types,
            site_cues,
            version,
        })
    }

    /// Hash of the lexicon files.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The concept behind a hit.
    pub fn concept(&self, index: usize) -> &Concept {
        &self.concepts[index]
    }

    /// How many concepts each language has.
    pub fn concept_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for c in self.concepts.iter().filter(|c| c.tier != Tier::Negative) {
            *counts.entry(c.lang.clone()).or_insert(0) += 1;
        }
        counts
    }

    /// The languages the lexicon covers.
    pub fn languages(&self) -> &[String] {
        &self.languages
    }

    /// Kinds of page whose main topic is not care, in order of preference.
    pub fn page_types(&self) -> &[PageType] {
        &self.page_types
    }

    /// Words of general providers and the host-name prefixes of specialties.
    pub fn site_cues(&self) -> &SiteCues {
        &self.site_cues
    }

    /// The strong or care concept a host word names: the whole word (`fysiotherapie`), or a word that starts
    /// with a form of five letters or more (`fysiotherapiemusselkanaal`) or with one of the site cues' host
    /// prefixes (`ggzcentraal`). Host names run words together, so the usual word boundaries do not hold.
    pub fn specialty_in_host_word(&self, word: &str) -> Option<Hit> {
        let folded = fold_accents(&word.to_lowercase());
        self.host_automaton
            .find_overlapping_iter(&folded)
            .filter(|m| m.start() == 0)
            .find(|m| {
                let form = &folded[..m.end()];
                m.end() == folded.len()
                    || form.chars().count() >= 5
                    || self.site_cues.host_prefixes.iter().any(|p| p == form)
            })
            .map(|m| Hit {
                term: word.to_lowercase(),
                concept: self.host_concepts[m.pattern().as_usize()],
                count: 1,
            })
    }

    /// Every distinct term in `text` (which must already be lower-case), in one pass over all forms.
    /// A term repeated in the text is reported once, with how often it occurs.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let bytes = text.as_bytes();
        let mut terms: Vec<(usize, usize, usize)> = Vec::new();
        let mut cancelled: Vec<(usize, usize)> = Vec::new();
        for m in self.automaton.find_overlapping_iter(text) {
            let (start, end) = (m.start(), m.end());
            let left_ok = start == 0 || !is_word_byte(text, start, true);
            let right_ok = end == bytes.len() || !is_word_byte(text, end, false);
            match &self.kinds[m.pattern().as_usize()] {
                PatternKind::FalseFriend => {
                    if left_ok {
                        cancelled.push((start, end));
                    }
                }
                PatternKind::Term { concept, prefix } => {
                    if left_ok && (right_ok || *prefix) {
                        let word_end = if *prefix { word_end(text, end) } else { end };
                        terms.push((start, word_end, *concept));
                    }
                }
                PatternKind::Ending { concept } => {
                    // A compound: the ending closes a longer word (borstkanker, angststoornis).
                    let word_start = word_start(text, start);
                    if right_ok && start - word_start >= 3 {
                        terms.push((word_start, end, *concept));
                    }
                }
            }
        }
        let mut hits: Vec<Hit> = Vec::new();
        for (s, e, concept) in terms {
            if cancelled.iter().any(|(cs, ce)| *cs <= s && e <= *ce) {
                continue;
            }
            let term = &text[s..e];
            match hits
                .iter_mut()
                .find(|h| h.concept == concept && h.term == term)
            {
                Some(hit) => hit.count += 1,
                None => hits.push(Hit {
                    term: term.to_string(),
                    concept,
                    count: 1,
                }),
            }
        }
        hits
    }
}

/// Text with the accents of the four lexicon languages taken off (`diëtist` → `dietist`), as host names
/// write words.
pub fn fold_accents(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

/// Whether the character just before (`before = true`) or at `at` is part of a word.
fn is_word_byte(text: &str, at: usize, before: bool) -> bool {
    let c = if before {
        text[..at].chars().next_back()
    } else {
        text[at..].chars().next()
    };
    c.is_some_and(|c| c.is_alphanumeric())
}

fn word_end(text: &str, from: usize) -> usize {
    text[from..]
        .find(|c: char| !c.is_alphanumeric() && c != '-')
        .map(|n| from + n)
        .unwrap_or(text.len())
}

fn word_start(text: &str, from: usize) -> usize {
    text[..from]
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphanumeric())
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        let nl = r#"
false_friends = ["behandeling van uw aanvraag", "eigen risico"]
[strong]
hart = ["hart"]
diabetes = ["diabet*"]
[care]
ivf = ["ivf", "in-vitrofertilisatie"]
[weak]
behandeling = ["behandeling", "behandelingen"]
[negative]
premie = ["premie*"]
[compound_endings]
kanker = ["kanker"]
stoornis = ["stoornis", "stoornissen"]
"#;
        Lexicon::from_sources(&[("rules/medical/nl.toml".into(), nl.to_string())]).unwrap()
    }

    fn ids(lex: &Lexicon, text: &str) -> Vec<String> {
        lex.find(text)
            .iter()
            .map(|h| format!("{}:{}", lex.concept(h.concept).id, h.term))
            .collect()
    }

    #[test]
    fn short_words_match_only_whole_words() {
        let lex = lexicon();
        assert_eq!(ids(&lex, "met hartelijke groet"), Vec::<String>::new());
        assert_eq!(ids(&lex, "uw hart klopt"), vec!["hart:hart"]);
    }

    #[test]
    fn prefix_forms_and_compound_endings_match_longer_words() {
        let lex = lexicon();
        assert_eq!(ids(&lex, "diabetische voet"), vec!["diabetes:diabetische"]);
        assert_eq!(
            ids(&lex, "borstkanker en angststoornissen"),
            vec!["kanker:borstkanker", "stoornis:angststoornissen"]
        );
        assert_eq!(
            ids(&lex, "kanker"),
            Vec::<String>::new(),
            "a bare ending is not a compound"
        );
    }

    #[test]
    fn false_friends_cancel_the_terms_inside_them() {
        let lex = lexicon();
        assert_eq!(
            ids(&lex, "de behandeling van uw aanvraag duurt een week"),
            Vec::<String>::new()
        );
        assert_eq!(
            ids(&lex, "de behandeling duurt een week"),
            vec!["behandeling:behandeling"]
        );
    }
}
