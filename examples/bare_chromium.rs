//! The limit a visit is measured against: bare Chromium, no collectors, no banner search, no form filling,
//! navigating each URL in a fresh browser context and waiting for Chromium's own `networkIdle` lifecycle
//! event (no request for 500 ms). Used by `benches/crawl.sh`; prints one line of JSON with the median and
//! 95th-percentile time from navigation to network idle.
//!
//!     cargo run --release --example bare_chromium -- --map-hosts 127.0.0.1:PORT URLS.txt

use std::time::{Duration, Instant};

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::page::{
    EventLifecycleEvent, NavigateParams, SetLifecycleEventsEnabledParams,
};
use chromiumoxide::cdp::browser_protocol::target::{
    CreateBrowserContextParams, CreateTargetParams,
};
use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(at), Some(list)) = (args.iter().position(|a| a == "--map-hosts"), args.last()) else {
        return Err("usage: bare_chromium --map-hosts ADDR URLS.txt".into());
    };
    let addr = &args[at + 1];
    let urls: Vec<String> = std::fs::read_to_string(list)?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let chrome = pixelaudit::browser::find_chrome(None)?;
    let profile = tempfile::tempdir()?;
    let rules = format!("MAP * {addr}");
    let config = BrowserConfig::builder()
        .chrome_executable(chrome)
        .user_data_dir(profile.path())
        .new_headless_mode()
        .no_sandbox()
        .arg("ignore-certificate-errors")
        .arg("disable-gpu")
        .arg(("host-resolver-rules", rules.as_str()))
        .arg(("window-size", "1280,900"))
        .build()?;
    let (browser, mut handler) = Browser::launch(config).await?;
    let events = tokio::spawn(async move { while handler.next().await.is_some() {} });
    let mut times = Vec::new();
    for url in &urls {
        let context = browser
            .create_browser_context(CreateBrowserContextParams::default())
            .await?;
        let target = CreateTargetParams::builder()
            .url("about:blank")
            .browser_context_id(context.clone())
            .build()?;
        let page = browser.new_page(target).await?;
        page.execute(SetLifecycleEventsEnabledParams::new(true))
            .await?;
        let mut lifecycle = page.event_listener::<EventLifecycleEvent>().await?;
        let start = Instant::now();
        let navigated = page.execute(NavigateParams::new(url.clone())).await?;
        let frame = navigated.result.frame_id.clone();
        let loader = navigated.result.loader_id.clone();
        let idle = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(event) = lifecycle.next().await {
                if event.name == "networkIdle"
                    && event.frame_id == frame
                    && loader.as_ref().is_none_or(|l| *l == event.loader_id)
                {
                    return true;
                }
            }
            false
        })
        .await
        .unwrap_or(false);
        if idle {
            times.push(start.elapsed().as_millis() as u64);
        } else {
            eprintln!("{url}: no network idle within 30 s");
        }
        let _ = page.close().await;
        let _ = browser.dispose_browser_context(context).await;
    }
    drop(browser);
    events.abort();
    times.sort_unstable();
    let at = |q: f64| {
        times
            .get(((times.len() as f64 - 1.0) * q).round() as usize)
            .copied()
    };
    println!(
        "{}",
        serde_json::json!({ "pages": times.len(), "median_ms": at(0.5), "p95_ms": at(0.95) })
    );
    Ok(())
}
