//! The words of report.html in Dutch and English. The labels are data, in `labels.toml`, so a
//! translator edits one table per language; what comes in both languages from the rules (a finding's
//! title and explanation) is picked here too, for the HTML and the CSV alike.

use std::collections::BTreeMap;

use crate::rules::FindingText;

const LABELS: &str = include_str!("labels.toml");

/// The labels of one language, by key.
pub(super) type Labels = BTreeMap<String, String>;

/// The labels in `lang` (`nl` or `en`).
pub(super) fn labels(lang: &str) -> Result<Labels, String> {
    let mut all: BTreeMap<String, Labels> =
        toml::from_str(LABELS).map_err(|e| format!("the report's labels are broken: {e}"))?;
    all.remove(lang)
        .ok_or_else(|| format!("the report has no labels in {lang}"))
}

/// The label `key`; a missing one is empty, as the template shows a missing `t.<key>`.
pub(super) fn word<'a>(t: &'a Labels, key: &str) -> &'a str {
    t.get(key).map_or("", String::as_str)
}

/// `text` in the report's language: English for `en`, Dutch otherwise (the tool's first language).
pub(in crate::report) fn in_lang<'a>(text: &'a FindingText, lang: &str) -> &'a str {
    if lang == "en" { &text.en } else { &text.nl }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_every_label_the_page_uses() {
        let (nl, en) = (labels("nl").unwrap(), labels("en").unwrap());
        assert!(nl.keys().eq(en.keys()), "nl and en name different keys");
        let template = super::super::TEMPLATE;
        // The template names every label as `{{ t.<key>`.
        for used in template.split("{{ t.").skip(1) {
            let key: String = used
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            assert!(nl.contains_key(&key), "no label {key:?}");
        }
        assert!(nl.values().chain(en.values()).all(|v| !v.is_empty()));
    }
}
