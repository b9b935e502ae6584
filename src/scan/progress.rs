//! Progress of a scan: bars (one per site and mode being crawled, one overall) on a terminal, one plain
//! line per visit otherwise (CI logs, redirected output).

use std::io::IsTerminal;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Site;
use crate::observe::{ConsentMode, Observation};

/// The whole scan's progress.
pub struct Progress {
    bars: Option<(MultiProgress, ProgressBar)>,
}

/// One site crawled in one consent mode.
pub struct JobProgress {
    bar: Option<ProgressBar>,
    label: String,
}

impl Progress {
    /// Bars when standard error is a terminal, log lines when it is not. `jobs` is sites × modes to do.
    pub fn new(jobs: usize) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { bars: None };
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(8));
        let overall = multi.add(ProgressBar::new(jobs as u64));
        overall.set_style(
            ProgressStyle::with_template(
                "{prefix:>12} [{bar:30}] {pos}/{len} site×mode crawls, {elapsed} elapsed {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        overall.set_prefix("scan");
        Progress {
            bars: Some((multi, overall)),
        }
    }

    /// One log line per visit, whatever standard error is (a worker: its jobs are not known ahead).
    pub fn lines() -> Progress {
        Progress { bars: None }
    }

    /// Starts showing one site × mode crawl of at most `max_pages` pages.
    pub fn job(&self, site: &Site, mode: ConsentMode, max_pages: usize) -> JobProgress {
        let label = format!("{} ({})", site.name, mode.as_str());
        let bar = self.bars.as_ref().map(|(multi, overall)| {
            let bar = multi.insert_before(overall, ProgressBar::new(max_pages as u64));
            bar.set_style(
                ProgressStyle::with_template("{prefix:>12} [{bar:30}] {pos}/{len} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            );
            bar.set_prefix(mode.as_str().to_string());
            bar.set_message(site.name.clone());
            bar
        });
        JobProgress { bar, label }
    }

    /// Marks one site × mode crawl as done.
    pub fn job_done(&self, job: JobProgress) {
        if let Some(bar) = job.bar {
            bar.finish_and_clear();
        }
        if let Some((_, overall)) = &self.bars {
            overall.inc(1);
        }
    }

    /// Prints a line above the bars (or plainly).
    pub fn println(&self, line: &str) {
        match &self.bars {
            Some((multi, _)) => {
                let _ = multi.println(line);
            }
            None => eprintln!("{line}"),
        }
    }

    /// Removes the bars.
    pub fn finish(&self) {
        if let Some((multi, overall)) = &self.bars {
            overall.finish_and_clear();
            let _ = multi.clear();
        }
    }
}

impl JobProgress {
    /// Records one visit: the bar moves, or a log line is printed.
    pub fn visit(&self, progress: &Progress, n: usize, observation: &Observation, replayed: bool) {
        if let Some(bar) = &self.bar {
            bar.set_position(n as u64);
            if let Some(e) = &observation.visit.error {
                progress.println(&format!(
                    "{}: {} FAILED: {e}",
                    self.label, observation.visit.url
                ));
            }
            return;
        }
        let what = match (&observation.visit.error, replayed) {
            (_, true) => "already done (resumed)".to_string(),
            (Some(e), _) => format!("FAILED: {e}"),
            (None, _) => format!(
                "{} requests in {} ms",
                observation.requests.len(),
                observation.visit.duration_ms
            ),
        };
        eprintln!("[{}] {n} {}: {what}", self.label, observation.visit.url);
    }
}
