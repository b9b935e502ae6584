//! Whether a consent choice was stored: the tool's own cookie or storage key when its rule names one,
//! else a new cookie or key whose name says consent; and the cookie jar's keys it is compared against.

use super::*;

pub(super) fn stored_choice(
    tool: Option<&ConsentTool>,
    before: &[String],
    now: &[String],
    local_storage: &[String],
) -> Vec<String> {
    let new_cookies = now.iter().filter(|c| !before.contains(c));
    let name_of = |key: &String| key.rsplit('|').next().unwrap_or_default().to_string();
    match tool {
        Some(t) => now
            .iter()
            .map(name_of)
            .filter(|n| t.state.cookies.iter().any(|p| wildcard_matches(p, n)))
            .map(|n| format!("cookie {n}"))
            .chain(
                local_storage
                    .iter()
                    .filter(|k| t.state.local_storage.contains(k))
                    .map(|k| format!("localStorage {k}")),
            )
            .collect(),
        None => new_cookies
            .map(name_of)
            .filter(|n| looks_like_consent(n))
            .map(|n| format!("cookie {n}"))
            .chain(
                local_storage
                    .iter()
                    .filter(|k| looks_like_consent(k))
                    .map(|k| format!("localStorage {k}")),
            )
            .collect(),
    }
}

fn looks_like_consent(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "consent",
        "cookie",
        "gdpr",
        "privacy",
        "choice",
        "toestemming",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// `domain|name` of every cookie in the visit's jar.
pub async fn cookie_keys(visit: &VisitContext) -> Vec<String> {
    read_jar(visit)
        .await
        .unwrap_or_default()
        .iter()
        .map(|c| {
            format!(
                "{}|{}",
                c.get("domain").and_then(Value::as_str).unwrap_or_default(),
                c.get("name").and_then(Value::as_str).unwrap_or_default()
            )
        })
        .collect()
}
