//! The tracker rule database, `rules/trackers/<vendor>.toml`, one file per vendor (the file stem is the
//! vendor slug): its schema, loading with validation (validate.rs), and matching. Loading checks every
//! file and reports each problem as `file:line: message`; a rule set with errors is not used. Matching
//! goes through an index by registrable domain, never a scan over all rules.

mod validate;
mod vocabulary;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::source::{self, RuleError, RuleErrors, Source};
use super::{host_matches, registrable_domain, wildcard_matches};
pub use vocabulary::{Category, EndpointKind};

/// One vendor's rule file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VendorRules {
    /// The vendor slug: the file stem, filled in on load.
    #[serde(skip_deserializing)]
    pub vendor: String,
    /// The company that receives the data.
    pub company: String,
    /// What the vendor does, first the main one.
    pub categories: Vec<Category>,
    /// Host patterns the vendor answers on (a name covers its subdomains).
    pub hosts: Vec<String>,
    /// Free text for reviewers.
    #[serde(default)]
    pub notes: String,
    /// Endpoints with their payload fields.
    #[serde(default, rename = "endpoint")]
    pub endpoints: Vec<Endpoint>,
    /// Cookies the vendor sets.
    #[serde(default, rename = "cookie")]
    pub cookies: Vec<CookieRule>,
    /// Web Storage keys the vendor writes.
    #[serde(default, rename = "storage")]
    pub storage: Vec<StorageRule>,
}

/// A vendor endpoint: which requests it covers and which parameters carry what.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// Stable rule id, e.g. `meta-pixel`.
    pub id: String,
    /// Where the id stands in its file (byte range), so a problem with this endpoint is reported at
    /// its own line even when another endpoint has the same id.
    #[serde(skip)]
    pub id_span: std::ops::Range<usize>,
    /// `tracker`, `script`, `social-plugin` or `embed`.
    #[serde(default)]
    pub kind: EndpointKind,
    /// Category of this endpoint (defaults to the vendor's first).
    #[serde(default)]
    pub category: Option<Category>,
    /// Host patterns; each must lie within the vendor's hosts.
    pub hosts: Vec<String>,
    /// Path patterns (`*` wildcard); empty means any path.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Which parameters carry what.
    #[serde(default)]
    pub fields: FieldMap,
    /// Example URLs that must match this endpoint (checked by `rules check` and the tests).
    #[serde(default)]
    pub examples: Vec<String>,
    /// Query parameters that, all present on a matching path, give the vendor's payload format away even on
    /// the site's own host (server-side tagging, CNAME cloaking).
    #[serde(default)]
    pub first_party_params: Vec<String>,
}

/// Parameter-name patterns for each kind of data a vendor may receive.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct FieldMap {
    /// The page address.
    pub page_url: Vec<String>,
    /// The previous page.
    pub referrer: Vec<String>,
    /// The page title.
    pub title: Vec<String>,
    /// The event name.
    pub event: Vec<String>,
    /// Free event data.
    pub custom: Vec<String>,
    /// Identifiers (pixel id, client id, cookie ids, click ids).
    pub identifiers: Vec<String>,
    /// Hashed personal data (advanced matching).
    pub hashed_user_data: Vec<String>,
}

/// A cookie a vendor sets.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CookieRule {
    /// Exact name, or a prefix ending in `*`.
    pub name: String,
    /// What it is for.
    pub purpose: String,
}

/// A Web Storage key a vendor writes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StorageRule {
    /// Exact key, or a prefix ending in `*`.
    pub key: String,
    /// What it is for.
    pub purpose: String,
}

/// The loaded, validated rule set with its lookup index.
#[derive(Debug, Clone)]
pub struct RuleSet {
    vendors: Vec<VendorRules>,
    /// Registrable domain → (host pattern, vendor index).
    by_domain: HashMap<String, Vec<(String, usize)>>,
    /// Exact cookie name → vendor index, and prefix patterns.
    cookie_names: HashMap<String, usize>,
    cookie_prefixes: Vec<(String, usize)>,
    storage_keys: HashMap<String, usize>,
    storage_prefixes: Vec<(String, usize)>,
    /// (vendor, endpoint) pairs with a first-party payload signature.
    signatures: Vec<(usize, usize)>,
    version: String,
}

/// The rule a request matched.
#[derive(Debug, Clone)]
pub struct RequestMatch<'r> {
    /// The vendor's rules.
    pub vendor: &'r VendorRules,
    /// The endpoint, when one matched; `None` for another request to the vendor's hosts.
    pub endpoint: Option<&'r Endpoint>,
}

impl RequestMatch<'_> {
    /// The rule id: the endpoint id, or `<vendor>-host` for other requests to the vendor.
    pub fn rule_id(&self) -> String {
        match self.endpoint {
            Some(e) => e.id.clone(),
            None => format!("{}-host", self.vendor.vendor),
        }
    }
    /// The category of the endpoint, or the vendor's main one.
    pub fn category(&self) -> Category {
        self.endpoint
            .and_then(|e| e.category)
            .or(self.vendor.categories.first().copied())
            .unwrap_or(Category::Advertising)
    }
    /// The endpoint kind (`tracker` when no endpoint matched).
    pub fn kind(&self) -> EndpointKind {
        self.endpoint.map(|e| e.kind).unwrap_or_default()
    }
}

/// Reads one vendor file: the schema, then where each endpoint's id stands (a second, lenient read of
/// just the ids as `toml::Spanned`).
fn read_vendor(source: &Source) -> Result<VendorRules, RuleError> {
    #[derive(Deserialize)]
    struct Ids {
        #[serde(default, rename = "endpoint")]
        endpoints: Vec<Id>,
    }
    #[derive(Deserialize)]
    struct Id {
        id: toml::Spanned<String>,
    }
    let mut vendor: VendorRules = source.parse()?;
    vendor.vendor = source.stem();
    let ids: Ids = source.parse()?;
    for (endpoint, id) in vendor.endpoints.iter_mut().zip(ids.endpoints) {
        endpoint.id_span = id.id.span();
    }
    Ok(vendor)
}

impl RuleSet {
    /// Loads every `trackers/*.toml` below `dir`, validating all of them. Any problem fails the load with
    /// the full list, so one broken rule cannot silently weaken a scan.
    pub fn load(dir: &Path) -> Result<RuleSet, RuleErrors> {
        Self::from_sources(source::read_folder(
            &dir.join("trackers"),
            "the tracker rule folder",
        )?)
    }

    /// Builds a rule set from rule files (used by `load` and by tests).
    pub fn from_sources(sources: Vec<Source>) -> Result<RuleSet, RuleErrors> {
        let mut errors = Vec::new();
        let mut vendors = Vec::new();
        let mut texts = Vec::new();
        for source in &sources {
            match read_vendor(source) {
                Ok(v) => {
                    validate::vendor(&v, source, &mut errors);
                    vendors.push(v);
                    texts.push(source.clone());
                }
                Err(e) => errors.push(e),
            }
        }
        if vendors.is_empty() && errors.is_empty() {
            errors.push(RuleError {
                file: PathBuf::from("rules/trackers"),
                line: 0,
                message: "no rule files found".into(),
            });
        }
        let set = RuleSet::index(vendors, source::version_of(&sources), &texts, &mut errors);
        if errors.is_empty() {
            set.check_examples(&texts, &mut errors);
        }
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(RuleErrors(errors))
        }
    }

    fn index(
        vendors: Vec<VendorRules>,
        version: String,
        texts: &[Source],
        errors: &mut Vec<RuleError>,
    ) -> RuleSet {
        let mut set = RuleSet {
            vendors,
            by_domain: HashMap::new(),
            cookie_names: HashMap::new(),
            cookie_prefixes: Vec::new(),
            storage_keys: HashMap::new(),
            storage_prefixes: Vec::new(),
            signatures: Vec::new(),
            version,
        };
        let mut claimed: HashMap<String, String> = HashMap::new();
        let mut rule_ids: HashMap<String, String> = HashMap::new();
        for (i, v) in set.vendors.iter().enumerate() {
            for (j, e) in v.endpoints.iter().enumerate() {
                if !e.first_party_params.is_empty() {
                    set.signatures.push((i, j));
                }
            }
            let source = &texts[i];
            for host in &v.hosts {
                let bare = host.trim_start_matches("*.");
                if let Some(other) = claimed.insert(host.clone(), v.vendor.clone()) {
                    errors.push(source.error_near(
                        host,
                        format!("host `{host}` is also claimed by vendor `{other}`"),
                    ));
                }
                set.by_domain
                    .entry(registrable_domain(bare))
                    .or_default()
                    .push((host.clone(), i));
            }
            for e in &v.endpoints {
                if let Some(other) = rule_ids.insert(e.id.clone(), v.vendor.clone()) {
                    errors.push(source.error_at(
                        e.id_span.clone(),
                        format!("rule id `{}` is also used by vendor `{other}`", e.id),
                    ));
                }
            }
            for c in &v.cookies {
                match c.name.strip_suffix('*') {
                    Some(prefix) => set.cookie_prefixes.push((prefix.to_string(), i)),
                    None => {
                        set.cookie_names.insert(c.name.clone(), i);
                    }
                }
            }
            for s in &v.storage {
                match s.key.strip_suffix('*') {
                    Some(prefix) => set.storage_prefixes.push((prefix.to_string(), i)),
                    None => {
                        set.storage_keys.insert(s.key.clone(), i);
                    }
                }
            }
        }
        // Longest host pattern first, so `bat.bing.com` wins over `bing.com` if two vendors share a domain.
        for list in set.by_domain.values_mut() {
            list.sort_by_key(|(h, _)| std::cmp::Reverse(h.len()));
        }
        set
    }

    fn check_examples(&self, texts: &[Source], errors: &mut Vec<RuleError>) {
        for (i, v) in self.vendors.iter().enumerate() {
            let source = &texts[i];
            for e in &v.endpoints {
                for example in &e.examples {
                    let got = url::Url::parse(example)
                        .ok()
                        .and_then(|u| self.match_url(&u).map(|m| m.rule_id()));
                    if got.as_deref() != Some(e.id.as_str()) {
                        errors.push(source.error_near(
                            example,
                            format!(
                                "example does not match rule `{}` (it matches {})",
                                e.id,
                                got.map(|g| format!("`{g}`"))
                                    .unwrap_or_else(|| "nothing".into())
                            ),
                        ));
                    }
                }
            }
        }
    }

    /// The rule set's version: a hash of all rule files.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// All vendors, sorted by slug.
    pub fn vendors(&self) -> &[VendorRules] {
        &self.vendors
    }

    /// The vendor a host belongs to, by the host index.
    pub fn vendor_for_host(&self, host: &str) -> Option<&VendorRules> {
        let host = host.trim_start_matches('.').to_ascii_lowercase();
        self.by_domain
            .get(&registrable_domain(&host))?
            .iter()
            .find(|(pattern, _)| host_matches(pattern, &host))
            .map(|(_, i)| &self.vendors[*i])
    }

    /// Matches a request URL: the vendor by host, then the first of its endpoints whose host and path match.
    pub fn match_url(&self, url: &url::Url) -> Option<RequestMatch<'_>> {
        let host = url.host_str()?;
        let vendor = self.vendor_for_host(host)?;
        let host = host.to_ascii_lowercase();
        let path = url.path();
        let endpoint = vendor.endpoints.iter().find(|e| {
            e.hosts.iter().any(|h| host_matches(h, &host))
                && (e.paths.is_empty() || e.paths.iter().any(|p| wildcard_matches(p, path)))
        });
        Some(RequestMatch { vendor, endpoint })
    }

    /// A vendor's payload format on any host: the endpoint whose path matches and whose first-party
    /// parameters are all in the query. A short list of signatures, not the whole rule set.
    pub fn match_payload_format(&self, url: &url::Url) -> Option<RequestMatch<'_>> {
        let keys: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
        self.signatures.iter().find_map(|&(v, e)| {
            let endpoint = &self.vendors[v].endpoints[e];
            let path_ok = endpoint
                .paths
                .iter()
                .any(|p| wildcard_matches(p, url.path()));
            let params_ok = endpoint.first_party_params.iter().all(|p| keys.contains(p));
            (path_ok && params_ok).then(|| RequestMatch {
                vendor: &self.vendors[v],
                endpoint: Some(endpoint),
            })
        })
    }

    /// The vendor whose rules name this cookie.
    pub fn vendor_for_cookie(&self, name: &str) -> Option<&VendorRules> {
        self.vendor_named(&self.cookie_names, &self.cookie_prefixes, name)
    }

    /// The vendor whose rules name this storage key.
    pub fn vendor_for_storage_key(&self, key: &str) -> Option<&VendorRules> {
        self.vendor_named(&self.storage_keys, &self.storage_prefixes, key)
    }

    /// The vendor whose rules name `name` exactly, else the first whose prefix (`_ga*`) it starts with.
    fn vendor_named(
        &self,
        exact: &HashMap<String, usize>,
        prefixes: &[(String, usize)],
        name: &str,
    ) -> Option<&VendorRules> {
        exact
            .get(name)
            .or_else(|| {
                prefixes
                    .iter()
                    .find(|(p, _)| name.starts_with(p.as_str()))
                    .map(|(_, i)| i)
            })
            .map(|&i| &self.vendors[i])
    }

    /// Explains in words which rule matches a URL and why (for `rules explain`).
    pub fn explain(&self, raw: &str) -> String {
        let Ok(url) = url::Url::parse(raw) else {
            return format!("`{raw}` is not a URL");
        };
        let Some(host) = url.host_str() else {
            return format!("`{raw}` has no host");
        };
        let domain = registrable_domain(host);
        let Some(m) = self.match_url(&url) else {
            return format!(
                "no rule matches: no vendor claims a host pattern covering `{host}` (registrable domain `{domain}`)"
            );
        };
        let pattern = self
            .by_domain
            .get(&domain)
            .and_then(|l| {
                l.iter()
                    .find(|(p, _)| host_matches(p, &host.to_ascii_lowercase()))
            })
            .map(|(p, _)| p.clone())
            .unwrap_or_default();
        let mut out = format!(
            "vendor: {} ({})\n  host `{host}` is covered by the vendor's host pattern `{pattern}` (registrable domain `{domain}`)\n",
            m.vendor.vendor, m.vendor.company
        );
        match m.endpoint {
            Some(e) => {
                out.push_str(&format!(
                    "rule: {} (kind {}, category {})\n  host matches one of {:?}; path `{}` matches {}\n",
                    e.id,
                    e.kind,
                    m.category(),
                    e.hosts,
                    url.path(),
                    if e.paths.is_empty() { "any path".to_string() } else { format!("{:?}", e.paths) }
                ));
            }
            None => out.push_str(&format!(
                "rule: {} (no endpoint of the vendor matches; counted as a request to the vendor, category {})\n",
                m.rule_id(),
                m.category()
            )),
        }
        out
    }
}

/// A summary line per vendor, for `rules list`.
pub fn list(set: &RuleSet) -> BTreeMap<String, String> {
    set.vendors
        .iter()
        .map(|v| {
            (
                v.vendor.clone(),
                format!(
                    "{} [{}] hosts: {}; rules: {}",
                    v.company,
                    v.categories
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    v.hosts.join(" "),
                    v.endpoints
                        .iter()
                        .map(|e| e.id.as_str())
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
