//! Untyped access to the DevTools protocol, for where Chromium has moved ahead of the driver crate's types.
//!
//! Commands: [`RawCommand`] sends any method with JSON params and returns JSON. Events: with
//! `surface_invalid_messages()` the driver hands over every message it could not type; [`RawRouter`]
//! sends each one to the visit whose session it belongs to, so no network event is silently lost.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chromiumoxide::types::{Command, Method, MethodId};
use futures::channel::mpsc::{UnboundedReceiver, UnboundedSender, unbounded};
use serde::Serialize;
use serde_json::Value;

/// A protocol command with untyped params and an untyped answer.
#[derive(Debug, Clone)]
pub struct RawCommand {
    method: &'static str,
    params: Value,
}

impl RawCommand {
    /// `method` is the full name, e.g. `Storage.getCookies`.
    pub fn new(method: &'static str, params: Value) -> Self {
        RawCommand { method, params }
    }
}

impl Serialize for RawCommand {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.params.serialize(s)
    }
}

impl Method for RawCommand {
    fn identifier(&self) -> MethodId {
        Cow::Borrowed(self.method)
    }
}

impl Command for RawCommand {
    type Response = Value;
}

/// `(method, params)` of an event the driver could not type.
pub type RawEvent = (String, Value);
/// The receiving end of one session's untyped events.
pub type RawEvents = UnboundedReceiver<RawEvent>;

/// Routes untyped events to the session that registered for them.
#[derive(Clone, Default)]
pub struct RawRouter {
    sessions: Arc<Mutex<HashMap<String, UnboundedSender<RawEvent>>>>,
}

impl RawRouter {
    /// Registers a session and returns its event stream; dropped when [`RawRouter::forget`] is called.
    pub fn register(&self, session_id: &str) -> RawEvents {
        let (tx, rx) = unbounded();
        if let Ok(mut s) = self.sessions.lock() {
            s.insert(session_id.to_string(), tx);
        }
        rx
    }

    /// Stops routing events for a session.
    pub fn forget(&self, session_id: &str) {
        if let Ok(mut s) = self.sessions.lock() {
            s.remove(session_id);
        }
    }

    /// Hands a raw protocol message to its session, if it is an event of a registered one.
    pub fn route(&self, text: &str) {
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            return;
        };
        let (Some(session), Some(method)) = (
            message.get("sessionId").and_then(Value::as_str),
            message.get("method").and_then(Value::as_str),
        ) else {
            return;
        };
        let params = message.get("params").cloned().unwrap_or(Value::Null);
        if let Ok(s) = self.sessions.lock()
            && let Some(tx) = s.get(session)
        {
            let _ = tx.unbounded_send((method.to_string(), params));
        }
    }
}
