//! Classification: does a page reveal something about a visitor's health? (shared/FINDINGS.md, "What makes
//! a page medical".) Lexicon hits are weighted by tier and by field (URL, title, h1 and breadcrumb count
//! more than body text), negative cues pull the score down, and every decision carries its evidence.
//!
//! The same lexicon finds health terms in what trackers received (decoded page URLs, titles, event data).

pub mod lexicon;
pub mod text;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use lexicon::{Lexicon, Tier};
pub use text::{PageText, extract};

/// Score from which a page is medical.
pub const THRESHOLD: f64 = 6.0;
/// Most the body text and meta description can add: a page that mentions conditions in passing is not about them.
const BODY_CAP: f64 = 6.0;
/// Most weak terms can add together.
const WEAK_CAP: f64 = 1.5;

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
    /// `url`, `title`, `h1`, `breadcrumb`, `description`, `h2`, `body`, `schema` or `site`.
    pub field: String,
    /// Language of the lexicon entry.
    pub lang: String,
}

const FIELDS: &[(&str, f64)] = &[
    ("url", 3.0),
    ("title", 3.0),
    ("h1", 3.0),
    ("breadcrumb", 3.0),
    ("description", 1.5),
    ("h2", 1.5),
    ("body", 1.0),
];

fn tier_weight(tier: Tier) -> f64 {
    match tier {
        Tier::Strong | Tier::Care => 3.0,
        Tier::Weak => 0.5,
        Tier::Negative => -6.0,
    }
}

/// schema.org types that name medical content, and those that only name a care provider.
const MEDICAL_TYPES: &[&str] = &[
    "MedicalCondition",
    "MedicalProcedure",
    "MedicalTherapy",
    "Drug",
    "MedicalSpecialty",
    "MedicalTest",
    "MedicalSignOrSymptom",
    "DiagnosticProcedure",
    "TherapeuticProcedure",
];

/// Language of a text (ISO 639-1), falling back on the page's `lang` attribute, then Dutch.
pub fn language(text: &PageText) -> String {
    let sample: String = [text.title.as_str(), text.h1.as_str(), text.body.as_str()].join(" ");
    let sample: String = sample.chars().take(1000).collect();
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

/// Classifies one page from its fields.
pub fn classify(lexicon: &Lexicon, url: &str, page: &PageText) -> Classification {
    let language = language(page);
    let in_language = |lang: &str| lang == language || !lexicon.languages().contains(&language);
    let mut evidence: BTreeSet<Evidence> = BTreeSet::new();
    let mut score = 0.0;
    let mut body = 0.0;
    let mut weak = 0.0;
    let mut negatives = 0.0;
    let mut strong_hit = false;
    for (field, weight) in FIELDS {
        let text = match *field {
            "url" => &page.url,
            "title" => &page.title,
            "h1" => &page.h1,
            "breadcrumb" => &page.breadcrumb,
            "description" => &page.description,
            "h2" => &page.h2,
            _ => &page.body,
        };
        let lower = text.to_lowercase();
        let mut seen_concepts = BTreeSet::new();
        let mut hits = lexicon.find(&lower);
        // Where several languages know a term (URL words), the page's own language names it.
        hits.sort_by_key(|h| lexicon.concept(h.concept).lang != language);
        for hit in hits {
            let concept = lexicon.concept(hit.concept);
            // URL words are often another language ("/treatments/") and carry no sentence to detect.
            if *field != "url" && !in_language(&concept.lang) {
                continue;
            }
            if concept.tier == Tier::Negative && matches!(*field, "body" | "h2" | "description") {
                continue;
            }
            // One concept counts once per field, whichever language's entry found it.
            if !seen_concepts.insert(concept.id.clone()) {
                continue;
            }
            let points = tier_weight(concept.tier)
                * if concept.tier == Tier::Negative {
                    1.0
                } else {
                    *weight
                };
            match concept.tier {
                Tier::Weak => weak += points,
                Tier::Negative => negatives += points,
                // Supporting text: the description often repeats the body's first sentence.
                _ if matches!(*field, "body" | "description") => body += points,
                _ => score += points,
            }
            if matches!(concept.tier, Tier::Strong | Tier::Care) {
                strong_hit = true;
            }
            evidence.insert(Evidence {
                term: hit.term,
                concept: concept.id.clone(),
                tier: concept.tier,
                field: field.to_string(),
                lang: concept.lang.clone(),
            });
        }
    }
    for t in &page.schema_types {
        if MEDICAL_TYPES.contains(&t.as_str()) {
            score += 6.0;
            strong_hit = true;
            evidence.insert(Evidence {
                term: t.clone(),
                concept: "schema.org".into(),
                tier: Tier::Strong,
                field: "schema".into(),
                lang: language.clone(),
            });
        }
    }
    score += body.min(BODY_CAP) + weak.min(WEAK_CAP) + negatives.max(-12.0);
    let score = (score * 100.0).round() / 100.0;
    Classification {
        url: url.to_string(),
        is_medical: strong_hit && score >= THRESHOLD,
        score,
        threshold: THRESHOLD,
        language,
        evidence: evidence.into_iter().collect(),
    }
}

/// Classifies a page from its HTML.
pub fn classify_html(lexicon: &Lexicon, url: &str, html: &str) -> Classification {
    classify(lexicon, url, &extract(url, html))
}

/// Drops text blocks (lines of the body) that stand on at least half of a site's pages: menus, footers and
/// banners the markup did not give away.
pub fn remove_site_boilerplate(pages: &mut [PageText]) {
    if pages.len() < 3 {
        return;
    }
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for p in pages.iter() {
        let unique: BTreeSet<&str> = p.body.lines().collect();
        for line in unique {
            *counts.entry(line.to_string()).or_insert(0) += 1;
        }
    }
    let limit = pages.len().div_ceil(2);
    for p in pages.iter_mut() {
        p.body = p
            .body
            .lines()
            .filter(|l| counts.get(*l).copied().unwrap_or(0) < limit)
            .collect::<Vec<_>>()
            .join("\n");
    }
}

/// Classifies all pages of one site together: boilerplate across pages is removed first, and a site whose
/// name and home page are about one specialty (a GGZ clinic, an IVF clinic, a cancer hospital) makes every
/// one of its pages medical. `pages` is `(url, html)`; the first is the home page.
pub fn classify_site(
    lexicon: &Lexicon,
    site_name: &str,
    pages: &[(String, String)],
) -> Vec<Classification> {
    let mut texts: Vec<PageText> = pages.iter().map(|(u, h)| extract(u, h)).collect();
    remove_site_boilerplate(&mut texts);
    let mut results: Vec<Classification> = pages
        .iter()
        .zip(&texts)
        .map(|((u, _), t)| classify(lexicon, u, t))
        .collect();
    if let Some(specialty) = site_specialty(
        lexicon,
        site_name,
        pages.first().map(|(u, _)| u.as_str()),
        texts.first(),
        &results,
    ) {
        for r in results.iter_mut() {
            r.is_medical = true;
            r.evidence.push(specialty.clone());
        }
    }
    results
}

/// The specialty a whole site is about, if it is about one: a strong or care concept in the site's name,
/// host name or home page title, and at least half of its pages medical on their own.
fn site_specialty(
    lexicon: &Lexicon,
    site_name: &str,
    home_url: Option<&str>,
    home: Option<&PageText>,
    results: &[Classification],
) -> Option<Evidence> {
    if results.is_empty() || results.iter().filter(|r| r.is_medical).count() * 2 < results.len() {
        return None;
    }
    let host = home_url
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| u.host_str().map(|h| h.replace(['.', '-'], " ")))
        .unwrap_or_default();
    let identity = format!(
        "{site_name} {host} {} {}",
        home.map(|h| h.title.as_str()).unwrap_or(""),
        home.map(|h| h.h1.as_str()).unwrap_or("")
    )
    .to_lowercase();
    let language = results
        .first()
        .map(|r| r.language.clone())
        .unwrap_or_default();
    let mut hits = lexicon.find(&identity);
    hits.sort_by_key(|h| lexicon.concept(h.concept).lang != language);
    hits.into_iter().find_map(|hit| {
        let c = lexicon.concept(hit.concept);
        matches!(c.tier, Tier::Strong | Tier::Care).then(|| Evidence {
            term: hit.term,
            concept: c.id.clone(),
            tier: c.tier,
            field: "site".into(),
            lang: c.lang.clone(),
        })
    })
}

/// How medical a link looks before it is visited, from its URL words and anchor text: the sum of the
/// tier weights of the concepts found (each concept once, any language). The crawl visits higher scores
/// first.
pub fn link_score(lexicon: &Lexicon, url: &str, anchor: &str) -> f64 {
    let words = format!("{} {}", text::url_words(url), anchor).to_lowercase();
    let mut seen = BTreeSet::new();
    let mut score = 0.0;
    for hit in lexicon.find(&words) {
        let concept = lexicon.concept(hit.concept);
        if seen.insert(concept.id.clone()) {
            score += tier_weight(concept.tier);
        }
    }
    score
}

/// Health terms (strong and care concepts) in what a tracker received.
pub fn health_terms(lexicon: &Lexicon, values: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let lower = text::url_words_or_text(v).to_lowercase();
        for hit in lexicon.find(&lower) {
            if matches!(lexicon.concept(hit.concept).tier, Tier::Strong | Tier::Care)
                && !out.contains(&hit.term)
            {
                out.push(hit.term);
            }
        }
    }
    out
}

/// Adds the health terms each tracker request carried to the detections.
pub fn annotate_health_terms(lexicon: &Lexicon, detections: &mut crate::detect::Detections) {
    for tracker in detections.trackers.iter_mut() {
        for request in tracker.requests.iter_mut() {
            let r = &request.received;
            let mut values: Vec<&str> = [&r.page_url, &r.referrer, &r.title, &r.event]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            values.extend(r.custom.values().map(String::as_str));
            values.extend(request.referer_header.as_deref());
            request.health_terms = health_terms(lexicon, &values);
        }
    }
}
