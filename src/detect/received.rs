//! What a tracker received, read from a request's decoded parameters: by the endpoint's field map for a
//! vendor rule, or, for a tracker only a filter list knows, every parameter with the page address and
//! title recognised by their values.

use std::collections::BTreeMap;

use super::{Received, payload};
use crate::observe::ObservedRequest;
use crate::rules::{Endpoint, wildcard_matches};

/// The most parameters kept for a request no vendor rule decodes, and the longest value of each.
const MAX_UNDECODED_PARAMS: usize = 40;
const MAX_UNDECODED_VALUE: usize = 512;

/// What a tracker no vendor rule knows received, without a field map: every parameter of its URL and
/// body as `custom` (so the health terms in any of them are found), and `page_url` / `title` where a
/// value is the visited page's address or title.
pub(super) fn received_without_rules(
    request: &ObservedRequest,
    visit: &crate::observe::Visit,
) -> Received {
    let pairs = payload::decode_request(
        &request.url,
        request.post_data.as_deref(),
        request.post_data_base64,
    );
    let page = visit.final_url.as_deref().unwrap_or(&visit.url);
    let mut received = Received::default();
    for (key, value) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        if received.page_url.is_none() && same_page(value, page) {
            received.page_url = Some(value.clone());
        }
        if received.title.is_none() && visit.title.as_deref() == Some(value.trim()) {
            received.title = Some(value.clone());
        }
        if received.custom.len() < MAX_UNDECODED_PARAMS && !received.custom.contains_key(key) {
            let mut end = value.len().min(MAX_UNDECODED_VALUE);
            while !value.is_char_boundary(end) {
                end -= 1;
            }
            received
                .custom
                .insert(key.clone(), value[..end].to_string());
        }
    }
    received
}

/// True when two URLs name the same page: host and path, a trailing slash, query and fragment aside
/// (what a tracker received against the page visited).
pub fn same_page(value: &str, page: &str) -> bool {
    let key = |u: &str| {
        url::Url::parse(u.trim()).ok().and_then(|u| {
            Some(format!(
                "{}{}",
                u.host_str()?.to_ascii_lowercase(),
                u.path().trim_end_matches('/')
            ))
        })
    };
    key(value).is_some() && key(value) == key(page)
}

/// Picks what the endpoint's field map names out of the decoded parameters.
pub fn received_from(pairs: &[(String, String)], endpoint: &Endpoint) -> Received {
    let f = &endpoint.fields;
    let matching = |patterns: &[String]| -> Vec<(String, String)> {
        pairs
            .iter()
            .filter(|(k, v)| !v.is_empty() && patterns.iter().any(|p| wildcard_matches(p, k)))
            .cloned()
            .collect()
    };
    let first = |patterns: &[String]| matching(patterns).into_iter().next().map(|(_, v)| v);
    let as_map = |patterns: &[String]| -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        for (k, v) in matching(patterns) {
            map.entry(k).or_insert(v);
        }
        map
    };
    let mut events: Vec<String> = Vec::new();
    for (_, v) in matching(&f.event) {
        if !events.contains(&v) {
            events.push(v);
        }
    }
    Received {
        page_url: first(&f.page_url),
        referrer: first(&f.referrer),
        title: first(&f.title),
        event: (!events.is_empty()).then(|| events.join(", ")),
        custom: as_map(&f.custom),
        identifiers: as_map(&f.identifiers),
        hashed_user_data: as_map(&f.hashed_user_data),
    }
}
