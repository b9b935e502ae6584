//! The visitor of a crawl job (a browser context, shared by the tabs of the pages it visits at once) and
//! one page's visit in it: after the host's delay, in a tab of its own, retried once in a new tab when
//! only the tab's renderer died.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::browser::{BrowserError, BrowserPool, Chromium, ConsentPlan, Session};
use crate::observe::{ConsentMode, Observation, Visit};

use super::job::Shared;

/// The visitor of one job: its browser and session, opened at the first visit that is not replayed, and
/// shared by the tabs of the pages visited at once.
pub(super) struct Visitor {
    pub chromium: Arc<Chromium>,
    pub session: Session,
    /// Whether this session has been shown the banner's first page (and clicked, in reject/accept).
    pub consent_done: AtomicBool,
}

/// One page to visit in a visitor's session: where, in which consent mode, under which evidence name, and
/// with which consent work.
pub(super) struct PageVisit<'p> {
    pub url: &'p str,
    pub mode: ConsentMode,
    pub evidence_name: &'p str,
    pub plan: Option<&'p ConsentPlan>,
}

impl PageVisit<'_> {
    /// The visit after the host's delay; a page whose tab's renderer crashed gets one more try in a new
    /// tab of the same visitor.
    pub async fn attempt(
        &self,
        shared: &Shared<'_>,
        pool: &BrowserPool,
        visitor: &Visitor,
    ) -> Observation {
        let observation = self.once(shared, pool, visitor).await;
        if !observation.renderer_crashed {
            return observation;
        }
        let mut again = self.once(shared, pool, visitor).await;
        again.visit.first_attempt_error = observation.visit.error;
        again
    }

    /// The visit after the host's delay.
    pub async fn once(
        &self,
        shared: &Shared<'_>,
        pool: &BrowserPool,
        visitor: &Visitor,
    ) -> Observation {
        let evidence = shared.config.out_dir.join("evidence");
        shared.politeness.wait(self.url).await;
        pool.count_visit();
        visitor
            .session
            .visit(
                self.url,
                self.mode,
                Some((&evidence, self.evidence_name)),
                self.plan,
            )
            .await
    }
}

/// The static sweep's visit: the document over HTTP, read without running it.
pub(super) async fn static_visit(shared: &Shared<'_>, url: &str) -> Observation {
    shared.politeness.wait(url).await;
    crate::sweep::visit(&shared.fetcher, url).await
}

/// The record of a page no visitor session could be opened for.
pub(super) fn no_session(url: &str, mode: ConsentMode, e: &BrowserError) -> Observation {
    failed_visit(
        url,
        mode,
        format!("the browser could not open a new visitor session: {e}"),
    )
}

/// The choice made on the first page holds for every later page of this visitor: a later visit records
/// it as in force from its start, with the cookies set before it on the first page.
pub(super) fn carry_choice(observation: &mut Observation, first: Option<&Observation>) {
    if let Some(first) = first.filter(|f| f.visit.choice_at_ms.is_some()) {
        observation.visit.choice_at_ms = Some(0);
        observation.cookies_before_choice = first.cookies_before_choice.clone();
    }
}

/// The record of a visit that could not be made at all.
pub(super) fn failed_visit(url: &str, mode: ConsentMode, error: String) -> Observation {
    Observation {
        visit: Visit {
            url: url.to_string(),
            mode,
            started_at: crate::now_rfc3339(),
            error: Some(error),
            ..Visit::default()
        },
        ..Observation::default()
    }
}
