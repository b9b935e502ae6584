//! Text extraction for the classifier: the fields of a page (URL words, title, meta description, headings,
//! breadcrumb, schema.org types, main text) with navigation, header, footer, menus and cookie banners left out.
//!
//! A small streaming tokenizer rather than a DOM parser: the classifier must handle thousands of 50 KB
//! pages a second on one core (a full html5ever parse alone costs more than that budget), and it needs only
//! text by region, never a tree. Malformed HTML degrades to "more text", never to a panic.

/// The fields of one page, as plain text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageText {
    /// Words of the URL's path and query.
    pub url: String,
    /// `<title>`.
    pub title: String,
    /// `<meta name="description">`.
    pub description: String,
    /// `<h1>` text.
    pub h1: String,
    /// `<h2>` text.
    pub h2: String,
    /// Breadcrumb trail text.
    pub breadcrumb: String,
    /// schema.org types named in JSON-LD or microdata (`MedicalCondition`, `Hospital`, …).
    pub schema_types: Vec<String>,
    /// Main text, boilerplate regions removed, one block per line.
    pub body: String,
    /// The `lang` attribute of `<html>`, if any.
    pub html_lang: Option<String>,
}

/// Elements whose content is never page content.
const SKIP_ALWAYS: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "select", "button",
];
/// Regions that are boilerplate on almost every site.
const SKIP_REGIONS: &[&str] = &["nav", "header", "footer", "aside", "form", "dialog"];
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
/// Elements that end a text block.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "li",
    "td",
    "th",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "tr",
    "dd",
    "dt",
    "blockquote",
    "pre",
    "figcaption",
    "summary",
];
const VOID: &[&str] = &[
    "br", "img", "meta", "link", "input", "hr", "source", "wbr", "area", "base", "col", "embed",
    "track",
];

#[derive(Clone, Copy, PartialEq)]
enum Capture {
    Title,
    H1,
    H2,
    Breadcrumb,
    JsonLd,
}

/// Words of a URL's path and query: separators become spaces, percent-escapes are decoded.
pub fn url_words(url: &str) -> String {
    let Ok(parsed) = url::Url::parse(url) else {
        return String::new();
    };
    let mut raw = parsed.path().to_string();
    if let Some(q) = parsed.query() {
        raw.push(' ');
        raw.push_str(q);
    }
    let decoded: String = url::form_urlencoded::parse(
        format!("u={}", raw.replace('+', "%2B").replace('&', "%26")).as_bytes(),
    )
    .next()
    .map(|(_, v)| v.into_owned())
    .unwrap_or(raw);
    decoded
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words of a value as a tracker sent it: a URL becomes its host, path and query words; other text stays.
pub fn url_words_or_text(value: &str) -> String {
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => {
            format!(
                "{} {}",
                u.host_str().unwrap_or_default().replace(['.', '-'], " "),
                url_words(value)
            )
        }
        _ => value.to_string(),
    }
}

/// Extracts the fields of a page.
pub fn extract(url: &str, html: &str) -> PageText {
    let mut out = PageText {
        url: url_words(url),
        ..PageText::default()
    };
    let bytes = html.as_bytes();
    let mut i = 0;
    // Open elements that hide their content, by tag name, so nested ones of the same name close right.
    let mut hidden: Vec<String> = Vec::new();
    let mut captures: Vec<(String, Capture)> = Vec::new();
    let mut main_depth: Option<usize> = None;
    let mut depth = 0usize;
    let mut in_main_text = String::new();
    let mut outside_text = String::new();
    let mut saw_main = false;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            if html[i..].starts_with("<!--") {
                i = html[i..]
                    .find("-->")
                    .map(|e| i + e + 3)
                    .unwrap_or(bytes.len());
                continue;
            }
            let end = match memchr_gt(bytes, i) {
                Some(e) => e,
                None => break,
            };
            let tag = &html[i + 1..end];
            i = end + 1;
            let closing = tag.starts_with('/');
            let body = tag.trim_start_matches('/');
            let name_end = body
                .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
                .unwrap_or(body.len());
            let name = body[..name_end].to_ascii_lowercase();
            if name.is_empty() || name.starts_with('!') || name.starts_with('?') {
                continue;
            }
            let attrs = &body[name_end..];
            let lower_attrs = attrs.to_ascii_lowercase();
            let attr = |name: &str| attr_in(attrs, &lower_attrs, name);
            if closing {
                if let Some(pos) = hidden.iter().rposition(|n| *n == name) {
                    hidden.truncate(pos);
                    continue;
                }
                if let Some(pos) = captures.iter().rposition(|(n, _)| *n == name) {
                    captures.truncate(pos);
                }
                if (name == "main" || name == "article") && main_depth == Some(depth) {
                    main_depth = None;
                }
                depth = depth.saturating_sub(1);
                if BLOCK.contains(&name.as_str()) {
                    push_break(&mut in_main_text, &mut outside_text, main_depth.is_some());
                }
                continue;
            }
            let self_closing = tag.ends_with('/') || VOID.contains(&name.as_str());
            if name == "html" {
                out.html_lang = attr("lang").map(|l| l.to_ascii_lowercase());
            }
            if name == "meta" {
                let key = attr("name")
                    .or_else(|| attr("property"))
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if (key == "description" || key == "og:description") && out.description.is_empty() {
                    out.description = decode_entities(&attr("content").unwrap_or_default());
                }
            }
            if let Some(t) = attr("itemtype") {
                out.schema_types.extend(schema_type_names(&t));
            }
            if self_closing {
                if name == "br" {
                    push_break(&mut in_main_text, &mut outside_text, main_depth.is_some());
                }
                continue;
            }
            if !hidden.is_empty() {
                hidden.push(name);
                continue;
            }
            let is_json_ld = name == "script"
                && attr("type").is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json"));
            if is_json_ld {
                captures.push((name, Capture::JsonLd));
                continue;
            }
            let marked = marker_of(&lower_attrs);
            let breadcrumb = marked.as_deref() == Some("breadcrumb")
                || attr("aria-label").is_some_and(|l| {
                    l.to_ascii_lowercase().contains("breadcrumb")
                        || l.to_ascii_lowercase().contains("kruimel")
                });
            if breadcrumb {
                captures.push((name, Capture::Breadcrumb));
                continue;
            }
            if SKIP_ALWAYS.contains(&name.as_str())
                || SKIP_REGIONS.contains(&name.as_str())
                || marked.as_deref() == Some("skip")
                || attrs.contains("aria-hidden=\"true\"")
                || matches!(
                    attr("role").as_deref(),
                    Some(
                        "navigation" | "banner" | "contentinfo" | "menu" | "dialog" | "alertdialog"
                    )
                )
            {
                hidden.push(name);
                continue;
            }
            depth += 1;
            match name.as_str() {
                "title" => captures.push((name.clone(), Capture::Title)),
                "h1" => captures.push((name.clone(), Capture::H1)),
                "h2" => captures.push((name.clone(), Capture::H2)),
                "main" | "article" if main_depth.is_none() => {
                    main_depth = Some(depth);
                    saw_main = true;
                }
                _ => {}
            }
            if BLOCK.contains(&name.as_str()) {
                push_break(&mut in_main_text, &mut outside_text, main_depth.is_some());
            }
            if attrs.to_ascii_lowercase().contains("role=\"main\"") && main_depth.is_none() {
                main_depth = Some(depth);
                saw_main = true;
            }
        } else {
            let next = html[i..].find('<').map(|n| i + n).unwrap_or(bytes.len());
            let raw = &html[i..next];
            i = next;
            if let Some((_, Capture::JsonLd)) = captures.last() {
                out.schema_types.extend(json_ld_types(raw));
                continue;
            }
            if !hidden.is_empty() {
                continue;
            }
            let text = decode_entities(raw);
            for (_, c) in &captures {
                let field = match c {
                    Capture::Title => &mut out.title,
                    Capture::H1 => &mut out.h1,
                    Capture::H2 => &mut out.h2,
                    Capture::Breadcrumb => &mut out.breadcrumb,
                    Capture::JsonLd => continue,
                };
                push_words(field, &text);
            }
            if captures
                .iter()
                .any(|(_, c)| matches!(c, Capture::Title | Capture::Breadcrumb))
            {
                continue;
            }
            if main_depth.is_some() {
                push_words(&mut in_main_text, &text);
            } else {
                push_words(&mut outside_text, &text);
            }
        }
    }
    out.body = if saw_main { in_main_text } else { outside_text };
    out.body = out
        .body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    out
}

fn memchr_gt(bytes: &[u8], from: usize) -> Option<usize> {
    // Skip '>' inside quoted attribute values.
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

/// Appends the words of `text` to `into`, one space between words (and before the first, when `into` does
/// not end in a space or line break). This runs over every text node of every page, so it copies runs of
/// words already joined by single spaces at once and decodes only non-ASCII characters.
fn push_words(into: &mut String, text: &str) {
    let bytes = text.as_bytes();
    // The white space at `at` and its length in bytes, or None.
    let space_at = |at: usize| -> Option<usize> {
        let b = bytes[at];
        if b < 0x80 {
            matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r').then_some(1)
        } else {
            let c = text[at..].chars().next()?;
            c.is_whitespace().then(|| c.len_utf8())
        }
    };
    let mut first = true;
    let mut at = 0;
    while at < bytes.len() {
        if let Some(len) = space_at(at) {
            at += len;
            continue;
        }
        let run_start = at;
        loop {
            // Plain ASCII letters, digits and punctuation need no look.
            at += bytes[at..]
                .iter()
                .position(|&b| b <= b' ' || b >= 0x80)
                .unwrap_or(bytes.len() - at);
            if at == bytes.len() {
                break;
            }
            match space_at(at) {
                None if bytes[at] >= 0x80 => {
                    at += text[at..].chars().next().map_or(1, char::len_utf8)
                }
                None => at += 1,
                // One space followed by plain text stays inside the run.
                Some(1)
                    if bytes[at] == b' '
                        && bytes.get(at + 1).is_some_and(|&b| b > b' ' && b < 0x80) =>
                {
                    at += 1
                }
                Some(_) => break,
            }
        }
        let space_before = if first {
            !into.is_empty() && !into.ends_with('\n') && !into.ends_with(' ')
        } else {
            true
        };
        if space_before {
            into.push(' ');
        }
        into.push_str(&text[run_start..at]);
        first = false;
    }
}

fn push_break(main: &mut String, outside: &mut String, in_main: bool) {
    let target = if in_main { main } else { outside };
    if !target.is_empty() && !target.ends_with('\n') {
        target.push('\n');
    }
}

/// `Some("breadcrumb")` or `Some("skip")` when an element's id or class marks it.
fn marker_of(lower: &str) -> Option<String> {
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
fn attr_in(attrs: &str, lower: &str, name: &str) -> Option<String> {
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

fn schema_type_names(itemtype: &str) -> Vec<String> {
    itemtype
        .split_whitespace()
        .filter_map(|t| t.rsplit('/').next())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn json_ld_types(raw: &str) -> Vec<String> {
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

/// Decodes the entities pages actually use; unknown ones stay as they are.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest[..rest.len().min(12)].find(';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" | "#39" => Some('\''),
            "nbsp" => Some(' '),
            "eacute" => Some('é'),
            "euml" => Some('ë'),
            "iuml" => Some('ï'),
            "ouml" => Some('ö'),
            "uuml" => Some('ü'),
            "egrave" => Some('è'),
            "agrave" => Some('à'),
            "ccedil" => Some('ç'),
            e if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn navigation_header_footer_and_cookie_banner_are_left_out() {
        let html = r#"<html lang="nl"><head><title>IVF | Kliniek</title><meta name="description" content="Alles over IVF &amp; ICSI"></head>
        <body><header><a href="/">Home</a></header><nav><a>Depressie</a><a>Kanker</a></nav>
        <div id="cookie-banner">Wij gebruiken cookies</div><div class="main-menu"><a>Fysiotherapie</a></div>
        <nav aria-label="Kruimelpad"><a>Home</a> &gt; <a>Behandelingen</a> &gt; IVF</nav>
        <main><h1>In-vitrofertilisatie</h1><p>Bij IVF vindt de bevruchting buiten het lichaam plaats.</p><h2>Vergoeding</h2></main>
        <footer>Contact | Privacy</footer><script>var kanker = 1;</script>
        <script type="application/ld+json">{"@context":"https://schema.org","@type":"MedicalProcedure","name":"IVF"}</script></body></html>"#;
        let t = extract(
            "https://www.kliniek.nl/behandelingen/ivf-icsi/?q=vergoeding",
            html,
        );
        assert_eq!(t.url, "behandelingen ivf icsi q vergoeding");
        assert_eq!(t.title, "IVF | Kliniek");
        assert_eq!(t.description, "Alles over IVF & ICSI");
        assert_eq!(t.h1, "In-vitrofertilisatie");
        assert_eq!(t.h2, "Vergoeding");
        assert_eq!(t.breadcrumb, "Home > Behandelingen > IVF");
        assert_eq!(t.schema_types, vec!["MedicalProcedure".to_string()]);
        assert_eq!(t.html_lang.as_deref(), Some("nl"));
        assert!(
            t.body.contains("bevruchting buiten het lichaam"),
            "{}",
            t.body
        );
        for gone in [
            "Depressie",
            "Kanker",
            "cookies",
            "Fysiotherapie",
            "Privacy",
            "var kanker",
        ] {
            assert!(
                !t.body.contains(gone),
                "{gone} leaked into the body: {}",
                t.body
            );
        }
    }

    #[test]
    fn without_a_main_element_the_body_minus_boilerplate_is_used() {
        let t = extract(
            "https://a.nl/",
            "<body><nav>Menu</nav><div><p>Artrose in de knie</p></div></body>",
        );
        assert_eq!(t.body, "Artrose in de knie");
    }

    #[test]
    fn words_are_joined_by_one_space_whatever_the_white_space() {
        for (before, text) in [
            ("", "  één\ttwee\n\u{a0}drie\u{2003}\u{0b}vier  "),
            ("al tekst", "\r\nmeer  woorden"),
            ("regel\n", "x"),
            ("eind ", " y z "),
            ("leeg", " \u{a0} "),
        ] {
            let mut ours = before.to_string();
            push_words(&mut ours, text);
            let words: Vec<&str> = text.split_whitespace().collect();
            let mut expected = before.to_string();
            if !words.is_empty() {
                if !expected.is_empty() && !expected.ends_with('\n') && !expected.ends_with(' ') {
                    expected.push(' ');
                }
                expected.push_str(&words.join(" "));
            }
            assert_eq!(ours, expected, "{text:?}");
        }
    }

    #[test]
    fn broken_html_never_panics() {
        for html in [
            "<",
            "<<<>>>",
            "<p",
            "<div class='a>b'>x",
            "&#xZZZZ; &#99999999; &",
            "<main><main></main>",
            "</nav></nav>text",
            "<title>a",
            "<script type=application/ld+json>{</script>",
            "é<é>é",
        ] {
            let _ = extract("https://a.nl/x", html);
        }
    }
}
