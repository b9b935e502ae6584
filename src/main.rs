//! The `pixelaudit` command line: wiring only; the work is in the library.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use pixelaudit::browser::BrowserOptions;
use pixelaudit::classify;
use pixelaudit::crawl::{self, Site};
use pixelaudit::fixtures::FixtureServer;
use pixelaudit::observe::ConsentMode;
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

/// Audits websites for tracking of health data: visits pages in headless Chromium, detects trackers
/// with the rule database and reports what each one received.
#[derive(Parser)]
#[command(name = "pixelaudit", version, about, long_about = None)]
struct Cli {
    /// The rule folder (holding trackers/). Default: ./rules, else the one shipped with the source.
    #[arg(long, global = true, env = "PIXELAUDIT_RULES")]
    rules: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan one or more sites: `pixelaudit scan https://www.example.nl --out reports/example`.
    Scan(ScanArgs),
    /// Scan the bundled fixture web offline (40 health insurers) and write reports/demo/.
    Demo(DemoArgs),
    /// Re-render the report of a scan folder from its scan.sqlite; `--reassess` re-runs detection,
    /// classification and assessment on the stored visits with the current rules.
    Report(ReportArgs),
    /// Is a page medical? Classify a URL (fetched in Chromium) or an HTML or text file offline.
    Classify(ClassifyArgs),
    /// Check, list or explain the tracker rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Run the fixture web by hand.
    #[command(subcommand)]
    Fixtures(FixturesCommand),
}

#[derive(Args)]
struct ScanArgs {
    /// Start URLs of the sites to scan (https:// is assumed when missing).
    urls: Vec<String>,
    /// A CSV site list with `name,url[,sector]` rows.
    #[arg(long)]
    sites: Option<PathBuf>,
    /// Continue the interrupted scan in this folder, with its own settings; finished visits are kept.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["urls", "sites"])]
    resume: Option<PathBuf>,
    #[command(flatten)]
    common: CommonScanArgs,
}

#[derive(Args)]
struct DemoArgs {
    /// The fixture web folder. Default: ./fixtures/web, else the one shipped with the source.
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// The site list to scan from the fixture web.
    #[arg(long)]
    sites: Option<PathBuf>,
    #[command(flatten)]
    common: CommonScanArgs,
}

#[derive(Args)]
struct ReportArgs {
    /// The scan folder (holding scan.sqlite).
    dir: PathBuf,
    /// Re-run detection, classification and assessment with the current rules.
    #[arg(long)]
    reassess: bool,
    #[command(flatten)]
    output: OutputArgs,
}

/// Which Chromium, and where it sends host names.
#[derive(Args)]
struct BrowserArgs {
    /// Send every host name to ADDR:PORT (a replay, staging or fixture server).
    #[arg(long, value_name = "ADDR:PORT")]
    map_hosts: Option<SocketAddr>,
    /// Accept any TLS certificate (for mapped hosts with self-made certificates).
    #[arg(long)]
    insecure: bool,
    /// The Chromium binary. Default: found on the usual paths, or PIXELAUDIT_CHROME.
    #[arg(long)]
    chrome: Option<PathBuf>,
}

/// What a scan or a re-rendered report writes.
#[derive(Args)]
struct OutputArgs {
    /// Language of report.html and the CSV texts.
    #[arg(long, value_parser = ["nl", "en"], default_value = "nl")]
    lang: String,
    /// Formats to write.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "json,html,csv,har"
    )]
    format: Vec<Format>,
}

#[derive(Args)]
struct CommonScanArgs {
    /// Output folder for report.json, scan.sqlite, evidence/ and manifest.sha256.
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// Most pages visited per site and consent mode [default: 30; demo: 4].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    max_pages: Option<u32>,
    /// Most link hops from the start page.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(0..=100))]
    depth: u32,
    /// Site × consent-mode crawls at once, each in its own tab of one Chromium [default: 2; demo: 4].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=32))]
    concurrency: Option<u32>,
    /// Least milliseconds between two page visits to one host [default: 500; demo: 0].
    #[arg(long, value_name = "MS")]
    delay_ms: Option<u64>,
    /// Visit pages robots.txt disallows (for a regulator with a mandate); the report says so.
    #[arg(long)]
    ignore_robots: bool,
    #[command(flatten)]
    output: OutputArgs,
    /// Replace Chromium by a fresh one after this many visits.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..))]
    restart_after: u32,
    /// Consent modes, each visited as a new visitor: `none` never touches the banner, `reject` and
    /// `accept` click it on the first page and keep that choice for the rest of the site.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "none,reject,accept"
    )]
    consent: Vec<ConsentMode>,
    #[command(flatten)]
    browser: BrowserArgs,
    /// Seconds to wait for a page's document and load event.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    page_timeout: u64,
    /// Seconds one site may take per consent mode; the pages left are recorded as not visited.
    #[arg(long, value_name = "S", default_value_t = 900, value_parser = clap::value_parser!(u64).range(10..=86_400))]
    site_budget: u64,
}

#[derive(Args)]
struct ClassifyArgs {
    /// The page's URL (its words count as evidence; fetched when no file is given).
    #[arg(long)]
    url: String,
    /// Classify this HTML file instead of fetching the URL.
    #[arg(long, conflicts_with = "text")]
    html: Option<PathBuf>,
    /// Classify this plain-text file (as the page's body) instead of fetching the URL.
    #[arg(long)]
    text: Option<PathBuf>,
    /// Print the full decision as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    browser: BrowserArgs,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Validate every rule file; errors are printed as file:line: message.
    Check,
    /// List vendors with their hosts and rule ids (with --consent: the consent tools).
    List {
        /// List the consent tools instead: id, name, how each is recognised and where its banner lives.
        #[arg(long)]
        consent: bool,
    },
    /// Read consent-control texts, one a line (from FILE, or standard input), and print what each does:
    /// accept, reject, settings, save or other, a tab, and the text.
    Controls {
        /// A file of control texts; standard input when left out.
        file: Option<PathBuf>,
    },
    /// Show which rule matches a URL, and why.
    Explain {
        /// The request URL to explain.
        url: String,
    },
}

#[derive(Subcommand)]
enum FixturesCommand {
    /// Serve the fixture web over HTTPS until interrupted.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8443")]
        addr: SocketAddr,
        /// The fixture web folder.
        #[arg(long)]
        fixtures: Option<PathBuf>,
        /// Append every request received to this file as JSON lines.
        #[arg(long)]
        log: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PIXELAUDIT_LOG")
                .unwrap_or_else(|_| "error,chromiumoxide=off".into()),
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
        Command::Rules(cmd) => rules_command(cmd, &rules_dir),
        Command::Classify(args) => classify_command(args, &rules_dir).await,
        Command::Scan(args) => {
            let rules = load_rules(&rules_dir)?;
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
            let code = finish(scan::scan(&config, &rules).await?, &config.out_dir)?;
            Ok(with_skipped_rows(code, skipped, args.sites.as_deref()))
        }
        Command::Report(args) => {
            let rules = load_rules(&rules_dir)?;
            let formats = distinct(&args.output.format);
            let report = scan::rerender(
                &args.dir,
                &rules,
                args.reassess,
                &formats,
                &args.output.lang,
            )?;
            finish(report, &args.dir)
        }
        Command::Demo(args) => {
            let rules = load_rules(&rules_dir)?;
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
            let code = finish(scan::scan(&config, &rules).await?, &config.out_dir)?;
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

fn load_rules(dir: &Path) -> anyhow::Result<Rules> {
    Rules::load(dir)
        .map_err(|e| anyhow::anyhow!("{e}\nFix the rule files, then run `pixelaudit rules check`."))
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
    })
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

fn rules_command(cmd: RulesCommand, dir: &Path) -> anyhow::Result<ExitCode> {
    let all = match Rules::load(dir) {
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
        RulesCommand::Explain { url } => println!("{}", all.trackers.explain(&url)),
    }
    Ok(ExitCode::SUCCESS)
}

async fn classify_command(args: ClassifyArgs, rules_dir: &Path) -> anyhow::Result<ExitCode> {
    let rules = load_rules(rules_dir)?;
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
