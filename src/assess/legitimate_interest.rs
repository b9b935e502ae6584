//! F06: legitimate interest claimed for tracking. After the visitor clicked "reject", an IAB TCF consent
//! tool still answers `getTCData` with tracking purposes or vendors on legitimate interest: the site
//! processes for advertising and measurement on a ground the visitor was never asked about and has just
//! refused consent for.

use crate::observe::{ConsentMode, TcfData};
use crate::results::{Occurrence, SiteReport};
use crate::rules::consent::TcfNames;

use super::found::Found;

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
    let vendors: Vec<String> = tcf
        .vendors_on_legitimate_interest()
        .into_iter()
        .map(|v| names.vendor(v))
        .collect();
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
        details.push(format!("TC string {}", tcf.tc_string));
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
