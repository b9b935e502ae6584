//! Who owns a tracker or service domain: `rules/owners.toml` (ours, one fact per line), and optionally
//! an entities file the user already has (`--entities`: DuckDuckGo's Tracker Radar `tds.json` or
//! Disconnect's `services.json`, neither of which may be bundled). A request that only a filter list
//! flags is named by its owner from here; the curated vendor rules keep precedence over both.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Category;
use super::source::{RuleError, Source};

/// The owner of a domain.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Owner {
    /// The company.
    pub owner: String,
    /// Country of incorporation (ISO 3166-1 alpha-2), when known.
    pub country: Option<String>,
    /// What the domain is used for.
    pub category: Category,
    /// Which file said so: `rules/owners.toml` or the entities file's name.
    pub source: String,
}

impl Owner {
    /// A slug for the owner, as vendor slugs are written: `Adobe Inc.` → `adobe-inc`.
    pub fn slug(&self) -> String {
        let mut slug = String::new();
        for c in self.owner.chars() {
            if c.is_alphanumeric() {
                slug.extend(c.to_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        slug.trim_end_matches('-').to_string()
    }
}

/// An entities file given with `--entities`, as the report records it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EntitiesFile {
    /// Where it was read from.
    pub path: String,
    /// `tracker-radar` or `disconnect`.
    pub format: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Domains it names.
    pub domains: usize,
}

/// Domain → owner, looked up by host and then each parent domain.
#[derive(Debug, Clone, Default)]
pub struct Owners {
    by_domain: HashMap<String, Owner>,
    files: Vec<EntitiesFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnersFile {
    domains: Vec<OwnerLine>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnerLine {
    domain: toml::Spanned<String>,
    owner: String,
    country: String,
    category: Category,
    #[allow(dead_code)]
    source: String,
}

/// A problem with an entities file.
#[derive(Debug, thiserror::Error)]
pub enum EntitiesError {
    /// Unreadable.
    #[error("entities file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Not JSON, or neither format.
    #[error(
        "entities file {path}: {reason}; expected DuckDuckGo's tds.json (with \"trackers\") or Disconnect's services.json (with \"categories\")"
    )]
    Format {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
}

impl Owners {
    /// Reads `owners.toml` in `dir` (the rule folder); a missing file is an empty map.
    pub fn load(dir: &Path) -> Result<(Owners, Option<Source>), Vec<RuleError>> {
        let path = dir.join("owners.toml");
        if !path.exists() {
            return Ok((Owners::default(), None));
        }
        let source = Source::read(&path).map_err(|e| vec![e])?;
        let file: OwnersFile = source.parse().map_err(|e| vec![e])?;
        let mut owners = Owners::default();
        let mut errors = Vec::new();
        for line in file.domains {
            let domain = line.domain.get_ref().trim().to_ascii_lowercase();
            if domain.is_empty() || domain.contains('/') || domain.contains('*') {
                errors.push(source.error_at(
                    line.domain.span(),
                    format!("`{domain}` is not a domain name (write `tracker.example`, no scheme, path or wildcard)"),
                ));
                continue;
            }
            let owner = Owner {
                owner: line.owner,
                country: Some(line.country).filter(|c| !c.is_empty()),
                category: line.category,
                source: "rules/owners.toml".into(),
            };
            if owners.by_domain.insert(domain.clone(), owner).is_some() {
                errors.push(source.error_at(
                    line.domain.span(),
                    format!("domain `{domain}` is listed twice"),
                ));
            }
        }
        if errors.is_empty() {
            Ok((owners, Some(source)))
        } else {
            Err(errors)
        }
    }

    /// Adds the domains of an entities file (tds.json or services.json) that `owners.toml` does not
    /// already name.
    pub fn add_entities_file(&mut self, path: &Path) -> Result<(), EntitiesError> {
        let bytes = std::fs::read(path).map_err(|source| EntitiesError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let format_error = |reason: String| EntitiesError::Format {
            path: path.to_path_buf(),
            reason,
        };
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| format_error(format!("not JSON ({e})")))?;
        let label = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (format, found) = if let Some(trackers) = value.get("trackers") {
            ("tracker-radar", tracker_radar_owners(trackers, &label))
        } else if let Some(categories) = value.get("categories") {
            ("disconnect", disconnect_owners(categories, &label))
        } else {
            return Err(format_error(
                "neither \"trackers\" nor \"categories\" found".into(),
            ));
        };
        if found.is_empty() {
            return Err(format_error("no domain with an owner found".into()));
        }
        let domains = found.len();
        for (domain, owner) in found {
            self.by_domain.entry(domain).or_insert(owner);
        }
        self.files.push(EntitiesFile {
            path: path.display().to_string(),
            format: format.into(),
            sha256: hex::encode(Sha256::digest(&bytes)),
            domains,
        });
        Ok(())
    }

    /// The owner of `host`: the host itself, else its nearest parent domain that is named.
    pub fn owner_of(&self, host: &str) -> Option<&Owner> {
        let host = host.trim_start_matches('.').to_ascii_lowercase();
        let mut rest = host.as_str();
        loop {
            if let Some(owner) = self.by_domain.get(rest) {
                return Some(owner);
            }
            rest = rest.split_once('.')?.1;
            if !rest.contains('.') {
                return None;
            }
        }
    }

    /// Domains named.
    pub fn len(&self) -> usize {
        self.by_domain.len()
    }

    /// True when no domain is named.
    pub fn is_empty(&self) -> bool {
        self.by_domain.is_empty()
    }

    /// The entities files added.
    pub fn files(&self) -> &[EntitiesFile] {
        &self.files
    }
}

/// Tracker Radar's category names, mapped to ours; the first that maps wins, in the file's order.
fn tracker_radar_category(name: &str) -> Option<Category> {
    Some(match name {
        "Advertising" | "Ad Motivated Tracking" | "Action Pixels" | "Ad Fraud" => {
            Category::Advertising
        }
        "Analytics" | "Audience Measurement" | "Third-Party Analytics Marketing" => {
            Category::Analytics
        }
        "Session Replay" => Category::SessionReplay,
        "Social Network" | "Social - Share" | "Social - Comment" => Category::Social,
        "Tag Manager" => Category::TagManager,
        "Consent Management Platform" => Category::Consent,
        "CDN" => Category::Cdn,
        "Embedded Content"
        | "Support Chat Widget"
        | "Online Payment"
        | "Federated Login"
        | "SSO"
        | "Fraud Prevention" => Category::Functional,
        _ => return None,
    })
}

fn tracker_radar_owners(trackers: &serde_json::Value, label: &str) -> Vec<(String, Owner)> {
    let Some(map) = trackers.as_object() else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(domain, entry)| {
            let owner = entry.pointer("/owner/name")?.as_str()?.to_string();
            let category = entry
                .get("categories")
                .and_then(|c| c.as_array())
                .into_iter()
                .flatten()
                .filter_map(|c| c.as_str().and_then(tracker_radar_category))
                .next()
                .unwrap_or(Category::Advertising);
            Some((
                domain.to_ascii_lowercase(),
                Owner {
                    owner,
                    country: None,
                    category,
                    source: label.to_string(),
                },
            ))
        })
        .collect()
}

fn disconnect_category(name: &str) -> Category {
    match name {
        "Analytics" => Category::Analytics,
        "Social" => Category::Social,
        "Content" => Category::Functional,
        "ConsentManagers" => Category::Consent,
        _ => Category::Advertising,
    }
}

/// `{"categories": {"Advertising": [{"Company": {"https://company.example/": ["domain", …]}}]}}`.
fn disconnect_owners(categories: &serde_json::Value, label: &str) -> Vec<(String, Owner)> {
    let mut found = Vec::new();
    let Some(map) = categories.as_object() else {
        return found;
    };
    for (category, companies) in map {
        for company in companies.as_array().into_iter().flatten() {
            for (name, sites) in company.as_object().into_iter().flatten() {
                for domains in sites.as_object().into_iter().flatten().map(|(_, d)| d) {
                    for domain in domains.as_array().into_iter().flatten() {
                        if let Some(domain) = domain.as_str() {
                            found.push((
                                domain.to_ascii_lowercase(),
                                Owner {
                                    owner: name.clone(),
                                    country: None,
                                    category: disconnect_category(category),
                                    source: label.to_string(),
                                },
                            ));
                        }
                    }
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours() -> Owners {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("owners.toml"),
            "domains = [\n  { domain = \"metrics.example\", owner = \"Metrics B.V.\", country = \"NL\", category = \"analytics\", source = \"its privacy page\" },\n]\n",
        )
        .unwrap();
        Owners::load(dir.path()).unwrap().0
    }

    #[test]
    fn a_subdomain_takes_its_parents_owner() {
        let owners = ours();
        let owner = owners.owner_of("collect.eu.metrics.example").unwrap();
        assert_eq!(owner.owner, "Metrics B.V.");
        assert_eq!(owner.slug(), "metrics-b-v");
        assert_eq!(owner.category, Category::Analytics);
        assert!(owners.owner_of("example").is_none());
        assert!(owners.owner_of("other.example").is_none());
    }

    #[test]
    fn a_duplicate_domain_is_reported_at_its_second_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("owners.toml"),
            "domains = [\n  { domain = \"a.example\", owner = \"A\", country = \"NL\", category = \"analytics\", source = \"x\" },\n  { domain = \"a.example\", owner = \"B\", country = \"NL\", category = \"analytics\", source = \"x\" },\n]\n",
        )
        .unwrap();
        let errors = Owners::load(dir.path()).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 3, "{}", errors[0].message);
    }

    #[test]
    fn tracker_radar_and_disconnect_files_add_owners_without_overriding_ours() {
        let dir = tempfile::tempdir().unwrap();
        let tds = dir.path().join("tds.json");
        std::fs::write(
            &tds,
            r#"{"trackers": {
                "metrics.example": {"domain": "metrics.example", "owner": {"name": "Someone Else"}, "categories": ["Analytics"]},
                "ads.example": {"domain": "ads.example", "owner": {"name": "Ads Inc."}, "categories": ["Audience Measurement", "Advertising"]}
            }}"#,
        )
        .unwrap();
        let services = dir.path().join("services.json");
        std::fs::write(
            &services,
            r#"{"categories": {"Social": [{"Friends Ltd": {"https://friends.example/": ["friends.example", "fcdn.example"]}}]}}"#,
        )
        .unwrap();
        let mut owners = ours();
        owners.add_entities_file(&tds).unwrap();
        owners.add_entities_file(&services).unwrap();
        assert_eq!(
            owners.owner_of("metrics.example").unwrap().owner,
            "Metrics B.V."
        );
        let ads = owners.owner_of("px.ads.example").unwrap();
        assert_eq!(
            (ads.owner.as_str(), ads.category),
            ("Ads Inc.", Category::Analytics)
        );
        assert_eq!(ads.source, "tds.json");
        assert_eq!(
            owners.owner_of("fcdn.example").unwrap().category,
            Category::Social
        );
        let formats: Vec<&str> = owners.files().iter().map(|f| f.format.as_str()).collect();
        assert_eq!(formats, ["tracker-radar", "disconnect"]);
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{\"x\": 1}").unwrap();
        let err = owners.add_entities_file(&bad).unwrap_err().to_string();
        assert!(err.contains("tds.json"), "{err}");
    }
}
