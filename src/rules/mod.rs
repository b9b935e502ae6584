//! The rule database: every rule family as data in `rules/`, loaded and checked here (source.rs is the
//! one loader they share): the tracker vendors (trackers/), the consent tools and control words
//! (consent.rs, consent_words.rs), the medical lexicon with its page types and site cues (medical/) and
//! the findings catalogue (findings.rs). [`Rules`] is all of them together, as a scan uses them.

pub mod consent;
pub mod consent_words;
pub mod filter_lists;
pub mod findings;
pub mod medical;
pub mod owners;
mod pattern;
pub mod probes;
pub mod source;
pub mod trackers;

use std::path::Path;

use sha2::{Digest, Sha256};

pub use findings::{Catalogue, FindingText, Severity};
pub use medical::Lexicon;
pub use pattern::{host_matches, registrable_domain, wildcard_matches};
pub(crate) use source::err_at;
pub use source::{RuleError, RuleErrors, Source};
pub use trackers::{
    Attribution, Category, CookieRule, Endpoint, EndpointKind, FieldMap, ListAttribution,
    RequestMatch, RuleSet, StorageRule, TagIdMatch, TagIdRule, UNKNOWN_VENDOR, VendorRules,
    explain_lines, explain_row, list,
};

/// Every rule set a scan uses: trackers, consent tools and the medical lexicon.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Tracker vendors.
    pub trackers: RuleSet,
    /// Consent tools and banner words.
    pub consent: consent::ConsentRules,
    /// The medical lexicon.
    pub medical: Lexicon,
    /// The findings catalogue.
    pub findings: Catalogue,
    /// What pixelaudit types into a site (the site search's health term).
    pub probes: probes::Probes,
}

impl Rules {
    /// Loads all rule sets below `dir`; every problem in any of them is reported together.
    pub fn load(dir: &Path) -> Result<Rules, RuleErrors> {
        let (trackers, consent, medical, findings, probes) = (
            RuleSet::load(dir),
            consent::ConsentRules::load(dir),
            Lexicon::load(dir),
            Catalogue::load(dir),
            probes::Probes::load(dir),
        );
        match (trackers, consent, medical, findings, probes) {
            (Ok(trackers), Ok(consent), Ok(medical), Ok(findings), Ok(probes)) => Ok(Rules {
                trackers,
                consent,
                medical,
                findings,
                probes,
            }),
            (a, b, c, d, e) => Err(RuleErrors(
                a.err()
                    .into_iter()
                    .chain(b.err())
                    .chain(c.err())
                    .chain(d.err())
                    .chain(e.err())
                    .flat_map(|e| e.0)
                    .collect(),
            )),
        }
    }

    /// What was loaded, in a line: vendors, endpoint rules, consent tools, medical concepts per language,
    /// and the rules version.
    pub fn summary(&self) -> String {
        let endpoints: usize = self
            .trackers
            .vendors()
            .iter()
            .map(|v| v.endpoints.len())
            .sum();
        let lexicon: Vec<String> = self
            .medical
            .concept_counts()
            .into_iter()
            .map(|(lang, n)| format!("{lang} {n}"))
            .collect();
        format!(
            "{} vendors, {} endpoint rules, {} consent tools, medical concepts {}; rules version {}",
            self.trackers.vendors().len(),
            endpoints,
            self.consent.tools.len(),
            lexicon.join(", "),
            self.version()
        )
    }

    /// One version over all rule files.
    pub fn version(&self) -> String {
        combined_version(&[
            self.trackers.version(),
            &self.consent.version,
            self.medical.version(),
            self.findings.version(),
            self.probes.version(),
        ])
    }
}

/// Which filter lists and owner files to add to the vendor rules (`--filter-list`, `--no-default-lists`,
/// `--entities`).
#[derive(Debug, Clone, Default)]
pub struct ListChoice {
    /// The user's own lists.
    pub filter_lists: Vec<std::path::PathBuf>,
    /// Whether to add EasyPrivacy and EasyList from Debian's package when they are installed.
    pub default_lists: bool,
    /// Domain → owner files (tds.json, services.json).
    pub entities: Vec<std::path::PathBuf>,
}

/// A list or owner file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ListChoiceError {
    /// A filter list.
    #[error(transparent)]
    FilterList(#[from] filter_lists::FilterListError),
    /// An entities file.
    #[error(transparent)]
    Entities(#[from] owners::EntitiesError),
}

impl Rules {
    /// Adds the chosen filter lists and owner files to the tracker rules. A list or file the user named
    /// that cannot be used is an error; missing default lists are not (the scan goes on with the vendor
    /// rules), and the returned warning says so.
    pub fn add_lists(&mut self, choice: &ListChoice) -> Result<Option<String>, ListChoiceError> {
        for path in &choice.entities {
            self.trackers.add_entities_file(path)?;
        }
        let mut paths = Vec::new();
        let mut warning = None;
        if choice.default_lists {
            let found = filter_lists::default_list_paths();
            if found.is_empty() {
                warning = Some(format!(
                    "no default filter list found in {}: install Debian's webext-ublock-origin-chromium (scripts/setup does) for EasyPrivacy and EasyList; going on with the vendor rules{}",
                    filter_lists::DEBIAN_LIST_DIR,
                    if choice.filter_lists.is_empty() {
                        " alone"
                    } else {
                        " and the lists given"
                    }
                ));
            }
            paths.extend(found);
        }
        paths.extend(choice.filter_lists.iter().cloned());
        if !paths.is_empty() {
            self.trackers
                .set_filter_lists(filter_lists::FilterLists::load(&paths)?);
        }
        Ok(warning)
    }
}

/// One version for several rule sets: a hash over their versions, in the same `sha256:` form.
pub fn combined_version(versions: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for v in versions {
        hasher.update(v.as_bytes());
        hasher.update([0]);
    }
    format!("sha256:{}", &hex::encode(hasher.finalize())[..16])
}
