//! Compiling the lexicon from its rule files: each language's concepts and forms checked, families
//! joined, page types and site cues read, and the automata built (word forms, compound endings read
//! backwards, host words).

use super::*;
use std::collections::BTreeSet;

impl Lexicon {
    /// Builds the lexicon from rule files; `page-types.toml`, `families.toml` and `sites.toml` are read as
    /// context, every other file as the lexicon of the language its stem names.
    pub fn from_sources(sources: &[Source]) -> Result<Lexicon, RuleErrors> {
        let mut errors = Vec::new();
        let mut concepts = Vec::new();
        let mut word_patterns: Vec<String> = Vec::new();
        let mut word_forms = Vec::new();
        let mut ending_patterns: Vec<String> = Vec::new();
        let mut ending_concepts = Vec::new();
        let mut languages = Vec::new();
        let mut page_types = Vec::new();
        let mut site_cues = SiteCues::default();
        let mut sites_source = None;
        let mut schema_types = Vec::new();
        let mut families = None;
        for source in sources {
            let (path, text) = (&source.path, &source.text);
            let file_name = source.file_name();
            if file_name == context::PAGE_TYPES_FILE {
                match context::parse_page_types(path, text) {
                    Ok(types) => page_types = types,
                    Err(e) => errors.extend(e),
                }
                continue;
            }
            if file_name == context::FAMILIES_FILE {
                match context::parse_families(path, text) {
                    Ok(f) => families = Some((path.clone(), text.clone(), f)),
                    Err(e) => errors.extend(e),
                }
                continue;
            }
            if file_name == context::SCHEMA_FILE {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct SchemaFile {
                    medical_types: Vec<String>,
                }
                match source.parse::<SchemaFile>() {
                    Ok(f) => schema_types = f.medical_types,
                    Err(e) => errors.push(e),
                }
                continue;
            }
            if file_name == context::SITES_FILE {
                match context::parse_sites(path, text) {
                    Ok(cues) => site_cues = cues,
                    Err(e) => errors.extend(e),
                }
                sites_source = Some((path.clone(), text.clone()));
                continue;
            }
            let lang = source.stem();
            let file: LexiconFile = match source.parse() {
                Ok(f) => f,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            languages.push(lang.clone());
            let tiers = [
                (Tier::Strong, &file.strong),
                (Tier::Care, &file.care),
                (Tier::Weak, &file.weak),
                (Tier::Negative, &file.negative),
            ];
            for (tier, map) in tiers {
                for (id, forms) in map {
                    let concept = concepts.len();
                    concepts.push(Concept {
                        id: id.clone(),
                        tier,
                        lang: lang.clone(),
                    });
                    // URLs and hurried writers drop accents, umlauts and hyphens (`/gastro-enterologie/`
                    // reads as "gastro enterologie"): each form is also known in those spellings, once per
                    // concept.
                    let written: BTreeSet<String> = forms
                        .iter()
                        .map(|f| f.trim_end_matches('*').trim().to_lowercase())
                        .collect();
                    let mut spelled: BTreeSet<String> = BTreeSet::new();
                    for form in forms {
                        let (form, prefix) = match form.strip_suffix('*') {
                            Some(f) => (f, true),
                            None => (form.as_str(), false),
                        };
                        let form = form.trim().to_lowercase();
                        if form.chars().count() < 2 {
                            errors.push(crate::rules::err_at(
                                path,
                                text,
                                id,
                                format!(
                                    "concept `{id}`: form `{form}` is too short to match safely"
                                ),
                            ));
                            continue;
                        }
                        // Forms are looked for from word starts only (`find`).
                        if !form.starts_with(char::is_alphanumeric) {
                            errors.push(crate::rules::err_at(
                                path,
                                text,
                                id,
                                format!(
                                    "concept `{id}`: form `{form}` must start with a letter or digit"
                                ),
                            ));
                            continue;
                        }
                        for spelling in words::spellings(&form) {
                            let other = spelling != form;
                            if other
                                && (written.contains(&spelling)
                                    || !spelled.insert(spelling.clone()))
                            {
                                continue;
                            }
                            word_patterns.push(spelling);
                            word_forms.push(WordForm::Term { concept, prefix });
                        }
                    }
                }
            }
            for (id, endings) in &file.compound_endings {
                let concept = concepts.len();
                concepts.push(Concept {
                    id: id.clone(),
                    tier: Tier::Strong,
                    lang: lang.clone(),
                });
                for ending in endings {
                    ending_patterns.push(ending.to_lowercase());
                    ending_concepts.push(concept);
                }
            }
            for phrase in &file.false_friends {
                if !phrase.starts_with(char::is_alphanumeric) {
                    errors.push(crate::rules::err_at(
                        path,
                        text,
                        phrase,
                        format!("false friend `{phrase}` must start with a letter or digit"),
                    ));
                    continue;
                }
                // A false friend must cancel its terms in every spelling they are found in.
                for spelling in words::spellings(&phrase.to_lowercase()) {
                    word_patterns.push(spelling);
                    word_forms.push(WordForm::FalseFriend);
                }
            }
        }
        // Each concept counts in running text as its family (or as itself).
        let mut family_of: Vec<String> = concepts.iter().map(|c| c.id.clone()).collect();
        if let Some((path, text, families)) = &families {
            let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
            for (family, members) in families {
                for member in members {
                    if let Some(other) = seen.insert(member, family) {
                        errors.push(crate::rules::err_at(
                            path,
                            text,
                            member,
                            format!(
                                "concept `{member}` is in two families, `{other}` and `{family}`"
                            ),
                        ));
                    }
                    let mut found = false;
                    for (i, c) in concepts.iter().enumerate() {
                        if c.id == *member && matches!(c.tier, Tier::Strong | Tier::Care) {
                            family_of[i] = family.clone();
                            found = true;
                        }
                    }
                    if !found {
                        errors.push(crate::rules::err_at(
                            path,
                            text,
                            member,
                            format!(
                                "family `{family}`: no strong or care concept `{member}` in rules/medical/<lang>.toml"
                            ),
                        ));
                    }
                }
            }
        }
        // A misspelt language would switch the URL reading off without a word.
        if let Some((path, text)) = &sites_source {
            for lang in &site_cues.compounding_languages {
                if !languages.contains(lang) {
                    errors.push(crate::rules::err_at(
                        path,
                        text,
                        lang,
                        format!(
                            "compounding_languages: no lexicon rules/medical/{lang}.toml for `{lang}`"
                        ),
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(RuleErrors(errors));
        }
        let build_error = |e: aho_corasick::BuildError| {
            RuleErrors(vec![RuleError {
                file: "rules/medical".into(),
                line: 0,
                message: e.to_string(),
            }])
        };
        let word_automaton = DFA::builder()
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Anchored)
            .build(&word_patterns)
            .map_err(build_error)?;
        let mut word_openings = Box::<Openings>::default();
        for form in &word_patterns {
            word_openings.add(form.as_bytes());
        }
        let reversed_endings: Vec<Vec<u8>> = ending_patterns
            .iter()
            .map(|e| e.bytes().rev().collect())
            .collect();
        let ending_automaton = DFA::builder()
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Anchored)
            .build(&reversed_endings)
            .map_err(build_error)?;
        let (host_forms, host_concepts): (Vec<String>, Vec<usize>) = word_patterns
            .iter()
            .zip(&word_forms)
            .filter_map(|(form, kind)| match kind {
                WordForm::Term { concept, .. }
                    if matches!(concepts[*concept].tier, Tier::Strong | Tier::Care) =>
                {
                    Some((form, *concept))
                }
                _ => None,
            })
            .flat_map(|(form, concept)| {
                let folded = fold_accents(form);
                let transliterated = fold_accents(&words::transliterate_umlauts(form));
                let second = (transliterated != folded).then_some((transliterated, concept));
                std::iter::once((folded, concept)).chain(second)
            })
            .unzip();
        let host_automaton = AhoCorasick::new(&host_forms).map_err(build_error)?;
        let version = source::version_of(sources);
        Ok(Lexicon {
            concepts,
            family_of,
            word_automaton,
            word_forms,
            word_openings,
            ending_automaton,
            shortest_ending: ending_patterns.iter().map(String::len).min().unwrap_or(0),
            ending_joiners: {
                let mut joiners: Vec<u8> = ending_patterns
                    .iter()
                    .flat_map(|e| e.bytes())
                    .filter(|b| !b.is_ascii_alphanumeric() && b.is_ascii())
                    .collect();
                joiners.sort_unstable();
                joiners.dedup();
                joiners
            },
            ending_concepts,
            host_automaton,
            host_concepts,
            languages,
            page_types,
            site_cues,
            schema_types,
            version,
        })
    }
}
