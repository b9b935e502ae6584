//! Text extraction for the classifier: the fields of a page (URL words, title, meta description, headings,
//! breadcrumb, schema.org types, main text) with navigation, header, footer, menus and cookie banners left out.
//!
//! A small streaming tokenizer rather than a DOM parser: the classifier must handle thousands of 50 KB
//! pages a second on one core (a full html5ever parse alone costs more than that budget), and it needs only
//! text by region, never a tree. Malformed HTML degrades to "more text", never to a panic.

mod tags;

use html_escape::decode_html_entities;
use tags::{attr_in, json_ld_types, marker_of, schema_type_names, tag_end};

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
            let end = match tag_end(bytes, i) {
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
                    out.description =
                        decode_html_entities(&attr("content").unwrap_or_default()).into_owned();
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
            // The whole HTML5 table, not a few entities: the German and French lexicons match umlauts and
            // accents that pages often write as `&auml;` or `&eacute;`.
            let text = decode_html_entities(raw);
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
    fn named_and_numeric_entities_decode_and_anything_else_stays() {
        let t = extract(
            "https://www.praxis.de/",
            "<head><title>Praxis M&uuml;nchen</title>\
             <meta name=\"description\" content=\"Stra&szlig;e &amp; d&eacute;pression\"></head>\
             <main><p>&#228; &#xE4; &#Xe4; St&Ouml;rung &copy; &nbsp;x</p>\
             <p>AT&T, a & b, &foo; and &amp without a semicolon</p></main>",
        );
        assert_eq!(t.title, "Praxis München");
        assert_eq!(t.description, "Straße & dépression");
        assert_eq!(
            t.body,
            "ä ä ä StÖrung © x\nAT&T, a & b, &foo; and &amp without a semicolon"
        );
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
