//! What a URL's path says beyond the lexicon's whole words: specialties run into other words, as Dutch and
//! German write them, and a care department's short name read from the page's text.

use super::*;

/// Specialties that URL words hold inside them, read as a host word is (`griepvaccinatie`,
/// `centrumvoorkinderwens`, `gratiszahnspange`): Dutch and German paths run words together as host names do
/// (`compounding_languages` in `rules/medical/sites.toml`), and the lexicon's
/// whole-word forms miss them. Words the lexicon already reads (`hart` in `groene-hart`, which a false
/// friend cancels) are left alone.
pub(super) fn compounds_in_url(
    lexicon: &Lexicon,
    url_words: &str,
    hits: &[lexicon::Hit],
) -> Vec<lexicon::Hit> {
    let covered: BTreeSet<&str> = hits
        .iter()
        .filter(|h| matches!(lexicon.concept(h.concept).tier, Tier::Strong | Tier::Care))
        .flat_map(|h| h.term.split_whitespace())
        .collect();
    url_words
        .split_whitespace()
        .filter(|w| !covered.contains(w) && lexicon.find(w).is_empty())
        .filter_map(|w| lexicon.specialty_in_host_word(w))
        .collect()
}

/// The care concept that a care department's short name in the URL stands for, found in the running text:
/// `/vergoedingen/vervoer` on a page about "zittend ziekenvervoer" is the page of that care type. The
/// department's word must end a term of the text (its head: Dutch and German compounds end in what they are a
/// kind of, English and French phrases in their noun's word), so `/vergoedingen/contact` is not read from
/// "contactlenzen".
pub(super) fn department_in_text(
    lexicon: &Lexicon,
    url: &str,
    text_hits: &[lexicon::Hit],
) -> Option<lexicon::Hit> {
    let department = context::care_department(lexicon.page_types(), url)?;
    department
        .split('-')
        .filter(|w| w.chars().count() >= 4)
        .find_map(|word| {
            text_hits.iter().find(|h| {
                h.term != word
                    && h.term
                        .split_whitespace()
                        .next_back()
                        .is_some_and(|last| last.ends_with(word))
            })
        })
        .map(|h| lexicon::Hit {
            term: format!("{department} ({})", h.term),
            concept: h.concept,
            count: 1,
        })
}
