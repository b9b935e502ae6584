//! The proof under a finding in report.html: the cited request with what the vendor received, its
//! health terms marked, and the banner screenshots embedded as `data:` URIs (the page loads nothing).

use std::path::Path;

use base64::Engine;
use serde::Serialize;

use crate::observe::ConsentMode;
use crate::results::SiteReport;

/// Largest screenshot embedded (bytes); larger ones are named, not shown.
const MAX_EMBEDDED_SCREENSHOT: u64 = 2 * 1024 * 1024;
/// Characters shown of a request line or body, so one long request cannot swamp the page (report.json
/// has more).
const SHOWN_CHARS: usize = 2000;

#[derive(Serialize)]
pub(super) struct RequestView {
    line: String,
    /// Decoded fields: name and the value cut into plain and highlighted (health-bearing) pieces.
    fields: Vec<(String, Vec<Piece>)>,
    body: Option<String>,
}

#[derive(Serialize)]
struct Piece {
    text: String,
    mark: bool,
}

/// The cited request (`METHOD URL`) with what the vendor received, found on the page it came from.
pub(super) fn request_view(
    site: &SiteReport,
    page: &str,
    mode: ConsentMode,
    line: &str,
    health_terms: &[String],
) -> RequestView {
    let found = site
        .pages
        .iter()
        .filter(|p| p.visit.url == page && p.visit.mode == mode)
        .flat_map(|p| p.detected.trackers.iter().chain(&p.detected.services))
        .flat_map(|t| &t.requests)
        .find(|r| format!("{} {}", r.method, r.url) == line);
    let mut fields = Vec::new();
    let mut body = None;
    if let Some(r) = found {
        let received = &r.received;
        let mut push = |name: &str, value: &str| {
            fields.push((name.to_string(), highlight(value, health_terms)));
        };
        for (name, value) in [
            ("page_url", &received.page_url),
            ("referrer", &received.referrer),
            ("title", &received.title),
            ("event", &received.event),
        ] {
            if let Some(v) = value {
                push(name, v);
            }
        }
        for (k, v) in &received.custom {
            push(k, v);
        }
        for (k, v) in &received.identifiers {
            push(k, v);
        }
        for (k, v) in &received.hashed_user_data {
            push(k, v);
        }
        body = r
            .post_data
            .as_ref()
            .map(|b| b.chars().take(SHOWN_CHARS).collect::<String>());
    }
    RequestView {
        line: line.chars().take(SHOWN_CHARS).collect(),
        fields,
        body,
    }
}

/// Cuts `value` into pieces, marking every occurrence of a health term (case-insensitive).
fn highlight(value: &str, terms: &[String]) -> Vec<Piece> {
    let lower = value.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII; only then fall back to no marking.
    if lower.len() != value.len() || terms.is_empty() {
        return vec![Piece {
            text: value.to_string(),
            mark: false,
        }];
    }
    let mut marks = vec![false; value.len()];
    for term in terms.iter().filter(|t| !t.is_empty()) {
        let term = term.to_lowercase();
        let mut from = 0;
        while let Some(at) = lower[from..].find(&term) {
            let start = from + at;
            for m in &mut marks[start..start + term.len()] {
                *m = true;
            }
            from = start + term.len();
        }
    }
    let mut pieces: Vec<Piece> = Vec::new();
    let mut start = 0;
    for i in 1..=value.len() {
        if i == value.len() || (marks[i] != marks[start] && value.is_char_boundary(i)) {
            pieces.push(Piece {
                text: value[start..i].to_string(),
                mark: marks[start],
            });
            start = i;
        }
    }
    pieces
}

/// A screenshot as a `data:` URI, when it is a PNG file inside the output folder and not too large.
pub(super) fn embed_png(dir: &Path, relative: &str) -> Option<String> {
    // The path comes from our own evidence naming; refuse anything that leaves the folder anyway: a
    // climb, or an absolute path (which `join` would follow out of the folder).
    let rel = Path::new(relative);
    if relative.contains("..") || rel.has_root() || rel.is_absolute() || !relative.ends_with(".png")
    {
        return None;
    }
    let path = dir.join(rel);
    let meta = std::fs::metadata(&path).ok()?;
    if meta.len() > MAX_EMBEDDED_SCREENSHOT {
        return None;
    }
    let bytes = std::fs::read(&path).ok()?;
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return None;
    }
    Some(format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_terms_are_marked_and_nothing_else() {
        let pieces = highlight(
            "https://x.nl/vergoedingen/IVF-behandeling/",
            &["ivf".into()],
        );
        let marked: Vec<&str> = pieces
            .iter()
            .filter(|p| p.mark)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, ["IVF"]);
        let joined: String = pieces.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(joined, "https://x.nl/vergoedingen/IVF-behandeling/");
    }

    #[test]
    fn only_png_screenshots_inside_the_folder_are_embedded() {
        let dir = tempfile::tempdir().unwrap();
        let png = b"\x89PNG\r\n\x1a\nrest";
        std::fs::write(dir.path().join("shot.png"), png).unwrap();
        std::fs::write(dir.path().join("fake.png"), b"<svg onload=alert(1)>").unwrap();
        let uri = embed_png(dir.path(), "shot.png").unwrap();
        assert_eq!(
            uri,
            format!(
                "data:image/png;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(png)
            )
        );
        assert_eq!(embed_png(dir.path(), "fake.png"), None, "not a PNG inside");
        assert_eq!(embed_png(dir.path(), "../shot.png"), None);
        // An absolute path to a real PNG outside the folder is refused too.
        let outside = tempfile::tempdir().unwrap();
        let elsewhere = outside.path().join("x.png");
        std::fs::write(&elsewhere, png).unwrap();
        assert_eq!(embed_png(dir.path(), &elsewhere.to_string_lossy()), None);
        assert_eq!(embed_png(dir.path(), "missing.png"), None);
    }
}
