//! Form probe: types recognisable test values into a page's forms, as a visitor filling them in would,
//! without submitting. Trackers that read form fields (automatic advanced matching, session replay) then
//! show them, plain or hashed, in their requests (finding F13).

use serde_json::Value;

use super::collector::VisitContext;
use super::raw::RawCommand;

const PROBE: &str = include_str!("probe.js");

/// The values typed, by field kind. Recognisable, and nobody's real data.
pub const TEST_VALUES: &[(&str, &str)] = &[
    ("name", "Jan Testpersoon"),
    ("email", "pixelaudit.test@example.nl"),
    ("phone", "06-12345678"),
    ("birth_date", "1980-05-17"),
    (
        "symptom",
        "Ik heb al weken last van somberheid en paniekaanvallen",
    ),
];

/// Fills every non-search form of the page; returns the values typed.
pub async fn fill_forms(visit: &VisitContext) -> Vec<String> {
    let values: serde_json::Map<String, Value> = TEST_VALUES
        .iter()
        .map(|(k, v)| (k.to_string(), Value::from(*v)))
        .collect();
    let expression = format!("({PROBE})({})", Value::Object(values));
    let answer = visit
        .page
        .execute(RawCommand::new(
            "Runtime.evaluate",
            serde_json::json!({ "expression": expression, "returnByValue": true }),
        ))
        .await;
    answer
        .ok()
        .and_then(|a| a.result.pointer("/result/value").cloned())
        .and_then(|v| serde_json::from_value::<Vec<String>>(v).ok())
        .unwrap_or_default()
}
