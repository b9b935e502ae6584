//! pixelaudit audits websites for tracking of health data.
//!
//! The pipeline runs one way: crawl → browser/observe → store → detect → classify → assess → report,
//! with [`scan`] on top wiring them (docs/architecture.md). A scan ([`scan::scan`]) takes pages from the
//! crawl's frontier ([`crawl`]), visits each in a real headless Chromium ([`browser`]) — or, for the
//! static sweep, reads its HTML over HTTP without running it ([`sweep`]) — and records what
//! it saw as an [`observe::Observation`] in the scan store ([`store`]); it then matches the rules in
//! `rules/` ([`rules`]) against the stored visits ([`detect`]), classifies the pages ([`classify`]),
//! assesses the findings ([`assess`]) into the results model ([`results`]), and [`report`] writes
//! report.json, report.html and the CSV tables.
//! The fixture web ([`fixtures`]) stands in for the internet in tests and in `pixelaudit demo`.

#![deny(missing_docs)]

pub mod assess;
pub mod browser;
pub mod classify;
pub mod crawl;
pub mod detect;
pub mod fixtures;
pub mod observe;
pub mod report;
pub mod results;
pub mod rules;
pub mod scan;
pub mod store;
pub mod sweep;

/// The current UTC time as RFC 3339, as every timestamp in the output is written.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
