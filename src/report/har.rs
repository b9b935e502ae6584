//! One HAR 1.2 file per visit (`evidence/<visit>.har`), made from the stored observation, so a reader can
//! open what the browser sent in devtools or any HAR viewer. Response bodies are not kept; request
//! bodies, request headers (with cookies) and the Set-Cookie headers of responses are. The document is
//! built from typed records named as the HAR 1.2 specification names them.

use serde::Serialize;

use crate::observe::{Observation, ObservedRequest, SetCookie};

/// A HAR document.
#[derive(Debug, Serialize)]
pub struct Har {
    log: Log,
}

#[derive(Debug, Serialize)]
struct Log {
    version: &'static str,
    creator: Creator,
    browser: Creator,
    pages: Vec<Page>,
    entries: Vec<Entry>,
    comment: String,
}

#[derive(Debug, Serialize)]
struct Creator {
    name: &'static str,
    version: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    started_date_time: String,
    id: &'static str,
    title: String,
    page_timings: PageTimings,
    comment: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PageTimings {
    on_content_load: i64,
    on_load: i64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    pageref: &'static str,
    started_date_time: String,
    time: u64,
    request: Request,
    response: Response,
    cache: Cache,
    timings: Timings,
    #[serde(rename = "_resourceType")]
    resource_type: String,
    #[serde(rename = "_initiator")]
    initiator: Option<String>,
}

#[derive(Debug, Serialize)]
struct Cache {}

#[derive(Debug, Serialize)]
struct Timings {
    send: u64,
    wait: u64,
    receive: u64,
}

/// A name and a value: headers, cookies, query parameters.
#[derive(Debug, Serialize)]
struct Pair {
    name: String,
    value: String,
}

impl Pair {
    fn new(name: impl Into<String>, value: impl Into<String>) -> Pair {
        Pair {
            name: name.into(),
            value: value.into(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    method: String,
    url: String,
    http_version: &'static str,
    cookies: Vec<Pair>,
    headers: Vec<Pair>,
    query_string: Vec<Pair>,
    headers_size: i64,
    body_size: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    post_data: Option<PostData>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PostData {
    mime_type: String,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<&'static str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Response {
    status: u16,
    status_text: &'static str,
    http_version: &'static str,
    cookies: Vec<Pair>,
    headers: Vec<Pair>,
    content: Content,
    #[serde(rename = "redirectURL")]
    redirect_url: &'static str,
    headers_size: i64,
    body_size: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Content {
    size: i64,
    mime_type: &'static str,
    comment: &'static str,
}

/// The HAR document of one visit.
pub fn har(observation: &Observation, browser: &str) -> Har {
    let started = time::OffsetDateTime::parse(
        &observation.visit.started_at,
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let at = |ms: u64| {
        (started + time::Duration::milliseconds(ms as i64))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let entries = observation
        .requests
        .iter()
        .map(|r| Entry {
            pageref: "page_1",
            started_date_time: at(r.time_ms),
            time: 0,
            request: request(r),
            response: response(r, &observation.set_cookies),
            cache: Cache {},
            timings: Timings {
                send: 0,
                wait: 0,
                receive: 0,
            },
            resource_type: r.resource_type.clone(),
            initiator: r.initiator.clone(),
        })
        .collect();
    Har {
        log: Log {
            version: "1.2",
            creator: Creator {
                name: "pixelaudit",
                version: env!("CARGO_PKG_VERSION").into(),
            },
            browser: Creator {
                name: "Chromium",
                version: browser.into(),
            },
            pages: vec![Page {
                started_date_time: at(0),
                id: "page_1",
                title: observation.visit.url.clone(),
                page_timings: PageTimings {
                    on_content_load: -1,
                    on_load: -1,
                },
                comment: format!("consent mode {}", observation.visit.mode.as_str()),
            }],
            entries,
            comment: observation
                .visit
                .error
                .as_ref()
                .map(|e| format!("the visit failed: {e}"))
                .unwrap_or_default(),
        },
    }
}

fn request(r: &ObservedRequest) -> Request {
    let query_string = url::Url::parse(&r.url)
        .map(|u| u.query_pairs().map(|(k, v)| Pair::new(k, v)).collect())
        .unwrap_or_default();
    let cookies = r
        .header("cookie")
        .map(|c| {
            c.split(';')
                .filter_map(|kv| kv.trim().split_once('='))
                .map(|(k, v)| Pair::new(k, v))
                .collect()
        })
        .unwrap_or_default();
    Request {
        method: r.method.clone(),
        url: r.url.clone(),
        http_version: "",
        cookies,
        headers: r.headers.iter().map(|(k, v)| Pair::new(k, v)).collect(),
        query_string,
        headers_size: -1,
        body_size: r.post_data.as_ref().map(|b| b.len() as i64).unwrap_or(0),
        post_data: r.post_data.as_ref().map(|body| PostData {
            mime_type: r.header("content-type").unwrap_or("").into(),
            text: body.clone(),
            comment: r.post_data_base64.then_some("base64 of a binary body"),
        }),
    }
}

fn response(r: &ObservedRequest, set_cookies: &[SetCookie]) -> Response {
    Response {
        status: r.status.unwrap_or(0),
        status_text: "",
        http_version: "",
        cookies: Vec::new(),
        headers: set_cookies
            .iter()
            .filter(|c| answers(c, r))
            .map(|c| Pair::new("Set-Cookie", c.header.clone()))
            .collect(),
        content: Content {
            size: -1,
            mime_type: "",
            comment: "response bodies are not kept",
        },
        redirect_url: "",
        headers_size: -1,
        body_size: -1,
        comment: r.failure.as_ref().map(|f| format!("failed: {f}")),
    }
}

/// Whether a Set-Cookie header came with the response to this request: same request id and URL (a
/// redirect chain's hops share an id), or the same URL for scans stored before the id was recorded.
fn answers(cookie: &SetCookie, request: &ObservedRequest) -> bool {
    cookie.url == request.url
        && cookie
            .request_id
            .as_ref()
            .is_none_or(|id| *id == request.id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::Visit;

    fn request(id: &str, url: &str) -> ObservedRequest {
        ObservedRequest {
            id: id.into(),
            url: url.into(),
            method: "GET".into(),
            ..Default::default()
        }
    }

    fn set_cookie(id: Option<&str>, url: &str, header: &str) -> SetCookie {
        SetCookie {
            url: url.into(),
            request_id: id.map(str::to_string),
            header: header.into(),
            blocked_reason: None,
        }
    }

    fn set_cookie_headers(har: &Har) -> Vec<Vec<String>> {
        har.log
            .entries
            .iter()
            .map(|e| e.response.headers.iter().map(|h| h.value.clone()).collect())
            .collect()
    }

    /// A visit of the home page that made these requests and got these cookies.
    fn visit_of(requests: Vec<ObservedRequest>, set_cookies: Vec<SetCookie>) -> Observation {
        Observation {
            visit: Visit {
                url: "https://www.zorg.nl/".into(),
                started_at: "2026-12-02T10:00:00Z".into(),
                ..Visit::default()
            },
            requests,
            set_cookies,
            ..Default::default()
        }
    }

    #[test]
    fn two_requests_to_one_url_each_get_only_their_own_set_cookie() {
        let pixel = "https://px.example/collect";
        let observation = visit_of(
            vec![request("1", pixel), request("2", pixel)],
            vec![
                set_cookie(Some("1"), pixel, "a=1"),
                set_cookie(Some("2"), pixel, "b=2"),
            ],
        );
        let har = har(&observation, "Chromium 1");
        assert_eq!(set_cookie_headers(&har), [["a=1"], ["b=2"]]);
    }

    #[test]
    fn a_stored_scan_without_request_ids_joins_by_url_and_the_document_is_har() {
        let pixel = "https://px.example/collect";
        let observation = visit_of(
            vec![request("1", pixel)],
            vec![set_cookie(None, pixel, "a=1")],
        );
        let har = har(&observation, "Chromium 1");
        assert_eq!(set_cookie_headers(&har), [["a=1"]]);
        let json = serde_json::to_value(&har).unwrap();
        assert_eq!(json["log"]["version"], "1.2");
        let entry = &json["log"]["entries"][0];
        assert_eq!(entry["startedDateTime"], "2026-12-02T10:00:00Z");
        assert_eq!(entry["response"]["redirectURL"], "");
        assert_eq!(entry["request"]["queryString"], serde_json::json!([]));
        assert!(entry["request"].get("postData").is_none());
    }
}
