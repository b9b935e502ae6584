//! Which element is the consent notice: scores the candidates a page offers (fixed or dialog-like elements
//! with text) by what a person sees of them — position, layering, role, consent words, controls that read
//! as accept or reject — and sets aside what only looks like one: age gates, newsletter and app prompts,
//! chat widgets. Pure: the page side lists the candidates, this decides, and says which signals did.

use serde::Deserialize;

use crate::rules::consent::{ControlReader, ControlRole};
use crate::rules::consent_words::OtherPrompt;

/// A candidate element, as the page side describes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Candidate {
    /// Its place in the page side's candidate list.
    pub index: usize,
    /// Tag name.
    pub tag: String,
    /// ARIA role.
    pub role: String,
    /// `aria-modal="true"`.
    pub aria_modal: bool,
    /// ARIA label.
    pub aria_label: String,
    /// Its id and classes, lower-cased.
    pub hint: String,
    /// CSS position.
    pub position: String,
    /// CSS z-index.
    pub z_index: i64,
    /// Box in CSS pixels.
    pub x: f64,
    /// Box in CSS pixels.
    pub y: f64,
    /// Box in CSS pixels.
    pub width: f64,
    /// Box in CSS pixels.
    pub height: f64,
    /// Viewport in CSS pixels.
    pub viewport_width: f64,
    /// Viewport in CSS pixels.
    pub viewport_height: f64,
    /// Visible text (the start of it).
    pub text: String,
    /// Length of the whole visible text.
    pub text_length: usize,
    /// Texts of its visible controls.
    pub controls: Vec<String>,
    /// Email inputs inside.
    pub email_inputs: usize,
    /// Date, number and select inputs inside (an age gate's year of birth).
    pub date_inputs: usize,
}

/// What a candidate is, with the score and the signals that decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// A consent notice, or the other prompt it is.
    pub kind: Result<(), OtherPrompt>,
    /// Higher is more like a consent notice.
    pub score: i32,
    /// The signals, in words, for the report.
    pub signals: Vec<String>,
}

/// The least score a consent notice has.
const THRESHOLD: i32 = 6;
/// A notice has at least this many characters of text besides its controls' texts.
const MIN_OWN_TEXT: usize = 30;
/// Text longer than this is a page or a page section, not a notice.
const PAGE_LENGTH: usize = 2500;

/// Judges one candidate.
pub fn judge(c: &Candidate, reader: &ControlReader) -> Verdict {
    let mut score = 0;
    let mut signals = Vec::new();
    let consent_words = reader.banner_words(&format!("{} {}", c.text, c.aria_label));
    let roles: Vec<ControlRole> = c.controls.iter().map(|t| reader.role(t)).collect();
    let has = |role| roles.contains(&role);
    let (accept, reject, settings) = (
        has(ControlRole::Accept),
        has(ControlRole::Reject),
        has(ControlRole::Settings),
    );
    if !consent_words.is_empty() {
        score += 3 + (consent_words.len() as i32 - 1).min(2);
        signals.push(format!("consent words ({})", consent_words.join(", ")));
    }
    if accept {
        score += 3;
    }
    if reject {
        score += 2;
    }
    if settings {
        score += 1;
    }
    if accept || reject || settings {
        let named: Vec<&str> = [
            (accept, "accept"),
            (reject, "reject"),
            (settings, "settings"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, n)| *n)
        .collect();
        signals.push(format!("controls read as {}", named.join(", ")));
    }
    if c.position == "fixed" || c.position == "sticky" {
        score += 2;
        signals.push(format!("{} position", c.position));
    }
    if c.role == "dialog" || c.role == "alertdialog" || c.aria_modal || c.tag == "dialog" {
        score += 2;
        signals.push("dialog role".into());
    } else if c.role == "region" && !c.aria_label.is_empty() {
        score += 1;
        signals.push("labelled region".into());
    }
    if ["cookie", "consent", "gdpr", "cmp"]
        .iter()
        .any(|w| c.hint.contains(w))
    {
        score += 2;
        signals.push("named as a consent element".into());
    }
    let edge = 8.0;
    if c.viewport_height > 0.0
        && (c.y <= edge || c.y + c.height >= c.viewport_height - edge)
        && c.width >= 0.5 * c.viewport_width
    {
        score += 1;
        signals.push("at the top or bottom edge".into());
    }
    if c.z_index >= 10 {
        score += 1;
        signals.push("above the page (z-index)".into());
    }
    if c.text_length > PAGE_LENGTH {
        score -= 4;
        signals.push("long text: a page section".into());
    }

    // A prompt of another kind takes its place when its own words outweigh the consent signals.
    let text = &c.text;
    let age = reader.prompt_words(OtherPrompt::AgeGate, text)
        + c.controls
            .iter()
            .map(|t| reader.prompt_words(OtherPrompt::AgeGate, t))
            .sum::<usize>();
    let other = if age > 0 && (c.date_inputs > 0 || age >= 2 || consent_words.len() <= 1) {
        Some(OtherPrompt::AgeGate)
    } else if c.email_inputs > 0 && reader.prompt_words(OtherPrompt::Newsletter, text) > 0 {
        Some(OtherPrompt::Newsletter)
    } else if reader.prompt_words(OtherPrompt::AppPrompt, text) > 0 && consent_words.len() <= 1 {
        Some(OtherPrompt::AppPrompt)
    } else if reader.prompt_words(OtherPrompt::Chat, text) > 0 && !(accept || reject) {
        Some(OtherPrompt::Chat)
    } else {
        None
    };
    // A notice explains itself in words of its own (a floating "privacy settings" button does not), naming
    // consent, or it offers both an accept and a reject control.
    let own_text = c
        .text_length
        .saturating_sub(c.controls.iter().map(|t| t.chars().count() + 1).sum());
    let explains = own_text >= MIN_OWN_TEXT;
    if !explains {
        signals.push("hardly any text besides its controls".into());
    }
    let is_notice = (explains && !consent_words.is_empty()) || (accept && reject);
    let kind = match other {
        Some(kind) => Err(kind),
        None => Ok(()),
    };
    let score = if other.is_none() && !is_notice {
        score.min(THRESHOLD - 1)
    } else {
        score
    };
    Verdict {
        kind,
        score,
        signals,
    }
}

/// The consent notice among the candidates: the highest score at or above the threshold, the smaller
/// element on a tie (the notice itself rather than its wrapper). Returns it with its verdict, and a line for
/// each prompt set aside as not a consent notice.
pub fn choose<'a>(
    candidates: &'a [Candidate],
    reader: &ControlReader,
) -> (Option<(&'a Candidate, Verdict)>, Vec<String>) {
    let mut best: Option<(&Candidate, Verdict)> = None;
    let mut set_aside = Vec::new();
    for c in candidates {
        let v = judge(c, reader);
        match v.kind {
            Err(kind) => {
                let what = match kind {
                    OtherPrompt::AgeGate => "an age gate",
                    OtherPrompt::Newsletter => "a newsletter prompt",
                    OtherPrompt::AppPrompt => "an app prompt",
                    OtherPrompt::Chat => "a chat widget",
                };
                let line = format!(
                    "{what}: \"{}\"",
                    c.text.chars().take(80).collect::<String>()
                );
                if !set_aside.contains(&line) {
                    set_aside.push(line);
                }
            }
            Ok(()) if v.score >= THRESHOLD => {
                let better = match &best {
                    None => true,
                    Some((b, bv)) => {
                        v.score > bv.score || (v.score == bv.score && c.text_length < b.text_length)
                    }
                };
                if better {
                    best = Some((c, v));
                }
            }
            Ok(()) => {}
        }
    }
    (best, set_aside)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader() -> ControlReader {
        crate::rules::consent::ConsentRules::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"),
        )
        .unwrap()
        .reader
    }

    fn bar(text: &str, controls: &[&str]) -> Candidate {
        Candidate {
            tag: "div".into(),
            position: "fixed".into(),
            z_index: 999,
            y: 600.0,
            width: 1280.0,
            height: 120.0,
            viewport_width: 1280.0,
            viewport_height: 720.0,
            text: text.to_lowercase(),
            text_length: text.len(),
            controls: controls.iter().map(|c| c.to_lowercase()).collect(),
            ..Candidate::default()
        }
    }

    #[test]
    fn the_banner_wins_over_its_wrapper_and_a_floating_button_is_no_notice() {
        let r = reader();
        let text = "We use cookies to improve this site and to show you relevant adverts. Accept all Reject all";
        let inner = bar(text, &["Accept all", "Reject all"]);
        let wrapper = Candidate {
            index: 1,
            hint: "cookie-wrapper".into(),
            position: "static".into(),
            text_length: text.len() + 1,
            ..inner.clone()
        };
        let button = Candidate {
            index: 2,
            text: "privacy-instellingen".into(),
            text_length: 20,
            controls: vec![],
            ..bar("", &[])
        };
        let all = [wrapper, inner, button];
        let (best, aside) = choose(&all, &r);
        let (chosen, verdict) = best.unwrap();
        assert_eq!(chosen.index, 0);
        assert!(
            verdict.signals.iter().any(|s| s == "fixed position"),
            "{verdict:?}"
        );
        assert!(aside.is_empty());
        let lone = bar("privacy-instellingen", &[]);
        assert!(judge(&lone, &r).score < THRESHOLD);
    }

    #[test]
    fn a_toast_without_consent_words_counts_by_its_accept_and_reject_controls() {
        let r = reader();
        let toast = bar(
            "Help us learn which pages are useful to visitors. Accept Opt out",
            &["Accept", "Opt out"],
        );
        let v = judge(&toast, &r);
        assert_eq!(v.kind, Ok(()));
        assert!(v.score >= THRESHOLD, "{v:?}");
        let info = bar(
            "Our opening hours change on public holidays, see the list below.",
            &["Read more"],
        );
        assert!(judge(&info, &r).score < THRESHOLD);
    }

    #[test]
    fn age_gates_newsletters_and_chat_widgets_are_set_aside() {
        let r = reader();
        let gate = bar(
            "Are you 18 or older? By entering you accept our cookies and terms.",
            &["Accept and enter", "Leave"],
        );
        assert_eq!(judge(&gate, &r).kind, Err(OtherPrompt::AgeGate));
        let letter = Candidate {
            email_inputs: 1,
            ..bar(
                "Subscribe to our newsletter and get news about our privacy-friendly products",
                &["Subscribe"],
            )
        };
        assert_eq!(judge(&letter, &r).kind, Err(OtherPrompt::Newsletter));
        let chat = bar(
            "Chat with us! How can we help you today with your appointment?",
            &["Start chat"],
        );
        assert_eq!(judge(&chat, &r).kind, Err(OtherPrompt::Chat));
        let gates = [gate];
        let (best, aside) = choose(&gates, &r);
        assert!(best.is_none());
        assert!(aside[0].starts_with("an age gate"), "{aside:?}");
    }

    #[test]
    fn a_page_long_element_is_not_a_notice() {
        let r = reader();
        let long = "cookies ".repeat(400);
        let page = Candidate {
            position: "static".into(),
            z_index: 0,
            ..bar(&long, &["Accept"])
        };
        assert!(judge(&page, &r).score < THRESHOLD);
    }
}
