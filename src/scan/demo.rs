//! `pixelaudit demo`: the bundled fixture web served on loopback, and the output folder made ready for
//! it. The scan itself is an ordinary scan with every host name mapped onto the fixture server.

use std::path::Path;

use crate::fixtures::FixtureServer;

/// The request log the demo's fixture web writes into its output folder; it also marks a folder as a
/// demo's, which a later demo may replace.
pub const REQUEST_LOG: &str = "fixture-requests.jsonl";

/// Makes `out` ready for a demo: a folder holding an earlier demo is replaced, so the Quick start can be
/// run again; any other folder with a scan in it is left alone, and the scan store refuses it.
pub fn prepare_folder(out: &Path) -> anyhow::Result<()> {
    use anyhow::Context;
    if out.join(REQUEST_LOG).is_file() && out.join(crate::store::FILE_NAME).is_file() {
        eprintln!("replacing the earlier demo output in {}", out.display());
        std::fs::remove_dir_all(out)
            .with_context(|| format!("cannot remove the earlier demo output {}", out.display()))?;
    }
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create the output folder {}", out.display()))
}

/// Serves the fixture web in `web` on a free loopback port, logging every request into `out`.
pub async fn start_fixture_web(web: &Path, out: &Path) -> anyhow::Result<FixtureServer> {
    use anyhow::Context;
    let server = FixtureServer::start(web, "127.0.0.1:0".parse()?, Some(&out.join(REQUEST_LOG)))
        .await
        .with_context(|| format!("cannot start the fixture web from {}", web.display()))?;
    eprintln!(
        "fixture web on https://{} (every host name mapped there)",
        server.addr()
    );
    Ok(server)
}
