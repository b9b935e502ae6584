//! Classification: does a page reveal something about a visitor's health? (shared/FINDINGS.md, "What makes
//! a page medical": the page's *main topic* decides, not what it mentions in passing.)
//!
//! A page is medical when a condition, treatment or care type names its topic: in the URL, title, h1,
//! breadcrumb or schema.org type; or in running text where one concept dominates. Many distinct concepts
//! with none dominant is the mark of overviews, about pages, rule books and insurance products, and scores
//! down. Page types (home, overview, about, news, rules, product, service; `rules/medical/page-types.toml`)
//! take points off; a host name that names one specialty (a GGZ clinic, an IVF clinic) makes every page
//! of the site medical, unless it names a general provider too (`rules/medical/sites.toml`). Every decision
//! carries its evidence.
//!
//! The same lexicon finds health terms in what trackers received (decoded page URLs, titles, event data).

mod field;
mod site;
mod terms;
pub mod text;
mod url;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub use crate::rules::medical::context::PageTypeEvidence;
use crate::rules::medical::{self as lexicon, context};
pub use crate::rules::medical::{Lexicon, Tier};
pub use field::EvidenceField;
use site::host_specialty;
pub use site::{classify_site, remove_site_boilerplate};
pub use terms::{annotate_health_terms, health_terms, link_score};
pub use text::{PageText, extract};
use url::{compounds_in_url, department_in_text};

/// Score from which a page is medical.
pub const THRESHOLD: f64 = 6.0;
/// What running text (body, h2, meta description) adds when one concept dominates it: enough to pass alone.
const DOMINANT_TEXT_POINTS: f64 = 6.0;
/// What it adds when it names one or two concepts in passing: support for a topic named elsewhere.
const PASSING_TEXT_POINTS: f64 = 3.0;
/// What it adds when it lists many concepts with none dominant (an overview, an about page, a product).
const LIST_TEXT_POINTS: f64 = 1.5;
/// Most weak terms can add together.
const WEAK_CAP: f64 = 1.5;
/// Most that negative cues (or the page type) can take off.
const NEGATIVE_CAP: f64 = 12.0;
/// A concept dominates the running text when it occurs at least this often…
const DOMINANT_MIN_OCCURRENCES: usize = 3;
/// …and makes up more than half of all strong and care occurrences there (half is a tie between concepts,
/// as on a visiting-hours page that names the maternity ward and intensive care alike).
const DOMINANT_MIN_SHARE: f64 = 0.5;
/// From this many distinct concepts with none dominant, the text is a list of care types.
const LIST_MIN_CONCEPTS: usize = 3;

/// The decision for one page, with its evidence.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Classification {
    /// The page.
    pub url: String,
    /// The decision.
    pub is_medical: bool,
    /// The score against [`THRESHOLD`].
    pub score: f64,
    /// The threshold used.
    pub threshold: f64,
    /// Detected language of the page (ISO 639-1).
    pub language: String,
    /// The terms that fired.
    pub evidence: Vec<Evidence>,
    /// What the running text is about: one concept dominating, a list of care types, or mentions in passing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_topic: Option<TextTopic>,
    /// The kind of page its URL or title shows, when its topic is the organisation rather than care.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_type: Option<PageTypeEvidence>,
}

/// One term that fired.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evidence {
    /// The text that matched.
    pub term: String,
    /// The lexicon concept.
    pub concept: String,
    /// `strong`, `care`, `weak` or `negative`.
    pub tier: Tier,
    /// Where on the page (or the site) it fired.
    pub field: EvidenceField,
    /// Language of the lexicon entry.
    pub lang: String,
}

/// How the strong and care concepts of a page's running text are spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextPattern {
    /// One concept makes up a large share of the mentions: the text is about it.
    #[serde(rename = "one concept dominates")]
    Dominant,
    /// Many distinct concepts, none dominant: an overview, an about page, a rule book, a product page.
    #[serde(rename = "list of care types")]
    List,
    /// One or two concepts, mentioned a few times.
    #[serde(rename = "mentioned in passing")]
    Passing,
}

/// The spread of concepts in the running text (body, h2 headings, meta description).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextTopic {
    /// The pattern, which decides what the text may add to the score.
    pub pattern: TextPattern,
    /// The most frequent concept, or its family (`rules/medical/families.toml`) when it has one.
    pub concept: String,
    /// Its occurrences.
    pub occurrences: usize,
    /// Occurrences of all strong and care concepts.
    pub of: usize,
    /// Occurrences of the next most frequent concept.
    #[serde(default)]
    pub runner_up: usize,
    /// Distinct strong and care concepts.
    pub distinct: usize,
    /// Points the text added.
    pub points: f64,
}

/// Fields that name a page's topic, with their weight.
const TOPIC_FIELDS: &[(EvidenceField, f64)] = &[
    (EvidenceField::Url, 3.0),
    (EvidenceField::Title, 3.0),
    (EvidenceField::H1, 3.0),
    (EvidenceField::Breadcrumb, 3.0),
];
/// Fields of running text, whose concepts count by how they are spread.
const TEXT_FIELDS: &[EvidenceField] = &[
    EvidenceField::Description,
    EvidenceField::H2,
    EvidenceField::Body,
];

fn tier_weight(tier: Tier) -> f64 {
    match tier {
        Tier::Strong | Tier::Care => 3.0,
        Tier::Weak => 0.5,
        Tier::Negative => -6.0,
    }
}

/// Language of a text (ISO 639-1), falling back on the page's `lang` attribute, then Dutch.
pub fn language(text: &PageText) -> String {
    // 500 characters decide as well as 1,000 on the real-page set (scripts/eval-real-pages: no page's
    // language changed) at half the cost.
    let sample: String = [text.title.as_str(), text.h1.as_str(), text.body.as_str()]
        .iter()
        .flat_map(|part| part.chars().chain([' ']))
        .take(500)
        .collect();
    let detector = whatlang::Detector::with_allowlist(vec![
        whatlang::Lang::Nld,
        whatlang::Lang::Eng,
        whatlang::Lang::Deu,
        whatlang::Lang::Fra,
    ]);
    let detected = detector
        .detect(&sample)
        .filter(|i| i.is_reliable() || sample.len() > 200)
        .and_then(|i| match i.lang() {
            whatlang::Lang::Nld => Some("nl"),
            whatlang::Lang::Eng => Some("en"),
            whatlang::Lang::Deu => Some("de"),
            whatlang::Lang::Fra => Some("fr"),
            _ => None,
        });
    detected
        .map(str::to_string)
        .or_else(|| text.html_lang.as_ref().map(|l| l.chars().take(2).collect()))
        .unwrap_or_else(|| "nl".into())
}

/// Classifies one page from its fields. The URL's host counts as site context: a host that names one
/// specialty makes the page medical (FINDINGS.md: "any page on a single-specialty site").
pub fn classify(lexicon: &Lexicon, url: &str, page: &PageText) -> Classification {
    let language = language(page);
    let in_language = |lang: &str| lang == language || !lexicon.languages().contains(&language);
    let mut evidence: BTreeSet<Evidence> = BTreeSet::new();
    let mut topic = 0.0;
    let mut topic_named = false;
    let mut weak = 0.0;
    let mut negatives = 0.0;
    // Occurrences of each strong or care concept in the running text, all text fields together.
    let mut text_counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut text_hits: Vec<lexicon::Hit> = Vec::new();
    let title = format!("{} {}", page.title, page.h1).to_lowercase();
    let page_type = context::page_type(lexicon.page_types(), url, &title);
    // A home page's title and h1 are the organisation's tagline: they say what the site is, not the page.
    let title_names_the_site = page_type.as_ref().is_some_and(|t| t.title_names_the_site);
    let fields = TOPIC_FIELDS
        .iter()
        .copied()
        .chain(TEXT_FIELDS.iter().map(|f| (*f, 0.0)));
    for (field, weight) in fields {
        let is_topic_field = weight > 0.0;
        let lower = field.text(page).unwrap_or_default().to_lowercase();
        let mut seen_concepts = BTreeSet::new();
        let mut seen_terms = BTreeSet::new();
        // A field's negative cues name one thing: "/over-ons/nieuws/" and "/aanmelden-contact/" say the page
        // sits in a section of the organisation, once, however many of its words are cues.
        let mut field_negative: f64 = 0.0;
        let mut hits = lexicon.find(&lower);
        if field == EvidenceField::Url
            && lexicon
                .site_cues()
                .compounding_languages
                .contains(&language)
        {
            hits.extend(compounds_in_url(lexicon, &lower, &hits));
        }
        // Where several languages know a term (URL words), the page's own language names it.
        hits.sort_by_key(|h| lexicon.concept(h.concept).lang != language);
        for hit in hits {
            let concept = lexicon.concept(hit.concept);
            // URL words are often another language ("/treatments/") and carry no sentence to detect.
            if field != EvidenceField::Url && !in_language(&concept.lang) {
                continue;
            }
            // Running text that says "contact" or "nieuws" says nothing of what the page is.
            if concept.tier == Tier::Negative && !is_topic_field {
                continue;
            }
            let first_in_field = seen_concepts.insert(concept.id.clone());
            // A term two languages' entries know ("tarif" is a French and a German price word) is one cue.
            if is_topic_field && !seen_terms.insert(hit.term.clone()) {
                continue;
            }
            match concept.tier {
                Tier::Strong | Tier::Care if !is_topic_field => {
                    *text_counts
                        .entry(lexicon.family(hit.concept).to_string())
                        .or_insert(0) += hit.count;
                    text_hits.push(hit.clone());
                }
                // One concept counts once per field, whichever language's entry found it.
                _ if !first_in_field => continue,
                Tier::Strong | Tier::Care
                    if title_names_the_site
                        && matches!(field, EvidenceField::Title | EvidenceField::H1) => {}
                Tier::Strong | Tier::Care => {
                    topic += tier_weight(concept.tier) * weight;
                    topic_named = true;
                }
                Tier::Weak => weak += tier_weight(concept.tier) * weight.max(1.0),
                Tier::Negative => field_negative = field_negative.min(tier_weight(concept.tier)),
            }
            if first_in_field {
                evidence.insert(Evidence {
                    term: hit.term,
                    concept: concept.id.clone(),
                    tier: concept.tier,
                    field,
                    lang: concept.lang.clone(),
                });
            }
        }
        negatives += field_negative;
    }
    if !topic_named && let Some(hit) = department_in_text(lexicon, url, &text_hits) {
        let concept = lexicon.concept(hit.concept);
        let url_weight = TOPIC_FIELDS
            .iter()
            .find(|(f, _)| *f == EvidenceField::Url)
            .map_or(0.0, |(_, w)| *w);
        topic += tier_weight(concept.tier) * url_weight;
        topic_named = true;
        evidence.insert(Evidence {
            term: hit.term,
            concept: concept.id.clone(),
            tier: concept.tier,
            field: EvidenceField::Url,
            lang: concept.lang.clone(),
        });
    }
    for t in &page.schema_types {
        if lexicon.is_medical_schema_type(t) {
            topic += 6.0;
            topic_named = true;
            evidence.insert(Evidence {
                term: t.clone(),
                concept: "schema.org".into(),
                tier: Tier::Strong,
                field: EvidenceField::Schema,
                lang: language.clone(),
            });
        }
    }
    let text_topic = text_topic(&text_counts);
    let text_points = text_topic.as_ref().map_or(0.0, |t| t.points);
    // A page type and the lexicon's negative cues often say the same thing ("/nieuws/"): the larger counts.
    let penalty = (-negatives)
        .max(page_type.as_ref().map_or(0.0, |t| t.weight))
        .min(NEGATIVE_CAP);
    let score = topic + text_points + weak.min(WEAK_CAP) - penalty;
    let score = (score * 100.0).round() / 100.0;
    let dominant = text_topic
        .as_ref()
        .is_some_and(|t| t.pattern == TextPattern::Dominant);
    let mut decision = Classification {
        url: url.to_string(),
        // Running text alone decides only when one concept dominates it.
        is_medical: (topic_named || dominant) && score >= THRESHOLD,
        score,
        threshold: THRESHOLD,
        language,
        evidence: evidence.into_iter().collect(),
        text_topic,
        page_type,
    };
    if let Some(site) = host_specialty(lexicon, url) {
        decision.is_medical = true;
        decision.evidence.push(site);
    }
    decision
}

/// How the strong and care concepts of the running text are spread, and what that text may add.
fn text_topic(counts: &BTreeMap<String, usize>) -> Option<TextTopic> {
    let (concept, &occurrences) = counts
        .iter()
        .max_by_key(|(id, n)| (**n, std::cmp::Reverse(*id)))?;
    let of: usize = counts.values().sum();
    let distinct = counts.len();
    let mut sorted: Vec<usize> = counts.values().copied().collect();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    let runner_up = sorted.get(1).copied().unwrap_or(0);
    let pattern = if occurrences >= DOMINANT_MIN_OCCURRENCES
        && occurrences as f64 > DOMINANT_MIN_SHARE * of as f64
    {
        TextPattern::Dominant
    } else if distinct >= LIST_MIN_CONCEPTS {
        TextPattern::List
    } else {
        TextPattern::Passing
    };
    let points = match pattern {
        TextPattern::Dominant => DOMINANT_TEXT_POINTS,
        TextPattern::Passing => PASSING_TEXT_POINTS,
        TextPattern::List => LIST_TEXT_POINTS,
    };
    Some(TextTopic {
        pattern,
        concept: concept.clone(),
        occurrences,
        of,
        runner_up,
        distinct,
        points,
    })
}

impl Classification {
    /// The decision for a reader: medical or not, the score against the threshold, and each piece of
    /// evidence on a line (tier, field, concept, term, language).
    pub fn describe(&self) -> String {
        let mut out = format!(
            "{}: {} (score {} against {}, language {})\n",
            self.url,
            if self.is_medical {
                "medical"
            } else {
                "not medical"
            },
            self.score,
            self.threshold,
            self.language
        );
        for e in &self.evidence {
            out.push_str(&format!(
                "  {:<8} {:<12} {:<24} {} ({})\n",
                format!("{:?}", e.tier).to_lowercase(),
                e.field,
                e.concept,
                e.term,
                e.lang
            ));
        }
        out
    }
}

/// Classifies a page from its HTML.
pub fn classify_html(lexicon: &Lexicon, url: &str, html: &str) -> Classification {
    classify(lexicon, url, &extract(url, html))
}

#[cfg(test)]
mod tests;
