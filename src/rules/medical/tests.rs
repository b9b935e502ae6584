//! Unit tests of the module above.
use super::*;
use std::collections::BTreeSet;

fn lexicon() -> Lexicon {
    let nl = r#"
false_friends = ["behandeling van uw aanvraag", "eigen risico"]
[strong]
hart = ["hart"]
diabetes = ["diabet*"]
[care]
ivf = ["ivf", "in-vitrofertilisatie"]
[weak]
behandeling = ["behandeling", "behandelingen"]
[negative]
premie = ["premie*"]
[compound_endings]
kanker = ["kanker"]
stoornis = ["stoornis", "stoornissen"]
"#;
    Lexicon::from_sources(&[Source::new("rules/medical/nl.toml", nl)]).unwrap()
}

fn ids(lex: &Lexicon, text: &str) -> Vec<String> {
    lex.find(text)
        .iter()
        .map(|h| format!("{}:{}", lex.concept(h.concept).id, h.term))
        .collect()
}

#[test]
fn a_repeated_word_is_found_each_time_whatever_follows_it() {
    // Walks are remembered by word and the character after it; what reads on beyond that (a false
    // friend of several words, a prefix form across a hyphen) must be walked again.
    let lex = lexicon();
    let counts = |text: &str| -> Vec<(String, usize)> {
        lex.find(text)
            .iter()
            .map(|h| (h.term.clone(), h.count))
            .collect()
    };
    assert_eq!(
        counts(
            "behandeling. de behandeling van uw aanvraag; behandeling en behandeling van uw aanvraag"
        ),
        vec![("behandeling".to_string(), 2)]
    );
    assert_eq!(
        counts("diabetes, diabetes-type-2 en diabetes diabetes-type-2"),
        vec![
            ("diabetes".to_string(), 2),
            ("diabetes-type-2".to_string(), 2)
        ]
    );
}

#[test]
fn short_words_match_only_whole_words() {
    let lex = lexicon();
    assert_eq!(ids(&lex, "met hartelijke groet"), Vec::<String>::new());
    assert_eq!(ids(&lex, "uw hart klopt"), vec!["hart:hart"]);
}

#[test]
fn a_word_a_form_names_whole_is_not_also_counted_by_its_ending() {
    let nl = "[care]\nfysiotherapie = [\"fysiotherapie\"]\n[compound_endings]\n-therapie = [\"therapie\"]\n";
    let lex = Lexicon::from_sources(&[Source::new("rules/medical/nl.toml", nl)]).unwrap();
    let found = ids(&lex, "fysiotherapie helpt, en logotherapie ook");
    assert_eq!(
        found,
        ["fysiotherapie:fysiotherapie", "-therapie:logotherapie"]
    );
}

#[test]
fn prefix_forms_and_compound_endings_match_longer_words() {
    let lex = lexicon();
    assert_eq!(ids(&lex, "diabetische voet"), vec!["diabetes:diabetische"]);
    assert_eq!(
        ids(&lex, "borstkanker en angststoornissen"),
        vec!["kanker:borstkanker", "stoornis:angststoornissen"]
    );
    assert_eq!(
        ids(&lex, "kanker"),
        Vec::<String>::new(),
        "a bare ending is not a compound"
    );
}

#[test]
fn false_friends_cancel_the_terms_inside_them() {
    let lex = lexicon();
    assert_eq!(
        ids(&lex, "de behandeling van uw aanvraag duurt een week"),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&lex, "de behandeling duurt een week"),
        vec!["behandeling:behandeling"]
    );
}

fn shipped() -> Lexicon {
    Lexicon::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).unwrap()
}

#[test]
fn host_words_name_a_specialty_at_either_end_or_inside() {
    let lex = shipped();
    for word in [
        "andringapsychologie",     // closes the word
        "oxfordfertility",         // closes the word
        "stokeroaddentalpractice", // inside, six letters or more
        "kieferorthopaede",        // German umlaut written as ae
        "vitaalggz",               // a host prefix at the end
        "fysiotherapiemusselkanaal",
    ] {
        assert!(lex.specialty_in_host_word(word).is_some(), "{word}");
    }
    // Short forms inside a word are chance ("ent" in "parentportal"), and so is a condition or
    // treatment inside one ("operatie" in "cooperatievgz"); a GP practice names no specialty.
    for word in [
        "parentportal",
        "studentenverzekering",
        "mijnzorg",
        "cooperatievgz",
        "horushuisartsenzorg",
        "oakfieldsurgery",
        "orthodoxkerk", // opens with `ortho`, a host false friend
    ] {
        assert!(lex.specialty_in_host_word(word).is_none(), "{word}");
    }
    // The longest form a word holds names it.
    let hit = lex.specialty_in_host_word("orthopediekliniek").unwrap();
    assert_eq!(lex.concept(hit.concept).id, "orthopedie");
}

#[test]
fn a_form_is_also_found_without_its_accents_and_with_spaces_for_its_hyphens() {
    let lex = lexicon();
    // URL words come without hyphens; a writer may drop them too. Each spelling is one mention.
    assert_eq!(
        ids(&lex, "in vitrofertilisatie"),
        ["ivf:in vitrofertilisatie"]
    );
    assert_eq!(
        ids(&lex, "in-vitrofertilisatie"),
        ["ivf:in-vitrofertilisatie"]
    );
    let fr = Lexicon::from_sources(&[Source::new(
        "rules/medical/fr.toml",
        "[strong]\ngastro = [\"gastro-entérologie\", \"gastro entérologie\"]\n",
    )])
    .unwrap();
    assert_eq!(
        ids(&fr, "gastro enterologie"),
        ["gastro:gastro enterologie"]
    );
    let found = fr.find("la gastro entérologie");
    assert_eq!(
        found.len(),
        1,
        "a form written both ways is one form: {found:?}"
    );
    // A false friend cancels its terms in their other spellings too (`/mutuelle-sante/`).
    let fr = Lexicon::from_sources(&[Source::new(
        "rules/medical/fr.toml",
        "false_friends = [\"mutuelle santé\"]\n[weak]\nsante = [\"santé\"]\n",
    )])
    .unwrap();
    assert!(fr.find("mutuelle sante").is_empty());
    assert_eq!(ids(&fr, "la sante"), ["sante:sante"]);
    // German URLs write umlauts as two letters (`/kuenstliche-befruchtung/`).
    let de = Lexicon::from_sources(&[Source::new(
        "rules/medical/de.toml",
        "[care]\nkinderwunsch = [\"künstliche befruchtung\"]\n",
    )])
    .unwrap();
    assert_eq!(
        ids(&de, "kuenstliche befruchtung"),
        ["kinderwunsch:kuenstliche befruchtung"]
    );
}

#[test]
fn related_concepts_count_as_their_family() {
    let lex = shipped();
    let family = |text: &str| {
        lex.find(text)
            .iter()
            .filter(|h| matches!(lex.concept(h.concept).tier, Tier::Strong | Tier::Care))
            .map(|h| lex.family(h.concept).to_string())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        family("depressie en angst, behandeld met emdr"),
        BTreeSet::from(["mental-health".to_string()])
    );
    assert_eq!(
        family("fysiotherapie en tandzorg").len(),
        2,
        "{:?}",
        family("fysiotherapie en tandzorg")
    );
}

#[test]
fn terms_are_found_next_to_accented_letters_and_endings_across_a_hyphen() {
    let lex = shipped();
    let concepts = |text: &str| {
        lex.find(text)
            .iter()
            .map(|h| lex.concept(h.concept).id.clone())
            .collect::<BTreeSet<_>>()
    };
    // At the text's start and end, and after a non-ASCII character that is not a letter.
    assert!(concepts("ggz").contains("ggz"));
    assert!(concepts("«ggz»").contains("ggz"));
    // Inside a longer word (after an accented letter) a whole-word form does not match.
    assert!(!concepts("éggz").contains("ggz"));
    // A compound ending that holds a hyphen closes the word before it.
    assert!(concepts("verloskunde-zorg").contains("-zorg-specialistisch"));
}

#[test]
fn a_form_that_does_not_start_with_a_letter_is_a_rule_error() {
    let sources = vec![Source::new(
        "rules/medical/nl.toml",
        "false_friends = [\"-vrij\"]\n[strong]\nangst = [\"(angst\"]\n",
    )];
    let errors = Lexicon::from_sources(&sources).unwrap_err();
    assert_eq!(errors.0.len(), 2, "{errors:?}");
}

#[test]
fn a_family_naming_an_unknown_concept_is_a_rule_error() {
    let sources = vec![
        Source::new("rules/medical/nl.toml", "[strong]\nangst = [\"angst\"]\n"),
        Source::new(
            "rules/medical/families.toml",
            "[families]\nmental-health = [\"angst\", \"somberheid\"]\n",
        ),
    ];
    let errors = Lexicon::from_sources(&sources).unwrap_err();
    assert_eq!(errors.0.len(), 1, "{errors:?}");
    assert!(errors.0[0].message.contains("somberheid"), "{errors:?}");
    assert_eq!(errors.0[0].line, 2);
}

#[test]
fn a_compounding_language_without_a_lexicon_is_a_rule_error() {
    let sources = vec![
        Source::new("rules/medical/nl.toml", "[strong]\nangst = [\"angst\"]\n"),
        Source::new(
            "rules/medical/sites.toml",
            "host_prefixes = []\ncompounding_languages = [\"nl\", \"dk\"]\n",
        ),
    ];
    let errors = Lexicon::from_sources(&sources).unwrap_err();
    assert_eq!(errors.0.len(), 1, "{errors:?}");
    assert!(errors.0[0].message.contains("`dk`"), "{errors:?}");
    assert_eq!(errors.0[0].line, 2);
}
