//! The medical lexicon: concepts with their term forms and tier, per language, from `rules/medical/<lang>.toml`,
//! compiled into Aho-Corasick automata over every form of every language.
//!
//! Forms match whole words; a form ending in `*` also matches longer words that start with it
//! (`diabet*`: diabetes, diabetische). Compound endings (`kanker` in borstkanker) match at the end of a
//! longer word. False-friend phrases ("behandeling van uw aanvraag") cancel the terms inside them, and
//! negative cues (premie, vacatures) mark pages whose topic is not care.

use std::collections::BTreeMap;
use std::path::Path;

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{AhoCorasick, Anchored, MatchKind, StartKind};
use serde::{Deserialize, Serialize};

pub mod context;

use crate::rules::source::{self, RuleError, RuleErrors, Source};
use context::{PageType, SiteCues};

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

/// What a form that starts at a word boundary does when it matches.
#[derive(Debug, Clone)]
enum WordForm {
    Term { concept: usize, prefix: bool },
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
    /// The family each concept counts as in running text (`rules/medical/families.toml`), else its own id.
    family_of: Vec<String>,
    /// Terms and false friends, which start where a word starts. The automaton is anchored: it is walked
    /// from each word start and stops as soon as no form can continue. Walking only from word starts keeps
    /// to the few states near the root, where an unanchored search over 3,000 forms would wander through
    /// megabytes of states at every letter (measured: `cargo bench --bench classify`).
    word_automaton: DFA,
    word_forms: Vec<WordForm>,
    /// Where a term or false friend can start. Two words in three open no form and need no walk.
    word_openings: Box<Openings>,
    /// Compound endings, reversed, walked backwards from each word end (`kanker` closes borstkanker).
    ending_automaton: DFA,
    ending_concepts: Vec<usize>,
    /// Length in bytes of the shortest compound ending.
    shortest_ending: usize,
    /// The bytes other than letters and digits that endings hold (`-` in `kunde-zorg`): an ending may then
    /// span the short word after one of them and the word before it.
    ending_joiners: Vec<u8>,
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
        let sources = source::read_folder(&dir.join("medical"), "the medical lexicon folder")?;
        Self::from_sources(&sources)
    }

    /// Builds the lexicon from rule files; `page-types.toml`, `families.toml` and `sites.toml` are read as
    /// context, every other file as the lexicon of the language its stem names.
    pub fn from_sources(sources: &[Source]) -> Result<Lexicon, RuleErrors> {
        let mut errors = Vec::new();
        let mut concepts = Vec::new();
        let mut word_patterns: Vec<String> = Vec::new();
        let mut word_forms = Vec::new();
        let mut ending_patterns: Vec<String> = Vec::new();
        let mut ending_concepts = Vec::new();
        let mut languages = Vec::new();
        let mut page_types = Vec::new();
        let mut site_cues = SiteCues::default();
        let mut families = None;
        for source in sources {
            let (path, text) = (&source.path, &source.text);
            let file_name = source.file_name();
            if file_name == context::PAGE_TYPES_FILE {
                match context::parse_page_types(path, text) {
                    Ok(types) => page_types = types,
                    Err(e) => errors.extend(e),
                }
                continue;
            }
            if file_name == context::FAMILIES_FILE {
                match context::parse_families(path, text) {
                    Ok(f) => families = Some((path.clone(), text.clone(), f)),
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
            let lang = source.stem();
            let file: LexiconFile = match source.parse() {
                Ok(f) => f,
                Err(e) => {
                    errors.push(e);
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
                        // Forms are looked for from word starts only (`find`).
                        if !form.starts_with(char::is_alphanumeric) {
                            errors.push(crate::rules::err_at(
                                path,
                                text,
                                id,
                                format!(
                                    "concept `{id}`: form `{form}` must start with a letter or digit"
                                ),
                            ));
                            continue;
                        }
                        word_patterns.push(form);
                        word_forms.push(WordForm::Term { concept, prefix });
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
                    ending_patterns.push(ending.to_lowercase());
                    ending_concepts.push(concept);
                }
            }
            for phrase in &file.false_friends {
                if !phrase.starts_with(char::is_alphanumeric) {
                    errors.push(crate::rules::err_at(
                        path,
                        text,
                        phrase,
                        format!("false friend `{phrase}` must start with a letter or digit"),
                    ));
                    continue;
                }
                word_patterns.push(phrase.to_lowercase());
                word_forms.push(WordForm::FalseFriend);
            }
        }
        // Each concept counts in running text as its family (or as itself).
        let mut family_of: Vec<String> = concepts.iter().map(|c| c.id.clone()).collect();
        if let Some((path, text, families)) = &families {
            let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
            for (family, members) in families {
                for member in members {
                    if let Some(other) = seen.insert(member, family) {
                        errors.push(crate::rules::err_at(
                            path,
                            text,
                            member,
                            format!(
                                "concept `{member}` is in two families, `{other}` and `{family}`"
                            ),
                        ));
                    }
                    let mut found = false;
                    for (i, c) in concepts.iter().enumerate() {
                        if c.id == *member && matches!(c.tier, Tier::Strong | Tier::Care) {
                            family_of[i] = family.clone();
                            found = true;
                        }
                    }
                    if !found {
                        errors.push(crate::rules::err_at(
                            path,
                            text,
                            member,
                            format!(
                                "family `{family}`: no strong or care concept `{member}` in rules/medical/<lang>.toml"
                            ),
                        ));
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(RuleErrors(errors));
        }
        let build_error = |e: aho_corasick::BuildError| {
            RuleErrors(vec![RuleError {
                file: "rules/medical".into(),
                line: 0,
                message: e.to_string(),
            }])
        };
        let word_automaton = DFA::builder()
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Anchored)
            .build(&word_patterns)
            .map_err(build_error)?;
        let mut word_openings = Box::<Openings>::default();
        for form in &word_patterns {
            word_openings.add(form.as_bytes());
        }
        let reversed_endings: Vec<Vec<u8>> = ending_patterns
            .iter()
            .map(|e| e.bytes().rev().collect())
            .collect();
        let ending_automaton = DFA::builder()
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Anchored)
            .build(&reversed_endings)
            .map_err(build_error)?;
        let (host_forms, host_concepts): (Vec<String>, Vec<usize>) = word_patterns
            .iter()
            .zip(&word_forms)
            .filter_map(|(form, kind)| match kind {
                WordForm::Term { concept, .. }
                    if matches!(concepts[*concept].tier, Tier::Strong | Tier::Care) =>
                {
                    Some((form, *concept))
                }
                _ => None,
            })
            .flat_map(|(form, concept)| {
                let folded = fold_accents(form);
                let transliterated = form
                    .replace('ä', "ae")
                    .replace('ö', "oe")
                    .replace('ü', "ue");
                let transliterated = fold_accents(&transliterated);
                let second = (transliterated != folded).then_some((transliterated, concept));
                std::iter::once((folded, concept)).chain(second)
            })
            .unzip();
        let host_automaton = AhoCorasick::new(&host_forms).map_err(build_error)?;
        let version = source::version_of(sources);
        Ok(Lexicon {
            concepts,
            family_of,
            word_automaton,
            word_forms,
            word_openings,
            ending_automaton,
            shortest_ending: ending_patterns.iter().map(String::len).min().unwrap_or(0),
            ending_joiners: {
                let mut joiners: Vec<u8> = ending_patterns
                    .iter()
                    .flat_map(|e| e.bytes())
                    .filter(|b| !b.is_ascii_alphanumeric() && b.is_ascii())
                    .collect();
                joiners.sort_unstable();
                joiners.dedup();
                joiners
            },
            ending_concepts,
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

    /// The family a concept counts as in running text (`mental-health` for depression), or its own id.
    pub fn family(&self, index: usize) -> &str {
        &self.family_of[index]
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

    /// The strong or care concept a host word names. Host names run words together, so the usual word
    /// boundaries do not hold: the form may be the whole word (`fysiotherapie`); open it when it has five
    /// letters or more (`fysiotherapiemusselkanaal`), or close it (`andringapsychologie`, `oxfordfertility`);
    /// stand inside it when it is a care type of six letters or more (`stokeroaddentalpractice`); or be one of the site
    /// cues' host prefixes at either end (`ggzcentraal`, `vitaalggz`). German host names write umlauts as
    /// `ae`, `oe`, `ue` (`kieferorthopaede`), and both spellings are known.
    pub fn specialty_in_host_word(&self, word: &str) -> Option<Hit> {
        let folded = fold_accents(&word.to_lowercase());
        let is_host_prefix = |form: &str| self.site_cues.host_prefixes.iter().any(|p| p == form);
        // A form that closes or stands inside a word is read only where the word names no general
        // provider (`horushuisartsenzorg` is a GP practice), and inside a word only a care type counts
        // (`operatie` in `cooperatievgz` is chance).
        let names_a_general_provider = || {
            self.site_cues
                .general
                .iter()
                .any(|g| folded.contains(fold_accents(g).as_str()))
        };
        self.host_automaton
            .find_overlapping_iter(&folded)
            .find(|m| {
                let form = &folded[m.start()..m.end()];
                let letters = form.chars().count();
                let opens = m.start() == 0;
                let closes = m.end() == folded.len();
                let care_type =
                    self.concepts[self.host_concepts[m.pattern().as_usize()]].tier == Tier::Care;
                (opens && (closes || letters >= 5 || is_host_prefix(form)))
                    || (closes
                        && (letters >= 5 || is_host_prefix(form))
                        && !names_a_general_provider())
                    || (letters >= 6 && care_type && !names_a_general_provider())
            })
            .map(|m| Hit {
                term: word.to_lowercase(),
                concept: self.host_concepts[m.pattern().as_usize()],
                count: 1,
            })
    }

    /// Walks the word automaton from a word start and records every term and false friend that starts there.
    fn forms_from(
        &self,
        text: &str,
        start: usize,
        root: aho_corasick::automaton::StateID,
        terms: &mut Vec<(usize, usize, usize)>,
        cancelled: &mut Vec<(usize, usize)>,
    ) {
        let dfa = &self.word_automaton;
        let bytes = text.as_bytes();
        let mut state = root;
        for (offset, &b) in bytes[start..].iter().enumerate() {
            state = dfa.next_state(Anchored::Yes, state, b);
            if dfa.is_dead(state) {
                return;
            }
            if !dfa.is_match(state) {
                continue;
            }
            let end = start + offset + 1;
            let right_ok = end == bytes.len() || !is_word_byte(text, end, false);
            for i in 0..dfa.match_len(state) {
                let pattern = dfa.match_pattern(state, i);
                // A state also carries the forms that end here but start later (its suffixes).
                if dfa.pattern_len(pattern) != end - start {
                    continue;
                }
                match &self.word_forms[pattern.as_usize()] {
                    WordForm::FalseFriend => cancelled.push((start, end)),
                    WordForm::Term { concept, prefix } => {
                        if right_ok || *prefix {
                            let term_end = if *prefix { word_end(text, end) } else { end };
                            terms.push((start, term_end, *concept));
                        }
                    }
                }
            }
        }
    }

    /// Walks the reversed endings backwards from a word end and records each compound ending that closes a
    /// word at least three bytes longer than itself.
    fn endings_before(
        &self,
        text: &str,
        end: usize,
        root: aho_corasick::automaton::StateID,
        terms: &mut Vec<(usize, usize, usize)>,
    ) {
        let dfa = &self.ending_automaton;
        let bytes = text.as_bytes();
        let mut state = root;
        for at in (0..end).rev() {
            state = dfa.next_state(Anchored::Yes, state, bytes[at]);
            if dfa.is_dead(state) {
                return;
            }
            if !dfa.is_match(state) || !text.is_char_boundary(at) {
                continue;
            }
            for i in 0..dfa.match_len(state) {
                let pattern = dfa.match_pattern(state, i);
                if dfa.pattern_len(pattern) != end - at {
                    continue;
                }
                let word_start = word_start(text, at);
                if at - word_start >= 3 {
                    terms.push((word_start, end, self.ending_concepts[pattern.as_usize()]));
                }
            }
        }
    }

    /// Every distinct term in `text` (which must already be lower-case), in one pass over its words: from
    /// each word start that may open a form the word automaton is walked forwards, and from each long
    /// enough word end the reversed endings backwards. A term repeated in the text is reported once, with
    /// how often it occurs.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let bytes = text.as_bytes();
        let mut terms: Vec<(usize, usize, usize)> = Vec::new();
        let mut cancelled: Vec<(usize, usize)> = Vec::new();
        let (Ok(word_root), Ok(ending_root)) = (
            self.word_automaton.start_state(Anchored::Yes),
            self.ending_automaton.start_state(Anchored::Yes),
        ) else {
            return Vec::new();
        };
        for (word_start, word_end) in words(text) {
            if self.word_openings.may_open(&bytes[word_start..]) {
                self.forms_from(text, word_start, word_root, &mut terms, &mut cancelled);
            }
            // A compound ending closes a word at least three bytes longer than itself, or spans the words
            // on both sides of a joiner (`verloskunde-zorg`).
            let joined = word_start > 0 && self.ending_joiners.contains(&bytes[word_start - 1]);
            if joined || word_end - word_start >= 3 + self.shortest_ending {
                self.endings_before(text, word_end, ending_root, &mut terms);
            }
        }
        // In the order the terms stand in the text, whichever automaton found them.
        terms.sort_unstable();
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

/// Bit sets of the openings of forms: the first four bytes of forms of four bytes or more, hashed to 17
/// bits (16 KiB), and the first two bytes of the shorter forms (8 KiB; forms are at least two bytes long).
/// Measured on the bench page, a third set for three-byte forms costs more than the walks it spares.
#[derive(Clone)]
struct Openings {
    four: [u64; 2048],
    two: [u64; 1024],
}

impl Default for Openings {
    fn default() -> Self {
        Openings {
            four: [0; 2048],
            two: [0; 1024],
        }
    }
}

impl std::fmt::Debug for Openings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Openings")
    }
}

fn bit(set: &[u64], key: usize) -> bool {
    set[key / 64] & (1 << (key % 64)) != 0
}

fn set_bit(set: &mut [u64], key: usize) {
    set[key / 64] |= 1 << (key % 64);
}

impl Openings {
    fn four_key(four: [u8; 4]) -> usize {
        (u32::from_le_bytes(four).wrapping_mul(0x9E37_79B1) >> 15) as usize
    }

    fn two_key(a: u8, b: u8) -> usize {
        usize::from(u16::from_le_bytes([a, b]))
    }

    fn add(&mut self, form: &[u8]) {
        match *form {
            [a, b, c, d, ..] => set_bit(&mut self.four, Self::four_key([a, b, c, d])),
            [a, b, ..] => set_bit(&mut self.two, Self::two_key(a, b)),
            _ => {}
        }
    }

    /// Whether a form may start `text` (a false yes costs a walk, never a term).
    fn may_open(&self, text: &[u8]) -> bool {
        text.first_chunk::<2>()
            .is_some_and(|&[a, b]| bit(&self.two, Self::two_key(a, b)))
            || text
                .first_chunk::<4>()
                .is_some_and(|four| bit(&self.four, Self::four_key(*four)))
    }
}

/// How a byte reads in [`words`]: part of a word (ASCII letter or digit), not (other ASCII), or the start or
/// continuation of a non-ASCII character, which is decoded.
const fn byte_kinds() -> [u8; 256] {
    let mut kinds = [NOT_WORD; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        kinds[b] = if byte >= 0x80 {
            DECODE
        } else if byte.is_ascii_alphanumeric() {
            WORD
        } else {
            NOT_WORD
        };
        b += 1;
    }
    kinds
}
const NOT_WORD: u8 = 0;
const WORD: u8 = 1;
const DECODE: u8 = 2;
static BYTE_KINDS: [u8; 256] = byte_kinds();

/// The character at `at` (which is not ASCII): whether it is part of a word, and its length in bytes.
fn decoded_word_char(text: &str, at: usize) -> (bool, usize) {
    text[at..]
        .chars()
        .next()
        .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8()))
}

/// The words of a text as byte ranges: runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        // To the next word.
        while at < bytes.len() {
            match BYTE_KINDS[bytes[at] as usize] {
                WORD => break,
                NOT_WORD => at += 1,
                _ => match decoded_word_char(text, at) {
                    (true, _) => break,
                    (false, step) => at += step,
                },
            }
        }
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        // To its end.
        while at < bytes.len() {
            match BYTE_KINDS[bytes[at] as usize] {
                WORD => at += 1,
                NOT_WORD => break,
                _ => match decoded_word_char(text, at) {
                    (true, step) => at += step,
                    (false, _) => break,
                },
            }
        }
        Some((start, at))
    })
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
    use std::collections::BTreeSet;

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
        Lexicon::from_sources(&[Source::new("rules/medical/nl.toml", nl)]).unwrap()
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

    fn shipped() -> Lexicon {
        Lexicon::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).unwrap()
    }

    #[test]
    fn host_words_name_a_specialty_at_either_end_or_inside() {
        let lex = shipped();
        for word in [
            "andringapsychologie",     // closes the word
            "oxfordfertility",         // closes the word
            "stokeroaddentalpractice", // inside, six letters or more
            "kieferorthopaede",        // German umlaut written as ae
            "vitaalggz",               // a host prefix at the end
            "fysiotherapiemusselkanaal",
        ] {
            assert!(lex.specialty_in_host_word(word).is_some(), "{word}");
        }
        // Short forms inside a word are chance ("ent" in "parentportal"), and so is a condition or
        // treatment inside one ("operatie" in "cooperatievgz"); a GP practice names no specialty.
        for word in [
            "parentportal",
            "studentenverzekering",
            "mijnzorg",
            "cooperatievgz",
            "horushuisartsenzorg",
            "oakfieldsurgery",
        ] {
            assert!(lex.specialty_in_host_word(word).is_none(), "{word}");
        }
    }

    #[test]
    fn related_concepts_count_as_their_family() {
        let lex = shipped();
        let family = |text: &str| {
            lex.find(text)
                .iter()
                .filter(|h| matches!(lex.concept(h.concept).tier, Tier::Strong | Tier::Care))
                .map(|h| lex.family(h.concept).to_string())
                .collect::<BTreeSet<_>>()
        };
        assert_eq!(
            family("depressie en angst, behandeld met emdr"),
            BTreeSet::from(["mental-health".to_string()])
        );
        assert!(family("fysiotherapie en tandzorg").len() == 2);
    }

    #[test]
    fn terms_are_found_next_to_accented_letters_and_endings_across_a_hyphen() {
        let lex = shipped();
        let concepts = |text: &str| {
            lex.find(text)
                .iter()
                .map(|h| lex.concept(h.concept).id.clone())
                .collect::<BTreeSet<_>>()
        };
        // At the text's start and end, and after a non-ASCII character that is not a letter.
        assert!(concepts("ggz").contains("ggz"));
        assert!(concepts("«ggz»").contains("ggz"));
        // Inside a longer word (after an accented letter) a whole-word form does not match.
        assert!(!concepts("éggz").contains("ggz"));
        // A compound ending that holds a hyphen closes the word before it.
        assert!(concepts("verloskunde-zorg").contains("-zorg-specialistisch"));
    }

    #[test]
    fn a_form_that_does_not_start_with_a_letter_is_a_rule_error() {
        let sources = vec![Source::new(
            "rules/medical/nl.toml",
            "false_friends = [\"-vrij\"]\n[strong]\nangst = [\"(angst\"]\n",
        )];
        let errors = Lexicon::from_sources(&sources).unwrap_err();
        assert_eq!(errors.0.len(), 2, "{errors:?}");
    }

    #[test]
    fn a_family_naming_an_unknown_concept_is_a_rule_error() {
        let sources = vec![
            Source::new("rules/medical/nl.toml", "[strong]\nangst = [\"angst\"]\n"),
            Source::new(
                "rules/medical/families.toml",
                "[families]\nmental-health = [\"angst\", \"somberheid\"]\n",
            ),
        ];
        let errors = Lexicon::from_sources(&sources).unwrap_err();
        assert_eq!(errors.0.len(), 1, "{errors:?}");
        assert!(errors.0[0].message.contains("somberheid"), "{errors:?}");
        assert_eq!(errors.0[0].line, 2);
    }
}
