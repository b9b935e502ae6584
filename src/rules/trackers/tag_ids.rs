//! Tag ids: the ids a vendor's tag leaves in a page (pixel id, container id), as the vendor files name
//! them (`[[tag_id]]`, regular expressions whose first group is the id), and finding them in a text.

use serde::{Deserialize, Serialize};

use super::{RuleSet, VendorRules};

/// An id the vendor's tag names in the page, found by regular expressions (the id is the first group).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TagIdRule {
    /// Stable rule id, e.g. `meta-pixel-id`.
    pub id: String,
    /// What the id is, in words (`Meta pixel id`).
    pub names: String,
    /// Regular expressions (Rust `regex` syntax); the first capture group is the id.
    pub patterns: Vec<String>,
    /// Snippets in which some pattern must find an id (checked on every load).
    pub examples: Vec<String>,
}

/// An id a tag rule found in a text.
#[derive(Debug, Clone)]
pub struct TagIdMatch<'r> {
    /// The vendor's rules.
    pub vendor: &'r VendorRules,
    /// The tag rule.
    pub rule: &'r TagIdRule,
    /// The id.
    pub id: String,
}

impl RuleSet {
    /// The tag ids in a text (an inline script, a source address), once each, in pattern order.
    pub fn tag_ids(&self, text: &str) -> Vec<TagIdMatch<'_>> {
        let mut out: Vec<TagIdMatch<'_>> = Vec::new();
        for (v, r, re) in &self.tag_patterns {
            for captures in re.captures_iter(text) {
                let Some(id) = captures.get(1).map(|m| m.as_str().to_string()) else {
                    continue;
                };
                let found = TagIdMatch {
                    vendor: &self.vendors[*v],
                    rule: &self.vendors[*v].tag_ids[*r],
                    id,
                };
                let seen = out.iter().any(|m| {
                    m.vendor.vendor == found.vendor.vendor
                        && m.rule.id == found.rule.id
                        && m.id == found.id
                });
                if !seen {
                    out.push(found);
                }
            }
        }
        out
    }
}
