//! pixelaudit audits websites for tracking of health data.
//!
//! The pipeline runs one way: crawl → observe → store → detect → classify → assess → report. A scan
//! ([`crawl::scan`]) visits each page in a real headless Chromium ([`browser`]), records what it saw as
//! an [`observe::Observation`] in the scan store ([`store`]); [`analyse`] then matches the rules in
//! `rules/` against the stored visits ([`detect`]), classifies the pages ([`classify`]), assesses the
//! findings ([`assess`]), and [`report`] writes `report.json`.
//! The fixture web ([`fixtures`]) stands in for the internet in tests and in `pixelaudit demo`.

#![deny(missing_docs)]

pub mod analyse;
pub mod assess;
pub mod browser;
pub mod classify;
pub mod crawl;
pub mod detect;
pub mod fixtures;
pub mod observe;
pub mod report;
pub mod rules;
pub mod store;

/// The current UTC time as RFC 3339, as every timestamp in the output is written.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
