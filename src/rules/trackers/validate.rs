//! Checks of one vendor's rule file beyond its schema: slugs and ids, categories and kinds, host
//! patterns within the vendor's hosts, path patterns, cookie and storage names.

use std::collections::HashSet;

use super::super::host_matches;
use super::super::source::{RuleError, Source};
use super::VendorRules;

/// Every problem of one vendor's rules, each at its line.
pub(super) fn vendor(v: &VendorRules, source: &Source, errors: &mut Vec<RuleError>) {
    let mut at_span: Vec<RuleError> = Vec::new();
    let mut push = |needle: &str, message: String| errors.push(source.error_near(needle, message));
    if v.vendor.is_empty()
        || !v
            .vendor
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        push(
            "",
            format!(
                "the file name `{}` is not a vendor slug (lower-case letters, digits, '-')",
                v.vendor
            ),
        );
    }
    if v.company.trim().is_empty() {
        push("company", "company is empty".into());
    }
    if v.categories.is_empty() {
        push("categories", "categories is empty".into());
    }
    if v.hosts.is_empty() {
        push(
            "hosts",
            "hosts is empty: the vendor could never match".into(),
        );
    }
    for h in &v.hosts {
        check_host_pattern(h, &mut push);
    }
    let mut ids = HashSet::new();
    for e in &v.endpoints {
        if !ids.insert(&e.id) {
            at_span.push(source.error_at(
                e.id_span.clone(),
                format!("rule id `{}` appears twice", e.id),
            ));
        }
        if e.id.is_empty()
            || !e
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            push(
                &e.id,
                format!(
                    "rule id `{}` must be lower-case letters, digits and '-'",
                    e.id
                ),
            );
        }
        if e.hosts.is_empty() {
            push(&e.id, format!("endpoint `{}` has no hosts", e.id));
        }
        for h in &e.hosts {
            check_host_pattern(h, &mut push);
            let bare = h.trim_start_matches("*.");
            if !v.hosts.iter().any(|vh| host_matches(vh, bare) || vh == h) {
                push(
                    h,
                    format!(
                        "endpoint host `{h}` is not within the vendor's hosts {:?}",
                        v.hosts
                    ),
                );
            }
        }
        for p in &e.paths {
            if !p.starts_with('/') {
                push(p, format!("path pattern `{p}` must start with '/'"));
            }
        }
    }
    for c in &v.cookies {
        if c.name.is_empty() || c.name == "*" {
            push("name", "cookie name is empty or matches everything".into());
        }
    }
    for s in &v.storage {
        if s.key.is_empty() || s.key == "*" {
            push("key", "storage key is empty or matches everything".into());
        }
    }
    errors.extend(at_span);
}

fn check_host_pattern(h: &str, push: &mut impl FnMut(&str, String)) {
    let bare = h.strip_prefix("*.").unwrap_or(h);
    let valid = !bare.is_empty()
        && bare == bare.to_ascii_lowercase()
        && bare.contains('.')
        && bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !valid {
        push(
            h,
            format!(
                "`{h}` is not a host pattern (lower-case host name, optionally starting with `*.`; no scheme, port or path)"
            ),
        );
    }
}
