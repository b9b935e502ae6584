//! The vocabularies of tracker rules: what a vendor does (its category) and what an endpoint serves
//! (its kind), as types with the names rule files and reports use.

use serde::{Deserialize, Serialize};

/// What a vendor or one of its endpoints does. Named in rule files and reports in kebab case
/// (`session-replay`); an unknown name is a rule error at its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Category {
    /// Advertising and retargeting pixels.
    Advertising,
    /// Social networks' pixels, plug-ins and embeds.
    Social,
    /// Audience measurement.
    Analytics,
    /// Recording of what a visitor does on the page.
    SessionReplay,
    /// A tag manager, loading other vendors' tags.
    TagManager,
    /// A consent tool.
    Consent,
    /// A functional embed (maps, video, chat) that does not track by the rules.
    Functional,
    /// A content delivery network for scripts and styles.
    Cdn,
    /// A web-font host.
    Fonts,
}

impl Category {
    /// Every category, in the order rule files list them.
    pub const ALL: [Category; 9] = [
        Category::Advertising,
        Category::Social,
        Category::Analytics,
        Category::SessionReplay,
        Category::TagManager,
        Category::Consent,
        Category::Functional,
        Category::Cdn,
        Category::Fonts,
    ];

    /// The name in rule files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Advertising => "advertising",
            Category::Social => "social",
            Category::Analytics => "analytics",
            Category::SessionReplay => "session-replay",
            Category::TagManager => "tag-manager",
            Category::Consent => "consent",
            Category::Functional => "functional",
            Category::Cdn => "cdn",
            Category::Fonts => "fonts",
        }
    }

    /// Whether requests of this category are tracking: they go to the page's `trackers` and count in
    /// tracker totals. A consent tool, a CDN, a font host or a functional embed is a third party but not
    /// a tracker; its requests are listed apart as third-party services.
    pub fn is_tracking(self) -> bool {
        matches!(
            self,
            Category::Advertising
                | Category::Social
                | Category::Analytics
                | Category::SessionReplay
                | Category::TagManager
        )
    }

    /// Whether a vendor of this category builds a profile of the visitor from what it receives, so its
    /// requests and cookies make findings. A tag manager is tracking (it loads the tags that do) but
    /// what it receives itself proves nothing: its tags' own requests make the findings.
    pub fn profiles_visitors(self) -> bool {
        self.is_tracking() && self != Category::TagManager
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl TryFrom<String> for Category {
    type Error = String;
    fn try_from(name: String) -> Result<Category, String> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == name)
            .ok_or_else(|| {
                let all: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
                format!("unknown category `{name}` (one of {})", all.join(", "))
            })
    }
}

impl From<Category> for String {
    fn from(c: Category) -> String {
        c.as_str().to_string()
    }
}

/// What an endpoint serves, which decides what its requests can prove. Named in rule files and reports in
/// kebab case (`social-plugin`); an unknown name is a rule error at its line.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub enum EndpointKind {
    /// A beacon or collection endpoint: what it receives is tracking.
    #[default]
    Tracker,
    /// The vendor's script (`fbevents.js`): loading it sends the page's URL but no event.
    Script,
    /// A social plug-in framed in the page (a like button).
    SocialPlugin,
    /// An embedded player or widget (a video, a map).
    Embed,
}

impl EndpointKind {
    /// Every kind, in the order rule files list them.
    pub const ALL: [EndpointKind; 4] = [
        EndpointKind::Tracker,
        EndpointKind::Script,
        EndpointKind::SocialPlugin,
        EndpointKind::Embed,
    ];

    /// The name in rule files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointKind::Tracker => "tracker",
            EndpointKind::Script => "script",
            EndpointKind::SocialPlugin => "social-plugin",
            EndpointKind::Embed => "embed",
        }
    }

    /// Whether it is framed in the page as a plug-in or embed, rather than requested by script.
    pub fn is_framed(self) -> bool {
        matches!(self, EndpointKind::SocialPlugin | EndpointKind::Embed)
    }
}

impl std::fmt::Display for EndpointKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl From<EndpointKind> for String {
    fn from(k: EndpointKind) -> String {
        k.as_str().to_string()
    }
}

impl TryFrom<String> for EndpointKind {
    type Error = String;
    fn try_from(name: String) -> Result<EndpointKind, String> {
        EndpointKind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .ok_or_else(|| {
                let all: Vec<&str> = EndpointKind::ALL.iter().map(|k| k.as_str()).collect();
                format!("unknown kind `{name}` (one of {})", all.join(", "))
            })
    }
}
