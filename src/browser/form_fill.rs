//! Collector: the form filler. Once the page has settled it types recognisable test values into the
//! page's forms, as a visitor filling them in would, without submitting. Trackers that read form fields
//! (automatic advanced matching, session replay) then show them, plain or hashed, in their requests
//! (finding F13).

use serde_json::Value;

use super::BrowserError;
use super::collector::{Collector, VisitContext};
use super::loading::settle_after_action;
use super::script::{World, evaluate};
use crate::observe::Observation;

const FILL: &str = include_str!("form_fill.js");

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

/// Fills the forms of a page that loaded.
#[derive(Default)]
pub struct FormFiller;

impl Collector for FormFiller {
    async fn act(&mut self, visit: &VisitContext, observation: &mut Observation) {
        let typed = fill_forms(visit).await;
        if !typed.is_empty() {
            settle_after_action(visit, visit.settle, visit.quiet).await;
        }
        observation.form_values = typed;
    }

    async fn collect(&mut self, _: &VisitContext, _: &mut Observation) -> Result<(), BrowserError> {
        Ok(())
    }
}

/// Fills every non-search form of the page; returns the values typed.
async fn fill_forms(visit: &VisitContext) -> Vec<String> {
    let values: serde_json::Map<String, Value> = TEST_VALUES
        .iter()
        .map(|(k, v)| (k.to_string(), Value::from(*v)))
        .collect();
    let expression = format!("({FILL})({})", Value::Object(values));
    evaluate::<Vec<String>>(&visit.page, World::default(), &expression)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}
