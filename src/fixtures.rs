//! The fixture web: one HTTPS server on loopback that stands in for the internet in tests and `demo`.
//!
//! Every folder in `fixtures/web/` is a host name; the server answers each request from the folder named
//! by its `Host` header. Per-host behaviour (status codes, `Set-Cookie`, redirects, delays, tracker-like
//! endpoints) is data in that folder's `_host.toml`, not code. Every request received is logged with its
//! body: that log is the ground truth of what left the browser, and tests compare captures against it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio_rustls::LazyConfigAcceptor;
use tokio_rustls::rustls::{self, ServerConfig};

/// An answer body: whole, or streamed (endless drips, hundreds of megabytes of filler).
type Body = BoxBody<Bytes, std::convert::Infallible>;

/// The largest request body the fixture server reads and logs.
const MAX_LOGGED_BODY: usize = 8 * 1024 * 1024;

/// A transparent 1×1 GIF, the answer of tracking pixels.
const PIXEL_GIF: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// Something went wrong setting up the fixture web.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// A `_host.toml` could not be read or parsed.
    #[error("{path}: {message}")]
    HostConfig {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The fixture folder or socket could not be used.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The certificate could not be made.
    #[error("could not make the fixture certificate: {0}")]
    Certificate(String),
}

/// One request as the fixture server received it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// Milliseconds since the Unix epoch.
    pub time_ms: u128,
    /// HTTP method.
    pub method: String,
    /// Host name, without port, lower-case.
    pub host: String,
    /// Path without the query.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Request headers (names lower-case).
    pub headers: Vec<(String, String)>,
    /// Request body, lossily decoded as UTF-8.
    pub body: String,
}

impl LoggedRequest {
    /// The request URL as the browser addressed it.
    pub fn url(&self) -> String {
        match &self.query {
            Some(q) => format!("https://{}{}?{}", self.host, self.path, q),
            None => format!("https://{}{}", self.host, self.path),
        }
    }
}

/// Per-host behaviour, read from `fixtures/web/<host>/_host.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HostConfig {
    /// `"fail"` makes every TLS handshake with this host fail.
    #[serde(default)]
    tls: Option<String>,
    /// `"reset"` resets every connection to this host (TCP RST) once its TLS hello names it.
    #[serde(default)]
    connection: Option<String>,
    /// Headers added to every answer of this host.
    #[serde(default)]
    headers: HashMap<String, String>,
    /// Set-Cookie headers added to every page (HTML) answer of this host.
    #[serde(default)]
    page_cookies: Vec<String>,
    /// Special answers by path.
    #[serde(default, rename = "route")]
    routes: Vec<Route>,
}

/// A special answer for the requests whose path matches.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Route {
    /// Exact path, or a prefix ending in `*`.
    path: String,
    #[serde(default)]
    status: Option<u16>,
    /// `gif`, `empty`, `text:<body>`, `file:<name in this host's folder>`, `shared:<name in _shared/>`.
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    headers: HashMap<String, String>,
    #[serde(default)]
    set_cookies: Vec<String>,
    /// Answer 302 with this Location.
    #[serde(default)]
    redirect: Option<String>,
    /// Wait this long before answering.
    #[serde(default)]
    delay_ms: u64,
    /// Never answer.
    #[serde(default)]
    hang: bool,
    /// After the body, send a small piece of HTML every this many milliseconds, forever.
    #[serde(default)]
    drip_ms: u64,
    /// After the body, stream this many megabytes of filler paragraphs.
    #[serde(default)]
    filler_mb: u64,
    /// Answer a made-up HTML page with this many links to pages of the same host.
    #[serde(default)]
    links: u32,
    /// A redirect chain: the path is the route's prefix plus a number, and each hop redirects to the
    /// next number until this many hops were made, then to `redirect`.
    #[serde(default)]
    chain: u32,
}

impl Route {
    fn matches(&self, path: &str) -> bool {
        match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => self.path == path,
        }
    }
}

struct Web {
    root: PathBuf,
    hosts: HashMap<String, HostConfig>,
    log: Arc<Mutex<Vec<LoggedRequest>>>,
    log_file: Option<Mutex<std::fs::File>>,
}

/// A running fixture server. Dropping it stops the server.
pub struct FixtureServer {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<LoggedRequest>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FixtureServer {
    /// Starts the fixture web from `root` (normally `fixtures/web`) on `addr`
    /// (`127.0.0.1:0` picks a free port). With `log_path`, every request is also appended there as JSON lines.
    pub async fn start(
        root: &Path,
        addr: SocketAddr,
        log_path: Option<&Path>,
    ) -> Result<FixtureServer, FixtureError> {
        let hosts = load_hosts(root)?;
        let tls = Arc::new(tls_config(&hosts)?);
        let broken_tls = Arc::new(broken_tls_config(&tls));
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let log_file = match log_path {
            Some(p) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)?,
            )),
            None => None,
        };
        let web = Arc::new(Web {
            root: root.to_path_buf(),
            hosts,
            log: log.clone(),
            log_file,
        });
        let task = tokio::spawn(accept_loop(listener, web, tls, broken_tls));
        Ok(FixtureServer { addr, log, task })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Forgets the requests received so far.
    pub fn clear_log(&self) {
        if let Ok(mut l) = self.log.lock() {
            l.clear();
        }
    }
}

/// The host names the fixture web serves (its folder names).
pub fn host_names(root: &Path) -> Result<Vec<String>, FixtureError> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_lowercase();
        // Folders starting with '_' hold files several hosts serve, not a host.
        if entry.file_type()?.is_dir() && !name.starts_with('_') {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

fn load_hosts(root: &Path) -> Result<HashMap<String, HostConfig>, FixtureError> {
    let mut hosts = HashMap::new();
    for host in host_names(root)? {
        let path = root.join(&host).join("_host.toml");
        let config = if path.exists() {
            let text = std::fs::read_to_string(&path)?;
            toml::from_str(&text).map_err(|e| FixtureError::HostConfig {
                path: path.clone(),
                message: e.to_string(),
            })?
        } else {
            HostConfig::default()
        };
        hosts.insert(host, config);
    }
    Ok(hosts)
}

fn tls_config(hosts: &HashMap<String, HostConfig>) -> Result<ServerConfig, FixtureError> {
    let mut names: Vec<String> = hosts.keys().cloned().collect();
    names.push("localhost".into());
    let cert = rcgen::generate_simple_self_signed(names)
        .map_err(|e| FixtureError::Certificate(e.to_string()))?;
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(cert.signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| FixtureError::Certificate(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(vec![cert.cert.der().clone()], key)
        .map_err(|e| FixtureError::Certificate(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// A configuration no browser can agree with: it offers only an application protocol nobody speaks,
/// so the handshake ends with a `no_application_protocol` alert.
fn broken_tls_config(good: &ServerConfig) -> ServerConfig {
    let mut config = good.clone();
    config.alpn_protocols = vec![b"pixelaudit-nothing".to_vec()];
    config
}

async fn accept_loop(
    listener: TcpListener,
    web: Arc<Web>,
    tls: Arc<ServerConfig>,
    broken_tls: Arc<ServerConfig>,
) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let web = web.clone();
        let tls = tls.clone();
        let broken_tls = broken_tls.clone();
        tokio::spawn(async move {
            let acceptor = LazyConfigAcceptor::new(rustls::server::Acceptor::default(), stream);
            let Ok(start) = acceptor.await else { return };
            let sni = start
                .client_hello()
                .server_name()
                .unwrap_or_default()
                .to_lowercase();
            let fails = web
                .hosts
                .get(&sni)
                .and_then(|h| h.tls.as_deref())
                .is_some_and(|t| t == "fail");
            let resets = web
                .hosts
                .get(&sni)
                .and_then(|h| h.connection.as_deref())
                .is_some_and(|c| c == "reset");
            if resets {
                // A zero linger turns the close into a TCP reset, as a crashing load balancer sends.
                let handshake = start.into_stream(tls);
                if let Some(stream) = handshake.get_ref() {
                    let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
                }
                return;
            }
            let config = if fails { broken_tls } else { tls };
            let Ok(tls_stream) = start.into_stream(config).await else {
                return;
            };
            let service = hyper::service::service_fn(move |req| {
                let web = web.clone();
                async move { Ok::<_, std::convert::Infallible>(web.answer(req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(tls_stream), service)
                .await;
        });
    }
}

impl Web {
    async fn answer(&self, req: Request<Incoming>) -> Response<Body> {
        let host = req
            .headers()
            .get(hyper::header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| req.uri().host())
            .unwrap_or_default()
            .split(':')
            .next()
            .unwrap_or_default()
            .to_lowercase();
        let method = req.method().to_string();
        let path = req.uri().path().to_string();
        let query = req.uri().query().map(str::to_string);
        let headers = req
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = match Limited::new(req.into_body(), MAX_LOGGED_BODY)
            .collect()
            .await
        {
            Ok(b) => String::from_utf8_lossy(&b.to_bytes()).into_owned(),
            Err(_) => String::new(),
        };
        self.record(LoggedRequest {
            time_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis())
                .unwrap_or_default(),
            method,
            host: host.clone(),
            path: path.clone(),
            query,
            headers,
            body,
        });

        let Some(config) = self.hosts.get(&host) else {
            return plain(StatusCode::NOT_FOUND, "no such fixture host");
        };
        let mut response = match config.routes.iter().find(|r| r.matches(&path)) {
            Some(route) => self.route_answer(&host, &path, route).await,
            None => self.file_answer(&host, &path, config).await,
        };
        for (name, value) in &config.headers {
            if let (Ok(n), Ok(v)) = (
                hyper::header::HeaderName::from_bytes(name.as_bytes()),
                hyper::header::HeaderValue::from_str(value),
            ) {
                response.headers_mut().insert(n, v);
            }
        }
        response
    }

    fn record(&self, entry: LoggedRequest) {
        if let Some(file) = &self.log_file
            && let (Ok(mut f), Ok(line)) = (file.lock(), serde_json::to_string(&entry))
        {
            use std::io::Write;
            let _ = writeln!(f, "{line}");
        }
        if let Ok(mut log) = self.log.lock() {
            log.push(entry);
        }
    }

    async fn route_answer(&self, host: &str, path: &str, route: &Route) -> Response<Body> {
        if route.hang {
            std::future::pending::<()>().await;
        }
        if route.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(route.delay_ms)).await;
        }
        let mut builder = Response::builder();
        if route.chain > 0 {
            let prefix = route.path.trim_end_matches('*');
            let hop: u32 = path
                .strip_prefix(prefix)
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let next = if hop + 1 < route.chain {
                format!("{prefix}{}", hop + 1)
            } else {
                route.redirect.clone().unwrap_or_else(|| "/".into())
            };
            return builder
                .status(302)
                .header("location", next)
                .body(full(Bytes::new()))
                .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "bad route"));
        }
        if route.links > 0 {
            return builder
                .status(200)
                .header("content-type", "text/html; charset=utf-8")
                .body(full(Bytes::from(link_page(route.links))))
                .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "bad route"));
        }
        let (status, body, content_type) = if let Some(location) = &route.redirect {
            builder = builder.header("location", location);
            (302, Bytes::new(), "text/plain".to_string())
        } else {
            let (body, ct) = match route.body.as_deref().unwrap_or("empty") {
                "gif" => (Bytes::from_static(PIXEL_GIF), "image/gif".to_string()),
                "empty" => (Bytes::new(), "text/plain".to_string()),
                other => {
                    if let Some(text) = other.strip_prefix("text:") {
                        (Bytes::from(text.to_string()), "text/plain".to_string())
                    } else if let Some(file) = other.strip_prefix("shared:") {
                        let path = self.root.join("_shared").join(file);
                        let bytes = tokio::fs::read(&path).await.unwrap_or_default();
                        (Bytes::from(bytes), content_type_for(&path).to_string())
                    } else if let Some(file) = other.strip_prefix("file:") {
                        let path = self.root.join(host).join(file);
                        let bytes = tokio::fs::read(&path).await.unwrap_or_default();
                        (Bytes::from(bytes), content_type_for(&path).to_string())
                    } else {
                        (Bytes::from(other.to_string()), "text/plain".to_string())
                    }
                }
            };
            let default_status = if body.is_empty() && route.body.is_none() {
                204
            } else {
                200
            };
            (route.status.unwrap_or(default_status), body, ct)
        };
        let status = route.status.unwrap_or(status);
        builder = builder.status(status).header(
            "content-type",
            route.content_type.clone().unwrap_or(content_type),
        );
        for (name, value) in &route.headers {
            builder = builder.header(name, value);
        }
        for cookie in &route.set_cookies {
            builder = builder.header("set-cookie", cookie);
        }
        let body = if route.drip_ms > 0 {
            endless_drip(body, Duration::from_millis(route.drip_ms))
        } else if route.filler_mb > 0 {
            with_filler(body, route.filler_mb)
        } else {
            full(body)
        };
        builder
            .body(body)
            .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "bad route"))
    }

    async fn file_answer(&self, host: &str, path: &str, config: &HostConfig) -> Response<Body> {
        let Some(file) = self.file_for(host, path) else {
            return plain(StatusCode::NOT_FOUND, "not found");
        };
        match tokio::fs::read(&file).await {
            Ok(bytes) => {
                let ct = content_type_for(&file);
                let mut builder = Response::builder().status(200).header("content-type", ct);
                if ct.starts_with("text/html") {
                    for cookie in &config.page_cookies {
                        builder = builder.header("set-cookie", cookie);
                    }
                }
                builder
                    .body(full(Bytes::from(bytes)))
                    .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "bad file"))
            }
            Err(_) => plain(StatusCode::NOT_FOUND, "not found"),
        }
    }

    /// Maps a URL path onto a file in the host's folder, refusing anything that climbs out of it.
    fn file_for(&self, host: &str, path: &str) -> Option<PathBuf> {
        let decoded = percent_decode(path);
        if decoded
            .split('/')
            .any(|seg| seg == ".." || seg.starts_with('_'))
        {
            return None;
        }
        let mut file = self.root.join(host);
        for seg in decoded.split('/').filter(|s| !s.is_empty()) {
            file.push(seg);
        }
        if file.is_dir() {
            file.push("index.html");
        }
        file.is_file().then_some(file)
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("p={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn full(bytes: Bytes) -> Body {
    Full::new(bytes).boxed()
}

/// `start`, then a paragraph every `every`, for as long as the browser keeps reading.
fn endless_drip(start: Bytes, every: Duration) -> Body {
    let first = futures::stream::once(async move { start });
    let drops = futures::stream::unfold(0u64, move |n| async move {
        tokio::time::sleep(every).await;
        Some((Bytes::from(format!("<p>druppel {n}</p>\n")), n + 1))
    });
    BodyExt::boxed(StreamBody::new(
        first.chain(drops).map(|b| Ok(hyper::body::Frame::data(b))),
    ))
}

/// `start`, then `megabytes` of filler paragraphs made 64 KiB at a time, so the server never holds them.
fn with_filler(start: Bytes, megabytes: u64) -> Body {
    const CHUNK: usize = 64 * 1024;
    let line = "<p>opvulling opvulling opvulling opvulling opvulling opvulling opvulling</p>\n";
    let chunk: Bytes = line.repeat(CHUNK / line.len()).into();
    let chunks = (megabytes * 1024 * 1024).div_ceil(chunk.len() as u64);
    let first = futures::stream::once(async move { start });
    let rest = futures::stream::iter((0..chunks).map(move |_| chunk.clone()));
    BodyExt::boxed(StreamBody::new(
        first.chain(rest).map(|b| Ok(hyper::body::Frame::data(b))),
    ))
}

/// A page with `count` links to pages of its own host.
fn link_page(count: u32) -> String {
    let mut html = String::with_capacity(count as usize * 40 + 200);
    html.push_str("<!doctype html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Alle pagina's</title></head><body><h1>Alle pagina's</h1>\n");
    for i in 0..count {
        html.push_str(&format!("<a href=\"/pagina/{i}\">pagina {i}</a>\n"));
    }
    html.push_str("</body></html>\n");
    html
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut r = Response::new(full(Bytes::from_static(text.as_bytes())));
    *r.status_mut() = status;
    r
}

fn content_type_for(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" => "application/javascript",
        "css" => "text/css",
        "json" => "application/json",
        "gif" => "image/gif",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}
