//! One visitor: a browser context whose cookies and storage carry over from page to page, and the
//! visit of one page in it: a new tab with every collector attached before it navigates, loading and
//! settling, the consent banner and the collectors' actions, then collection. The visit knows the list
//! of collectors, not what any of them collects.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chromiumoxide::cdp::browser_protocol::browser::BrowserContextId;
use chromiumoxide::cdp::browser_protocol::target::{CreateTargetParams, EventTargetCreated};
use chromiumoxide::listeners::EventStream;

use super::collector::{Collector, VisitContext};
use super::consent::{self, ConsentPlan};
use super::content::ContentCollector;
use super::cookies::CookieCollector;
use super::dialogs::DialogCollector;
use super::form_fill::FormFiller;
use super::frames::FrameCollector;
use super::loading::{Loading, fill_document_status, navigate, stop_for, wait_for_quiet};
use super::network::NetworkCollector;
use super::popups::PopupCollector;
use super::screenshot::ScreenshotCollector;
use super::storage::StorageCollector;
use super::watchdog::{Fault, Watchdog};
use super::{BrowserError, Chromium};
use crate::observe::{ConsentMode, Observation, Visit};

/// How long a collector waits for a renderer that has crashed or already failed to answer another one.
const HUNG_PATIENCE: Duration = Duration::from_secs(2);

/// One visitor: a browser context whose cookies and storage carry over from page to page.
pub struct Session {
    pub(super) chromium: Arc<Chromium>,
    pub(super) context: BrowserContextId,
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
            visit: Visit {
                url: url.to_string(),
                mode,
                started_at: crate::now_rfc3339(),
                ..Visit::default()
            },
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
                    .visit
                    .error
                    .get_or_insert(format!("browser error: {e}"));
            }
            Err(_) => {
                observation.visit.error.get_or_insert(format!(
                    "timeout: the visit did not finish within {} s",
                    deadline.as_secs()
                ));
            }
        }
        observation.visit.duration_ms = started.elapsed().as_millis() as u64;
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
        let new_targets = chromium
            .browser
            .event_listener::<EventTargetCreated>()
            .await?;
        let watchdog = Watchdog::attach(&page).await?;
        let visit = VisitContext {
            raw_events: std::sync::Mutex::new(Some(chromium.router.register(&session))),
            page,
            started,
            activity: Default::default(),
            evidence_dir: evidence.map(|(dir, _)| dir.to_path_buf()),
            evidence_name: evidence.map(|(_, n)| n.to_string()).unwrap_or_default(),
            watchdog,
            settle: chromium.options.settle_timeout,
            quiet: chromium.options.quiet_period,
        };
        let mut collectors = Collectors::new(new_targets, &chromium.options.form_values);
        collectors.attach(&visit).await?;
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
                    observation.visit.choice_at_ms = seen.choice_at_ms;
                    observation.cookies_before_choice = seen.cookies_before_choice.clone();
                }
                observation.visit.consent = Some(seen);
            }
            if readable {
                collectors.act(&visit, observation).await;
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
        // A page of 100,000 links takes its content collector seconds to read on a busy machine: the
        // patience is for a renderer that has stopped answering, not for a slow one.
        let patience = if !renderer_needed || visit.watchdog.renderer_crashed() {
            HUNG_PATIENCE
        } else {
            Duration::from_secs(30)
        };
        collectors.collect(&visit, observation, patience).await;
        chromium.router.forget(&session);
        if let Some(Fault::RendererCrashed) = visit.watchdog.fault(&visit.activity) {
            observation.renderer_crashed = true;
        }
        if loading == Loading::Failed {
            // What is on screen now is Chromium's own error page, not the site's.
            observation.visit.title = None;
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

/// Every collector of a visit, in the order they are attached and collected: dialogs first (a dialog
/// blocks the page until answered), the network before anything that reads the page.
struct Collectors {
    dialogs: DialogCollector,
    popups: PopupCollector,
    network: NetworkCollector,
    storage: StorageCollector,
    cookies: CookieCollector,
    frames: FrameCollector,
    content: ContentCollector,
    screenshot: ScreenshotCollector,
    forms: FormFiller,
}

impl Collectors {
    fn new(
        new_targets: EventStream<EventTargetCreated>,
        form_values: &[(String, String)],
    ) -> Collectors {
        Collectors {
            dialogs: DialogCollector::default(),
            popups: PopupCollector::new(new_targets),
            network: NetworkCollector::default(),
            storage: StorageCollector::default(),
            cookies: CookieCollector,
            frames: FrameCollector,
            content: ContentCollector,
            screenshot: ScreenshotCollector,
            forms: FormFiller::new(form_values),
        }
    }

    async fn attach(&mut self, visit: &VisitContext) -> Result<(), BrowserError> {
        self.dialogs.attach(visit).await?;
        self.popups.attach(visit).await?;
        self.network.attach(visit).await?;
        self.storage.attach(visit).await?;
        self.cookies.attach(visit).await?;
        self.frames.attach(visit).await?;
        self.content.attach(visit).await?;
        self.screenshot.attach(visit).await?;
        self.forms.attach(visit).await
    }

    /// The collectors' actions on the settled page (the form filler's typing).
    async fn act(&mut self, visit: &VisitContext, observation: &mut Observation) {
        self.forms.act(visit, observation).await;
    }

    /// Every collector's say, each within `patience`; the first failure is the visit's error. Once one
    /// collector found the renderer not answering, the others get [`HUNG_PATIENCE`]: a hung page should
    /// not cost the full patience nine times.
    async fn collect(
        &mut self,
        visit: &VisitContext,
        observation: &mut Observation,
        patience: Duration,
    ) {
        let mut patience = patience;
        let p = &mut patience;
        collect_one(&mut self.dialogs, visit, observation, p).await;
        collect_one(&mut self.popups, visit, observation, p).await;
        collect_one(&mut self.network, visit, observation, p).await;
        collect_one(&mut self.storage, visit, observation, p).await;
        collect_one(&mut self.cookies, visit, observation, p).await;
        collect_one(&mut self.frames, visit, observation, p).await;
        collect_one(&mut self.content, visit, observation, p).await;
        collect_one(&mut self.screenshot, visit, observation, p).await;
        collect_one(&mut self.forms, visit, observation, p).await;
    }
}

/// One collector's say within `patience`, which a collector that gets no answer in time shortens to
/// [`HUNG_PATIENCE`] for the ones after it.
async fn collect_one(
    collector: &mut impl Collector,
    visit: &VisitContext,
    observation: &mut Observation,
    patience: &mut Duration,
) {
    let result = tokio::time::timeout(*patience, collector.collect(visit, observation)).await;
    if result.is_err() {
        *patience = (*patience).min(HUNG_PATIENCE);
    }
    if observation.visit.error.is_none() {
        match result {
            Ok(Err(e)) => observation.visit.error = Some(format!("could not read the page: {e}")),
            Err(_) => {
                observation.visit.error =
                    Some("could not read the page: the renderer stopped answering".into())
            }
            Ok(Ok(())) => {}
        }
    }
}
