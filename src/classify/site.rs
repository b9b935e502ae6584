//! Site context: a site whose name, host name or home page names one specialty (a GGZ clinic, an IVF
//! clinic) makes every one of its pages medical, contact and route pages too, unless it names a general
//! provider; and text blocks repeated on most of a site's pages (menus, footers) are not page text.

use super::*;

/// The specialty a host name names (`www.ggz-kompas.nl`, `ivfkliniek-noord.nl`), unless one of its words
/// is a general provider's (`ziekenhuis`, `zorgverzekeraar`, `apotheek`).
pub(super) fn host_specialty(lexicon: &Lexicon, url: &str) -> Option<Evidence> {
    let host = HostReading::of(lexicon, url);
    if context::general_provider_word(lexicon.site_cues(), "", &host.plain_words()).is_some() {
        return None;
    }
    host.specialty().map(|hit| site_evidence(lexicon, hit))
}

/// A host name's words, each with the specialty it names, if any.
struct HostReading {
    words: Vec<(String, Option<lexicon::Hit>)>,
}

impl HostReading {
    fn of(lexicon: &Lexicon, url: &str) -> HostReading {
        let general = &lexicon.site_cues().general;
        HostReading {
            words: context::host_words(url)
                .into_iter()
                .map(|w| {
                    // `apotheekkoster` starts with a general provider's word: it names no specialty.
                    let hit = (!general.iter().any(|g| w.starts_with(g.as_str())))
                        .then(|| lexicon.specialty_in_host_word(&w))
                        .flatten();
                    (w, hit)
                })
                .collect(),
        }
    }

    /// Words that name no specialty: only these can show a general provider (`oogziekenhuis` names one).
    fn plain_words(&self) -> Vec<&str> {
        self.words
            .iter()
            .filter(|(_, hit)| hit.is_none())
            .map(|(w, _)| w.as_str())
            .collect()
    }

    fn specialty(self) -> Option<lexicon::Hit> {
        self.words.into_iter().find_map(|(_, hit)| hit)
    }
}

fn site_evidence(lexicon: &Lexicon, hit: lexicon::Hit) -> Evidence {
    let c = lexicon.concept(hit.concept);
    Evidence {
        term: hit.term,
        concept: c.id.clone(),
        tier: c.tier,
        field: EvidenceField::Site,
        lang: c.lang.clone(),
    }
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
/// name, host name or home page title names one specialty (a GGZ clinic, an IVF clinic, a cancer hospital)
/// makes every one of its pages medical, the contact and route pages too. `pages` is `(url, html)`; the
/// first is the page the crawl started from.
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
    let start = pages.first().map(|(u, _)| u.as_str()).zip(texts.first());
    if let Some(specialty) = site_specialty(lexicon, site_name, start) {
        for r in results.iter_mut() {
            r.is_medical = true;
            if !r.evidence.iter().any(|e| e.field == EvidenceField::Site) {
                r.evidence.push(specialty.clone());
            }
        }
    }
    results
}

/// The specialty a whole site is about, if it is about one: a strong or care concept in the site's name,
/// host name or home page title and h1, and no general provider's word there (a general hospital or an
/// insurer is never single-specialty). The start page's title counts only when it is the home page: a scan
/// started on an IVF page of an insurer says nothing of the insurer.
fn site_specialty(
    lexicon: &Lexicon,
    site_name: &str,
    start: Option<(&str, &PageText)>,
) -> Option<Evidence> {
    let (url, home) = start.unzip();
    let home_title = url
        .zip(home)
        .filter(|(u, _)| context::path_segments(u).is_empty())
        .map(|(_, h)| format!("{} {}", h.title, h.h1))
        .unwrap_or_default();
    let identity = format!("{site_name} {home_title}").to_lowercase();
    let language = home.map(language).unwrap_or_default();
    let mut hits: Vec<lexicon::Hit> = lexicon
        .find(&identity)
        .into_iter()
        .filter(|h| matches!(lexicon.concept(h.concept).tier, Tier::Strong | Tier::Care))
        .collect();
    hits.sort_by_key(|h| lexicon.concept(h.concept).lang != language);
    // A specialty phrase wins over the general word inside it ("eye hospital").
    let mut rest = identity.clone();
    for h in &hits {
        rest = rest.replace(&h.term, " ");
    }
    let host = url.map(|u| HostReading::of(lexicon, u));
    let plain = host
        .as_ref()
        .map(HostReading::plain_words)
        .unwrap_or_default();
    if context::general_provider_word(lexicon.site_cues(), &rest, &plain).is_some() {
        return None;
    }
    hits.into_iter()
        .chain(host.and_then(HostReading::specialty))
        .next()
        .map(|hit| site_evidence(lexicon, hit))
}
