//! The `pixelaudit` command line: wiring only; the work is in the library.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;

mod cli;
use cli::*;

use pixelaudit::browser::BrowserOptions;
use pixelaudit::classify;
use pixelaudit::crawl::{self, Site};
use pixelaudit::fixtures::FixtureServer;
use pixelaudit::observe::{ConsentMode, Engine};
use pixelaudit::report::Format;
use pixelaudit::results::Report;
use pixelaudit::rules::{self, Rules};
use pixelaudit::scan::{self, ScanConfig};

/// Exit code: the scan finished but some pages failed.
const EXIT_FAILED_PAGES: u8 = 1;
/// Exit code: bad usage or bad input.
const EXIT_BAD_INPUT: u8 = 2;
/// Exit code: the scan stopped before its end (the disk filled up); `scan --resume` continues it.
const EXIT_STOPPED: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A worker runs unattended: its log says when it reconnects, takes a job over or loses one.
    let default_log = match cli.command {
        Command::Worker(_) => "warn,pixelaudit=info,chromiumoxide=off",
        _ => "error,chromiumoxide=off",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PIXELAUDIT_LOG")
                .unwrap_or_else(|_| default_log.into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            match e.downcast_ref::<scan::ScanError>() {
                Some(scan::ScanError::DiskFull(_)) => ExitCode::from(EXIT_STOPPED),
                _ => ExitCode::from(EXIT_BAD_INPUT),
            }
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let rules_dir = cli.rules.clone().unwrap_or_else(|| shipped("rules"));
    match cli.command {
        Command::Rules(cmd) => rules_command(cmd, &rules_dir, &cli.lists),
        Command::Classify(args) => classify_command(args, &rules_dir, &cli.lists).await,
        Command::Scan(args) => {
            let rules = load_rules(&rules_dir, &cli.lists)?;
            if let Some(dir) = &args.resume {
                let map_hosts = args.common.browser.map_hosts.map(|a| a.to_string());
                let report = scan::resume(dir, map_hosts, command_line(), &rules).await?;
                return finish(report, dir);
            }
            let mut sites = Vec::new();
            for url in &args.urls {
                sites.push(crawl::site_from_url(url)?);
            }
            let mut skipped = 0;
            if let Some(list) = &args.sites {
                let (listed, bad_rows) = read_sites(list)?;
                sites.extend(listed);
                skipped = bad_rows;
            }
            if sites.is_empty() {
                anyhow::bail!("nothing to scan: give one or more URLs, or --sites FILE.csv");
            }
            let out = args
                .common
                .out
                .clone()
                .unwrap_or_else(|| PathBuf::from("reports/scan"));
            let config = scan_config(&args.common, sites, out, None, 30, 500)?;
            let report = match (&args.db, &args.scan_name) {
                (Some(db), Some(name)) => scan::scan_in_database(db, name, &config, &rules).await?,
                _ => run_scan(&config, &rules, &args.common).await?,
            };
            let code = finish(report, &config.out_dir)?;
            Ok(with_skipped_rows(code, skipped, args.sites.as_deref()))
        }
        Command::Report(args) => {
            let rules = load_rules(&rules_dir, &cli.lists)?;
            let formats = distinct(&args.output.format);
            if let (Some(db), Some(name), Some(out)) = (&args.db, &args.scan, &args.out) {
                let report = scan::render_from_database(
                    db,
                    name,
                    out,
                    &rules,
                    args.reassess,
                    &formats,
                    &args.output.lang,
                )?;
                return finish(report, out);
            }
            let Some(dir) = &args.dir else {
                anyhow::bail!("report: give the scan folder, or --db URL --scan NAME --out DIR");
            };
            let report = scan::rerender(dir, &rules, args.reassess, &formats, &args.output.lang)?;
            finish(report, dir)
        }
        Command::Queue(QueueCommand::Push(args)) => {
            let (sites, skipped) = read_sites(&args.sites)?;
            if sites.is_empty() {
                anyhow::bail!("{}: no site to queue", args.sites.display());
            }
            let out = args
                .common
                .out
                .clone()
                .unwrap_or_else(|| PathBuf::from("reports").join(&args.db.scan));
            let config = scan_config(&args.common, sites, out, None, 30, 500)?;
            let jobs = scan::push(&args.db.db, &args.db.scan, &config)?;
            println!(
                "queued {jobs} jobs ({} sites × {} modes) as scan {:?} in {}; start workers with: pixelaudit worker --db URL",
                config.sites.len(),
                config.modes.len(),
                args.db.scan,
                pixelaudit::store::postgres::redact(&args.db.db)
            );
            Ok(with_skipped_rows(
                ExitCode::SUCCESS,
                skipped,
                Some(&args.sites),
            ))
        }
        Command::Queue(QueueCommand::Status { db, json }) => {
            let store = pixelaudit::store::Store::open_in_database(&db.db, &db.scan)?;
            let status = store
                .database()
                .map(|pg| pg.queue_status())
                .transpose()?
                .unwrap_or_default();
            if json {
                println!("{}", serde_json::to_string_pretty(&status)?);
            } else {
                let target = store.database().map(|pg| pg.target().to_string());
                print!(
                    "{}",
                    describe_queue(&db.scan, &target.unwrap_or_default(), &status)
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Worker(args) => {
            let rules = load_rules(&rules_dir, &cli.lists)?;
            let scratch = tempfile::Builder::new()
                .prefix("pixelaudit-worker-")
                .tempdir()?;
            let options = scan::worker::WorkerOptions {
                db: args.db.clone(),
                scan: args.scan.clone(),
                name: args
                    .name
                    .clone()
                    .unwrap_or_else(scan::worker::default_worker_name),
                concurrency: args.concurrency as usize,
                lease_for: Duration::from_secs(args.lease_secs),
                work_dir: args
                    .work_dir
                    .clone()
                    .unwrap_or_else(|| scratch.path().to_path_buf()),
                chrome: args.browser.chrome.clone(),
                map_hosts: args.browser.map_hosts.map(|a| a.to_string()),
                wait: args.wait,
                command_line: command_line(),
            };
            let done = scan::worker::work(&options, &rules).await?;
            println!(
                "worker {}: {} jobs done, {} taken over from stopped workers, {} lost to others",
                options.name, done.jobs_done, done.taken_over, done.lost
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(args) => {
            let rules = load_rules(&rules_dir, &cli.lists)?;
            let web = args
                .fixtures
                .clone()
                .unwrap_or_else(|| shipped("fixtures/web"));
            let list = args
                .sites
                .clone()
                .unwrap_or_else(|| shipped("fixtures/sectors/nl-insurers.csv"));
            let (sites, skipped) = read_sites(&list)?;
            let out = args
                .common
                .out
                .clone()
                .unwrap_or_else(|| PathBuf::from("reports/demo"));
            scan::demo::prepare_folder(&out)?;
            let server = scan::demo::start_fixture_web(&web, &out).await?;
            // The fixture web is our own server on loopback: no politeness delay needed.
            let mut config = scan_config(&args.common, sites, out, Some(server.addr()), 4, 0)?;
            config.browser.insecure = true;
            let code = finish(
                run_scan(&config, &rules, &args.common).await?,
                &config.out_dir,
            )?;
            Ok(with_skipped_rows(code, skipped, Some(&list)))
        }
        Command::Fixtures(FixturesCommand::Serve {
            addr,
            fixtures,
            log,
        }) => {
            let web = fixtures.unwrap_or_else(|| shipped("fixtures/web"));
            let server = FixtureServer::start(&web, addr, log.as_deref())
                .await
                .with_context(|| format!("cannot start the fixture web from {}", web.display()))?;
            println!(
                "fixture web on https://{} serving {} hosts from {}",
                server.addr(),
                pixelaudit::fixtures::host_names(&web)?.len(),
                web.display()
            );
            println!(
                "point Chromium at it with --host-resolver-rules=\"MAP * {}\" --ignore-certificate-errors; Ctrl-C stops",
                server.addr()
            );
            tokio::signal::ctrl_c().await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A path below the working folder when it exists there, else below the source tree this binary was built from.
fn shipped(relative: &str) -> PathBuf {
    let here = PathBuf::from(relative);
    if here.exists() {
        here
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
    }
}

fn load_rules(dir: &Path, lists: &ListArgs) -> anyhow::Result<Rules> {
    let mut rules = Rules::load(dir).map_err(|e| {
        anyhow::anyhow!("{e}\nFix the rule files, then run `pixelaudit rules check`.")
    })?;
    if let Some(warning) = rules.add_lists(&lists.choice())? {
        eprintln!("warning: {warning}");
    }
    Ok(rules)
}

/// Reads a site list; bad rows are reported (`file:line: message`) and skipped, and counted so the scan
/// of the good rows still ends with exit code 2.
fn read_sites(path: &Path) -> anyhow::Result<(Vec<Site>, usize)> {
    let (sites, problems) = crawl::read_site_list(path)?;
    for p in &problems {
        eprintln!("warning: {p} (row skipped)");
    }
    if sites.is_empty() {
        anyhow::bail!(
            "{}: no usable rows (expected name,url[,sector])",
            path.display()
        );
    }
    Ok((sites, problems.len()))
}

/// The exit code of a scan of a site list with `skipped` bad rows: the good rows were scanned, but the
/// input had mistakes, which a script running pixelaudit must notice.
fn with_skipped_rows(code: ExitCode, skipped: usize, list: Option<&Path>) -> ExitCode {
    match (skipped, list) {
        (0, _) | (_, None) => code,
        (n, Some(list)) => {
            eprintln!(
                "warning: {n} row(s) of {} were skipped (messages above); exit code 2",
                list.display()
            );
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

fn scan_config(
    common: &CommonScanArgs,
    sites: Vec<Site>,
    out_dir: PathBuf,
    fixture: Option<SocketAddr>,
    default_max_pages: u32,
    default_delay_ms: u64,
) -> anyhow::Result<ScanConfig> {
    let mut modes = Vec::new();
    for &mode in &common.consent {
        if !modes.contains(&mode) {
            modes.push(mode);
        }
    }
    // With --then-browser these are the browser half's settings; the sweep derives its own.
    let engine = if common.static_sweep && !common.then_browser {
        // Reading HTML clicks no banner: every page is seen as a new visitor's.
        modes = vec![ConsentMode::None];
        Engine::Static
    } else {
        Engine::Browser
    };
    let map_hosts = fixture.or(common.browser.map_hosts).map(|a| a.to_string());
    if modes.is_empty() {
        anyhow::bail!("--consent: give at least one mode (none, reject, accept)");
    }
    let formats = distinct(&common.output.format);
    Ok(ScanConfig {
        sites,
        out_dir,
        max_pages: common.max_pages.unwrap_or(default_max_pages) as usize,
        max_depth: common.depth as usize,
        modes,
        concurrency: common
            .concurrency
            .unwrap_or(if fixture.is_some() { 4 } else { 2 }) as usize,
        tabs: common.tabs as usize,
        host_delay: Duration::from_millis(common.delay_ms.unwrap_or(default_delay_ms)),
        ignore_robots: common.ignore_robots,
        restart_after: common.restart_after as usize,
        browser: BrowserOptions {
            chrome: common.browser.chrome.clone(),
            map_hosts,
            insecure: common.browser.insecure,
            navigation_timeout: Duration::from_secs(common.page_timeout),
            ..BrowserOptions::default()
        },
        command_line: command_line(),
        formats,
        lang: common.output.lang.clone(),
        site_budget: Duration::from_secs(common.site_budget),
        engine,
        handoff: None,
        then_browser: None,
    })
}

/// A new scan: in the browser, as a static sweep, or a sweep handed on to the browser.
async fn run_scan(
    config: &ScanConfig,
    rules: &Rules,
    common: &CommonScanArgs,
) -> Result<Report, scan::ScanError> {
    if common.then_browser {
        scan::sweep_then_browse(config, rules).await
    } else {
        scan::scan(config, rules).await
    }
}

/// The formats asked for, each once, in the order given.
fn distinct(formats: &[Format]) -> Vec<Format> {
    let mut out = Vec::new();
    for &f in formats {
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

fn command_line() -> String {
    std::env::args()
        // A database URL's password never goes into the scan's record.
        .map(|a| {
            if a.starts_with("postgres://") || a.starts_with("postgresql://") {
                pixelaudit::store::postgres::redact(&a)
            } else {
                a
            }
        })
        .map(|a| {
            if a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@".contains(c))
            {
                a
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn rules_command(cmd: RulesCommand, dir: &Path, lists: &ListArgs) -> anyhow::Result<ExitCode> {
    let mut all = match Rules::load(dir) {
        Ok(all) => all,
        Err(errors) => {
            for e in &errors.0 {
                eprintln!("{e}");
            }
            eprintln!("{} problem(s) found", errors.0.len());
            return Ok(ExitCode::from(EXIT_BAD_INPUT));
        }
    };
    match cmd {
        RulesCommand::Check => println!("ok: {}", all.summary()),
        RulesCommand::List { consent: false } => {
            for (vendor, line) in rules::list(&all.trackers) {
                println!("{vendor:<20} {line}");
            }
        }
        RulesCommand::List { consent: true } => {
            for tool in &all.consent.tools {
                println!("{}", tool.describe());
            }
        }
        RulesCommand::Controls { file } => {
            let text = match &file {
                Some(path) => std::fs::read_to_string(path).with_context(|| {
                    format!("cannot read the control texts in {}", path.display())
                })?,
                None => std::io::read_to_string(std::io::stdin())
                    .context("cannot read the control texts from standard input")?,
            };
            for line in text.lines() {
                println!("{}\t{line}", all.consent.reader.role(line).as_str());
            }
        }
        RulesCommand::TagIds { file } => {
            let text = match &file {
                Some(path) => std::fs::read(path)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .with_context(|| format!("cannot read {}", path.display()))?,
                None => std::io::read_to_string(std::io::stdin())
                    .context("cannot read the text from standard input")?,
            };
            for found in all.trackers.tag_ids(&text) {
                println!("{}\t{}\t{}", found.vendor.vendor, found.rule.id, found.id);
            }
        }
        RulesCommand::Explain { url, file } => {
            if let Some(warning) = all.add_lists(&lists.choice())? {
                eprintln!("warning: {warning}");
            }
            match (url, file) {
                (Some(url), _) => {
                    let written = writeln!(std::io::stdout(), "{}", all.trackers.explain(&url));
                    ended_by_reader(written).context("cannot write to standard output")?
                }
                (None, Some(file)) => {
                    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
                    let read = |e| anyhow::anyhow!("cannot read {}: {e}", file.display());
                    let explained = if file == Path::new("-") {
                        rules::explain_lines(&all.trackers, std::io::stdin().lock(), stdout)
                    } else {
                        let input = std::fs::File::open(&file).map_err(read)?;
                        rules::explain_lines(&all.trackers, std::io::BufReader::new(input), stdout)
                    };
                    ended_by_reader(explained).map_err(read)?
                }
                (None, None) => unreachable!("clap requires a URL or --file"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A reader that stopped reading (`| head`) ends the output, not the command with an error.
fn ended_by_reader(written: std::io::Result<()>) -> std::io::Result<()> {
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

async fn classify_command(
    args: ClassifyArgs,
    rules_dir: &Path,
    lists: &ListArgs,
) -> anyhow::Result<ExitCode> {
    let rules = load_rules(rules_dir, lists)?;
    let site = crawl::site_from_url(&args.url)?;
    let decision = if let Some(file) = &args.html {
        let html =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        classify::classify_html(&rules.medical, &site.url, &String::from_utf8_lossy(&html))
    } else if let Some(file) = &args.text {
        let text =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let page = classify::PageText {
            url: classify::text::url_words(&site.url),
            body: String::from_utf8_lossy(&text).into_owned(),
            ..Default::default()
        };
        classify::classify(&rules.medical, &site.url, &page)
    } else {
        let options = BrowserOptions {
            chrome: args.browser.chrome.clone(),
            map_hosts: args.browser.map_hosts.map(|a| a.to_string()),
            insecure: args.browser.insecure,
            ..BrowserOptions::default()
        };
        let html = scan::rendered_html(&site.url, options)
            .await
            .map_err(|e| anyhow::anyhow!("could not fetch {}: {e}", site.url))?;
        classify::classify_html(&rules.medical, &site.url, &html)
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&decision)?);
    } else {
        print!("{}", decision.describe());
    }
    Ok(ExitCode::SUCCESS)
}

/// `queue status` as text.
fn describe_queue(
    scan: &str,
    location: &str,
    status: &pixelaudit::store::postgres::QueueStatus,
) -> String {
    use std::fmt::Write;
    let mut out = format!(
        "scan {scan:?} in {location}\n  {} queued, {} leased, {} with an expired lease (to be taken over), {} done, {} failed\n  {} visits stored, {:.1} visits a minute over the last 10 minutes\n",
        status.queued,
        status.leased.len(),
        status.expired,
        status.done,
        status.failed.len(),
        status.visits,
        status.visits_per_minute
    );
    if !status.leased.is_empty() {
        out.push_str("leased:\n");
        for l in &status.leased {
            let _ = writeln!(
                out,
                "  {} ({}) by {} since {} (attempt {})",
                l.site, l.mode, l.worker, l.since, l.attempts
            );
        }
    }
    if !status.failed.is_empty() {
        out.push_str("failed:\n");
        for f in &status.failed {
            let _ = writeln!(out, "  {} ({}): {}", f.site, f.mode, f.error);
        }
    }
    out
}

/// Prints the summary and where the report is, and picks the exit code.
fn finish(report: Report, out: &Path) -> anyhow::Result<ExitCode> {
    print!("{}", pixelaudit::report::summary::render(&report));
    for name in ["report.html", "report.json"] {
        if out.join(name).is_file() {
            println!("report: {}", out.join(name).display());
        }
    }
    Ok(if report.failed_pages() > 0 {
        ExitCode::from(EXIT_FAILED_PAGES)
    } else {
        ExitCode::SUCCESS
    })
}
