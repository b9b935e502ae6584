//! The command line's grammar: every command, option and its help text (clap). main.rs wires them to
//! the library.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use pixelaudit::observe::ConsentMode;
use pixelaudit::report::Format;
use pixelaudit::rules;

/// Audits websites for tracking of health data: visits pages in headless Chromium, detects trackers
/// with the rule database and reports what each one received.
#[derive(Parser)]
#[command(name = "pixelaudit", version, about, long_about = None)]
pub struct Cli {
    /// The rule folder (holding trackers/). Default: ./rules, else the one shipped with the source.
    #[arg(long, global = true, env = "PIXELAUDIT_RULES")]
    pub rules: Option<PathBuf>,
    #[command(flatten)]
    pub lists: ListArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Standard filter lists and domain owners: the floor under the vendor rules, for trackers they do not know.
#[derive(Args)]
pub struct ListArgs {
    /// An Adblock Plus-syntax filter list to use after the vendor rules (repeatable).
    #[arg(long = "filter-list", value_name = "FILE", global = true)]
    pub filter_lists: Vec<PathBuf>,
    /// Leave out the default lists (EasyPrivacy and EasyList from Debian's webext-ublock-origin-chromium).
    #[arg(long, global = true)]
    pub no_default_lists: bool,
    /// A domain → owner file that names the owners of list-only trackers: DuckDuckGo's Tracker Radar
    /// tds.json or Disconnect's services.json (repeatable; after rules/owners.toml).
    #[arg(long, value_name = "FILE", global = true)]
    pub entities: Vec<PathBuf>,
}

impl ListArgs {
    pub fn choice(&self) -> rules::ListChoice {
        rules::ListChoice {
            filter_lists: self.filter_lists.clone(),
            default_lists: !self.no_default_lists,
            entities: self.entities.clone(),
        }
    }
}

#[derive(Subcommand)]
pub enum Command {
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
    /// A scan spread over many machines: put its jobs into a PostgreSQL queue, or see how far it is.
    #[command(subcommand)]
    Queue(QueueCommand),
    /// Take site × mode jobs from a PostgreSQL queue and crawl them until none is left.
    Worker(WorkerArgs),
}

/// The scan database, from `--db` or `PIXELAUDIT_DB` (which keeps the password off the command line).
#[derive(Args)]
pub struct DbArgs {
    /// The PostgreSQL database, `postgres://user:password@host:5432/pixelaudit`; in PIXELAUDIT_DB it
    /// stays off the command line (the scan's record never keeps the password either way).
    #[arg(
        long,
        env = "PIXELAUDIT_DB",
        value_name = "URL",
        hide_env_values = true
    )]
    pub db: String,
    /// The scan's name in the database.
    #[arg(long, value_name = "NAME")]
    pub scan: String,
}

#[derive(Subcommand)]
pub enum QueueCommand {
    /// Create a scan in the database and enqueue one job per site × consent mode, with these settings.
    Push(Box<QueuePushArgs>),
    /// Queued, leased (by which worker, since when), done and failed jobs, and visits per minute.
    Status {
        #[command(flatten)]
        db: DbArgs,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct QueuePushArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// A CSV site list with `name,url[,sector]` rows.
    #[arg(long)]
    pub sites: PathBuf,
    #[command(flatten)]
    pub common: CommonScanArgs,
}

#[derive(Args)]
pub struct WorkerArgs {
    /// The PostgreSQL database holding the queue.
    #[arg(
        long,
        env = "PIXELAUDIT_DB",
        value_name = "URL",
        hide_env_values = true
    )]
    pub db: String,
    /// Only take jobs of this scan [default: any scan's].
    #[arg(long, value_name = "NAME")]
    pub scan: Option<String>,
    /// Jobs crawled at once, each a visitor of its own (a browser context) in one Chromium.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=32))]
    pub concurrency: u32,
    /// Seconds a lease lasts unrenewed: after a worker dies, its jobs are taken over this much later.
    #[arg(long, value_name = "S", default_value_t = 60, value_parser = clap::value_parser!(u64).range(3..=3600))]
    pub lease_secs: u64,
    /// This worker's name in the queue [default: host name and process id].
    #[arg(long)]
    pub name: Option<String>,
    /// Keep waiting for new jobs when the queue is empty.
    #[arg(long)]
    pub wait: bool,
    /// Where screenshots wait until they are stored in the database [default: a temporary folder].
    #[arg(long, value_name = "DIR")]
    pub work_dir: Option<PathBuf>,
    #[command(flatten)]
    pub browser: BrowserArgs,
}

#[derive(Args)]
pub struct ScanArgs {
    /// Start URLs of the sites to scan (https:// is assumed when missing).
    pub urls: Vec<String>,
    /// A CSV site list with `name,url[,sector]` rows.
    #[arg(long)]
    pub sites: Option<PathBuf>,
    /// Continue the interrupted scan in this folder, with its own settings; finished visits are kept.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["urls", "sites"])]
    pub resume: Option<PathBuf>,
    /// Keep the scan in this PostgreSQL database instead of OUT/scan.sqlite (other machines can join it
    /// with `pixelaudit worker --scan NAME`).
    #[arg(
        long,
        value_name = "URL",
        requires = "scan_name",
        conflicts_with = "resume"
    )]
    pub db: Option<String>,
    /// The scan's name in the --db database.
    #[arg(long = "scan", value_name = "NAME", requires = "db")]
    pub scan_name: Option<String>,
    #[command(flatten)]
    pub common: CommonScanArgs,
}

#[derive(Args)]
pub struct DemoArgs {
    /// The fixture web folder. Default: ./fixtures/web, else the one shipped with the source.
    #[arg(long)]
    pub fixtures: Option<PathBuf>,
    /// The site list to scan from the fixture web.
    #[arg(long)]
    pub sites: Option<PathBuf>,
    #[command(flatten)]
    pub common: CommonScanArgs,
}

#[derive(Args)]
pub struct ReportArgs {
    /// The scan folder (holding scan.sqlite).
    #[arg(required_unless_present = "db")]
    pub dir: Option<PathBuf>,
    /// Render a scan kept in this PostgreSQL database (with --scan and --out).
    #[arg(long, value_name = "URL", requires_all = ["scan", "out"], conflicts_with = "dir")]
    pub db: Option<String>,
    /// The scan's name in the --db database.
    #[arg(long, value_name = "NAME", requires = "db")]
    pub scan: Option<String>,
    /// Where the report of a --db scan is written.
    #[arg(long, short, value_name = "DIR", requires = "db")]
    pub out: Option<PathBuf>,
    /// Re-run detection, classification and assessment with the current rules.
    #[arg(long)]
    pub reassess: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Which Chromium, and where it sends host names.
#[derive(Args)]
pub struct BrowserArgs {
    /// Send every host name to ADDR:PORT (a replay, staging or fixture server).
    #[arg(long, value_name = "ADDR:PORT")]
    pub map_hosts: Option<SocketAddr>,
    /// Accept any TLS certificate (for mapped hosts with self-made certificates).
    #[arg(long)]
    pub insecure: bool,
    /// The Chromium binary. Default: found on the usual paths, or PIXELAUDIT_CHROME.
    #[arg(long)]
    pub chrome: Option<PathBuf>,
}

/// What a scan or a re-rendered report writes.
#[derive(Args)]
pub struct OutputArgs {
    /// Language of report.html and the CSV texts.
    #[arg(long, value_parser = ["nl", "en"], default_value = "nl")]
    pub lang: String,
    /// Formats to write.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "json,html,csv,har"
    )]
    pub format: Vec<Format>,
}

#[derive(Args)]
pub struct CommonScanArgs {
    /// Output folder for report.json, scan.sqlite, evidence/ and manifest.sha256.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Most pages visited per site and consent mode [default: 30; demo: 4].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_pages: Option<u32>,
    /// Most link hops from the start page.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(0..=100))]
    pub depth: u32,
    /// Site × consent-mode crawls at once, each a visitor of its own (a browser context) in one Chromium
    /// [default: 2; demo: 4].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=32))]
    pub concurrency: Option<u32>,
    /// Pages of one site × mode crawl visited at once after the consent choice, each in a tab of the
    /// same visitor; the per-host delay still paces them.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=8))]
    pub tabs: u32,
    /// Least milliseconds between two page visits to one host [default: 500; demo: 0].
    #[arg(long, value_name = "MS")]
    pub delay_ms: Option<u64>,
    /// Visit pages robots.txt disallows (for a regulator with a mandate); the report says so.
    #[arg(long)]
    pub ignore_robots: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Replace Chromium by a fresh one after this many visits.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..))]
    pub restart_after: u32,
    /// Consent modes, each visited as a new visitor: `none` never touches the banner, `reject` and
    /// `accept` click it on the first page and keep that choice for the rest of the site.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "none,reject,accept"
    )]
    pub consent: Vec<ConsentMode>,
    #[command(flatten)]
    pub browser: BrowserArgs,
    /// Seconds to wait for a page's document and load event.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub page_timeout: u64,
    /// Seconds one site may take per consent mode; the pages left are recorded as not visited.
    #[arg(long, value_name = "S", default_value_t = 900, value_parser = clap::value_parser!(u64).range(10..=86_400))]
    pub site_budget: u64,
    /// The static sweep: fetch each page over HTTP and read its HTML without running it (no browser, one
    /// visit per page as a new visitor). It reports the trackers the HTML names and their tag ids and
    /// classifies the pages; what only a browser shows (what was sent, the banner) is not assessed.
    #[arg(long = "static")]
    pub static_sweep: bool,
    /// After the static sweep, visit in the browser (in the --consent modes) only the sites whose HTML
    /// names a tracker on a medical page or any advertising or social vendor; the sweep's own report is
    /// kept in OUT/static/, and the report says which sites were escalated and why.
    #[arg(long, requires = "static_sweep")]
    pub then_browser: bool,
}

#[derive(Args)]
pub struct ClassifyArgs {
    /// The page's URL (its words count as evidence; fetched when no file is given).
    #[arg(long)]
    pub url: String,
    /// Classify this HTML file instead of fetching the URL.
    #[arg(long, conflicts_with = "text")]
    pub html: Option<PathBuf>,
    /// Classify this plain-text file (as the page's body) instead of fetching the URL.
    #[arg(long)]
    pub text: Option<PathBuf>,
    /// Print the full decision as JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub browser: BrowserArgs,
}

#[derive(Subcommand)]
pub enum RulesCommand {
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
    /// Read a page's HTML or a script (FILE, or standard input) and print the vendor tag ids in it, as
    /// the static sweep finds them: vendor, tag rule, id, a tab between.
    TagIds {
        /// A file of HTML or script text; standard input when left out.
        file: Option<PathBuf>,
    },
    /// Show which rule or filter list matches a URL, and why; with --file, one TSV line per URL.
    Explain {
        /// The request URL to explain.
        #[arg(required_unless_present = "file", conflicts_with = "file")]
        url: Option<String>,
        /// Read `URL[<TAB>PAGE_URL[<TAB>TYPE]]` lines (`-` for standard input) and print, in the same
        /// order, `url, source, vendor, rule, category, list, filter` as TSV; source is rules, list or none.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum FixturesCommand {
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
