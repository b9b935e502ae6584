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
mod frames;
mod network;
pub mod notice;
mod pool;
mod probe;
mod raw;
mod screenshot;
mod storage;
mod watchdog;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chromiumoxide::cdp::browser_protocol::browser::BrowserContextId;
use chromiumoxide::cdp::browser_protocol::page::{
    EventDomContentEventFired, EventLoadEventFired, NavigateParams,
};
use chromiumoxide::cdp::browser_protocol::target::{
    CreateBrowserContextParams, CreateTargetParams,
};
use chromiumoxide::error::CdpError;
use chromiumoxide::{Browser, BrowserConfig};
use futures::StreamExt;

pub use collector::{Collector, NetworkActivity, VisitContext};
pub use consent::ConsentPlan;
pub use pool::BrowserPool;
pub use raw::RawCommand;

use crate::observe::{ConsentMode, Observation};
use raw::RawRouter;
use watchdog::Fault;

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
        }
    }
}

/// How far a navigation got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Loading {
    /// The load event fired.
    Complete,
    /// The document arrived but the load event did not fire in time.
    Partial,
    /// Nothing usable arrived.
    Failed,
    /// The renderer crashed or stopped answering: the network evidence stands, the page cannot be read.
    RendererLost,
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

/// One visitor: a browser context whose cookies and storage carry over from page to page.
pub struct Session {
    chromium: Arc<Chromium>,
    context: BrowserContextId,
}

impl Session {
    /// Visits one page in this session and returns what it saw. Never fails: a page that could not be
    /// visited comes back with its `error` set. With a consent plan, the banner is looked at (and clicked
    /// when the plan says so) once the page has settled.
    pub async fn visit(
        &self,
        url: &str,
        mode: ConsentMode,
        evidence: Option<(&Path, &str)>,
        consent: Option<&ConsentPlan>,
    ) -> Observation {
        let started = Instant::now();
        let mut observation = Observation {
            url: url.to_string(),
            mode,
            started_at: crate::now_rfc3339(),
            ..Observation::default()
        };
        let options = &self.chromium.options;
        // The hard deadline: navigation, settling, a consent click and collection together.
        let deadline =
            options.navigation_timeout + options.settle_timeout * 2 + Duration::from_secs(30);
        let chromium = &self.chromium;
        // A browser that dies mid-visit leaves the driver's pending commands unanswered: watch for it
        // rather than wait out the deadline.
        let browser_gone = async {
            while chromium.is_alive() {
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        };
        let outcome = tokio::select! {
            outcome = tokio::time::timeout(
                deadline,
                self.visit_in_context(url, &mut observation, evidence, consent, started),
            ) => outcome,
            _ = browser_gone => Ok(Err(BrowserError::Internal(
                "Chromium stopped during the visit (it crashed or was killed)".into(),
            ))),
        };
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                observation
                    .error
                    .get_or_insert(format!("browser error: {e}"));
            }
            Err(_) => {
                observation.error.get_or_insert(format!(
                    "timeout: the visit did not finish within {} s",
                    deadline.as_secs()
                ));
            }
        }
        observation.duration_ms = started.elapsed().as_millis() as u64;
        observation
    }

    async fn visit_in_context(
        &self,
        url: &str,
        observation: &mut Observation,
        evidence: Option<(&Path, &str)>,
        consent: Option<&ConsentPlan>,
        started: Instant,
    ) -> Result<(), BrowserError> {
        let chromium = &self.chromium;
        let target = CreateTargetParams::builder()
            .url("about:blank")
            .browser_context_id(self.context.clone())
            .build()
            .map_err(BrowserError::Internal)?;
        let page = chromium.browser.new_page(target).await?;
        let session = page.session_id().as_ref().to_string();
        let popups = watch_popups(chromium, &page).await?;
        let watchdog = watchdog::Watchdog::attach(&page).await?;
        let visit = VisitContext {
            raw_events: std::sync::Mutex::new(Some(chromium.router.register(&session))),
            page,
            started,
            activity: Default::default(),
            evidence_dir: evidence.map(|(dir, _)| dir.to_path_buf()),
            evidence_name: evidence.map(|(_, n)| n.to_string()).unwrap_or_default(),
            watchdog,
        };
        let mut collectors: Vec<Box<dyn Collector>> = vec![
            Box::new(dialogs::DialogCollector::default()),
            Box::new(network::NetworkCollector::default()),
            Box::new(storage::StorageCollector::default()),
            Box::new(cookies::CookieCollector),
            Box::new(frames::FrameCollector),
            Box::new(content::ContentCollector),
            Box::new(screenshot::ScreenshotCollector),
        ];
        for c in collectors.iter_mut() {
            c.attach(&visit).await?;
        }
        let loading = navigate(
            &visit,
            url,
            observation,
            chromium.options.navigation_timeout,
        )
        .await;
        let (settle, quiet) = (
            chromium.options.settle_timeout,
            chromium.options.quiet_period,
        );
        if loading == Loading::Complete {
            wait_for_quiet(&visit, settle, quiet).await;
        }
        // What the page can still do after loading (crash, send the browser on, stream without end).
        let loading = match visit.watchdog.fault(&visit.activity) {
            Some(fault) if loading == Loading::Complete => {
                stop_for(&visit, fault, observation).await
            }
            _ => loading,
        };
        let readable = matches!(loading, Loading::Complete | Loading::Partial);
        let acting = async {
            if let (Some(plan), true) = (consent, readable) {
                let seen = consent::handle(&visit, plan, settle, quiet).await;
                if seen.choice_at_ms.is_some() {
                    observation.choice_at_ms = seen.choice_at_ms;
                    observation.cookies_before_choice = seen.cookies_before_choice.clone();
                }
                observation.consent = Some(seen);
            }
            if readable {
                let typed = probe::fill_forms(&visit).await;
                if !typed.is_empty() {
                    settle_after_action(&visit, settle, quiet).await;
                }
                observation.form_values = typed;
            }
        };
        // A renderer that crashes while the banner is looked at or forms are filled would leave those
        // steps waiting for answers that never come.
        let crashed_meanwhile = tokio::select! {
            _ = acting => false,
            _ = visit.watchdog.renderer_crash() => true,
        };
        let loading = if crashed_meanwhile {
            stop_for(&visit, Fault::RendererCrashed, observation).await
        } else {
            loading
        };
        // A lost renderer answers nothing that needs it, and a failed page has nothing of its own to
        // read; the collectors that need only the browser (network, cookies) still get their say.
        let renderer_needed = matches!(loading, Loading::Complete | Loading::Partial);
        let patience = if !renderer_needed || visit.watchdog.renderer_crashed() {
            Duration::from_secs(2)
        } else {
            Duration::from_secs(10)
        };
        for c in collectors.iter_mut() {
            let result = tokio::time::timeout(patience, c.collect(&visit, observation)).await;
            if observation.error.is_none() {
                match result {
                    Ok(Err(e)) => observation.error = Some(format!("could not read the page: {e}")),
                    Err(_) => {
                        observation.error =
                            Some("could not read the page: the renderer stopped answering".into())
                    }
                    Ok(Ok(())) => {}
                }
            }
        }
        chromium.router.forget(&session);
        popups.task.abort();
        observation.popups =
            std::mem::take(&mut *popups.seen.lock().unwrap_or_else(|p| p.into_inner()));
        if let Some(Fault::RendererCrashed) = visit.watchdog.fault(&visit.activity) {
            observation.renderer_crashed = true;
        }
        if loading == Loading::Failed {
            // What is on screen now is Chromium's own error page, not the site's.
            observation.title = None;
            observation.text = None;
            observation.html = None;
            observation.links.clear();
        }
        fill_document_status(observation);
        let _ = tokio::time::timeout(Duration::from_secs(5), visit.page.close()).await;
        Ok(())
    }

    /// Ends the session, disposing of its cookies and storage.
    pub async fn close(self) {
        let _ = tokio::time::timeout(
            Duration::from_secs(10),
            self.chromium.browser.dispose_browser_context(self.context),
        )
        .await;
    }
}

/// Windows the visited page opened, watched for the length of a visit.
struct PopupWatch {
    seen: Arc<std::sync::Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

/// Most pop-ups recorded per visit; a page that opens them in a loop is not listed further.
const MAX_POPUPS: usize = 50;

/// Records every window the page tries to open (`window.open`, `target=_blank` clicks by scripts).
/// Chromium's pop-up blocker, on as in a visitor's browser, refuses those not opened by a click, so they
/// never load; one that gets through anyway is closed as soon as it appears, so it cannot run on
/// unobserved, out of the visit's evidence.
async fn watch_popups(
    chromium: &Chromium,
    page: &chromiumoxide::Page,
) -> Result<PopupWatch, BrowserError> {
    use chromiumoxide::cdp::browser_protocol::page::EventWindowOpen;
    use chromiumoxide::cdp::browser_protocol::target::{CloseTargetParams, EventTargetCreated};
    let opener = page.target_id().clone();
    let mut created = chromium
        .browser
        .event_listener::<EventTargetCreated>()
        .await?;
    let mut asked = page.event_listener::<EventWindowOpen>().await?;
    let seen: Arc<std::sync::Mutex<Vec<String>>> = Default::default();
    let record = Arc::clone(&seen);
    // The Target domain answers on the page's own session too; the browser handle cannot be shared.
    let closer = page.clone();
    let task = tokio::spawn(async move {
        loop {
            tokio::select! {
                Some(event) = asked.next() => {
                    let mut seen = record.lock().unwrap_or_else(|p| p.into_inner());
                    if seen.len() < MAX_POPUPS {
                        seen.push(event.url.clone());
                    }
                }
                Some(event) = created.next() => {
                    let info = &event.target_info;
                    if info.opener_id.as_ref() != Some(&opener) {
                        continue;
                    }
                    if let Err(e) = closer
                        .execute(CloseTargetParams::new(info.target_id.clone()))
                        .await
                    {
                        tracing::warn!(url = %info.url, "could not close a pop-up window: {e}");
                    }
                }
                else => break,
            }
        }
    });
    Ok(PopupWatch { seen, task })
}

/// Navigates and waits for the load event; records why the visit failed when it did.
async fn navigate(
    visit: &VisitContext,
    url: &str,
    observation: &mut Observation,
    timeout: Duration,
) -> Loading {
    let listeners = futures::future::try_join(
        visit.page.event_listener::<EventLoadEventFired>(),
        visit.page.event_listener::<EventDomContentEventFired>(),
    )
    .await;
    let (mut load_events, mut dom_ready_events) = match listeners {
        Ok(l) => l,
        Err(e) => {
            observation.error = Some(format!("browser error: {e}"));
            return Loading::Failed;
        }
    };
    // Page.navigate answers once the navigation commits or fails; a failed navigation still fires
    // `load` for Chromium's error page, so the answer decides, not the event.
    let navigation = visit.page.execute(NavigateParams::new(url));
    let deadline = tokio::time::sleep(timeout);
    let mut watch = tokio::time::interval(Duration::from_millis(100));
    tokio::pin!(navigation, deadline);
    let (mut answer, mut dom_ready, mut loaded, mut fault) = (None, false, false, None);
    while answer.is_none() || !loaded {
        tokio::select! {
            a = &mut navigation, if answer.is_none() => answer = Some(a),
            _ = dom_ready_events.next(), if !dom_ready => dom_ready = true,
            _ = load_events.next(), if !loaded => loaded = true,
            _ = watch.tick() => {
                fault = visit.watchdog.fault(&visit.activity);
                if fault.is_some() {
                    break;
                }
            }
            _ = &mut deadline => break,
        }
    }
    if let Some(fault) = fault {
        return stop_for(visit, fault, observation).await;
    }
    let committed = match answer {
        Some(Err(e)) => {
            observation.error = Some(format!("browser error: {e}"));
            return Loading::Failed;
        }
        Some(Ok(a)) => {
            if let Some(err) = &a.result.error_text {
                observation.error = Some(explain_net_error(err));
                return Loading::Failed;
            }
            true
        }
        // The driver answers a navigation only once it has loaded; the commit is seen in the events.
        None => visit.watchdog.committed(),
    };
    if loaded {
        return Loading::Complete;
    }
    let seconds = timeout.as_secs();
    if !dom_ready && committed && !renderer_answers(visit).await {
        // The document arrived but its scripts never give the renderer back.
        observation.error = Some(format!(
            "page stopped responding: a script kept the renderer busy for {seconds} s"
        ));
        return Loading::RendererLost;
    }
    if dom_ready || committed {
        // Freeze the page as it is: a body that never ends would otherwise keep arriving while it is read.
        stop_loading(visit).await;
        observation.error = Some(if dom_ready {
            format!(
                "timeout: the page did not finish loading within {seconds} s (what it did until then is kept)"
            )
        } else {
            format!(
                "timeout: the page kept arriving and never finished within {seconds} s (what it did until then is kept)"
            )
        });
        Loading::Partial
    } else {
        // Give up the request, so the tab is free to be read and closed at once.
        stop_loading(visit).await;
        observation.error = Some(format!("timeout: no response within {seconds} s"));
        Loading::Failed
    }
}

/// Ends the loading of a page the watchdog caught, and records why.
async fn stop_for(visit: &VisitContext, fault: Fault, observation: &mut Observation) -> Loading {
    observation.error.get_or_insert(fault.reason());
    match fault {
        Fault::RendererCrashed => Loading::RendererLost,
        Fault::TooLarge(_) => {
            stop_loading(visit).await;
            Loading::Partial
        }
        Fault::NavigationLoop(_) => {
            // Each document of the loop sends the browser on again as soon as its script runs: with the
            // page's scripts switched off the next one cannot, and the loop ends. What the loop sent and
            // set stays in the evidence.
            let no_scripts = visit.page.execute(RawCommand::new(
                "Emulation.setScriptExecutionDisabled",
                serde_json::json!({ "value": true }),
            ));
            let _ = tokio::time::timeout(Duration::from_secs(2), no_scripts).await;
            stop_loading(visit).await;
            Loading::Failed
        }
    }
}

/// `window.stop()` from outside: no more document bytes, no more navigations.
async fn stop_loading(visit: &VisitContext) {
    let stop = visit
        .page
        .execute(RawCommand::new("Page.stopLoading", serde_json::json!({})));
    let _ = tokio::time::timeout(Duration::from_secs(2), stop).await;
}

/// Whether the page's renderer still runs a trivial script within two seconds.
async fn renderer_answers(visit: &VisitContext) -> bool {
    let probe = visit.page.execute(RawCommand::new(
        "Runtime.evaluate",
        serde_json::json!({ "expression": "1", "returnByValue": true }),
    ));
    matches!(
        tokio::time::timeout(Duration::from_secs(2), probe).await,
        Ok(Ok(_))
    )
}

/// After the visit acted on the page (a consent click, typing into a form): the page's reaction may start
/// a moment later, so the quiet period is counted from now.
pub(crate) async fn settle_after_action(visit: &VisitContext, settle: Duration, quiet: Duration) {
    visit.activity.touch(visit.elapsed_ms());
    wait_for_quiet(visit, settle, quiet).await;
}

/// Waits until nothing is in flight and the network has been idle for `quiet`, at most `settle`.
pub(crate) async fn wait_for_quiet(visit: &VisitContext, settle: Duration, quiet: Duration) {
    let until = Instant::now() + settle;
    let quiet = quiet.as_millis() as u64;
    while Instant::now() < until {
        if visit.activity.is_quiet(visit.elapsed_ms(), quiet)
            || visit.watchdog.fault(&visit.activity).is_some()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
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

/// Sets `final_url` and `status` from the top document's request chain.
fn fill_document_status(observation: &mut Observation) {
    let main_frame = observation.frames.first().map(|f| f.id.clone());
    let documents: Vec<_> = observation
        .requests
        .iter()
        .filter(|r| r.resource_type == "Document")
        .filter(|r| main_frame.is_none() || r.frame_id == main_frame)
        .collect();
    if let Some(first) = documents.first() {
        let chain_end = documents
            .iter()
            .rev()
            .find(|r| r.id == first.id)
            .unwrap_or(first);
        observation.status = chain_end.status;
        observation.final_url = Some(chain_end.url.clone());
    }
    if observation.final_url.is_none() {
        observation.final_url = observation.frames.first().map(|f| f.url.clone());
    }
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
