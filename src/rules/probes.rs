//! What pixelaudit types into a site, from `rules/probes.toml`: the test values its form filler types
//! (finding F13), and the health term its site search sends (finding F14), by the page's language.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::source::{RuleErrors, Source, version_of};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProbesFile {
    form: FormFile,
    search: SearchFile,
}

/// The field kinds the form filler knows (browser/form_fill.js matches fields to them).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormFile {
    name: String,
    email: String,
    phone: String,
    birth_date: String,
    symptom: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchFile {
    terms: BTreeMap<String, String>,
    fallback: String,
}

/// The probes, loaded and checked.
#[derive(Debug, Clone)]
pub struct Probes {
    form_values: Vec<(String, String)>,
    search_terms: BTreeMap<String, String>,
    fallback: String,
    version: String,
}

impl Probes {
    /// Loads `probes.toml` below `dir`.
    pub fn load(dir: &Path) -> Result<Probes, RuleErrors> {
        let source = Source::read(&dir.join("probes.toml")).map_err(|e| RuleErrors(vec![e]))?;
        Self::from_source(&source)
    }

    /// Reads the probes from one file's text; the fallback language must have a term, and no term may
    /// be empty.
    pub fn from_source(source: &Source) -> Result<Probes, RuleErrors> {
        let file: ProbesFile = source.parse().map_err(|e| RuleErrors(vec![e]))?;
        let mut errors = Vec::new();
        for (lang, term) in &file.search.terms {
            if term.trim().is_empty() {
                errors.push(source.error_near(lang, format!("search term for `{lang}` is empty")));
            }
        }
        if !file.search.terms.contains_key(&file.search.fallback) {
            errors.push(source.error_near(
                "fallback",
                format!(
                    "the fallback language `{}` has no search term",
                    file.search.fallback
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(RuleErrors(errors));
        }
        let f = file.form;
        let form_values = [
            ("name", f.name),
            ("email", f.email),
            ("phone", f.phone),
            ("birth_date", f.birth_date),
            ("symptom", f.symptom),
        ];
        for (kind, value) in &form_values {
            if value.trim().is_empty() {
                errors.push(source.error_near(kind, format!("form value `{kind}` is empty")));
            }
        }
        if !errors.is_empty() {
            return Err(RuleErrors(errors));
        }
        Ok(Probes {
            form_values: form_values
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            search_terms: file.search.terms,
            fallback: file.search.fallback,
            version: version_of(std::slice::from_ref(source)),
        })
    }

    /// The test values the form filler types, by field kind (`email`, `symptom`…).
    pub fn form_values(&self) -> &[(String, String)] {
        &self.form_values
    }

    /// The health term a site search sends, for a page in `lang` (`nl`, `en-GB`, `de-AT`…).
    pub fn search_term(&self, lang: Option<&str>) -> &str {
        let code = lang.map(|l| l.get(..2).unwrap_or(l).to_ascii_lowercase());
        code.and_then(|c| self.search_terms.get(&c))
            .or_else(|| self.search_terms.get(&self.fallback))
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// Hash of `probes.toml`.
    pub fn version(&self) -> &str {
        &self.version
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Probes {
        Probes::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).unwrap()
    }

    #[test]
    fn the_search_term_follows_the_page_language_and_falls_back_to_dutch() {
        let p = shipped();
        assert_eq!(p.search_term(Some("en-GB")), "depression");
        assert_eq!(p.search_term(Some("FR")), "dépression");
        assert_eq!(p.search_term(Some("nl")), "depressie");
        assert_eq!(p.search_term(Some("pl")), "depressie");
        assert_eq!(p.search_term(None), "depressie");
    }

    #[test]
    fn the_form_values_are_recognisable_and_the_symptom_is_health_data() {
        let p = shipped();
        let value = |k: &str| {
            p.form_values()
                .iter()
                .find(|(kind, _)| kind == k)
                .unwrap()
                .1
                .clone()
        };
        assert_eq!(value("email"), "pixelaudit.test@example.nl");
        assert!(value("symptom").contains("somberheid"));
    }

    #[test]
    fn a_fallback_without_a_term_is_a_rule_error() {
        let s = Source::new(
            "rules/probes.toml",
            "[form]\nname = \"a\"\nemail = \"b\"\nphone = \"c\"\nbirth_date = \"d\"\nsymptom = \"e\"\n\
             [search]\nterms = { en = \"depression\" }\nfallback = \"nl\"\n",
        );
        let e = Probes::from_source(&s).unwrap_err();
        assert_eq!(e.0[0].line, 9, "{e:?}");
    }
}
