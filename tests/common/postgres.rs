//! A throwaway PostgreSQL cluster for one test: `initdb` into a temporary folder, `pg_ctl` on a free
//! loopback port (TCP only), stopped when dropped. As root it runs as `nobody`, since PostgreSQL refuses
//! to run as root. The binaries come from Debian's `postgresql` package (`scripts/setup --postgres`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    run_as: Option<String>,
}

/// The folder holding `initdb` and `pg_ctl`: PIXELAUDIT_PG_BIN, else the newest Debian install, else PATH.
fn bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("PIXELAUDIT_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    versions.retain(|b| b.join("initdb").is_file());
    versions.sort_by_key(|b| {
        b.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    versions.pop().unwrap_or_default()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Cluster {
    /// A new, started cluster with user `pixelaudit` (trust authentication on loopback).
    pub fn start() -> Cluster {
        let bin = bin_dir();
        assert!(
            bin.join("initdb").is_file(),
            "PostgreSQL's initdb is missing (looked in {}): run `scripts/setup --postgres`",
            bin.display()
        );
        let dir = tempfile::Builder::new()
            .prefix("pixelaudit-pg-")
            .tempdir()
            .unwrap();
        let run_as = is_root().then(|| "nobody".to_string());
        if run_as.is_some() {
            let status = Command::new("chown")
                .args(["-R", "nobody"])
                .arg(dir.path())
                .status()
                .unwrap();
            assert!(status.success(), "chown the cluster folder to nobody");
        }
        let cluster = Cluster {
            dir,
            bin,
            port: free_port(),
            run_as,
        };
        cluster.run(
            "initdb",
            &[
                "-D",
                &cluster.data().to_string_lossy(),
                "-U",
                "pixelaudit",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        cluster.pg_ctl(&["start"]);
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The database URL.
    pub fn url(&self) -> String {
        format!("postgres://pixelaudit@127.0.0.1:{}/postgres", self.port)
    }

    /// The server's log.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Stops the server (fast shutdown: open connections are cut) and starts it again on the same port.
    pub fn restart(&self) {
        self.pg_ctl(&["restart", "-m", "fast"]);
    }

    fn pg_ctl(&self, action: &[&str]) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -c unix_socket_directories='' -c fsync=off -c max_connections=200",
            self.port
        );
        let mut args: Vec<String> = action.iter().map(|s| s.to_string()).collect();
        args.extend([
            "-D".into(),
            self.data().to_string_lossy().into_owned(),
            "-w".into(),
            "-l".into(),
            self.dir
                .path()
                .join("server.log")
                .to_string_lossy()
                .into_owned(),
            "-o".into(),
            options,
        ]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run("pg_ctl", &refs);
    }

    fn run(&self, program: &str, args: &[&str]) {
        let exe = self.bin.join(program);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        let output = cmd
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{program} {args:?}: {}\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            self.log()
        );
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let exe = self.bin.join("pg_ctl");
        let data = self.data();
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        let _ = cmd
            .args(["stop", "-m", "immediate", "-D"])
            .arg(&data)
            .output();
    }
}

/// The pixelaudit binary, with the repository's rules.
pub fn pixelaudit() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pixelaudit"));
    cmd.env("PIXELAUDIT_RULES", super::repo().join("rules"))
        .current_dir(super::repo());
    cmd
}

/// Starts `pixelaudit worker` in a process group of its own (so it can be killed with its Chromium).
pub fn spawn_worker(db: &str, name: &str, extra: &[&str]) -> Child {
    use std::os::unix::process::CommandExt;
    let mut cmd = pixelaudit();
    cmd.args(["worker", "--db", db, "--name", name])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    cmd.spawn().unwrap()
}

/// Waits for a worker to exit; kills it (and fails) after `limit`.
pub fn wait_for(mut child: Child, limit: Duration) -> std::process::Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("the worker did not finish in {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    child.wait_with_output().unwrap()
}

/// `queue push` of `sites` against the fixture web at `addr`.
pub fn push(db: &str, scan: &str, addr: std::net::SocketAddr, sites: &str, extra: &[&str]) {
    let output = pixelaudit()
        .args([
            "queue", "push", "--db", db, "--scan", scan, "--sites", sites,
        ])
        .args(["--map-hosts", &addr.to_string(), "--insecure"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Visits stored so far in `scan`.
pub fn stored_visits(db: &str, scan: &str) -> i64 {
    let mut client = postgres::Client::connect(db, postgres::NoTls).unwrap();
    client
        .query_one("SELECT count(*) FROM visits WHERE scan = $1", &[&scan])
        .unwrap()
        .get(0)
}
