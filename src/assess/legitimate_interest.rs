//! F06: legitimate interest claimed for tracking. After the visitor clicked "reject", an IAB TCF consent
//! tool still answers `getTCData` with tracking purposes or vendors on legitimate interest: the site
//! processes for advertising and measurement on a ground the visitor was never asked about and has just
//! refused consent for.

use crate::observe::{ConsentMode, TcfData};
use crate::results::{Occurrence, SiteReport};
use crate::rules::consent::TcfNames;

use super::found::Found;

/// Vendors named one by one in the evidence; the rest are counted.
const MAX_VENDORS_NAMED: usize = 20;
/// Characters of the TC string shown in the evidence.
const MAX_TC_STRING: usize = 300;

/// Adds F06 when the TCF data read after "reject" keeps tracking purposes or vendors on legitimate
/// interest; the evidence names each purpose and vendor, and the TC string.
pub(super) fn legitimate_interest_findings(found: &mut Found, site: &SiteReport, names: &TcfNames) {
    let Some(tcf) = &site.consent.tcf_after_reject else {
        return;
    };
    let Some(details) = claims(tcf, names) else {
        return;
    };
    let page = site
        .pages
        .iter()
        .find(|p| p.visit.mode == ConsentMode::Reject)
        .map(|p| p.visit.url.clone())
        .unwrap_or_else(|| site.url.clone());
    found.add(
        "F06",
        None,
        None,
        false,
        Occurrence {
            page,
            mode: ConsentMode::Reject,
            details,
            ..Occurrence::default()
        },
    );
}

/// What the TCF data claims on legitimate interest, one line each for purposes, vendors and the TC
/// string; `None` when it claims nothing that tracks.
fn claims(tcf: &TcfData, names: &TcfNames) -> Option<Vec<String>> {
    let purposes: Vec<String> = tcf
        .purposes_on_legitimate_interest()
        .into_iter()
        .filter(|p| names.tracking_purposes.contains(p))
        .map(|p| names.purpose(p))
        .collect();
    // The site's tool answers this: a list of hundreds of vendors (or a hostile one) is not evidence
    // a reader can use whole.
    let on_li = tcf.vendors_on_legitimate_interest();
    let mut vendors: Vec<String> = on_li
        .iter()
        .take(MAX_VENDORS_NAMED)
        .map(|v| names.vendor(*v))
        .collect();
    if on_li.len() > MAX_VENDORS_NAMED {
        vendors.push(format!("and {} more", on_li.len() - MAX_VENDORS_NAMED));
    }
    if purposes.is_empty() && vendors.is_empty() {
        return None;
    }
    let mut details = vec!["after reject, __tcfapi getTCData still answers:".to_string()];
    if !purposes.is_empty() {
        details.push(format!(
            "purposes on legitimate interest: {}",
            purposes.join("; ")
        ));
    }
    if !vendors.is_empty() {
        details.push(format!(
            "vendors on legitimate interest: {}",
            vendors.join("; ")
        ));
    }
    if !tcf.tc_string.is_empty() {
        let shown: String = tcf.tc_string.chars().take(MAX_TC_STRING).collect();
        let cut = if shown.len() < tcf.tc_string.len() {
            "…"
        } else {
            ""
        };
        details.push(format!("TC string {shown}{cut}"));
    }
    Some(details)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> TcfNames {
        TcfNames {
            purposes: [
                (1, "Store".to_string()),
                (7, "Measure advertising performance".to_string()),
            ]
            .into(),
            tracking_purposes: vec![2, 3, 4, 5, 6, 7, 8, 9, 10],
            vendors: [(91, "Criteo SA".to_string())].into(),
            ..TcfNames::default()
        }
    }

    #[test]
    fn tracking_purposes_and_vendors_on_legitimate_interest_are_named() {
        let tcf = TcfData {
            tc_string: "CPx".into(),
            purpose_legitimate_interests: [(1, true), (7, true), (11, true), (9, false)].into(),
            vendor_legitimate_interests: [(91, true), (4242, true), (10, false)].into(),
            ..TcfData::default()
        };
        let details = claims(&tcf, &names()).expect("a claim");
        assert_eq!(
            details,
            [
                "after reject, __tcfapi getTCData still answers:",
                "purposes on legitimate interest: 7 (Measure advertising performance)",
                "vendors on legitimate interest: Criteo SA (TCF vendor 91); TCF vendor 4242",
                "TC string CPx",
            ]
        );
    }

    #[test]
    fn a_huge_answer_is_cut_to_what_a_reader_can_use() {
        let tcf = TcfData {
            tc_string: "C".repeat(10_000),
            vendor_legitimate_interests: (1..=500).map(|v| (v, true)).collect(),
            ..TcfData::default()
        };
        let details = claims(&tcf, &names()).expect("a claim");
        let vendors = &details[1];
        assert!(vendors.ends_with("; and 480 more"), "{vendors}");
        assert_eq!(vendors.matches("TCF vendor").count(), 20);
        assert_eq!(details[2].chars().count(), "TC string ".len() + 300 + 1);
    }

    #[test]
    fn consent_only_data_and_non_tracking_purposes_claim_nothing() {
        let tcf = TcfData {
            purpose_consents: [(1, false), (7, false)].into(),
            purpose_legitimate_interests: [(11, true), (7, false)].into(),
            vendor_legitimate_interests: [(91, false)].into(),
            ..TcfData::default()
        };
        assert_eq!(claims(&tcf, &names()), None);
    }
}
