//! One HAR 1.2 file per visit (`evidence/<visit>.har`), made from the stored observation, so a reader can
//! open what the browser sent in devtools or any HAR viewer. Response bodies are not kept; request
//! bodies, request headers (with cookies) and the Set-Cookie headers of responses are.

use serde_json::{Value, json};

use crate::observe::Observation;

/// The HAR document of one visit.
pub fn har(observation: &Observation, browser: &str) -> Value {
    let started = time::OffsetDateTime::parse(
        &observation.started_at,
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let at = |ms: u64| {
        (started + time::Duration::milliseconds(ms as i64))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let entries: Vec<Value> = observation
        .requests
        .iter()
        .map(|r| {
            let query: Vec<Value> = url::Url::parse(&r.url)
                .map(|u| {
                    u.query_pairs()
                        .map(|(k, v)| json!({ "name": k, "value": v }))
                        .collect()
                })
                .unwrap_or_default();
            let cookies: Vec<Value> = r
                .header("cookie")
                .map(|c| {
                    c.split(';')
                        .filter_map(|kv| kv.trim().split_once('='))
                        .map(|(k, v)| json!({ "name": k, "value": v }))
                        .collect()
                })
                .unwrap_or_default();
            let headers: Vec<Value> = r
                .headers
                .iter()
                .map(|(k, v)| json!({ "name": k, "value": v }))
                .collect();
            let set_cookies: Vec<&str> = observation
                .set_cookies
                .iter()
                .filter(|c| c.url == r.url)
                .map(|c| c.header.as_str())
                .collect();
            let mut request = json!({
                "method": r.method,
                "url": r.url,
                "httpVersion": "",
                "cookies": cookies,
                "headers": headers,
                "queryString": query,
                "headersSize": -1,
                "bodySize": r.post_data.as_ref().map(|b| b.len() as i64).unwrap_or(0),
            });
            if let Some(body) = &r.post_data {
                let mut post = json!({
                    "mimeType": r.header("content-type").unwrap_or(""),
                    "text": body,
                });
                if r.post_data_base64 {
                    post["comment"] = json!("base64 of a binary body");
                }
                request["postData"] = post;
            }
            let mut response = json!({
                "status": r.status.unwrap_or(0),
                "statusText": "",
                "httpVersion": "",
                "cookies": [],
                "headers": set_cookies.iter().map(|h| json!({ "name": "Set-Cookie", "value": h })).collect::<Vec<_>>(),
                "content": { "size": -1, "mimeType": "", "comment": "response bodies are not kept" },
                "redirectURL": "",
                "headersSize": -1,
                "bodySize": -1,
            });
            if let Some(failure) = &r.failure {
                response["comment"] = json!(format!("failed: {failure}"));
            }
            json!({
                "pageref": "page_1",
                "startedDateTime": at(r.time_ms),
                "time": 0,
                "request": request,
                "response": response,
                "cache": {},
                "timings": { "send": 0, "wait": 0, "receive": 0 },
                "_resourceType": r.resource_type,
                "_initiator": r.initiator,
            })
        })
        .collect();
    json!({
        "log": {
            "version": "1.2",
            "creator": { "name": "pixelaudit", "version": env!("CARGO_PKG_VERSION") },
            "browser": { "name": "Chromium", "version": browser },
            "pages": [{
                "startedDateTime": at(0),
                "id": "page_1",
                "title": observation.url,
                "pageTimings": { "onContentLoad": -1, "onLoad": -1 },
                "comment": format!("consent mode {}", observation.mode.as_str()),
            }],
            "entries": entries,
            "comment": observation.error.as_ref().map(|e| format!("the visit failed: {e}")).unwrap_or_default(),
        }
    })
}
