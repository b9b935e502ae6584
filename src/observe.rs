//! The Observation model: everything one visit of one page saw, as plain data.
//!
//! The browser layer fills an [`Observation`]; detection and everything after it read only this. Nothing
//! here knows about rules or findings, so a stored observation can be re-detected with newer rules.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The consent choice a visit was made with. Its names are the same on the command line (`--consent`),
/// in report.json and in evidence file names.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
#[value(rename_all = "lowercase")]
pub enum ConsentMode {
    /// A new visitor who never touches the banner.
    #[default]
    None,
    /// The visitor chose "reject" / "only necessary".
    Reject,
    /// The visitor chose "accept all".
    Accept,
}

impl ConsentMode {
    /// The name used on the command line and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentMode::None => "none",
            ConsentMode::Reject => "reject",
            ConsentMode::Accept => "accept",
        }
    }

    /// The mode named `none`, `reject` or `accept`.
    pub fn parse(name: &str) -> Option<ConsentMode> {
        [ConsentMode::None, ConsentMode::Reject, ConsentMode::Accept]
            .into_iter()
            .find(|m| m.as_str() == name)
    }
}

/// Which engine made a visit: Chromium, which proves what was sent, or the static sweep, which proves
/// only what the HTML and the HTTP headers of the document say.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// Headless Chromium.
    #[default]
    Browser,
    /// An HTTP fetch of the document, its HTML parsed without running it (`scan --static`).
    Static,
}

impl Engine {
    /// `browser` or `static`.
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Browser => "browser",
            Engine::Static => "static",
        }
    }
}

/// What the HTML of a page references, read without running it (the static sweep).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct StaticPage {
    /// Addresses the document names as sources: scripts, images, frames, style sheets, preloads and the
    /// pixels inside `<noscript>`.
    pub referenced: Vec<Referenced>,
    /// The inline scripts (without `src`), in document order, shortened.
    pub inline_scripts: Vec<InlineScript>,
}

/// An inline script of the HTML.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct InlineScript {
    /// Its text.
    pub text: String,
    /// True when its `type` is not one a browser runs (`text/plain` with a consent category): the
    /// page's consent tool holds it back until the visitor agrees.
    pub held_back: bool,
}

/// An address the HTML names, and the element that names it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Referenced {
    /// Absolute URL.
    pub url: String,
    /// `script`, `img`, `iframe`, `link`, `source`, `embed`, or `noscript img` (a pixel inside `<noscript>`).
    pub element: String,
}

/// What one visit of one page saw.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Observation {
    /// Which page, in which consent mode, and how the visit went: what every record of the visit repeats.
    #[serde(flatten)]
    pub visit: Visit,
    /// Visible text of the page (`innerText`), truncated.
    pub text: Option<String>,
    /// The rendered document (`outerHTML`), truncated; what the classifier reads.
    pub html: Option<String>,
    /// Links found on the page (absolute URLs with their anchor text).
    pub links: Vec<Link>,
    /// The site search form, if the page has one (GET forms only).
    pub search_form: Option<SearchForm>,
    /// The `lang` attribute of the document.
    pub lang: Option<String>,
    /// Every network request made while the page was open.
    pub requests: Vec<ObservedRequest>,
    /// Cookies set by responses (`Set-Cookie`), including those the browser blocked.
    pub set_cookies: Vec<SetCookie>,
    /// The cookie jar at the end of the visit (all domains, HttpOnly included).
    pub cookies: Vec<ObservedCookie>,
    /// Local and session storage items written during the visit.
    pub storage: Vec<StorageItem>,
    /// Every frame of the page (the top frame first).
    pub frames: Vec<Frame>,
    /// The page's renderer crashed during this visit, so the crawler tries it once more.
    #[serde(skip)]
    pub renderer_crashed: bool,
    /// Cookies (`domain|name`) already in the jar when the choice was made, so later pages can tell which
    /// cookies were set before it.
    pub cookies_before_choice: Vec<String>,
    /// What the HTML references, for a visit of the static sweep; `None` for a browser visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub static_page: Option<StaticPage>,
}

/// What every record of one visit says about it (the observation, the page's report, the store's cache):
/// which page was asked for and in which consent mode, how the visit went, and what the visit itself did
/// on the page (consent choice, form values, dialogs, pop-ups). Its fields stand at the level of the
/// record that holds it in JSON.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Visit {
    /// The URL the visit was asked to load.
    pub url: String,
    /// Which engine made the visit: `browser` or `static`.
    #[serde(default)]
    pub engine: Engine,
    /// The URL of the top document after redirects.
    pub final_url: Option<String>,
    /// The consent mode of the visit.
    pub mode: ConsentMode,
    /// HTTP status of the top document.
    pub status: Option<u16>,
    /// Why the visit failed, in words a person understands; `None` when it loaded.
    pub error: Option<String>,
    /// UTC time the visit started (RFC 3339).
    pub started_at: String,
    /// How long the visit took, in milliseconds.
    pub duration_ms: u64,
    /// `document.title`.
    pub title: Option<String>,
    /// Path of the screenshot, relative to the output folder.
    pub screenshot: Option<String>,
    /// Test values the visit typed into the page's forms (never submitted).
    pub form_values: Vec<String>,
    /// The health term this visit searched the site for, when it is a site-search visit.
    pub search_term: Option<String>,
    /// What the consent banner offered and what clicking it did, when the visit looked at it.
    pub consent: Option<ConsentObservation>,
    /// Milliseconds after the visit started from which the visitor's consent choice was in force: the
    /// click time on the page where it was made, 0 on later pages of the same visit, `None` before any choice.
    pub choice_at_ms: Option<u64>,
    /// JavaScript dialogs the page opened (answered at once so the visit could go on).
    #[serde(default)]
    pub dialogs: Vec<Dialog>,
    /// Windows the page tried to open (URLs): refused by the pop-up blocker as in a visitor's browser, or
    /// closed at once when one got through.
    #[serde(default)]
    pub popups: Vec<String>,
    /// Why the first attempt failed, when the visit was made a second time (its renderer or Chromium
    /// died); this observation is the second attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_attempt_error: Option<String>,
}

/// A consent banner, as the visit found it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ConsentObservation {
    /// The consent tool (`rules/consent/<id>.toml`), or `generic` for a banner only the word lists found.
    pub tool: Option<String>,
    /// What gave the tool away.
    pub detected_by: Option<String>,
    /// Whether a banner was shown.
    pub banner_found: bool,
    /// The banner's text, shortened.
    pub banner_text: Option<String>,
    /// The controls on the first layer.
    pub first_layer: FirstLayerControls,
    /// Purposes switched on before the visitor did anything.
    pub pre_ticked: Vec<String>,
    /// The click, when the visit made one.
    pub click: Option<ConsentClick>,
    /// When the click was made (ms after the visit started).
    pub choice_at_ms: Option<u64>,
    /// Cookies (`domain|name`) in the jar just before the click.
    pub cookies_before_choice: Vec<String>,
    /// A control that reopens the banner after the choice, if one is shown.
    pub reopen_control: Option<Control>,
    /// After "reject": the text of what still blocks the page (a cookie wall), if anything does.
    pub cookie_wall: Option<String>,
    /// IAB TCF data read through `__tcfapi` after the choice.
    pub tcf: Option<TcfData>,
    /// Screenshot of the banner before the click.
    pub screenshot_before: Option<String>,
    /// Why the banner could not be handled, when it could not.
    pub problem: Option<String>,
    /// The signals that made the generic finder take the element for a consent notice.
    #[serde(default)]
    pub notice_signals: Vec<String>,
    /// Prompts set aside as not consent notices (age gates, newsletter and app prompts, chat widgets).
    #[serde(default)]
    pub set_aside: Vec<String>,
}

/// Accept, reject and settings controls of a first layer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FirstLayerControls {
    /// The accept-all control.
    pub accept: Option<Control>,
    /// The reject control.
    pub reject: Option<Control>,
    /// The control that opens the settings.
    pub settings: Option<Control>,
}

/// A banner control as it was shown.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Control {
    /// Visible text.
    pub text: String,
    /// HTML tag.
    pub tag: String,
    /// A selector that finds it.
    pub selector: String,
    /// `button` when it looks like a button (background, border or button role), else `link`.
    pub styled_as: String,
    /// Width in CSS pixels.
    pub width: f64,
    /// Height in CSS pixels.
    pub height: f64,
    /// Text colour.
    pub color: String,
    /// Background colour behind it.
    pub background: String,
    /// WCAG contrast ratio of text against background.
    pub contrast: f64,
}

/// The consent click of a visit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConsentClick {
    /// `accept` or `reject`.
    pub choice: ConsentMode,
    /// The control clicked.
    pub control: Option<Control>,
    /// `first` or `second` (settings) layer.
    pub layer: String,
    /// The banner closed and the choice was stored.
    pub effective: bool,
    /// The banner closed.
    pub banner_gone: bool,
    /// Where the choice was found stored (`cookie CookieConsent`, `localStorage uc_settings`).
    pub choice_stored: Vec<String>,
    /// What went wrong, if anything.
    pub problem: Option<String>,
}

/// A site search form.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SearchForm {
    /// Absolute URL the form submits to.
    pub action: String,
    /// Name of the query field.
    pub param: String,
}

/// A link on a page.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Link {
    /// Absolute URL.
    pub url: String,
    /// Anchor text, trimmed.
    pub text: String,
}

/// A JavaScript dialog the page opened, and how the visit answered it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Dialog {
    /// `alert`, `confirm`, `prompt` or `beforeunload`.
    pub kind: String,
    /// What it said.
    pub message: String,
    /// The URL of the frame that opened it.
    pub url: String,
    /// Milliseconds after the visit started.
    pub at_ms: u64,
    /// `dismissed` (as a visitor closing it) or `accepted` (leaving the page on `beforeunload`).
    pub answer: String,
}

/// One network request.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ObservedRequest {
    /// Chromium's request id (redirects share it).
    pub id: String,
    /// Full URL.
    pub url: String,
    /// HTTP method.
    pub method: String,
    /// Resource type as Chromium saw it (Document, Script, Image, Ping, XHR, Fetch, …).
    pub resource_type: String,
    /// The frame that made the request.
    pub frame_id: Option<String>,
    /// The request body, when there was one (binary bodies base64-encoded, see `post_data_base64`).
    pub post_data: Option<String>,
    /// True when `post_data` holds base64 of a binary body.
    #[serde(default)]
    pub post_data_base64: bool,
    /// Request headers as sent (the extra-info headers include `Cookie`).
    pub headers: Vec<(String, String)>,
    /// The URL of the script or document that caused the request.
    pub initiator: Option<String>,
    /// The URL this request was redirected from.
    pub redirected_from: Option<String>,
    /// HTTP status of the response.
    pub status: Option<u16>,
    /// Why the request failed (net error), if it did. A failed or cancelled request may still have reached the server.
    pub failure: Option<String>,
    /// Milliseconds since the visit started.
    pub time_ms: u64,
}

impl ObservedRequest {
    /// The value of a request header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A `Set-Cookie` header seen on a response.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SetCookie {
    /// URL of the response.
    pub url: String,
    /// The browser's id of the request the response answered (a redirect chain shares one id, so the
    /// URL tells its hops apart). Absent in scans stored before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The raw header line.
    pub header: String,
    /// Why the browser refused to store it, if it did.
    pub blocked_reason: Option<String>,
}

/// A cookie in the jar.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ObservedCookie {
    /// Cookie name.
    pub name: String,
    /// Cookie value.
    pub value: String,
    /// Domain attribute (leading dot for domain cookies).
    pub domain: String,
    /// Path attribute.
    pub path: String,
    /// Expiry as seconds since the epoch; `None` for session cookies.
    pub expires: Option<f64>,
    /// HttpOnly flag.
    pub http_only: bool,
    /// Secure flag.
    pub secure: bool,
    /// SameSite attribute, if set.
    pub same_site: Option<String>,
}

/// A Web Storage item.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct StorageItem {
    /// The origin the item belongs to.
    pub origin: String,
    /// `local` or `session`.
    pub kind: String,
    /// Key.
    pub key: String,
    /// Value, truncated.
    pub value: String,
}

/// A frame of the page.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Frame {
    /// Chromium's frame id.
    pub id: String,
    /// The parent frame, `None` for the top frame.
    pub parent_id: Option<String>,
    /// The frame's document URL.
    pub url: String,
}

/// What an IAB TCF consent tool answers to `__tcfapi('getTCData', 2, …)`: the TC string and, per
/// purpose and per vendor of the Global Vendor List, whether it rests on consent or on legitimate
/// interest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TcfData {
    /// The encoded TC string.
    #[serde(default)]
    pub tc_string: String,
    /// Purpose id → consented (`purpose.consents`).
    #[serde(default, alias = "purposes", deserialize_with = "numbered")]
    pub purpose_consents: BTreeMap<u8, bool>,
    /// Purpose id → on legitimate interest (`purpose.legitimateInterests`).
    #[serde(default, deserialize_with = "numbered")]
    pub purpose_legitimate_interests: BTreeMap<u8, bool>,
    /// Vendor id → consented (`vendor.consents`).
    #[serde(default, deserialize_with = "numbered")]
    pub vendor_consents: BTreeMap<u32, bool>,
    /// Vendor id → on legitimate interest (`vendor.legitimateInterests`).
    #[serde(default, deserialize_with = "numbered")]
    pub vendor_legitimate_interests: BTreeMap<u32, bool>,
}

impl TcfData {
    /// The purposes on legitimate interest, in order.
    pub fn purposes_on_legitimate_interest(&self) -> Vec<u8> {
        on(&self.purpose_legitimate_interests)
    }

    /// The vendors on legitimate interest, in order.
    pub fn vendors_on_legitimate_interest(&self) -> Vec<u32> {
        on(&self.vendor_legitimate_interests)
    }
}

/// A map keyed by TCF ids. JSON keys are strings; read through a flattened struct (as the store reads an
/// observation) serde no longer turns them into numbers by itself, so they are parsed here.
fn numbered<'de, D, K>(deserializer: D) -> Result<BTreeMap<K, bool>, D::Error>
where
    D: serde::Deserializer<'de>,
    K: Ord + std::str::FromStr,
{
    let by_text = BTreeMap::<String, bool>::deserialize(deserializer)?;
    by_text
        .into_iter()
        .map(|(k, v)| {
            k.parse()
                .map(|k| (k, v))
                .map_err(|_| serde::de::Error::custom(format!("TCF id {k:?} is not a number")))
        })
        .collect()
}

fn on<K: Copy + Ord>(map: &BTreeMap<K, bool>) -> Vec<K> {
    map.iter().filter(|(_, v)| **v).map(|(k, _)| *k).collect()
}

#[cfg(test)]
mod tcf_tests {
    use super::*;

    #[test]
    fn tcf_ids_are_read_as_numbers_also_through_a_flattened_struct() {
        #[derive(Deserialize)]
        struct Outer {
            #[serde(flatten)]
            tcf: TcfData,
        }
        let text = r#"{"tc_string":"CP","purposes":{"1":true,"7":false},"vendor_legitimate_interests":{"755":true}}"#;
        let outer: Outer = serde_json::from_str(text).unwrap();
        assert_eq!(outer.tcf.purpose_consents, [(1, true), (7, false)].into());
        assert_eq!(outer.tcf.vendors_on_legitimate_interest(), [755]);
        let bad = r#"{"purpose_consents":{"x":true}}"#;
        assert!(serde_json::from_str::<Outer>(bad).is_err());
    }
}
