//! Reading one tag for the text extractor: where it ends, its attribute values, whether its id or class
//! marks a breadcrumb or boilerplate, and the schema.org types it or its JSON-LD names.

/// Words in an id or class that mark a region as navigation, menu or banner.
const SKIP_MARKERS: &[&str] = &[
    "cookie",
    "consent",
    "gdpr",
    "menu",
    "navbar",
    "navigation",
    "megamenu",
    "footer",
    "header",
    "sidebar",
    "skip-link",
    "topbar",
    "banner",
];

/// The `>` that ends the tag opened at `from`, or `None` when the page ends first.
pub(super) fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    // A quoted attribute value may hold a `>` (`title="a > b"`), which does not end the tag.
    let mut quote: Option<u8> = None;
    for (k, &b) in bytes.iter().enumerate().skip(from + 1) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"') | (None, b'\'') => quote = Some(b),
            (None, b'>') => return Some(k),
            _ => {}
        }
    }
    None
}

/// `Some("breadcrumb")` or `Some("skip")` when an element's id or class marks it.
pub(super) fn marker_of(lower: &str) -> Option<String> {
    let names: String = ["id", "class"]
        .iter()
        .filter_map(|a| attr_in(lower, lower, a))
        .collect::<Vec<_>>()
        .join(" ");
    if names.is_empty() {
        return None;
    }
    if names.contains("breadcrumb") || names.contains("kruimelpad") {
        return Some("breadcrumb".into());
    }
    SKIP_MARKERS
        .iter()
        .any(|m| {
            names
                .split(|c: char| !c.is_alphanumeric() && c != '-')
                .any(|w| {
                    w == *m || w.starts_with(&format!("{m}-")) || w.ends_with(&format!("-{m}"))
                })
        })
        .then(|| "skip".into())
}

/// The value of an attribute in a tag's attribute text; `lower` is that text lower-cased, made once per tag.
pub(super) fn attr_in(attrs: &str, lower: &str, name: &str) -> Option<String> {
    if !lower.contains(name) {
        return None;
    }
    let mut from = 0;
    while let Some(pos) = lower[from..].find(name) {
        let at = from + pos;
        from = at + name.len();
        let before_ok = at == 0 || lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value_start = attrs.len() - rest.len() + 1;
        let value = attrs[value_start..].trim_start();
        let (quote, body) = match value.chars().next() {
            Some(q @ ('"' | '\'')) => (Some(q), &value[1..]),
            _ => (None, value),
        };
        let end = match quote {
            Some(q) => body.find(q).unwrap_or(body.len()),
            None => body
                .find(|c: char| c.is_whitespace() || c == '>')
                .unwrap_or(body.len()),
        };
        return Some(body[..end].to_string());
    }
    None
}

/// The type names of a microdata `itemtype` (`https://schema.org/Hospital` → `Hospital`).
pub(super) fn schema_type_names(itemtype: &str) -> Vec<String> {
    itemtype
        .split_whitespace()
        .filter_map(|t| t.rsplit('/').next())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Every `@type` named anywhere in a JSON-LD block; a block that is not JSON names none.
pub(super) fn json_ld_types(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                match map.get("@type") {
                    Some(serde_json::Value::String(t)) => out.push(t.clone()),
                    Some(serde_json::Value::Array(ts)) => {
                        out.extend(ts.iter().filter_map(|t| t.as_str().map(str::to_string)))
                    }
                    _ => {}
                }
                for child in map.values() {
                    walk(child, out);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(raw.trim()) {
        walk(&v, &mut out);
    }
    out
}
