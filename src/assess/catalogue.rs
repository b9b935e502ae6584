//! The findings catalogue, `rules/findings.toml`: titles, explanation templates, legal references and
//! severities, as data.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Occurrence;
use crate::observe::ConsentMode;
use crate::rules::{RuleError, RuleErrors};

/// A text in Dutch and English.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FindingText {
    /// Dutch.
    pub nl: String,
    /// English.
    pub en: String,
}

/// One finding's entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Default severity.
    pub severity: String,
    /// Always needs a person's review.
    #[serde(default)]
    pub needs_review: bool,
    /// Raised to critical when it happens on a medical page.
    #[serde(default)]
    pub critical_on_medical_page: bool,
    /// Title.
    pub title: FindingText,
    /// Explanation template.
    pub explanation: FindingText,
    /// Legal references.
    pub legal_basis: Vec<String>,
}

/// The whole catalogue.
#[derive(Debug, Clone)]
pub struct Catalogue {
    entries: BTreeMap<String, Entry>,
    version: String,
}

impl Catalogue {
    /// Loads `findings.toml` below `dir`.
    pub fn load(dir: &Path) -> Result<Catalogue, RuleErrors> {
        let file = dir.join("findings.toml");
        let text = std::fs::read_to_string(&file).map_err(|e| {
            RuleErrors(vec![RuleError {
                file: file.clone(),
                line: 0,
                message: format!("cannot read: {e}"),
            }])
        })?;
        let entries: BTreeMap<String, Entry> = toml::from_str(&text).map_err(|e| {
            RuleErrors(vec![RuleError {
                file: file.clone(),
                line: e
                    .span()
                    .map(|s| crate::rules::line_at(&text, s.start))
                    .unwrap_or(0),
                message: e.message().trim().to_string(),
            }])
        })?;
        let mut errors = Vec::new();
        for (id, e) in &entries {
            if !matches!(e.severity.as_str(), "critical" | "high" | "medium" | "info") {
                errors.push(crate::rules::err_at(
                    &file,
                    &text,
                    &e.severity,
                    format!("{id}: unknown severity `{}`", e.severity),
                ));
            }
            if e.legal_basis.is_empty() {
                errors.push(crate::rules::err_at(
                    &file,
                    &text,
                    id,
                    format!("{id}: no legal basis"),
                ));
            }
        }
        for n in 1..=18 {
            let id = format!("F{n:02}");
            if !entries.contains_key(&id) {
                errors.push(RuleError {
                    file: file.clone(),
                    line: 0,
                    message: format!("{id} is missing"),
                });
            }
        }
        if errors.is_empty() {
            let digest = <sha2::Sha256 as sha2::Digest>::digest(text.as_bytes());
            Ok(Catalogue {
                entries,
                version: format!("sha256:{}", &hex::encode(digest)[..16]),
            })
        } else {
            Err(RuleErrors(errors))
        }
    }

    /// Hash of `findings.toml`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The entry for a finding id.
    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.entries.get(id)
    }

    /// Fills an explanation template from a finding's first occurrence.
    pub fn explain(&self, id: &str, company: &str, vendor: &str, o: &Occurrence) -> FindingText {
        let Some(e) = self.entries.get(id) else {
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
        if let Some(d) = &o.detail {
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
}
