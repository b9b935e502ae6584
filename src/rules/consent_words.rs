//! Reading a consent control the way a person reads it: `rules/consent/words.toml` holds, per language, the
//! phrases that make a control accept, reject, open the settings or save them, and the words that make a
//! notice a consent notice. This module compiles them and applies their precedence, so that "accept only
//! necessary cookies" is read as reject and "manage preferences" as neither accept nor reject.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What a control does, as its text says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlRole {
    /// Consent to everything.
    Accept,
    /// Refuse everything that needs consent (including "accept only necessary").
    Reject,
    /// Open the settings layer.
    Settings,
    /// Save the choices made in the settings layer.
    Save,
    /// Anything else: links, toggles, close buttons, text.
    Other,
}

impl ControlRole {
    /// The name used in the report and by the consent engine.
    pub fn as_str(self) -> &'static str {
        match self {
            ControlRole::Accept => "accept",
            ControlRole::Reject => "reject",
            ControlRole::Settings => "settings",
            ControlRole::Save => "save",
            ControlRole::Other => "other",
        }
    }
}

/// One language's phrases, as written in `words.toml`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WordList {
    /// Words that mark a notice as a consent notice.
    pub banner: Vec<String>,
    /// Purposes that need no consent ("necessary", "essential").
    pub necessary: Vec<String>,
    /// Words that restrict a choice to those purposes ("only", "continue with").
    pub restrict: Vec<String>,
    /// Purposes that need consent, and "all": a control naming one is not "necessary only".
    pub optional: Vec<String>,
    /// Phrases that accept everything even next to a settings word ("accept recommended settings").
    pub accept_all: Vec<String>,
    /// Phrases of links and text that explain rather than choose ("how to", "you can", "policy").
    pub explains: Vec<String>,
    /// Words that join two choices into one control ("reject or customise"): such a control opens the
    /// settings, it does not reject.
    pub either: Vec<String>,
    /// Accept-all phrases.
    pub accept: Vec<String>,
    /// Reject phrases.
    pub reject: Vec<String>,
    /// Phrases of controls that open the settings.
    pub settings: Vec<String>,
    /// Phrases of controls that save the settings.
    pub save: Vec<String>,
    /// Texts of controls that reopen the banner after a choice.
    pub reopen: Vec<String>,
    /// Words of an age gate ("are you 18", "date of birth").
    pub age_gate: Vec<String>,
    /// Words of a newsletter or sign-up prompt.
    pub newsletter: Vec<String>,
    /// Words of an app prompt ("download our app").
    pub app_prompt: Vec<String>,
    /// Words of a chat widget.
    pub chat: Vec<String>,
}

/// A control longer than this is a sentence, not a control.
const MAX_CONTROL_WORDS: usize = 12;

/// A phrase, compiled.
#[derive(Debug, Clone, PartialEq)]
struct Phrase {
    words: Vec<String>,
    /// The last word may run on (`noodzakelijk*`).
    open_end: bool,
    /// The phrase must be the whole text (`=ok`).
    whole: bool,
}

impl Phrase {
    /// Compiles a phrase; `None` when nothing is left of it after normalising.
    fn parse(raw: &str) -> Option<Phrase> {
        let raw = raw.trim();
        let (whole, raw) = match raw.strip_prefix('=') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let (open_end, raw) = match raw.strip_suffix('*') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let words = tokens(raw);
        if words.is_empty() {
            None
        } else {
            Some(Phrase {
                words,
                open_end,
                whole,
            })
        }
    }

    fn matches(&self, text: &[String]) -> bool {
        let n = self.words.len();
        if text.len() < n || (self.whole && text.len() != n) {
            return false;
        }
        (0..=text.len() - n).any(|start| self.matches_at(text, start))
    }

    /// Whether the text opens with this phrase.
    fn opens(&self, text: &[String]) -> bool {
        text.len() >= self.words.len()
            && (!self.whole || text.len() == self.words.len())
            && self.matches_at(text, 0)
    }

    fn matches_at(&self, text: &[String], start: usize) -> bool {
        let n = self.words.len();
        self.words.iter().enumerate().all(|(i, w)| {
            let t = &text[start + i];
            if self.open_end && i == n - 1 {
                t.starts_with(w.as_str())
            } else {
                t == w
            }
        })
    }
}

/// The text as words: lower-cased, every character that is not a letter, digit or apostrophe a break.
pub fn tokens(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace(['\u{2019}', '\u{2018}', '`'], "'")
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// All languages' phrases, compiled: reads controls and notices.
#[derive(Debug, Clone, Default)]
pub struct ControlReader {
    banner: Vec<(String, Phrase)>,
    necessary: Vec<Phrase>,
    restrict: Vec<Phrase>,
    optional: Vec<Phrase>,
    accept_all: Vec<Phrase>,
    explains: Vec<Phrase>,
    either: Vec<Phrase>,
    accept: Vec<Phrase>,
    reject: Vec<Phrase>,
    settings: Vec<Phrase>,
    save: Vec<Phrase>,
    reopen: Vec<Phrase>,
    age_gate: Vec<Phrase>,
    newsletter: Vec<Phrase>,
    app_prompt: Vec<Phrase>,
    chat: Vec<Phrase>,
}

/// Kinds of prompt that look like a consent notice but are not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtherPrompt {
    /// An age gate.
    AgeGate,
    /// A newsletter or sign-up prompt.
    Newsletter,
    /// An app prompt.
    AppPrompt,
    /// A chat widget.
    Chat,
}

impl ControlReader {
    /// Compiles the word lists. Returns the phrases that compile to nothing (for the rule check).
    pub fn new(lists: &BTreeMap<String, WordList>) -> (ControlReader, Vec<String>) {
        let mut reader = ControlReader::default();
        let mut empty = Vec::new();
        let mut compile = |raw: &String, into: &mut Vec<Phrase>| match Phrase::parse(raw) {
            Some(p) => into.push(p),
            None => empty.push(raw.clone()),
        };
        for list in lists.values() {
            for raw in &list.banner {
                let mut one = Vec::new();
                compile(raw, &mut one);
                reader.banner.extend(
                    one.into_iter()
                        .map(|p| (raw.trim_end_matches('*').to_string(), p)),
                );
            }
            for (raws, into) in [
                (&list.necessary, &mut reader.necessary),
                (&list.restrict, &mut reader.restrict),
                (&list.optional, &mut reader.optional),
                (&list.accept_all, &mut reader.accept_all),
                (&list.explains, &mut reader.explains),
                (&list.either, &mut reader.either),
                (&list.accept, &mut reader.accept),
                (&list.reject, &mut reader.reject),
                (&list.settings, &mut reader.settings),
                (&list.save, &mut reader.save),
                (&list.reopen, &mut reader.reopen),
                (&list.age_gate, &mut reader.age_gate),
                (&list.newsletter, &mut reader.newsletter),
                (&list.app_prompt, &mut reader.app_prompt),
                (&list.chat, &mut reader.chat),
            ] {
                for raw in raws {
                    compile(raw, into);
                }
            }
        }
        (reader, empty)
    }

    /// What a control with this text does. See `words.toml` for the precedence.
    pub fn role(&self, text: &str) -> ControlRole {
        let words = tokens(text);
        if words.is_empty() || words.len() > MAX_CONTROL_WORDS {
            return ControlRole::Other;
        }
        let any = |phrases: &[Phrase]| phrases.iter().any(|p| p.matches(&words));
        let necessary_only = any(&self.necessary)
            && !any(&self.optional)
            && (any(&self.restrict) || any(&self.accept) || any(&self.accept_all));
        let opens_with_choice = [&self.accept, &self.accept_all, &self.reject]
            .iter()
            .any(|list| list.iter().any(|p| p.opens(&words)));
        if any(&self.explains) && !opens_with_choice {
            // "How to turn off cookies", "Google Analytics opt-out add-on": about a choice, not one.
            if any(&self.settings) {
                ControlRole::Settings
            } else {
                ControlRole::Other
            }
        } else if necessary_only {
            ControlRole::Reject
        } else if any(&self.save) {
            ControlRole::Save
        } else if any(&self.reject) {
            let either_or = text.contains('/') || any(&self.either);
            if either_or && any(&self.settings) {
                ControlRole::Settings
            } else {
                ControlRole::Reject
            }
        } else if any(&self.accept_all) {
            ControlRole::Accept
        } else if any(&self.settings) {
            ControlRole::Settings
        } else if any(&self.accept) {
            ControlRole::Accept
        } else {
            ControlRole::Other
        }
    }

    /// Whether the text reads as a control that reopens the consent banner.
    pub fn is_reopen(&self, text: &str) -> bool {
        let words = tokens(text);
        words.len() <= MAX_CONTROL_WORDS && self.reopen.iter().any(|p| p.matches(&words))
    }

    /// How many phrases of the given other kind of prompt the text holds.
    pub fn prompt_words(&self, kind: OtherPrompt, text: &str) -> usize {
        let words = tokens(text);
        let list = match kind {
            OtherPrompt::AgeGate => &self.age_gate,
            OtherPrompt::Newsletter => &self.newsletter,
            OtherPrompt::AppPrompt => &self.app_prompt,
            OtherPrompt::Chat => &self.chat,
        };
        list.iter().filter(|p| p.matches(&words)).count()
    }

    /// The consent words a notice's text holds (each once, as written in the rules).
    pub fn banner_words(&self, text: &str) -> Vec<String> {
        let words = tokens(text);
        let mut found: Vec<String> = Vec::new();
        for (name, phrase) in &self.banner {
            if phrase.matches(&words) && !found.contains(name) {
                found.push(name.clone());
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader() -> ControlReader {
        let rules = crate::rules::consent::ConsentRules::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"),
        )
        .unwrap();
        rules.reader
    }

    #[test]
    fn accept_only_necessary_is_reject_in_every_language() {
        let r = reader();
        for text in [
            "Accept only necessary",
            "Accept necessary cookies",
            "Accept essential cookies only",
            "Use necessary cookies only",
            "Continue with essential cookies",
            "Alleen noodzakelijke cookies",
            "Noodzakelijke cookies accepteren",
            "Nur notwendige Cookies akzeptieren",
            "Nur essenzielle Cookies",
            "Accepter uniquement les cookies nécessaires",
            "Continuer sans accepter",
            "Accetta solo i cookie necessari",
            "Aceptar solo las cookies necesarias",
        ] {
            assert_eq!(r.role(text), ControlRole::Reject, "{text}");
        }
    }

    #[test]
    fn each_kind_of_control_is_read_by_its_meaning() {
        let r = reader();
        let cases = [
            ("Accept all", ControlRole::Accept),
            ("Alles accepteren", ControlRole::Accept),
            ("Akkoord", ControlRole::Accept),
            ("Alle akzeptieren", ControlRole::Accept),
            ("Tout accepter", ControlRole::Accept),
            ("J’accepte", ControlRole::Accept),
            ("Accetta tutti", ControlRole::Accept),
            ("Aceptar todas", ControlRole::Accept),
            ("OK", ControlRole::Accept),
            ("Reject all", ControlRole::Reject),
            ("Opt out", ControlRole::Reject),
            ("Continue without agreeing", ControlRole::Reject),
            ("Niet akkoord", ControlRole::Reject),
            ("Nicht einverstanden", ControlRole::Reject),
            ("Tout refuser", ControlRole::Reject),
            ("Rifiuta tutto", ControlRole::Reject),
            ("Rechazar todas", ControlRole::Reject),
            ("Manage preferences", ControlRole::Settings),
            ("Cookie-instellingen", ControlRole::Settings),
            ("Personnaliser", ControlRole::Settings),
            ("Save preferences", ControlRole::Save),
            ("Reject or customise", ControlRole::Settings),
            ("Weigeren / instellen", ControlRole::Settings),
            ("Allow selection", ControlRole::Save),
            ("Auswahl speichern", ControlRole::Save),
            ("Strictly necessary", ControlRole::Other),
            ("Privacy policy", ControlRole::Other),
            (
                "acceptable use policy and a long text about how we use cookies on this site today",
                ControlRole::Other,
            ),
            ("", ControlRole::Other),
        ];
        for (text, role) in cases {
            assert_eq!(r.role(text), role, "{text}");
        }
    }

    #[test]
    fn phrases_match_whole_words_with_open_ends_and_whole_texts() {
        let p = Phrase::parse("accept*").unwrap();
        assert!(p.matches(&tokens("Accepteren")));
        assert!(!p.matches(&tokens("unacceptable")));
        let whole = Phrase::parse("=ok").unwrap();
        assert!(whole.matches(&tokens("OK!")));
        assert!(!whole.matches(&tokens("ok, got it")));
        let two = Phrase::parse("no thanks").unwrap();
        assert!(two.matches(&tokens("No, thanks")));
        assert!(!two.matches(&tokens("thanks no")));
        assert!(Phrase::parse(" * ").is_none());
        assert_eq!(tokens("Don’t accept"), vec!["don't", "accept"]);
    }

    #[test]
    fn a_notice_is_known_by_its_consent_words() {
        let r = reader();
        assert!(
            r.banner_words("We use cookies to improve this site")
                .contains(&"cookie".to_string())
        );
        assert!(
            r.banner_words("Usiamo i cookie e il tuo consenso")
                .contains(&"consenso".to_string())
        );
        assert!(r.banner_words("Opening hours and address").is_empty());
    }
}
