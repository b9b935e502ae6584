//! Collector: every request the page made (with POST bodies, redirects, initiator and sent headers),
//! and every `Set-Cookie` on the responses, including cookies the browser refused to store.
//!
//! Events are read as JSON into our own structs rather than the driver's types: Chromium adds fields and
//! enum values faster than the crate follows, and an event that fails to parse must not be a missed request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine;
use chromiumoxide::Page;
use chromiumoxide::cdp::IntoEventKind;
use chromiumoxide::cdp::browser_protocol::network::{
    EventDataReceived, EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent,
    EventRequestWillBeSentExtraInfo, EventResponseReceived, EventResponseReceivedExtraInfo,
};
use futures::stream::{BoxStream, StreamExt};
use serde::Serialize;
use serde_json::Value;

use super::BrowserError;
use super::collector::{Collector, NetworkActivity, VisitContext};
use super::raw::RawEvent;
use super::script::command;
use crate::observe::{Observation, ObservedRequest, SetCookie};

/// The largest request body Chromium is asked to include in its events.
const MAX_POST_DATA: i64 = 4 * 1024 * 1024;

/// Collects requests and `Set-Cookie` headers.
#[derive(Default)]
pub struct NetworkCollector {
    state: Arc<Mutex<NetworkState>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

#[derive(Default)]
struct NetworkState {
    requests: Vec<ObservedRequest>,
    /// Index into `requests` of the latest entry for each Chromium request id.
    latest: HashMap<String, usize>,
    /// Extra-info headers that arrived before their request.
    early_headers: HashMap<String, Vec<(String, String)>>,
    set_cookies: Vec<SetCookie>,
    /// Set-Cookie lines whose request was not seen yet, by request id.
    early_set_cookies: Vec<(String, SetCookie)>,
    /// Requests announced as having a body Chromium did not include.
    bodies_to_fetch: Vec<String>,
    /// Bytes received so far per request id (decoded), to stop a document that has no end.
    received: HashMap<String, u64>,
    /// Response, finish and failure events that arrived before their request, by request id, applied
    /// once the request is seen.
    early_events: HashMap<String, Vec<(String, Value)>>,
}

impl Collector for NetworkCollector {
    async fn attach(&mut self, visit: &VisitContext) -> Result<(), BrowserError> {
        let page = &visit.page;
        let mut streams: Vec<BoxStream<'static, RawEvent>> = vec![
            typed::<EventRequestWillBeSent>(page, "Network.requestWillBeSent").await?,
            typed::<EventRequestWillBeSentExtraInfo>(page, "Network.requestWillBeSentExtraInfo")
                .await?,
            typed::<EventResponseReceived>(page, "Network.responseReceived").await?,
            typed::<EventResponseReceivedExtraInfo>(page, "Network.responseReceivedExtraInfo")
                .await?,
            typed::<EventLoadingFinished>(page, "Network.loadingFinished").await?,
            typed::<EventDataReceived>(page, "Network.dataReceived").await?,
            typed::<EventLoadingFailed>(page, "Network.loadingFailed").await?,
        ];
        if let Some(raw) = visit.raw_events.lock().ok().and_then(|mut r| r.take()) {
            streams.push(raw.boxed());
        }
        let mut events = futures::stream::select_all(streams);
        let state = self.state.clone();
        let activity = visit.activity.clone();
        let started = visit.started;
        self.task = Some(tokio::spawn(async move {
            while let Some((method, params)) = events.next().await {
                let now = started.elapsed().as_millis() as u64;
                if let Ok(mut s) = state.lock() {
                    s.apply(&method, &params, now, &activity);
                }
            }
        }));
        let enable = serde_json::json!({ "maxPostDataSize": MAX_POST_DATA });
        command(page, "Network.enable", enable).await?;
        Ok(())
    }

    async fn collect(
        &mut self,
        visit: &VisitContext,
        observation: &mut Observation,
    ) -> Result<(), BrowserError> {
        let to_fetch = self
            .state
            .lock()
            .map(|mut s| std::mem::take(&mut s.bodies_to_fetch))
            .unwrap_or_default();
        for id in to_fetch {
            let ask = serde_json::json!({ "requestId": id });
            let answer = command(&visit.page, "Network.getRequestPostData", ask).await;
            if let Ok(answer) = answer
                && let Some(body) = answer.get("postData").and_then(Value::as_str)
                && let Ok(mut s) = self.state.lock()
                && let Some(&i) = s.latest.get(&id)
            {
                s.requests[i].post_data = Some(body.to_string());
            }
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
        let mut s = self
            .state
            .lock()
            .map_err(|_| BrowserError::Internal("network state poisoned".into()))?;
        s.resolve_early();
        observation.requests = std::mem::take(&mut s.requests);
        observation.set_cookies = std::mem::take(&mut s.set_cookies);
        Ok(())
    }
}

async fn typed<T>(
    page: &Page,
    method: &'static str,
) -> Result<BoxStream<'static, RawEvent>, BrowserError>
where
    T: IntoEventKind + Serialize + Unpin + Send + Sync + std::fmt::Debug + 'static,
{
    let stream = page.event_listener::<T>().await?;
    Ok(stream
        .map(move |ev| {
            (
                method.to_string(),
                serde_json::to_value(&*ev).unwrap_or(Value::Null),
            )
        })
        .boxed())
}

fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

fn headers_of(v: Option<&Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(Value::Object(map)) = v {
        for (k, val) in map {
            if let Some(s) = val.as_str() {
                out.push((k.clone(), s.to_string()));
            }
        }
    }
    out
}

/// The body of a request, from `postData` or `postDataEntries` (base64 bytes), as text when it is UTF-8.
fn body_of(request: &Value) -> (Option<String>, bool) {
    if let Some(Value::Array(entries)) = request.get("postDataEntries") {
        let mut bytes = Vec::new();
        for e in entries {
            if let Some(b) = str_of(e, "bytes")
                && let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(b)
            {
                bytes.extend(decoded);
            }
        }
        if !bytes.is_empty() {
            return match String::from_utf8(bytes) {
                Ok(text) => (Some(text), false),
                Err(e) => (
                    Some(base64::engine::general_purpose::STANDARD.encode(e.into_bytes())),
                    true,
                ),
            };
        }
    }
    (str_of(request, "postData").map(str::to_string), false)
}

impl NetworkState {
    fn apply(&mut self, method: &str, p: &Value, now: u64, activity: &NetworkActivity) {
        let Some(id) = str_of(p, "requestId").map(str::to_string) else {
            return;
        };
        // Each event type comes on its own stream from the driver, so a request's response or end can be
        // read before the request itself when Chromium sends them together (under load, often). Counted
        // as they come, such a request would stay "in flight" for ever and every visit of its page wait
        // for the cap; its status would be lost. They wait for their request instead.
        let waits_for_request = matches!(
            method,
            "Network.responseReceived" | "Network.loadingFinished" | "Network.loadingFailed"
        );
        if waits_for_request && !self.latest.contains_key(&id) {
            self.early_events
                .entry(id)
                .or_default()
                .push((method.to_string(), p.clone()));
            return;
        }
        match method {
            "Network.requestWillBeSent" => {
                self.on_request(&id, p, now, activity);
                if self.latest.contains_key(&id)
                    && let Some(early) = self.early_events.remove(&id)
                {
                    for (method, params) in early {
                        self.apply(&method, &params, now, activity);
                    }
                }
            }
            "Network.requestWillBeSentExtraInfo" => {
                let headers = headers_of(p.get("headers"));
                match self.latest.get(&id) {
                    Some(&i) => merge_headers(&mut self.requests[i].headers, headers),
                    None => {
                        self.early_headers.insert(id, headers);
                    }
                }
            }
            "Network.responseReceived" => {
                if let Some(&i) = self.latest.get(&id) {
                    let status = p.pointer("/response/status").and_then(Value::as_f64);
                    self.requests[i].status = status.map(|s| s as u16);
                }
            }
            "Network.responseReceivedExtraInfo" => self.on_response_extra(&id, p),
            "Network.dataReceived" => {
                let length = p.get("dataLength").and_then(Value::as_u64).unwrap_or(0);
                let is_document = self
                    .latest
                    .get(&id)
                    .is_some_and(|&i| self.requests[i].resource_type == "Document");
                let total = self.received.entry(id).or_default();
                *total += length;
                if is_document {
                    activity.document_size(*total);
                }
                activity.touch(now);
            }
            "Network.loadingFinished" => activity.ended(now),
            "Network.loadingFailed" => {
                if let Some(&i) = self.latest.get(&id) {
                    let reason = str_of(p, "errorText").unwrap_or("failed");
                    let canceled = p.get("canceled").and_then(Value::as_bool) == Some(true);
                    self.requests[i].failure = Some(if canceled {
                        format!("{reason} (cancelled)")
                    } else {
                        reason.to_string()
                    });
                    activity.ended(now);
                }
            }
            _ => {}
        }
    }

    fn on_request(&mut self, id: &str, p: &Value, now: u64, activity: &NetworkActivity) {
        let Some(request) = p.get("request") else {
            return;
        };
        let url = str_of(request, "url").unwrap_or_default().to_string();
        if url.starts_with("data:") || url.starts_with("blob:") {
            return;
        }
        let mut redirected_from = None;
        if let Some(redirect) = p.get("redirectResponse") {
            if let Some(&i) = self.latest.get(id) {
                self.requests[i].status = redirect
                    .get("status")
                    .and_then(Value::as_f64)
                    .map(|s| s as u16);
                redirected_from = Some(self.requests[i].url.clone());
            }
        } else {
            activity.started(now);
        }
        let (post_data, post_data_base64) = body_of(request);
        if post_data.is_none() && request.get("hasPostData").and_then(Value::as_bool) == Some(true)
        {
            self.bodies_to_fetch.push(id.to_string());
        }
        let initiator = p.get("initiator").and_then(|i| {
            str_of(i, "url").map(str::to_string).or_else(|| {
                i.pointer("/stack/callFrames/0/url")
                    .and_then(Value::as_str)
                    .filter(|u| !u.is_empty())
                    .map(str::to_string)
            })
        });
        let mut headers = headers_of(request.get("headers"));
        if let Some(early) = self.early_headers.remove(id) {
            merge_headers(&mut headers, early);
        }
        let entry = ObservedRequest {
            id: id.to_string(),
            url: match str_of(request, "urlFragment") {
                Some(f) => format!("{url}{f}"),
                None => url,
            },
            method: str_of(request, "method").unwrap_or("GET").to_string(),
            resource_type: str_of(p, "type").unwrap_or("Other").to_string(),
            frame_id: str_of(p, "frameId").map(str::to_string),
            post_data,
            post_data_base64,
            headers,
            initiator,
            redirected_from,
            status: None,
            failure: None,
            time_ms: now,
        };
        self.requests.push(entry);
        self.latest.insert(id.to_string(), self.requests.len() - 1);
    }

    fn on_response_extra(&mut self, id: &str, p: &Value) {
        let url = self.latest.get(id).map(|&i| self.requests[i].url.clone());
        let mut blocked: HashMap<String, String> = HashMap::new();
        if let Some(Value::Array(list)) = p.get("blockedCookies") {
            for b in list {
                let line = str_of(b, "cookieLine").unwrap_or_default().to_string();
                let reasons: Vec<&str> = b
                    .get("blockedReasons")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                blocked.insert(line, reasons.join(", "));
            }
        }
        for (name, value) in headers_of(p.get("headers")) {
            if !name.eq_ignore_ascii_case("set-cookie") {
                continue;
            }
            for line in value.split('\n').filter(|l| !l.trim().is_empty()) {
                let cookie = SetCookie {
                    url: url.clone().unwrap_or_default(),
                    request_id: Some(id.to_string()),
                    header: line.to_string(),
                    blocked_reason: blocked.get(line).cloned(),
                };
                if url.is_some() {
                    self.set_cookies.push(cookie);
                } else {
                    self.early_set_cookies.push((id.to_string(), cookie));
                }
            }
        }
    }

    /// Attaches what arrived before its request to the request, once all events are in.
    fn resolve_early(&mut self) {
        for (id, mut cookie) in std::mem::take(&mut self.early_set_cookies) {
            if let Some(&i) = self.latest.get(&id) {
                cookie.url = self.requests[i].url.clone();
            }
            self.set_cookies.push(cookie);
        }
    }
}

fn merge_headers(into: &mut Vec<(String, String)>, extra: Vec<(String, String)>) {
    for (k, v) in extra {
        if let Some(existing) = into.iter_mut().find(|(ek, _)| ek.eq_ignore_ascii_case(&k)) {
            existing.1 = v;
        } else {
            into.push((k, v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(id: &str, url: &str) -> Value {
        serde_json::json!({
            "requestId": id,
            "type": "Image",
            "request": { "url": url, "method": "GET", "headers": {} },
        })
    }

    #[test]
    fn a_request_whose_end_is_read_before_it_is_not_left_in_flight() {
        let (mut state, activity) = (NetworkState::default(), NetworkActivity::default());
        let id = serde_json::json!({ "requestId": "7" });
        let response = serde_json::json!({ "requestId": "7", "response": { "status": 204 } });
        // The order the driver's separate event streams can hand them over in.
        state.apply("Network.loadingFinished", &id, 10, &activity);
        state.apply("Network.responseReceived", &response, 10, &activity);
        state.apply(
            "Network.requestWillBeSent",
            &request("7", "https://www.facebook.com/tr/?id=1&ev=PageView"),
            10,
            &activity,
        );
        assert!(activity.is_quiet(700, 600), "the request has ended");
        assert_eq!(state.requests.len(), 1);
        assert_eq!(state.requests[0].status, Some(204), "its status is kept");
    }

    #[test]
    fn a_failure_read_before_its_request_is_kept_and_ends_it() {
        let (mut state, activity) = (NetworkState::default(), NetworkActivity::default());
        let failed =
            serde_json::json!({ "requestId": "8", "errorText": "net::ERR_BLOCKED_BY_CLIENT" });
        state.apply("Network.loadingFailed", &failed, 5, &activity);
        state.apply(
            "Network.requestWillBeSent",
            &request("8", "https://px.ads.linkedin.com/collect/"),
            5,
            &activity,
        );
        assert!(activity.is_quiet(1000, 600));
        assert_eq!(
            state.requests[0].failure.as_deref(),
            Some("net::ERR_BLOCKED_BY_CLIENT")
        );
    }

    #[test]
    fn a_request_in_order_is_in_flight_until_it_ends() {
        let (mut state, activity) = (NetworkState::default(), NetworkActivity::default());
        state.apply(
            "Network.requestWillBeSent",
            &request("9", "https://www.zorg.nl/"),
            0,
            &activity,
        );
        assert!(!activity.is_quiet(5000, 600), "still in flight");
        state.apply(
            "Network.loadingFinished",
            &serde_json::json!({ "requestId": "9" }),
            100,
            &activity,
        );
        assert!(activity.is_quiet(800, 600));
    }
}
