//! Collector: local and session storage written during the visit, in every frame.
//!
//! A script added before any page script wraps `Storage.prototype.setItem` and reports each write with
//! its frame's origin through a DevTools binding; at the end the top frame's storage is read as well, to
//! catch writes made by plain property assignment.

use chromiumoxide::cdp::js_protocol::runtime::EventBindingCalled;
use futures::StreamExt;

use super::BrowserError;
use super::collector::{Collector, Recorder, VisitContext};
use super::script::{World, command, evaluate};
use crate::observe::{Observation, StorageItem};

const BINDING: &str = "__pixelauditStorageWrite";
const MAX_VALUE: usize = 2048;

const HOOK: &str = r#"(() => {
  const report = globalThis.__pixelauditStorageWrite;
  if (!report || !globalThis.Storage) return;
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    try {
      const kind = this === globalThis.sessionStorage ? 'session' : 'local';
      report(JSON.stringify({ origin: location.origin, kind, key: String(key), value: String(value).slice(0, 2048) }));
    } catch (e) {}
    return setItem.apply(this, arguments);
  };
})();"#;

const DUMP: &str = r#"(() => {
  const out = [];
  for (const [kind, store] of [['local', globalThis.localStorage], ['session', globalThis.sessionStorage]]) {
    try {
      for (let i = 0; i < store.length && i < 1000; i++) {
        const key = store.key(i);
        out.push({ origin: location.origin, kind, key, value: String(store.getItem(key)).slice(0, 2048) });
      }
    } catch (e) {}
  }
  return out;
})()"#;

/// Records storage writes.
#[derive(Default)]
pub struct StorageCollector {
    writes: Recorder<StorageItem>,
}

impl Collector for StorageCollector {
    async fn attach(&mut self, visit: &VisitContext) -> Result<(), BrowserError> {
        let mut calls = visit.page.event_listener::<EventBindingCalled>().await?;
        self.writes.start(|writes| async move {
            while let Some(call) = calls.next().await {
                if call.name != BINDING {
                    continue;
                }
                if let Ok(mut item) = serde_json::from_str::<StorageItem>(&call.payload) {
                    item.value.truncate(MAX_VALUE);
                    if let Ok(mut w) = writes.lock() {
                        w.push(item);
                    }
                }
            }
        });
        let page = &visit.page;
        command(
            page,
            "Runtime.addBinding",
            serde_json::json!({ "name": BINDING }),
        )
        .await?;
        let hook = serde_json::json!({ "source": HOOK });
        command(page, "Page.addScriptToEvaluateOnNewDocument", hook).await?;
        Ok(())
    }

    async fn collect(
        &mut self,
        visit: &VisitContext,
        observation: &mut Observation,
    ) -> Result<(), BrowserError> {
        let mut items = self.writes.finish();
        if let Some(dumped) =
            evaluate::<Vec<StorageItem>>(&visit.page, World::default(), DUMP).await?
        {
            items.extend(dumped);
        }
        let mut unique: Vec<StorageItem> = Vec::new();
        for item in items {
            if !unique
                .iter()
                .any(|u| u.origin == item.origin && u.kind == item.kind && u.key == item.key)
            {
                unique.push(item);
            }
        }
        observation.storage = unique;
        Ok(())
    }
}
