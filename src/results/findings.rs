//! Findings in the results: each likely violation with where it occurred and the proof, and the
//! counts per site and over the sector.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::detect::Phase;
use crate::observe::ConsentMode;
use crate::rules::{FindingText, Severity};

/// A likely violation, with where it happened and the proof.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Finding {
    /// F01…F18.
    pub id: String,
    /// How grave it is.
    pub severity: Severity,
    /// True when a person must judge it (design questions, art. 9 consent after "accept").
    pub needs_review: bool,
    /// The receiving vendor, for findings about one.
    pub vendor: Option<String>,
    /// The tracker rule involved.
    pub rule: Option<String>,
    /// Title in Dutch and English.
    pub title: FindingText,
    /// The explanation, filled in from the first occurrence.
    pub explanation: FindingText,
    /// Legal references.
    pub legal_basis: Vec<String>,
    /// Every page and mode where it occurred.
    pub occurrences: Vec<Occurrence>,
}

/// One place a finding occurred.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Occurrence {
    /// The page.
    pub page: String,
    /// The consent mode of the visit.
    pub mode: ConsentMode,
    /// Before or after the choice, for request findings.
    pub phase: Option<Phase>,
    /// The requests that prove it (method and URL; the full request is in the page's trackers).
    pub requests: Vec<String>,
    /// Cookies involved (`domain name`).
    pub cookies: Vec<String>,
    /// Health terms the requests carried.
    pub health_terms: Vec<String>,
    /// Whatever else proves it (banner controls, decoded parameters), one fact each.
    #[serde(default)]
    pub details: Vec<String>,
}

/// A site's findings in numbers.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct SiteSummary {
    /// Findings per severity.
    pub findings_by_severity: BTreeMap<String, usize>,
    /// Distinct medical pages found.
    pub medical_pages: usize,
    /// Vendors that received data from one of the site's medical pages (F10; site-search visits not
    /// counted).
    pub vendors_receiving_medical_pages: Vec<String>,
}

/// A sector in numbers: how many of the scanned sites each tracking vendor was found on, and on how many
/// it received a medical page — the counts of the NOS investigation (18 of 40 insurers ran the Meta pixel,
/// 11 of them on medical pages).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SectorSummary {
    /// Sites scanned (with at least one visit).
    pub sites: usize,
    /// Sites with at least one finding.
    pub sites_with_findings: usize,
    /// Sites with at least one critical finding.
    pub sites_with_critical_findings: usize,
    /// Per tracking vendor, most widespread first.
    pub vendors: Vec<VendorReach>,
}

/// One vendor's reach in a sector.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct VendorReach {
    /// Vendor slug.
    pub vendor: String,
    /// Sites where the vendor received a tracking request (any page, any consent mode).
    pub sites: usize,
    /// Sites where it received a request from one of the site's medical pages (site-search visits
    /// not counted: they are F14).
    pub sites_on_medical_pages: usize,
    /// Sites where it received a request before any consent (the `none` visitor).
    pub sites_without_consent: usize,
    /// Sites where it received a request after the visitor rejected.
    pub sites_after_reject: usize,
}
