//! Where on a page a piece of evidence was found: the vocabulary of `Evidence::field` in report.json.

use serde::{Deserialize, Serialize};

use super::PageText;

/// Where a piece of evidence was found: a field of the page, its schema.org types, or the site it is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceField {
    /// Words of the URL's host and path.
    Url,
    /// The document title.
    Title,
    /// The first-level headings.
    H1,
    /// The breadcrumb trail.
    Breadcrumb,
    /// The meta description.
    Description,
    /// The second-level headings.
    H2,
    /// The running text.
    Body,
    /// A schema.org type of the page.
    Schema,
    /// The site the page is on (a single-specialty site).
    Site,
}

impl EvidenceField {
    /// The name used in report.json.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceField::Url => "url",
            EvidenceField::Title => "title",
            EvidenceField::H1 => "h1",
            EvidenceField::Breadcrumb => "breadcrumb",
            EvidenceField::Description => "description",
            EvidenceField::H2 => "h2",
            EvidenceField::Body => "body",
            EvidenceField::Schema => "schema",
            EvidenceField::Site => "site",
        }
    }

    /// The page's text in this field; `None` for evidence that does not come from the page's text.
    pub(super) fn text(self, page: &PageText) -> Option<&str> {
        match self {
            EvidenceField::Url => Some(&page.url),
            EvidenceField::Title => Some(&page.title),
            EvidenceField::H1 => Some(&page.h1),
            EvidenceField::Breadcrumb => Some(&page.breadcrumb),
            EvidenceField::Description => Some(&page.description),
            EvidenceField::H2 => Some(&page.h2),
            EvidenceField::Body => Some(&page.body),
            EvidenceField::Schema | EvidenceField::Site => None,
        }
    }
}

// Evidence is listed in the order of its fields' names, as when the field was a string, so reports
// keep their order.
impl Ord for EvidenceField {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for EvidenceField {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for EvidenceField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}
