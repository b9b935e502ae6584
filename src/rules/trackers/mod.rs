//! The tracker rule database, `rules/trackers/<vendor>.toml`, one file per vendor (the file stem is the
//! vendor slug): its schema, loading with validation (validate.rs), and matching. Loading checks every
//! file and reports each problem as `file:line: message`; a rule set with errors is not used. Matching
//! goes through an index by registrable domain, never a scan over all rules.

mod explain;
mod tag_ids;
mod validate;
mod vocabulary;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::filter_lists::{FilterLists, ListMatch};
use super::owners::{Owner, Owners};
use super::source::{self, RuleError, RuleErrors, Source};
use super::{host_matches, registrable_domain, wildcard_matches};
pub use explain::{explain_lines, explain_row, list};
pub use tag_ids::{TagIdMatch, TagIdRule};
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
    /// Ids the vendor's tag leaves in a page's inline scripts and source addresses (pixel id, container
    /// id), which the static sweep reads.
    #[serde(default, rename = "tag_id")]
    pub tag_ids: Vec<TagIdRule>,
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
    /// (vendor, tag rule, compiled pattern) for every tag-id pattern.
    tag_patterns: Vec<(usize, usize, regex::Regex)>,
    /// Domain owners for requests no vendor rule knows (`owners.toml`, `--entities`).
    owners: Owners,
    /// Standard filter lists, the floor under the vendor rules; shared by every tab.
    lists: Option<Arc<FilterLists>>,
    version: String,
}

/// How a request was recognised: by a curated vendor rule, or only by a filter list.
#[derive(Debug, Clone)]
pub enum Attribution<'r> {
    /// A vendor rule matched: vendor, category and decoding come from it.
    Rule(RequestMatch<'r>),
    /// Only a filter list blocks it.
    List(ListAttribution<'r>),
}

/// A request that only a filter list flags, with its owner when `owners.toml` or an entities file
/// names the domain.
#[derive(Debug, Clone)]
pub struct ListAttribution<'r> {
    /// The list and filter.
    pub matched: ListMatch,
    /// The domain's owner, when known.
    pub owner: Option<&'r Owner>,
    /// The owner's category, else the list's.
    pub category: Category,
    /// The request's registrable domain.
    pub domain: String,
}

/// The vendor slug of a request that a filter list flags and no owner file names.
pub const UNKNOWN_VENDOR: &str = "unknown";

impl ListAttribution<'_> {
    /// The owner's slug, else `unknown`.
    pub fn vendor(&self) -> String {
        self.owner
            .map(|o| o.slug())
            .unwrap_or_else(|| UNKNOWN_VENDOR.to_string())
    }
    /// The owner, else `unknown (<domain>)`.
    pub fn company(&self) -> String {
        self.owner
            .map(|o| o.owner.clone())
            .unwrap_or_else(|| format!("unknown ({})", self.domain))
    }
    /// `list:<domain>`: list-only requests are grouped by registrable domain.
    pub fn rule_id(&self) -> String {
        format!("list:{}", self.domain)
    }
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
        let owners = Owners::load(dir);
        let mut set = Self::from_sources(source::read_folder(
            &dir.join("trackers"),
            "the tracker rule folder",
        )?);
        match (&mut set, owners) {
            (Ok(set), Ok((owners, owners_source))) => {
                if let Some(owners_source) = owners_source {
                    let owners_version = source::version_of(&[owners_source]);
                    set.version = super::combined_version(&[&set.version, &owners_version]);
                }
                set.owners = owners;
            }
            (Err(errors), Err(more)) => errors.0.extend(more),
            (Ok(_), Err(more)) => return Err(RuleErrors(more)),
            (Err(_), Ok(_)) => {}
        }
        set
    }

    /// Uses these filter lists after the vendor rules (see [`RuleSet::attribute`]); the rules version
    /// then covers the lists' hashes too.
    pub fn set_filter_lists(&mut self, lists: FilterLists) {
        let hashes: Vec<&str> = lists.lists().iter().map(|l| l.sha256.as_str()).collect();
        self.version = super::combined_version(&[&[self.version.as_str()], &hashes[..]].concat());
        self.lists = Some(Arc::new(lists));
    }

    /// Adds the owners named in an entities file (`--entities`); the rules version covers its hash.
    pub fn add_entities_file(&mut self, path: &Path) -> Result<(), super::owners::EntitiesError> {
        self.owners.add_entities_file(path)?;
        if let Some(file) = self.owners.files().last() {
            self.version = super::combined_version(&[&self.version, &file.sha256]);
        }
        Ok(())
    }

    /// The filter lists in use, if any.
    pub fn filter_lists(&self) -> Option<&FilterLists> {
        self.lists.as_deref()
    }

    /// The domain owners.
    pub fn owners(&self) -> &Owners {
        &self.owners
    }

    /// How a request of Chromium resource type `resource_type`, made by the page at `source_url`, is
    /// recognised: a vendor rule first (it knows vendor, category and payload), else a filter list.
    pub fn attribute(
        &self,
        url: &url::Url,
        source_url: &str,
        resource_type: &str,
    ) -> Option<Attribution<'_>> {
        if let Some(hit) = self.match_url(url) {
            return Some(Attribution::Rule(hit));
        }
        let lists = self.lists.as_deref()?;
        let matched = lists.check(url.as_str(), source_url, resource_type)?;
        let host = url.host_str()?;
        let owner = self.owners.owner_of(host);
        let category = owner
            .map(|o| o.category)
            .unwrap_or_else(|| lists.category_of(&matched.list));
        Some(Attribution::List(ListAttribution {
            matched,
            owner,
            category,
            domain: registrable_domain(&host.to_ascii_lowercase()),
        }))
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
            tag_patterns: Vec::new(),
            owners: Owners::default(),
            lists: None,
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
            for (j, rule) in v.tag_ids.iter().enumerate() {
                for pattern in &rule.patterns {
                    match regex::Regex::new(pattern) {
                        Ok(re) if re.captures_len() >= 2 => set.tag_patterns.push((i, j, re)),
                        Ok(_) => errors.push(source.error_near(
                            pattern,
                            format!(
                                "tag id `{}`: the pattern has no capture group for the id",
                                rule.id
                            ),
                        )),
                        Err(e) => errors.push(source.error_near(
                            pattern,
                            format!(
                                "tag id `{}`: the pattern is not a regular expression: {e}",
                                rule.id
                            ),
                        )),
                    }
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
            for rule in &v.tag_ids {
                for example in &rule.examples {
                    let found = self
                        .tag_ids(example)
                        .iter()
                        .any(|m| m.vendor.vendor == v.vendor && m.rule.id == rule.id);
                    if !found {
                        errors.push(source.error_near(
                            example,
                            format!("example does not give an id for tag rule `{}`", rule.id),
                        ));
                    }
                }
            }
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
}

#[cfg(test)]
mod tests;
