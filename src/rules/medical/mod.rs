//! The medical lexicon: concepts with their term forms and tier, per language, from `rules/medical/<lang>.toml`,
//! compiled into Aho-Corasick automata over every form of every language.
//!
//! Forms match whole words; a form ending in `*` also matches longer words that start with it
//! (`diabet*`: diabetes, diabetische). Compound endings (`kanker` in borstkanker) match at the end of a
//! longer word. False-friend phrases ("behandeling van uw aanvraag") cancel the terms inside them, and
//! negative cues (premie, vacatures) mark pages whose topic is not care.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{AhoCorasick, Anchored, MatchKind, StartKind};
use serde::{Deserialize, Serialize};

mod compile;
pub mod context;
mod words;

use crate::rules::source::{self, RuleError, RuleErrors, Source};
use context::{PageType, SiteCues};
pub use words::fold_accents;
use words::{Openings, is_word_byte, word_end, word_start, words};

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

/// The terms and false friends one walk from a word start found, as offsets from that start.
struct Walk {
    terms: Vec<(usize, usize)>,
    cancelled: Vec<usize>,
}

impl Walk {
    fn of(start: usize, terms: &[(usize, usize, usize)], cancelled: &[(usize, usize)]) -> Walk {
        Walk {
            terms: terms.iter().map(|&(_, e, c)| (e - start, c)).collect(),
            cancelled: cancelled.iter().map(|&(_, e)| e - start).collect(),
        }
    }

    /// Whether everything found ends within `len` bytes of the start, the word itself (a prefix form reads on
    /// to the end of a hyphenated word, which lies beyond it).
    fn ends_within(&self, len: usize) -> bool {
        self.terms.iter().all(|&(e, _)| e <= len) && self.cancelled.iter().all(|&e| e <= len)
    }

    fn replay(
        &self,
        start: usize,
        terms: &mut Vec<(usize, usize, usize)>,
        cancelled: &mut Vec<(usize, usize)>,
    ) {
        terms.extend(self.terms.iter().map(|&(e, c)| (start, start + e, c)));
        cancelled.extend(self.cancelled.iter().map(|&e| (start, start + e)));
    }
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
    /// schema.org types that name medical content (`schema-org.toml`).
    schema_types: Vec<String>,
    version: String,
}

impl Lexicon {
    /// Loads every `medical/*.toml` below `dir`: a lexicon per language (the file stem is the language code),
    /// the page types (`page-types.toml`) and the site cues (`sites.toml`).
    pub fn load(dir: &Path) -> Result<Lexicon, RuleErrors> {
        let sources = source::read_folder(&dir.join("medical"), "the medical lexicon folder")?;
        Self::from_sources(&sources)
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

    /// Whether a schema.org type (`MedicalCondition`) names medical content.
    pub fn is_medical_schema_type(&self, name: &str) -> bool {
        self.schema_types.iter().any(|t| t == name)
    }

    /// The words that make a site a general provider, and the host prefixes that name a specialty.
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
        let in_false_friend = |start: usize, end: usize| {
            self.site_cues.host_false_friends.iter().any(|f| {
                folded
                    .match_indices(f.as_str())
                    .any(|(at, _)| at <= start && end <= at + f.len())
            })
        };
        // The longest form a word holds names it best: `orthopediekliniek` is orthopaedics, though it
        // opens with `ortho`, which alone names an orthodontist's practice.
        self.host_automaton
            .find_overlapping_iter(&folded)
            .filter(|m| !in_false_friend(m.start(), m.end()))
            .filter(|m| {
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
            .max_by_key(|m| (m.len(), std::cmp::Reverse(m.start())))
            .map(|m| Hit {
                term: word.to_lowercase(),
                concept: self.host_concepts[m.pattern().as_usize()],
                count: 1,
            })
    }

    /// Walks the word automaton from a word start and records every term and false friend that starts there.
    /// Returns how many bytes the walk read.
    fn forms_from(
        &self,
        text: &str,
        start: usize,
        root: aho_corasick::automaton::StateID,
        terms: &mut Vec<(usize, usize, usize)>,
        cancelled: &mut Vec<(usize, usize)>,
    ) -> usize {
        let dfa = &self.word_automaton;
        let bytes = text.as_bytes();
        let mut state = root;
        for (offset, &b) in bytes[start..].iter().enumerate() {
            state = dfa.next_state(Anchored::Yes, state, b);
            if dfa.is_dead(state) {
                return offset + 1;
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
        bytes.len() - start
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
        // What a walk from a word start found, by the word and the character after it, when the walk read no
        // further: words repeat, and each distinct one is walked once. Offsets are from the word's start.
        let mut walked: HashMap<&str, Walk> = HashMap::new();
        for (word_start, word_end) in words(text) {
            let forms_here = terms.len();
            if self.word_openings.may_open(&bytes[word_start..]) {
                let after = text[word_end..].chars().next().map_or(0, char::len_utf8);
                let key = &text[word_start..word_end + after];
                match walked.get(key) {
                    Some(walk) => walk.replay(word_start, &mut terms, &mut cancelled),
                    None => {
                        let (t, c) = (terms.len(), cancelled.len());
                        let read = self.forms_from(
                            text,
                            word_start,
                            word_root,
                            &mut terms,
                            &mut cancelled,
                        );
                        let walk = Walk::of(word_start, &terms[t..], &cancelled[c..]);
                        if read <= key.len() && walk.ends_within(word_end - word_start) {
                            walked.insert(key, walk);
                        }
                    }
                }
            }
            // A compound ending closes a word at least three bytes longer than itself, or spans the words
            // on both sides of a joiner (`verloskunde-zorg`).
            let joined = word_start > 0 && self.ending_joiners.contains(&bytes[word_start - 1]);
            if joined || word_end - word_start >= 3 + self.shortest_ending {
                let endings_here = terms.len();
                self.endings_before(text, word_end, ending_root, &mut terms);
                // A word that a form names whole (`fysiotherapie`) is one mention, not also one of the
                // ending's concept (`-therapie`): counted twice, one topic would look like two.
                let mut at = endings_here;
                while at < terms.len() {
                    let (s, e, _) = terms[at];
                    if terms[forms_here..endings_here]
                        .iter()
                        .any(|&(fs, fe, _)| (fs, fe) == (s, e))
                    {
                        terms.remove(at);
                    } else {
                        at += 1;
                    }
                }
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

#[cfg(test)]
mod tests;
