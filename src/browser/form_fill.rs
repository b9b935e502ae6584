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

/// Fills the forms of a page that loaded.
#[derive(Default)]
pub struct FormFiller {
    /// The values to type, by field kind (`rules/probes.toml`).
    values: Vec<(String, String)>,
}

impl FormFiller {
    /// A filler typing `values`; with none it leaves forms alone.
    pub fn new(values: &[(String, String)]) -> FormFiller {
        FormFiller {
            values: values.to_vec(),
        }
    }
}

impl Collector for FormFiller {
    async fn act(&mut self, visit: &VisitContext, observation: &mut Observation) {
        if self.values.is_empty() {
            return;
        }
        let typed = fill_forms(visit, &self.values).await;
        if !typed.is_empty() {
            settle_after_action(visit, visit.settle, visit.quiet).await;
        }
        observation.visit.form_values = typed;
    }

    async fn collect(&mut self, _: &VisitContext, _: &mut Observation) -> Result<(), BrowserError> {
        Ok(())
    }
}

/// Fills every non-search form of the page; returns the values typed.
async fn fill_forms(visit: &VisitContext, values: &[(String, String)]) -> Vec<String> {
    let values: serde_json::Map<String, Value> = values
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
        .collect();
    let expression = format!("({FILL})({})", Value::Object(values));
    evaluate::<Vec<String>>(&visit.page, World::default(), &expression)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}
