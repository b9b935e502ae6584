//! Payload decoding: turns a request's query string and body into flat `(name, value)` pairs.
//!
//! Trackers send form bodies, JSON, one-event-per-line batches (GA4), and base64 or gzip-compressed bodies
//! (Clarity, LinkedIn). Everything is flattened the same way so that one field map can name parameters:
//! query and form keys as they are, JSON keys as dotted paths (`context.page.url`, `pids.0`).

use std::io::Read;

use base64::Engine;
use serde_json::Value;

/// The most decoded bytes one body may expand to (a gzip bomb stops here).
const MAX_DECODED: u64 = 8 * 1024 * 1024;
/// How deep base64-in-gzip-in-base64 may nest before we stop unwrapping.
const MAX_NESTING: u8 = 3;

/// All parameters a request carried: its query, then its body.
pub fn decode_request(
    url: &str,
    body: Option<&str>,
    body_is_base64: bool,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Ok(parsed) = url::Url::parse(url)
        && let Some(q) = parsed.query()
    {
        out.extend(parse_form(q));
    }
    if let Some(body) = body {
        let bytes = if body_is_base64 {
            base64::engine::general_purpose::STANDARD
                .decode(body)
                .unwrap_or_else(|_| body.as_bytes().to_vec())
        } else {
            body.as_bytes().to_vec()
        };
        decode_body(&bytes, &mut out, 0);
    }
    out
}

/// Decodes one body into pairs, unwrapping gzip and base64 layers.
pub fn decode_body(bytes: &[u8], out: &mut Vec<(String, String)>, depth: u8) {
    if bytes.is_empty() || depth > MAX_NESTING {
        return;
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut text = Vec::new();
        let decoder = flate2::read::GzDecoder::new(bytes);
        if decoder.take(MAX_DECODED).read_to_end(&mut text).is_ok() {
            decode_body(&text, out, depth + 1);
        }
        return;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let trimmed = text.trim();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && let Ok(json) = serde_json::from_str::<Value>(trimmed)
    {
        flatten_json("", &json, out);
        return;
    }
    if looks_like_base64(trimmed)
        && let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(trimmed)
    {
        decode_body(&decoded, out, depth + 1);
        return;
    }
    if trimmed.contains('=') {
        // Form bodies, and GA4's batches: one URL-encoded event per line.
        for line in trimmed.lines() {
            out.extend(parse_form(line));
        }
        return;
    }
    out.push(("body".into(), trimmed.to_string()));
}

fn parse_form(s: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(s.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn looks_like_base64(s: &str) -> bool {
    s.len() >= 16
        && s.len().is_multiple_of(4)
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
}

/// Flattens JSON into dotted paths; strings that themselves hold JSON are flattened too.
pub fn flatten_json(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let join = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                flatten_json(&join(k), v, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten_json(&join(&i.to_string()), v, out);
            }
        }
        Value::String(s) => {
            let t = s.trim();
            if (t.starts_with('{') || t.starts_with('['))
                && t.len() > 1
                && let Ok(inner) = serde_json::from_str::<Value>(t)
            {
                flatten_json(prefix, &inner, out);
                return;
            }
            out.push((prefix.to_string(), s.clone()));
        }
        Value::Null => out.push((prefix.to_string(), String::new())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn query_and_form_body_are_both_read() {
        let pairs = decode_request(
            "https://www.facebook.com/tr/?id=1",
            Some("ev=Lead&dl=https%3A%2F%2Fa.nl%2Fivf%2F&cd%5Bcontent_name%5D=IVF"),
            false,
        );
        assert_eq!(get(&pairs, "id"), Some("1"));
        assert_eq!(get(&pairs, "dl"), Some("https://a.nl/ivf/"));
        assert_eq!(get(&pairs, "cd[content_name]"), Some("IVF"));
    }

    #[test]
    fn json_bodies_flatten_to_dotted_paths() {
        let pairs = decode_request(
            "https://analytics.tiktok.com/api/v2/pixel",
            Some(
                r#"{"event":"Pageview","context":{"page":{"url":"https://a.nl/depressie/"}},"pids":[7]}"#,
            ),
            false,
        );
        assert_eq!(
            get(&pairs, "context.page.url"),
            Some("https://a.nl/depressie/")
        );
        assert_eq!(get(&pairs, "pids.0"), Some("7"));
    }

    #[test]
    fn ga4_batches_give_one_event_per_line() {
        let pairs = decode_request(
            "https://region1.google-analytics.com/g/collect?v=2&dl=https%3A%2F%2Fa.nl%2F",
            Some("en=scroll&epn.percent=90\nen=view_item&ep.item=IVF"),
            false,
        );
        let events: Vec<_> = pairs
            .iter()
            .filter(|(k, _)| k == "en")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(events, vec!["scroll", "view_item"]);
    }

    #[test]
    fn gzip_inside_base64_is_unwrapped() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(br#"{"envelope":{"url":"https://a.nl/ggz/"}}"#)
            .unwrap();
        let compressed = gz.finish().unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&compressed);
        // As Chromium reports a binary body: base64 of the raw bytes.
        let pairs = decode_request("https://c.clarity.ms/collect", Some(&b64), true);
        assert_eq!(get(&pairs, "envelope.url"), Some("https://a.nl/ggz/"));
        // And a text body that is itself base64 of gzip (LinkedIn does this).
        let pairs = decode_request("https://px.ads.linkedin.com/wa/", Some(&b64), false);
        assert_eq!(get(&pairs, "envelope.url"), Some("https://a.nl/ggz/"));
    }

    #[test]
    fn garbage_never_panics() {
        for body in [
            "",
            "=",
            "{",
            "%%%",
            "\u{0}\u{1f}\u{8b}",
            "H4sI",
            "a=%ZZ&&==",
        ] {
            let _ = decode_request("https://x.nl/?%", Some(body), false);
            let _ = decode_request("not a url", Some(body), true);
        }
    }
}
