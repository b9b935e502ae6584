//! Consent tools as data: `rules/consent/<tool>.toml` says how to recognise a consent tool, where its
//! layers live (document, iframe or shadow root), which controls accept, reject or open the settings, and
//! how the choice is stored. `rules/consent/words.toml` holds the phrases that tell what a control does and
//! which words make a notice a consent notice, in Dutch, English, German, French, Italian and Spanish
//! (compiled by `consent_words`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use super::consent_words::{ControlReader, ControlRole, WordList};
use super::source::{self, RuleError, RuleErrors, Source};

/// One consent tool.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentTool {
    /// The tool's id: the file stem.
    #[serde(skip_deserializing)]
    pub id: String,
    /// Display name.
    pub name: String,
    /// How to recognise it.
    pub detect: DetectRule,
    /// The banner a visitor sees first.
    pub first_layer: FirstLayer,
    /// The settings layer, where "reject all" or "save" with every purpose off may be.
    #[serde(default)]
    pub second_layer: SecondLayer,
    /// Where the choice is stored.
    #[serde(default)]
    pub state: StateRule,
    /// Controls that reopen the banner after a choice.
    #[serde(default)]
    pub reopen: Vec<String>,
    /// Free text for reviewers.
    #[serde(default)]
    pub notes: String,
    /// Where the rule's facts (selectors, cookie names) come from.
    #[serde(default)]
    pub source: String,
}

/// Signals that a page runs the tool.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct DetectRule {
    /// Hosts its script is loaded from.
    pub script_hosts: Vec<String>,
    /// Script paths that give it away on the site's own host (plug-ins).
    pub script_paths: Vec<String>,
    /// JavaScript globals it defines.
    pub globals: Vec<String>,
    /// CSS selectors of its elements.
    pub selectors: Vec<String>,
}

/// The first layer.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FirstLayer {
    /// Selector of the banner element.
    pub container: String,
    /// When the banner lives in an iframe: a part of that frame's URL.
    #[serde(default)]
    pub frame_url: Option<String>,
    /// When the banner lives in a shadow root: the selector of its host element.
    #[serde(default)]
    pub shadow_host: Option<String>,
    /// Accept-all controls.
    #[serde(default)]
    pub accept: Vec<String>,
    /// Reject-all controls.
    #[serde(default)]
    pub reject: Vec<String>,
    /// Controls that open the settings layer.
    #[serde(default)]
    pub settings: Vec<String>,
}

/// The second (settings) layer.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecondLayer {
    /// Selector of the settings element.
    pub container: Option<String>,
    /// Reject-all controls there.
    pub reject: Vec<String>,
    /// Save controls there.
    pub save: Vec<String>,
}

/// Where the choice is stored.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct StateRule {
    /// Cookie names.
    pub cookies: Vec<String>,
    /// Local storage keys.
    pub local_storage: Vec<String>,
    /// True when the tool implements the IAB TCF `__tcfapi`.
    pub tcf: bool,
}

/// All consent tools and the word lists.
#[derive(Debug, Clone)]
pub struct ConsentRules {
    /// Known tools, sorted by id.
    pub tools: Vec<ConsentTool>,
    /// Word lists by language code.
    pub words: BTreeMap<String, WordList>,
    /// The word lists compiled: reads controls and notices by their text.
    pub reader: ControlReader,
    /// The IAB TCF's purposes and vendor names (`consent/tcf.toml`).
    pub tcf: TcfNames,
    /// Hash of the consent rule files.
    pub version: String,
}

/// Names for what IAB TCF data holds as numbers: its purposes, and the vendors of the Global Vendor
/// List. A vendor missing here is shown by its number.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TcfNames {
    /// Where the names come from.
    #[serde(default)]
    pub source: String,
    /// Purpose id → its name in the TCF policy.
    pub purposes: BTreeMap<u8, String>,
    /// The purposes that track or profile a visitor: on legitimate interest after "reject", finding F06.
    pub tracking_purposes: Vec<u8>,
    /// Vendor id → the vendor's name in the Global Vendor List.
    #[serde(default)]
    pub vendors: BTreeMap<u32, String>,
}

impl TcfNames {
    /// "7 (Measure advertising performance)", or the bare number for a purpose not named.
    pub fn purpose(&self, id: u8) -> String {
        match self.purposes.get(&id) {
            Some(name) => format!("{id} ({name})"),
            None => id.to_string(),
        }
    }

    /// "Criteo SA (TCF vendor 91)", or "TCF vendor N" for a vendor not named.
    pub fn vendor(&self, id: u32) -> String {
        match self.vendors.get(&id) {
            Some(name) => format!("{name} (TCF vendor {id})"),
            None => format!("TCF vendor {id}"),
        }
    }
}

impl ConsentTool {
    /// A line for `rules list --consent`: id, name, where its banner lives, whether it rejects on the
    /// first layer, what gives it away, and the public source its facts came from.
    pub fn describe(&self) -> String {
        let layer = &self.first_layer;
        let place = match (&layer.frame_url, &layer.shadow_host) {
            (Some(frame), _) => format!("in a frame from {frame}"),
            (None, Some(host)) => format!("in the shadow root of {host}"),
            (None, None) => "in the page".to_string(),
        };
        let d = &self.detect;
        let signals: Vec<&str> = d
            .script_hosts
            .iter()
            .chain(&d.script_paths)
            .chain(&d.globals)
            .chain(&d.selectors)
            .map(String::as_str)
            .collect();
        format!(
            "{:<20} {} [banner {} {place}; reject {}] recognised by: {}; source: {}",
            self.id,
            self.name,
            layer.container,
            if layer.reject.is_empty() {
                "not on the first layer"
            } else {
                "on the first layer"
            },
            signals.join(" "),
            if self.source.is_empty() {
                "-"
            } else {
                self.source.as_str()
            }
        )
    }
}

impl ConsentRules {
    /// Loads `consent/*.toml`, `consent/words.toml` and `consent/tcf.toml` below `dir`, reporting problems
    /// as `file:line: message`.
    pub fn load(dir: &Path) -> Result<ConsentRules, RuleErrors> {
        let folder = dir.join("consent");
        let sources = source::read_folder(&folder, "the consent rule folder")?;
        let mut errors = Vec::new();
        let mut tools = Vec::new();
        let mut words = BTreeMap::new();
        let mut words_source = Source::new(folder.join("words.toml"), "");
        let mut tcf = None;
        for source in &sources {
            if source.stem() == "tcf" {
                match source.parse::<TcfNames>() {
                    Ok(names) => tcf = Some(names),
                    Err(e) => errors.push(e),
                }
                continue;
            }
            if source.stem() == "words" {
                words_source = source.clone();
                match source.parse::<BTreeMap<String, WordList>>() {
                    Ok(w) => words = w,
                    Err(e) => errors.push(e),
                }
                continue;
            }
            match source.parse::<ConsentTool>() {
                Ok(mut tool) => {
                    tool.id = source.stem();
                    validate(&tool, source, &mut errors);
                    tools.push(tool);
                }
                Err(e) => errors.push(e),
            }
        }
        if words.is_empty() {
            errors.push(RuleError {
                file: folder.join("words.toml"),
                line: 0,
                message: "no word lists: the generic banner finder needs words.toml".into(),
            });
        }
        let tcf = tcf.unwrap_or_else(|| {
            errors.push(RuleError {
                file: folder.join("tcf.toml"),
                line: 0,
                message: "no IAB TCF names: finding F06 needs the purposes in tcf.toml".into(),
            });
            TcfNames::default()
        });
        let (reader, empty) = ControlReader::new(&words);
        for phrase in empty {
            errors.push(words_source.error_near(
                &phrase,
                format!(
                    "the phrase {phrase:?} has no letters or digits: it could never match a control"
                ),
            ));
        }
        if errors.is_empty() {
            Ok(ConsentRules {
                tools,
                words,
                reader,
                tcf,
                version: source::version_of(&sources),
            })
        } else {
            Err(RuleErrors(errors))
        }
    }

    /// The tool with this id.
    pub fn tool(&self, id: &str) -> Option<&ConsentTool> {
        self.tools.iter().find(|t| t.id == id)
    }
}

fn validate(tool: &ConsentTool, source: &Source, errors: &mut Vec<RuleError>) {
    let mut push = |needle: &str, message: String| errors.push(source.error_near(needle, message));
    if tool.first_layer.container.trim().is_empty() {
        push("container", "first_layer.container is empty".into());
    }
    let d = &tool.detect;
    if d.script_hosts.is_empty()
        && d.script_paths.is_empty()
        && d.globals.is_empty()
        && d.selectors.is_empty()
    {
        push("[detect]", "detect names no script host, path, global or selector: the tool could never be recognised".into());
    }
    if tool.first_layer.accept.is_empty() {
        push("accept", "first_layer.accept is empty".into());
    }
    if tool.first_layer.frame_url.is_some() && tool.first_layer.shadow_host.is_some() {
        push(
            "frame_url",
            "a first layer lives in an iframe or a shadow root, not both".into(),
        );
    }
    for sel in d
        .selectors
        .iter()
        .chain(&tool.first_layer.accept)
        .chain(&tool.first_layer.reject)
        .chain(&tool.first_layer.settings)
        .chain(&tool.second_layer.reject)
        .chain(&tool.second_layer.save)
        .chain(&tool.reopen)
    {
        if sel.trim().is_empty() || sel.contains("</") {
            push(sel, format!("`{sel}` is not a CSS selector"));
        }
    }
}
