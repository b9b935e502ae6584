//! Unit tests of the module above.
use super::*;
use crate::rules::Source;

fn lexicon() -> Lexicon {
    let nl = r#"
[strong]
depressie = ["depressie"]
diabetes = ["diabet*"]
astma = ["astma"]
[care]
ivf = ["ivf"]
fysiotherapie = ["fysiotherapie"]
ggz = ["ggz"]
kraamzorg = ["kraamzorg"]
[weak]
behandeling = ["behandeling"]
[negative]
contact = ["contact"]
"#;
    let sites = "host_prefixes = [\"ggz\"]\n[general]\nnl = [\"ziekenhuis\", \"polis\"]\n";
    let types = "[about]\nname = \"about\"\nweight = 3.0\nsegment.nl = [\"over-ons\"]\n";
    Lexicon::from_sources(&[
        Source::new("rules/medical/nl.toml", nl),
        Source::new("rules/medical/sites.toml", sites),
        Source::new("rules/medical/page-types.toml", types),
    ])
    .unwrap()
}

fn body(url: &str, text: &str) -> Classification {
    let page = PageText {
        url: text::url_words(url),
        body: text.to_string(),
        html_lang: Some("nl".into()),
        ..PageText::default()
    };
    classify(&lexicon(), url, &page)
}

#[test]
fn body_text_listing_many_care_types_cannot_make_a_page_medical() {
    let c = body(
        "https://www.x.nl/pakket/",
        "Wij vergoeden ivf, fysiotherapie, ggz en kraamzorg. Ook bij depressie, astma of diabetes \
         helpen wij u verder met de behandeling die u nodig heeft.",
    );
    assert!(!c.is_medical, "{c:?}");
    let topic = c.text_topic.unwrap();
    assert_eq!(topic.pattern, TextPattern::List);
    assert_eq!(topic.distinct, 7);
    assert!(c.score < THRESHOLD);
}

#[test]
fn body_text_about_one_concept_makes_a_page_medical_on_its_own() {
    let c = body(
        "https://www.x.nl/artikel/12/",
        "De eerste ivf-poging: bij ivf worden eicellen bevrucht. Na ivf volgt de terugplaatsing, \
         soms na fysiotherapie voor de rug.",
    );
    assert!(c.is_medical, "{c:?}");
    let topic = c.text_topic.unwrap();
    assert_eq!(topic.pattern, TextPattern::Dominant);
    assert_eq!((topic.concept.as_str(), topic.occurrences), ("ivf", 3));
}

#[test]
fn a_url_word_two_languages_know_is_one_cue_and_a_fields_negative_cues_take_off_once() {
    let nl =
        "[care]\nivf = [\"ivf\"]\n[negative]\nnieuws = [\"nieuws\"]\nover-ons = [\"over ons\"]\n";
    let en = "[care]\nin-vitro = [\"ivf\"]\n[negative]\nnews = [\"nieuws\"]\n";
    let lexicon = Lexicon::from_sources(&[
        Source::new("rules/medical/nl.toml", nl),
        Source::new("rules/medical/en.toml", en),
    ])
    .unwrap();
    let page = |url: &str| PageText {
        url: text::url_words(url),
        html_lang: Some("nl".into()),
        ..PageText::default()
    };
    let topic = classify(
        &lexicon,
        "https://www.x.nl/ivf/",
        &page("https://www.x.nl/ivf/"),
    );
    assert_eq!(topic.score, 9.0, "{topic:?}");
    let url = "https://www.x.nl/over-ons/nieuws/ivf/";
    let section = classify(&lexicon, url, &page(url));
    assert_eq!(section.score, 3.0, "{section:?}");
    assert_eq!(
        section
            .evidence
            .iter()
            .filter(|e| e.tier == Tier::Negative)
            .count(),
        2,
        "both cues stay in the evidence: {section:?}"
    );
}

#[test]
fn a_leading_concept_short_of_half_does_not_dominate() {
    // An insurer's home page whose IVF teaser names fertility four times among nine mentions leads with
    // it, as a dietitian's rates page leads with dietetics: counts cannot tell them apart.
    let counts: BTreeMap<String, usize> = [
        ("fertility", 4),
        ("physiotherapy", 2),
        ("mental-health", 1),
        ("dental", 1),
        ("maternity", 1),
    ]
    .iter()
    .map(|(c, n)| (c.to_string(), *n))
    .collect();
    let topic = text_topic(&counts).unwrap();
    assert_eq!(topic.pattern, TextPattern::List, "{topic:?}");
    assert_eq!((topic.occurrences, topic.runner_up, topic.of), (4, 2, 9));
}

#[test]
fn a_page_type_outweighs_a_body_about_one_concept() {
    let c = body(
        "https://www.x.nl/over-ons/",
        "Ivf hier, ivf daar, ivf overal: wij zijn trots op onze ivf-afdeling.",
    );
    assert!(!c.is_medical, "{c:?}");
    assert_eq!(c.page_type.unwrap().id, "about");
}

#[test]
fn a_topic_named_in_the_url_still_decides_below_a_page_type() {
    let c = body("https://www.x.nl/over-ons/ggz/", "Wij helpen u graag.");
    assert!(c.is_medical, "{c:?}");
}

#[test]
fn a_host_naming_one_specialty_makes_even_its_contact_page_medical() {
    let c = body(
        "https://www.ggzhorizon.nl/contact/",
        "Bel ons op werkdagen.",
    );
    assert!(c.is_medical, "{c:?}");
    assert!(
        c.evidence
            .iter()
            .any(|e| e.field == EvidenceField::Site && e.concept == "ggz")
    );
}

#[test]
fn a_host_of_a_general_provider_is_never_single_specialty() {
    let c = body(
        "https://www.ziekenhuis-ggz-noord.nl/contact/",
        "Bel ons op werkdagen.",
    );
    assert!(!c.is_medical, "{c:?}");
}

#[test]
fn a_site_named_after_a_specialty_makes_all_its_pages_medical_unless_it_is_a_general_provider() {
    let lex = lexicon();
    let pages = vec![
        (
            "https://www.horizon.nl/".to_string(),
            "<title>Horizon | GGZ voor jongeren</title><main><p>Welkom.</p></main>".to_string(),
        ),
        (
            "https://www.horizon.nl/route/".to_string(),
            "<title>Route</title><main><p>Tien minuten lopen.</p></main>".to_string(),
        ),
    ];
    let results = classify_site(&lex, "Horizon", &pages);
    assert!(results.iter().all(|c| c.is_medical), "{results:?}");
    let hospital = vec![
        (
            "https://www.rijn.nl/".to_string(),
            "<title>Ziekenhuis Rijn | ggz en ivf</title><main><p>Welkom.</p></main>".to_string(),
        ),
        (
            "https://www.rijn.nl/route/".to_string(),
            "<title>Route</title><main><p>Tien minuten lopen.</p></main>".to_string(),
        ),
    ];
    let results = classify_site(&lex, "Rijn", &hospital);
    assert!(!results[1].is_medical, "{results:?}");
    // A scan that starts deep in a site says nothing of the whole site.
    let deep = vec![
        (
            "https://www.rijn2.nl/ivf/".to_string(),
            "<title>IVF</title>".to_string(),
        ),
        hospital[1].clone(),
    ];
    let results = classify_site(&lex, "Rijn", &deep);
    assert!(
        results[0].is_medical && !results[1].is_medical,
        "{results:?}"
    );
}

#[test]
fn a_medical_schema_org_type_from_the_rules_names_the_topic_and_a_provider_type_does_not() {
    let shipped =
        Lexicon::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")).unwrap();
    let page = |types: &[&str]| PageText {
        url: text::url_words("https://www.example.nl/pagina"),
        title: "Welkom".into(),
        body: "Lees meer over ons.".into(),
        schema_types: types.iter().map(|t| t.to_string()).collect(),
        ..Default::default()
    };
    let condition = classify(
        &shipped,
        "https://www.example.nl/pagina",
        &page(&["MedicalCondition"]),
    );
    assert!(condition.is_medical, "{condition:?}");
    assert!(
        condition
            .evidence
            .iter()
            .any(|e| e.field == EvidenceField::Schema && e.term == "MedicalCondition")
    );
    let hospital = classify(
        &shipped,
        "https://www.example.nl/pagina",
        &page(&["Hospital"]),
    );
    assert!(!hospital.is_medical, "{hospital:?}");
}
