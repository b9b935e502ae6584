//! Chromium over the DevTools protocol: launch, one visit per page in a fresh browser context, and the
//! collectors that turn what the page did into an [`Observation`].
//!
//! One Chromium serves many visits; each visit gets its own browser context (cookie jar and storage),
//! disposed afterwards. Site isolation is switched off so that requests from cross-site iframes reach the
//! tab's own network events (a test proves an iframe's beacon is captured).

mod collector;
pub mod consent;
mod content;
mod cookies;
mod dialogs;
mod form_fill;
mod frames;
mod loading;
mod network;
pub mod notice;
mod pool;
mod popups;
mod raw;
mod screenshot;
mod script;
mod session;
mod storage;
mod watchdog;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::target::CreateBrowserContextParams;
use chromiumoxide::error::CdpError;
use chromiumoxide::{Browser, BrowserConfig};
use futures::StreamExt;

pub use collector::{Collector, NetworkActivity, VisitContext};
pub use consent::ConsentPlan;
pub(crate) use loading::settle_after_action;
pub use pool::BrowserPool;
pub use raw::RawCommand;
pub use session::Session;

use raw::RawRouter;

/// What can go wrong with the browser itself (not with a page: page failures are recorded in the observation).
#[derive(Debug, thiserror::Error)]
pub enum BrowserError {
    /// No Chromium binary was found.
    #[error(
        "Chromium not found (looked for {0}). Install it with `scripts/setup` (Debian: apt-get install chromium) or pass --chrome PATH"
    )]
    NotFound(String),
    /// Chromium did not start.
    #[error("Chromium did not start: {0}")]
    Launch(String),
    /// A DevTools protocol call failed.
    #[error("DevTools protocol: {0}")]
    Cdp(#[from] CdpError),
    /// Something inside pixelaudit went wrong.
    #[error("{0}")]
    Internal(String),
}

/// How Chromium is started and how long a visit may take.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct BrowserOptions {
    /// The Chromium binary; found automatically when `None`.
    pub chrome: Option<PathBuf>,
    /// Send every host name to this `ADDR:PORT` (a fixture web, replay or staging server).
    pub map_hosts: Option<String>,
    /// Accept any TLS certificate (for mapped hosts with self-made certificates).
    pub insecure: bool,
    /// The longest wait for the top document and its load event.
    pub navigation_timeout: Duration,
    /// The longest wait for the network to go quiet after load.
    pub settle_timeout: Duration,
    /// How long the network must be idle to count as quiet.
    pub quiet_period: Duration,
    /// The test values the form filler types, by field kind (from `rules/probes.toml`, set by the scan
    /// from its rules, so not stored with the scan's settings); none, and forms are left alone.
    #[serde(skip)]
    pub form_values: Vec<(String, String)>,
}

impl Default for BrowserOptions {
    fn default() -> Self {
        BrowserOptions {
            chrome: None,
            map_hosts: None,
            insecure: false,
            navigation_timeout: Duration::from_secs(30),
            settle_timeout: Duration::from_secs(8),
            quiet_period: Duration::from_millis(600),
            form_values: Vec::new(),
        }
    }
}

/// A running Chromium.
pub struct Chromium {
    browser: Browser,
    handler: tokio::task::JoinHandle<()>,
    router: RawRouter,
    options: BrowserOptions,
    version: String,
    _profile: tempfile::TempDir,
}

/// The places Debian and other distributions put Chromium.
const CHROME_CANDIDATES: &[&str] = &[
    "/usr/lib/chromium/chromium",
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
];

/// Finds the Chromium binary: `PIXELAUDIT_CHROME`, then the usual install paths.
pub fn find_chrome(explicit: Option<&Path>) -> Result<PathBuf, BrowserError> {
    if let Some(p) = explicit {
        return if p.is_file() {
            Ok(p.to_path_buf())
        } else {
            Err(BrowserError::NotFound(p.display().to_string()))
        };
    }
    if let Some(p) = std::env::var_os("PIXELAUDIT_CHROME") {
        let p = PathBuf::from(p);
        if p.is_file() {
            return Ok(p);
        }
    }
    CHROME_CANDIDATES
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .ok_or_else(|| BrowserError::NotFound(CHROME_CANDIDATES.join(", ")))
}

impl Chromium {
    /// Starts Chromium with a fresh profile that accepts third-party cookies, as a visitor's usual browser does.
    pub async fn launch(options: BrowserOptions) -> Result<Chromium, BrowserError> {
        let chrome = find_chrome(options.chrome.as_deref())?;
        let profile = tempfile::tempdir()
            .map_err(|e| BrowserError::Launch(format!("cannot make a profile folder: {e}")))?;
        write_profile_preferences(profile.path())?;

        let mut builder = BrowserConfig::builder()
            .chrome_executable(&chrome)
            .user_data_dir(profile.path())
            .disable_default_args()
            .surface_invalid_messages()
            .viewport(None)
            .launch_timeout(Duration::from_secs(30))
            .request_timeout(Duration::from_secs(30))
            .no_sandbox()
            .new_headless_mode()
            .arg("disable-gpu")
            .arg("disable-quic")
            .arg("no-first-run")
            .arg("no-default-browser-check")
            .arg("disable-background-networking")
            .arg("disable-component-update")
            .arg("disable-sync")
            .arg("disable-breakpad")
            .arg("disable-dev-shm-usage")
            .arg("disable-default-apps")
            .arg("disable-extensions")
            .arg("disable-client-side-phishing-detection")
            .arg("metrics-recording-only")
            .arg(("password-store", "basic"))
            .arg("use-mock-keychain")
            .arg("mute-audio")
            .arg(("window-size", "1280,900"))
            .arg(("lang", "nl-NL"))
            .arg(("accept-lang", "nl-NL,nl,en"))
            .arg("disable-site-isolation-trials")
            // A page that hoards memory crashes its own renderer at this size instead of growing until
            // the machine swaps; the crash is recorded and the scan goes on.
            .arg(("js-flags", "--max-old-space-size=256"))
            .arg((
                "disable-features",
                "IsolateOrigins,site-per-process,Translate,OptimizationHints,MediaRouter",
            ));
        if let Some(addr) = &options.map_hosts {
            // *.invalid never resolves anywhere, mapped or not: it stands for an unreachable host.
            let rules = format!("MAP *.invalid ~NOTFOUND, MAP * {addr}");
            builder = builder.arg(("host-resolver-rules", rules.as_str()));
        }
        if options.insecure {
            builder = builder.arg("ignore-certificate-errors");
        } else {
            builder = builder.respect_https_errors();
        }
        let config = builder.build().map_err(BrowserError::Launch)?;
        let (browser, mut handler) = Browser::launch(config)
            .await
            .map_err(|e| BrowserError::Launch(format!("{} ({e})", chrome.display())))?;
        let router = RawRouter::default();
        let routing = router.clone();
        let handler = tokio::spawn(async move {
            while let Some(event) = handler.next().await {
                match event {
                    Err(CdpError::InvalidMessage(text, _)) => routing.route(&text),
                    // The connection to Chromium is gone (crashed or killed): the driver would go on
                    // reporting it forever; ending here is how `is_alive` learns of it.
                    Err(CdpError::Ws(_)) => break,
                    _ => {}
                }
            }
        });
        let version = browser
            .version()
            .await
            .map(|v| v.product)
            .unwrap_or_else(|_| "unknown".into());
        Ok(Chromium {
            browser,
            handler,
            router,
            options,
            version,
            _profile: profile,
        })
    }

    /// The browser's product string, e.g. `HeadlessChrome/156.0.8078.79`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Opens a visitor session: a fresh browser context (its own cookie jar and storage) in which pages
    /// are visited one after the other, as one visitor browsing the site.
    pub async fn session(self: &Arc<Self>) -> Result<Session, BrowserError> {
        let context = self
            .browser
            .create_browser_context(CreateBrowserContextParams::default())
            .await?;
        Ok(Session {
            chromium: Arc::clone(self),
            context,
        })
    }

    /// Whether the browser is still there: the connection to it ends when it crashes or is killed.
    pub fn is_alive(&self) -> bool {
        !self.handler.is_finished()
    }

    /// Whether the browser still answers a command within two seconds (a crash is noticed at once by
    /// the command failing, before the connection's end reaches [`Chromium::is_alive`]).
    pub async fn responds(&self) -> bool {
        self.is_alive()
            && matches!(
                tokio::time::timeout(Duration::from_secs(2), self.browser.version()).await,
                Ok(Ok(_))
            )
    }

    /// Closes the browser.
    pub async fn close(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(5), self.browser.close()).await;
        let _ = tokio::time::timeout(Duration::from_secs(5), self.browser.wait()).await;
        self.handler.abort();
    }
}

/// Makes the profile accept third-party cookies: current Chromium blocks them in a fresh profile, a
/// visitor's usual browser does not, and the audit must see what that visitor's browser would store.
fn write_profile_preferences(profile: &Path) -> Result<(), BrowserError> {
    let dir = profile.join("Default");
    std::fs::create_dir_all(&dir)
        .and_then(|_| {
            std::fs::write(
                dir.join("Preferences"),
                r#"{"profile":{"cookie_controls_mode":0,"block_third_party_cookies":false}}"#,
            )
        })
        .map_err(|e| BrowserError::Launch(format!("cannot write the profile preferences: {e}")))
}

/// Turns Chromium's `net::ERR_*` codes into a reason a person understands.
pub fn explain_net_error(code: &str) -> String {
    let reason = match code.trim_start_matches("net::") {
        "ERR_NAME_NOT_RESOLVED" | "ERR_NAME_RESOLUTION_FAILED" => {
            "host not found: the name does not resolve (DNS)"
        }
        "ERR_CONNECTION_REFUSED" => "connection refused: nothing listens on that address",
        "ERR_CONNECTION_RESET" => "connection reset by the server",
        "ERR_CONNECTION_CLOSED" | "ERR_EMPTY_RESPONSE" => "connection closed without an answer",
        "ERR_CONNECTION_TIMED_OUT" | "ERR_TIMED_OUT" => "timeout: the server did not answer",
        "ERR_TOO_MANY_REDIRECTS" => "redirect loop or too long a chain: more than 20 redirects",
        "ERR_ADDRESS_UNREACHABLE" | "ERR_INTERNET_DISCONNECTED" => "host unreachable",
        c if c.starts_with("ERR_CERT_") => "TLS certificate not valid",
        c if c.starts_with("ERR_SSL_") || c.contains("HANDSHAKE") => "TLS handshake failed",
        "ERR_ABORTED" => "navigation aborted (download, or blocked by the page)",
        "ERR_INVALID_RESPONSE" | "ERR_INVALID_HTTP_RESPONSE" => "invalid HTTP response",
        "ERR_RESPONSE_HEADERS_TOO_BIG" => "response headers too big",
        "ERR_BLOCKED_BY_RESPONSE" | "ERR_BLOCKED_BY_CLIENT" => "blocked",
        _ => "navigation failed",
    };
    format!("{reason} ({code})")
}
