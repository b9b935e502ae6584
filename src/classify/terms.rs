//! The lexicon outside page classification: how medical a link looks before it is visited (the crawl's
//! order), and the health terms in what a tracker received.

use super::*;

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
