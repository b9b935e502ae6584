// Drives The Markup's Blacklight collector (installed by run.sh into a temporary folder, never into this
// repository) over a list of sites, one after the other as Blacklight runs them, with Debian's Chromium
// sent to the fixture web. Prints one JSON line a site: its URL, wall time, pages browsed and the
// third-party tracker requests Blacklight reported.
//
//   node blacklight.js INSTALL_DIR OUT_DIR ADDR:PORT URL...
'use strict';
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const [installDir, outDir, addr, ...urls] = process.argv.slice(2);
const fromInstall = createRequire(path.join(installDir, 'package.json'));
const { collect } = fromInstall('@themarkup/blacklight-collector');

// A desktop visitor, as pixelaudit visits (Blacklight's default is a phone).
const desktop = {
  userAgent:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  viewport: { width: 1366, height: 900, deviceScaleFactor: 1, isMobile: false, hasTouch: false, isLandscape: true },
};

(async () => {
  for (const [i, url] of urls.entries()) {
    const dir = path.join(outDir, String(i));
    fs.mkdirSync(dir, { recursive: true });
    const started = Date.now();
    let line = { url };
    try {
      const result = await collect(url, {
        outDir: dir,
        emulateDevice: desktop,
        headless: true,
        puppeteerExecutablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        extraChromiumArgs: [
          '--disable-features=TrackingProtection3pcd',
          `--host-resolver-rules=MAP * ${addr}`,
          '--ignore-certificate-errors',
        ],
      });
      const trackers = (result.reports && result.reports.third_party_trackers) || [];
      line = {
        url,
        status: result.status,
        pages: (result.browsing_history || []).length,
        tracker_requests: trackers.map((t) => t.url),
      };
    } catch (e) {
      line = { url, status: 'failed', error: String(e && e.message ? e.message : e), pages: 0, tracker_requests: [] };
    }
    line.wall_ms = Date.now() - started;
    console.log(JSON.stringify(line));
  }
  // Blacklight leaves a 10 s navigation timer running after each page; the work is done.
  process.exit(0);
})();
