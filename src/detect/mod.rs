//! Detection: the tracker rules matched against one visit's observation.
//!
//! Requests are matched by host (through the rule index) and endpoint; each tracker request's payload is
//! decoded into what the vendor received. Cookies and storage items are attributed to a party (first or
//! third, by registrable domain) and, where the rules know them, to a vendor. Frames that are social
//! plug-ins or embeds are listed. Nothing here judges: that is the assessment's job.

pub mod payload;
mod received;
mod static_page;

use received::received_without_rules;
pub use received::{received_from, same_page};
pub use static_page::{ReferencedTracker, TagId};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::observe::{Observation, ObservedCookie, ObservedRequest};
use crate::rules::filter_lists::ListMatch;
use crate::rules::{Attribution, Category, Endpoint, EndpointKind, RuleSet, registrable_domain};

/// The longest request body kept in the report for one request; the full one stays in the store.
const MAX_REPORTED_BODY: usize = 64 * 1024;

/// What the rules found in one visit.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Detections {
    /// Tracker endpoints contacted, grouped by vendor and rule.
    pub trackers: Vec<Tracker>,
    /// Third-party services contacted that do not track by the rules (consent tools, CDNs, font hosts,
    /// functional embeds), grouped the same way; never counted as trackers.
    pub services: Vec<Tracker>,
    /// Every cookie in the jar, with its party and vendor.
    pub cookies: Vec<CookieFinding>,
    /// Social plug-ins and embeds framed in the page.
    pub social_plugins: Vec<SocialPlugin>,
    /// Web Storage items, with their party and vendor.
    pub storage: Vec<StorageFinding>,
    /// `Set-Cookie` headers the browser refused, with the reason.
    pub blocked_cookies: Vec<BlockedCookie>,
    /// Tracker payloads sent to the site's own hosts (server-side tagging, CNAME cloaking).
    pub disguised: Vec<DisguisedRequest>,
    /// For a page of the static sweep: trackers and services its HTML names as sources. What the HTML
    /// names, not what was sent: whether the browser would have requested them is not assessed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub referenced: Vec<ReferencedTracker>,
    /// For a page of the static sweep: vendor tag ids in its inline scripts and source addresses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tag_ids: Vec<TagId>,
}

/// A request to a first-party host in a tracker vendor's payload format.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DisguisedRequest {
    /// Whose format it is.
    pub vendor: String,
    /// The endpoint rule whose format it matches.
    pub rule: String,
    /// HTTP method.
    pub method: String,
    /// Full URL.
    pub url: String,
    /// Before or after the consent choice.
    pub phase: Phase,
}

/// Whether something happened before or after the visitor's consent choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// No choice was in force yet (always so in mode `none`).
    BeforeChoice,
    /// After the visitor's click.
    AfterChoice,
}

impl Phase {
    /// The name used in the report: `before_choice` or `after_choice`.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::BeforeChoice => "before_choice",
            Phase::AfterChoice => "after_choice",
        }
    }
}

/// One vendor rule and the requests that matched it: a tracker, or (in `services`) a third-party service
/// whose category is not tracking.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tracker {
    /// Vendor slug.
    pub vendor: String,
    /// The receiving company.
    pub company: String,
    /// Rule id.
    pub rule: String,
    /// Category of the rule.
    pub category: Category,
    /// What the endpoint serves (`tracker`, `script`, `social-plugin` or `embed`).
    pub kind: EndpointKind,
    /// True when the vendor's host is not the site's own registrable domain.
    pub third_party: bool,
    /// The matching requests.
    pub requests: Vec<TrackerRequest>,
    /// For a tracker no vendor rule knows: the filter list and filter that flag it (the first request's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<ListMatch>,
}

impl Tracker {
    /// True when no vendor rule knows it: only a filter list flagged it, so nothing it received is decoded.
    pub fn list_only(&self) -> bool {
        self.list.is_some()
    }
}

/// A request to a tracker, with what it carried.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrackerRequest {
    /// HTTP method.
    pub method: String,
    /// Full URL.
    pub url: String,
    /// Chromium's resource type.
    pub resource_type: String,
    /// Request body as sent (truncated in reports past 64 KiB).
    pub post_data: Option<String>,
    /// True when `post_data` is base64 of a binary body.
    pub post_data_base64: bool,
    /// HTTP status of the answer.
    pub status: Option<u16>,
    /// Network failure, if any (the request may still have reached the server).
    pub failure: Option<String>,
    /// Milliseconds after the visit started.
    pub time_ms: u64,
    /// Before or after the consent choice.
    pub phase: Phase,
    /// The `Referer` header sent with it.
    pub referer_header: Option<String>,
    /// Names of the cookies sent with it.
    pub cookies_sent: Vec<String>,
    /// What the vendor received, decoded.
    pub received: Received,
    /// Health terms (medical lexicon) in what the vendor received: page URL, referrer, title, event data.
    pub health_terms: Vec<String>,
}

/// What a vendor received in one request, by the rule's field map.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Received {
    /// The page address.
    pub page_url: Option<String>,
    /// The previous page.
    pub referrer: Option<String>,
    /// The page title.
    pub title: Option<String>,
    /// Event name(s), comma-separated when a batch held several.
    pub event: Option<String>,
    /// Free event data; for a tracker no vendor rule knows (listed by a filter list only), every
    /// parameter it received, undecoded.
    pub custom: BTreeMap<String, String>,
    /// Identifiers.
    pub identifiers: BTreeMap<String, String>,
    /// Hashed personal data.
    pub hashed_user_data: BTreeMap<String, String>,
}

/// A cookie, attributed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CookieFinding {
    /// Name.
    pub name: String,
    /// Domain attribute.
    pub domain: String,
    /// True when its domain is not the site's registrable domain.
    pub third_party: bool,
    /// HttpOnly flag.
    pub http_only: bool,
    /// Secure flag.
    pub secure: bool,
    /// SameSite attribute.
    pub same_site: Option<String>,
    /// Expiry (RFC 3339, UTC); `None` for a session cookie.
    pub expires: Option<String>,
    /// The vendor, when the rules know the cookie or its domain; else the domain's owner (slug) when
    /// `owners.toml` or an entities file names it.
    pub vendor: Option<String>,
    /// What the rules say it is for.
    pub purpose: Option<String>,
    /// For a cookie of a domain only the owner files know: the owner's category for the domain (vendor
    /// rules give theirs through the vendor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_category: Option<Category>,
    /// Set before or after the consent choice.
    pub phase: Phase,
}

/// A social plug-in or embed framed in the page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SocialPlugin {
    /// Vendor slug.
    pub vendor: String,
    /// Rule id.
    pub rule: String,
    /// The frame's URL.
    pub url: String,
}

/// A Web Storage item, attributed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StorageFinding {
    /// Origin of the frame that owns it.
    pub origin: String,
    /// `local` or `session`.
    pub kind: String,
    /// Key.
    pub key: String,
    /// True when the origin is not the site's registrable domain.
    pub third_party: bool,
    /// The vendor, when the rules know the key.
    pub vendor: Option<String>,
}

/// A cookie the browser refused to store.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BlockedCookie {
    /// URL of the response that set it.
    pub url: String,
    /// The `Set-Cookie` line.
    pub header: String,
    /// Chromium's reason.
    pub reason: String,
}

/// Runs every detector over one observation. `site_domain` is the site's registrable domain (the first party).
pub fn detect(observation: &Observation, rules: &RuleSet, site_domain: &str) -> Detections {
    let (trackers, services) = detect_trackers(observation, rules, site_domain)
        .into_iter()
        .partition(|t| t.category.is_tracking());
    Detections {
        trackers,
        services,
        cookies: observation
            .cookies
            .iter()
            .map(|c| {
                let mut finding = attribute_cookie(c, rules, site_domain);
                let key = format!("{}|{}", c.domain, c.name);
                finding.phase = match observation.visit.choice_at_ms {
                    Some(_) if !observation.cookies_before_choice.contains(&key) => {
                        Phase::AfterChoice
                    }
                    _ => Phase::BeforeChoice,
                };
                finding
            })
            .collect(),
        social_plugins: detect_social_plugins(observation, rules),
        storage: observation
            .storage
            .iter()
            .map(|s| StorageFinding {
                origin: s.origin.clone(),
                kind: s.kind.clone(),
                key: s.key.clone(),
                third_party: host_of(&s.origin)
                    .is_some_and(|h| registrable_domain(&h) != site_domain),
                vendor: rules
                    .vendor_for_storage_key(&s.key)
                    .map(|v| v.vendor.clone()),
            })
            .collect(),
        disguised: observation
            .requests
            .iter()
            .filter_map(|r| {
                let url = url::Url::parse(&r.url).ok()?;
                if registrable_domain(url.host_str()?) != site_domain
                    || rules.match_url(&url).is_some()
                {
                    return None;
                }
                let hit = rules.match_payload_format(&url)?;
                Some(DisguisedRequest {
                    vendor: hit.vendor.vendor.clone(),
                    rule: hit.rule_id(),
                    method: r.method.clone(),
                    url: r.url.clone(),
                    phase: match observation.visit.choice_at_ms {
                        Some(at) if r.time_ms >= at => Phase::AfterChoice,
                        _ => Phase::BeforeChoice,
                    },
                })
            })
            .collect(),
        referenced: static_page::referenced(observation, rules, site_domain),
        tag_ids: static_page::tag_ids(observation, rules),
        blocked_cookies: observation
            .set_cookies
            .iter()
            .filter_map(|c| {
                c.blocked_reason.as_ref().map(|r| BlockedCookie {
                    url: c.url.clone(),
                    header: c.header.clone(),
                    reason: r.clone(),
                })
            })
            .collect(),
    }
}

fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
}

fn detect_trackers(observation: &Observation, rules: &RuleSet, site_domain: &str) -> Vec<Tracker> {
    let mut trackers: Vec<Tracker> = Vec::new();
    for request in &observation.requests {
        let Ok(url) = url::Url::parse(&request.url) else {
            continue;
        };
        // The page itself is not a request to a tracker, whatever a list says of its address.
        if request.url == observation.visit.url && request.resource_type == "Document" {
            continue;
        }
        let Some(attribution) =
            rules.attribute(&url, &observation.visit.url, &request.resource_type)
        else {
            continue;
        };
        let third_party = url
            .host_str()
            .is_some_and(|h| registrable_domain(h) != site_domain);
        let list_only = matches!(attribution, Attribution::List(_));
        let (key, endpoint, new_tracker) = match attribution {
            Attribution::Rule(hit) => {
                let rule = hit.rule_id();
                (
                    (hit.vendor.vendor.clone(), rule.clone()),
                    hit.endpoint,
                    Tracker {
                        vendor: hit.vendor.vendor.clone(),
                        company: hit.vendor.company.clone(),
                        rule,
                        category: hit.category(),
                        kind: hit.kind(),
                        third_party,
                        requests: Vec::new(),
                        list: None,
                    },
                )
            }
            Attribution::List(found) => {
                let (vendor, rule) = (found.vendor(), found.rule_id());
                (
                    (vendor.clone(), rule.clone()),
                    None,
                    Tracker {
                        vendor,
                        company: found.company(),
                        rule,
                        category: found.category,
                        kind: EndpointKind::Tracker,
                        third_party,
                        requests: Vec::new(),
                        list: Some(found.matched),
                    },
                )
            }
        };
        let mut tracker_request = describe_request(request, endpoint);
        if list_only {
            tracker_request.received = received_without_rules(request, &observation.visit);
        }
        tracker_request.phase = match observation.visit.choice_at_ms {
            Some(at) if request.time_ms >= at => Phase::AfterChoice,
            _ => Phase::BeforeChoice,
        };
        match trackers
            .iter_mut()
            .find(|t| t.vendor == key.0 && t.rule == key.1)
        {
            Some(t) => t.requests.push(tracker_request),
            None => {
                let mut tracker = new_tracker;
                tracker.requests.push(tracker_request);
                trackers.push(tracker);
            }
        }
    }
    trackers
}

fn describe_request(request: &ObservedRequest, endpoint: Option<&Endpoint>) -> TrackerRequest {
    let received = endpoint
        .map(|e| {
            let pairs = payload::decode_request(
                &request.url,
                request.post_data.as_deref(),
                request.post_data_base64,
            );
            received_from(&pairs, e)
        })
        .unwrap_or_default();
    let cookies_sent = request
        .header("cookie")
        .map(|c| {
            c.split(';')
                .filter_map(|kv| kv.split('=').next())
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let post_data = request.post_data.as_ref().map(|b| {
        if b.len() > MAX_REPORTED_BODY {
            let mut end = MAX_REPORTED_BODY;
            while !b.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}… [truncated, {} bytes in all]", &b[..end], b.len())
        } else {
            b.clone()
        }
    });
    TrackerRequest {
        method: request.method.clone(),
        url: request.url.clone(),
        resource_type: request.resource_type.clone(),
        post_data,
        post_data_base64: request.post_data_base64,
        status: request.status,
        failure: request.failure.clone(),
        time_ms: request.time_ms,
        phase: Phase::BeforeChoice,
        referer_header: request.header("referer").map(str::to_string),
        cookies_sent,
        received,
        health_terms: Vec::new(),
    }
}

fn attribute_cookie(c: &ObservedCookie, rules: &RuleSet, site_domain: &str) -> CookieFinding {
    let domain = c.domain.trim_start_matches('.');
    let by_domain = rules.vendor_for_host(domain);
    let vendor = by_domain.or_else(|| rules.vendor_for_cookie(&c.name));
    let purpose = vendor.and_then(|v| {
        v.cookies
            .iter()
            .find(|r| match r.name.strip_suffix('*') {
                Some(prefix) => c.name.starts_with(prefix),
                None => r.name == c.name,
            })
            .map(|r| r.purpose.clone())
    });
    // No vendor rule knows it: the domain's owner, if an owner file names it, says whose it is.
    let owner = vendor
        .is_none()
        .then(|| rules.owners().owner_of(domain))
        .flatten();
    CookieFinding {
        owner_category: owner.map(|o| o.category),
        name: c.name.clone(),
        domain: c.domain.clone(),
        third_party: registrable_domain(domain) != site_domain,
        http_only: c.http_only,
        secure: c.secure,
        same_site: c.same_site.clone(),
        expires: c.expires.and_then(|e| {
            time::OffsetDateTime::from_unix_timestamp(e as i64)
                .ok()
                .and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
        }),
        vendor: vendor
            .map(|v| v.vendor.clone())
            .or_else(|| owner.map(|o| o.slug())),
        purpose: purpose.or_else(|| {
            owner.map(|o| format!("{} domain of {} (from {})", o.category, o.owner, o.source))
        }),
        phase: Phase::BeforeChoice,
    }
}

fn detect_social_plugins(observation: &Observation, rules: &RuleSet) -> Vec<SocialPlugin> {
    let framed = observation
        .frames
        .iter()
        .filter(|f| f.parent_id.is_some())
        .map(|f| f.url.as_str())
        .chain(
            observation
                .requests
                .iter()
                .filter(|r| r.resource_type == "Document" && r.redirected_from.is_none())
                .map(|r| r.url.as_str()),
        );
    let mut plugins: Vec<SocialPlugin> = Vec::new();
    for frame_url in framed {
        let Ok(url) = url::Url::parse(frame_url) else {
            continue;
        };
        let Some(hit) = rules.match_url(&url) else {
            continue;
        };
        if !hit.kind().is_framed() {
            continue;
        }
        let plugin = SocialPlugin {
            vendor: hit.vendor.vendor.clone(),
            rule: hit.rule_id(),
            url: frame_url.to_string(),
        };
        if !plugins.contains(&plugin) {
            plugins.push(plugin);
        }
    }
    plugins
}

#[cfg(test)]
mod tests;
