//! The findings catalogue, `rules/findings.toml`: titles, explanation templates, legal references and
//! severities, as data.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::rules::source::{RuleErrors, Source};

/// A text in Dutch and English.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FindingText {
    /// Dutch.
    pub nl: String,
    /// English.
    pub en: String,
}

/// How grave a finding is: one scale for the catalogue, assessment, report.json, the CSV tables,
/// report.html and the terminal summary. Ordered from least to most grave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing, not a violation by itself.
    Info,
    /// A likely violation of the rules on cookies and consent.
    Medium,
    /// A likely violation with personal data reaching a third party.
    High,
    /// Health data (art. 9 AVG) reaching a third party without valid consent.
    Critical,
}

impl Severity {
    /// Every severity, the gravest first, as reports list them.
    pub const GRAVEST_FIRST: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Info,
    ];

    /// The name used in report.json and the CSV tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding's entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Default severity.
    pub severity: Severity,
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
        let source = Source::read(&dir.join("findings.toml")).map_err(|e| RuleErrors(vec![e]))?;
        let entries: BTreeMap<String, Entry> = source.parse().map_err(|e| RuleErrors(vec![e]))?;
        let mut errors = Vec::new();
        for (id, e) in &entries {
            if e.legal_basis.is_empty() {
                errors.push(source.error_near(id, format!("{id}: no legal basis")));
            }
        }
        for n in 1..=18 {
            let id = format!("F{n:02}");
            if !entries.contains_key(&id) {
                errors.push(source.error(format!("{id} is missing")));
            }
        }
        if errors.is_empty() {
            // The hash of the text alone, as before the catalogue shared the loader: a report's rules
            // version stays comparable across releases.
            let digest = <sha2::Sha256 as sha2::Digest>::digest(source.text.as_bytes());
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

    /// Every finding id, in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }
}
