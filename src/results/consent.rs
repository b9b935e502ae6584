//! A site's consent banner in the results: what it offered and what clicking it did, summarised over
//! the first page of each consent mode.

use serde::{Deserialize, Serialize};

use super::PageReport;
use crate::observe::{ConsentMode, ConsentObservation, Control, FirstLayerControls, TcfData};

/// A site's consent banner, summarised from the first page of each consent mode.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SiteConsent {
    /// The consent tool, `generic` for a banner only the word lists found, `None` when no banner was seen.
    pub tool: Option<String>,
    /// What gave the tool away.
    pub detected_by: Option<String>,
    /// Whether a banner was shown.
    pub banner_found: bool,
    /// The banner's text, shortened.
    pub banner_text: Option<String>,
    /// Controls on the first layer.
    pub first_layer: FirstLayerControls,
    /// The clicks made, one per clicking mode.
    pub clicks: Vec<ClickReport>,
    /// Purposes switched on before the visitor did anything.
    pub pre_ticked: Vec<String>,
    /// After "accept": a control that reopens the banner, if one is shown.
    pub reopen_control: Option<Control>,
    /// After "reject": what still blocks the page, if anything.
    pub cookie_wall: Option<String>,
    /// Modes in which the banner came back on a later page after the choice.
    pub banner_reappeared: Vec<ConsentMode>,
    /// Screenshots: the banner before each click, and the page after it.
    pub screenshots: Vec<String>,
    /// IAB TCF data read after a choice (the last mode's).
    pub tcf: Option<TcfData>,
    /// IAB TCF data read after "reject": what still rests on legitimate interest (finding F06).
    #[serde(default)]
    pub tcf_after_reject: Option<TcfData>,
    /// What could not be handled, by mode.
    pub problems: Vec<String>,
    /// The signals that made the generic finder take the element for a consent notice.
    #[serde(default)]
    pub notice_signals: Vec<String>,
    /// Prompts set aside as not consent notices (age gates, newsletter and app prompts, chat widgets).
    #[serde(default)]
    pub set_aside: Vec<String>,
}

/// One consent click.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ClickReport {
    /// `reject` or `accept`.
    pub mode: ConsentMode,
    /// The control clicked.
    pub control: Option<Control>,
    /// `first` or `second` layer.
    pub layer: String,
    /// The banner closed and the choice was stored.
    pub effective: bool,
    /// The banner closed.
    pub banner_gone: bool,
    /// Where the choice was stored.
    pub choice_stored: Vec<String>,
    /// Milliseconds after the page started loading.
    pub at_ms: Option<u64>,
    /// What went wrong.
    pub problem: Option<String>,
}

impl SiteConsent {
    /// Summarises the banner from a site's pages (the first page of each mode carries the banner work).
    pub fn from_pages(pages: &[PageReport]) -> SiteConsent {
        let mut out = SiteConsent::default();
        for mode in [ConsentMode::None, ConsentMode::Reject, ConsentMode::Accept] {
            let mut of_mode = pages.iter().filter(|p| p.visit.mode == mode);
            let Some(first) = of_mode.next() else {
                continue;
            };
            if of_mode.any(|p| p.visit.consent.as_ref().is_some_and(|c| c.banner_found)) {
                out.banner_reappeared.push(mode);
            }
            let Some(seen) = &first.visit.consent else {
                continue;
            };
            out.absorb(mode, seen, first.visit.screenshot.as_ref());
        }
        out
    }

    fn absorb(&mut self, mode: ConsentMode, seen: &ConsentObservation, after: Option<&String>) {
        if self.tool.is_none() || (!self.banner_found && seen.banner_found) {
            self.tool = seen.tool.clone();
            self.detected_by = seen.detected_by.clone();
        }
        if seen.banner_found && !self.banner_found {
            self.banner_found = true;
            self.first_layer = seen.first_layer.clone();
            self.banner_text = seen.banner_text.clone();
            self.pre_ticked = seen.pre_ticked.clone();
            self.notice_signals = seen.notice_signals.clone();
        }
        for prompt in &seen.set_aside {
            if !self.set_aside.contains(prompt) {
                self.set_aside.push(prompt.clone());
            }
        }
        if let Some(problem) = &seen.problem {
            self.problems.push(format!("{}: {problem}", mode.as_str()));
        }
        if let Some(click) = &seen.click {
            if let Some(p) = &click.problem {
                self.problems.push(format!("{}: {p}", mode.as_str()));
            }
            self.clicks.push(ClickReport {
                mode,
                control: click.control.clone(),
                layer: click.layer.clone(),
                effective: click.effective,
                banner_gone: click.banner_gone,
                choice_stored: click.choice_stored.clone(),
                at_ms: seen.choice_at_ms,
                problem: click.problem.clone(),
            });
            self.screenshots
                .extend(seen.screenshot_before.iter().cloned());
            self.screenshots.extend(after.cloned());
            match mode {
                ConsentMode::Accept => self.reopen_control = seen.reopen_control.clone(),
                ConsentMode::Reject => self.cookie_wall = seen.cookie_wall.clone(),
                ConsentMode::None => {}
            }
            if seen.tcf.is_some() {
                self.tcf = seen.tcf.clone();
                if mode == ConsentMode::Reject {
                    self.tcf_after_reject = seen.tcf.clone();
                }
            }
        }
    }
}
