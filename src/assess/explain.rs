//! The plain explanation of a finding: the catalogue's template filled in from the finding's first
//! occurrence (page, consent mode, vendor, what was sent, the proving request).

use crate::observe::ConsentMode;
use crate::results::Occurrence;
use crate::rules::{Catalogue, FindingText};

/// Fills an explanation template from a finding's first occurrence.
pub fn explain(
    catalogue: &Catalogue,
    id: &str,
    company: &str,
    vendor: &str,
    o: &Occurrence,
) -> FindingText {
    let Some(e) = catalogue.entry(id) else {
        return FindingText::default();
    };
    let page = url::Url::parse(&o.page)
        .map(|u| u.path().to_string())
        .unwrap_or_else(|_| o.page.clone());
    let (mode_nl, mode_en) = match o.mode {
        ConsentMode::None => ("geen keuze", "no choice"),
        ConsentMode::Reject => ("weigeren", "reject"),
        ConsentMode::Accept => ("accepteren", "accept"),
    };
    let carries_terms = !o.health_terms.is_empty();
    let (what_nl, what_en) = if carries_terms {
        (
            format!("de gezondheidstermen {}", o.health_terms.join(", ")),
            format!("the health terms {}", o.health_terms.join(", ")),
        )
    } else {
        (
            "het adres van de pagina".to_string(),
            "the page's address".to_string(),
        )
    };
    let mut evidence = o.requests.first().cloned().unwrap_or_default();
    for d in &o.details {
        if !evidence.is_empty() {
            evidence.push_str("; ");
        }
        evidence.push_str(d);
    }
    let fill = |t: &str, mode: &str, what: &str| {
        t.replace("{page}", &page)
            .replace("{mode_nl}", mode)
            .replace("{mode_en}", mode)
            .replace("{vendor}", vendor)
            .replace("{company}", company)
            .replace("{what_nl}", what)
            .replace("{what_en}", what)
            .replace("{evidence}", &evidence)
    };
    FindingText {
        nl: fill(&e.explanation.nl, mode_nl, &what_nl),
        en: fill(&e.explanation.en, mode_en, &what_en),
    }
}
