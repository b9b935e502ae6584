//! Loading a page and waiting for it: navigation with its deadline, what the watchdog's faults end,
//! waiting for the network to fall quiet, and the document's final URL and status.

use std::time::{Duration, Instant};

use chromiumoxide::cdp::browser_protocol::page::{
    EventDomContentEventFired, EventLoadEventFired, NavigateParams,
};
use futures::StreamExt;

use super::collector::VisitContext;
use super::explain_net_error;
use super::script::command;
use super::watchdog::Fault;
use crate::observe::Observation;

/// How far a navigation got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Loading {
    /// The load event fired.
    Complete,
    /// The document arrived but the load event did not fire in time.
    Partial,
    /// Nothing usable arrived.
    Failed,
    /// The renderer crashed or stopped answering: the network evidence stands, the page cannot be read.
    RendererLost,
}

/// Navigates and waits for the load event; records why the visit failed when it did.
pub(super) async fn navigate(
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
            observation.visit.error = Some(format!("browser error: {e}"));
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
            observation.visit.error = Some(format!("browser error: {e}"));
            return Loading::Failed;
        }
        Some(Ok(a)) => {
            if let Some(err) = &a.result.error_text {
                observation.visit.error = Some(explain_net_error(err));
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
        observation.visit.error = Some(format!(
            "page stopped responding: a script kept the renderer busy for {seconds} s"
        ));
        return Loading::RendererLost;
    }
    if dom_ready || committed {
        // Freeze the page as it is: a body that never ends would otherwise keep arriving while it is read.
        stop_loading(visit).await;
        observation.visit.error = Some(if dom_ready {
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
        observation.visit.error = Some(format!("timeout: no response within {seconds} s"));
        Loading::Failed
    }
}

/// Ends the loading of a page the watchdog caught, and records why.
pub(super) async fn stop_for(
    visit: &VisitContext,
    fault: Fault,
    observation: &mut Observation,
) -> Loading {
    observation.visit.error.get_or_insert(fault.reason());
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
            let no_scripts = command(
                &visit.page,
                "Emulation.setScriptExecutionDisabled",
                serde_json::json!({ "value": true }),
            );
            let _ = tokio::time::timeout(Duration::from_secs(2), no_scripts).await;
            stop_loading(visit).await;
            Loading::Failed
        }
    }
}

/// `window.stop()` from outside: no more document bytes, no more navigations.
async fn stop_loading(visit: &VisitContext) {
    let stop = command(&visit.page, "Page.stopLoading", serde_json::json!({}));
    let _ = tokio::time::timeout(Duration::from_secs(2), stop).await;
}

/// Whether the page's renderer still runs a trivial script within two seconds.
async fn renderer_answers(visit: &VisitContext) -> bool {
    let probe = command(
        &visit.page,
        "Runtime.evaluate",
        serde_json::json!({ "expression": "1", "returnByValue": true }),
    );
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

/// Sets `final_url` and `status` from the top document's request chain.
pub(super) fn fill_document_status(observation: &mut Observation) {
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
        observation.visit.status = chain_end.status;
        observation.visit.final_url = Some(chain_end.url.clone());
    }
    if observation.visit.final_url.is_none() {
        observation.visit.final_url = observation.frames.first().map(|f| f.url.clone());
    }
}
