#!/usr/bin/env bash
# Peers benchmark: The Markup's Blacklight collector 3.11.0 and pixelaudit on the same fixture sites, in
# one sitting, on this machine. Blacklight is installed from npm into a temporary folder (nothing enters
# this repository) and drives Debian's Chromium; each tool gets a fixture server of its own, whose log of
# every request received is the ground truth of what the tool's visits sent to trackers.
#
# Prints a side-by-side table: wall time, pages visited, seconds a page, peak memory (largest process,
# and the tool's whole process tree), tracker requests caused and found, recall, and what each missed.
#
#   bash benches/peers/run.sh [extra pixelaudit scan flags...]
#
# Needs node and npm (`scripts/setup --peers` installs them) and the npm registry; not part of `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
for tool in node npm chromium; do
  command -v "$tool" >/dev/null || { echo "benches/peers: $tool is missing: run scripts/setup --peers" >&2; exit 2; }
done
cargo build --release --quiet
bin=$repo/target/release/pixelaudit
work=$(mktemp -d)
# KEEP=1 keeps the work folder (both tools' output, logs and the fixture servers' logs) for a look.
trap 'kill "${web:-}" 2>/dev/null || true; [ -n "${KEEP:-}" ] && echo "kept $work" >&2 || rm -rf "$work"' EXIT

# The sites: the demo's seven, and two of the consent fixtures (a Cookiebot and a OneTrust site).
{ cat fixtures/sectors/demo.csv; sed -n '2,3p' fixtures/sectors/consent.csv; } >"$work/sites.csv"
tail -n +2 "$work/sites.csv" | cut -d, -f2 >"$work/urls.txt"

# The fixture web's tracker endpoints (hosts of mock tracker scripts and beacons; consent tools, fonts,
# CDNs and embeds are not trackers). sst.duinzorg-verzekeringen.nl is GA4 behind the site's own name.
tracker_hosts="analytics.tiktok.com bat.bing.com c.clarity.ms www.clarity.ms cdn.mxpnl.com
connect.facebook.net www.facebook.com googleads.g.doubleclick.net in.hotjar.com static.hotjar.com
px.ads.linkedin.com snap.licdn.com px.longtail-metrics.eu region1.google-analytics.com
www.google-analytics.com www.googletagmanager.com sst.duinzorg-verzekeringen.nl"

echo "installing Blacklight 3.11.0 into $work/blacklight (PUPPETEER_SKIP_DOWNLOAD=1) ..." >&2
mkdir -p "$work/blacklight"
(cd "$work/blacklight" && npm init -y >/dev/null &&
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --silent @themarkup/blacklight-collector@3.11.0 >/dev/null)

# Resident memory in KiB: the largest single process of the tree under (and including) a pid, and the
# whole tree's sum (shared pages counted in each process: an upper bound).
tree_rss() {
  ps -e -o pid=,ppid=,rss= | awk -v root="$1" '
    { parent[$1] = $2; mem[$1] = $3 }
    END { largest = 0; total = 0
          for (p in mem) { q = p
            while (q != "" && q != 0 && q != root) q = parent[q]
            if (q == root) { total += mem[p]; if (mem[p] > largest) largest = mem[p] } }
          print largest, total }'
}

# Runs one tool against a fixture server of its own: run TOOL COMMAND...
run() {
  local tool=$1
  shift
  "$bin" fixtures serve --addr 127.0.0.1:0 --log "$work/$tool-log.jsonl" >"$work/$tool-web.txt" 2>&1 &
  web=$!
  for _ in $(seq 100); do grep -q 'fixture web on' "$work/$tool-web.txt" && break; sleep 0.1; done
  addr=$(sed -n 's|fixture web on https://\([^ ]*\) .*|\1|p' "$work/$tool-web.txt")
  local start end pid largest=0 total=0
  start=$(date +%s.%N)
  ADDR=$addr "$@" >"$work/$tool-out.txt" 2>"$work/$tool-err.txt" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    read -r l t < <(tree_rss "$pid")
    [ "$l" -gt "$largest" ] && largest=$l
    [ "$t" -gt "$total" ] && total=$t
    sleep 0.2
  done
  wait "$pid" || echo "$tool exited with $?; see $work/$tool-err.txt" >&2
  end=$(date +%s.%N)
  kill "$web" 2>/dev/null || true
  wait "$web" 2>/dev/null || true
  echo "$tool $start $end $largest $total" >>"$work/runs.txt"
}

echo "Blacklight: $(wc -l <"$work/urls.txt") sites, one after the other ..." >&2
run blacklight bash -c 'node "$0" "$1" "$2" "$ADDR" $(cat "$3")' \
  "$repo/benches/peers/blacklight.js" "$work/blacklight" "$work/bl-out" "$work/urls.txt"
echo "pixelaudit: the same sites, consent mode none, defaults${*:+ and $*} ..." >&2
run pixelaudit bash -c '"$0" scan --sites "$1" --out "$2" --consent none --map-hosts "$ADDR" --insecure "${@:3}"' \
  "$bin" "$work/sites.csv" "$work/pa-out" "$@"

python3 - "$work" "$tracker_hosts" <<'PY'
import json, sys
from urllib.parse import urlsplit
work, hosts = sys.argv[1], set(sys.argv[2].split())

def key(url):
    u = urlsplit(url)
    return f"{u.hostname}{u.path}" + (f"?{u.query}" if u.query else "")

def truth(tool):
    seen = set()
    for line in open(f"{work}/{tool}-log.jsonl"):
        r = json.loads(line)
        if r["host"] in hosts:
            seen.add(f"{r['host']}{r['path']}" + (f"?{r['query']}" if r.get("query") else ""))
    return seen

runs = {l.split()[0]: l.split()[1:] for l in open(f"{work}/runs.txt")}
found, pages = {}, {}
bl = [json.loads(l) for l in open(f"{work}/blacklight-out.txt") if l.startswith("{")]
found["blacklight"] = {key(u) for s in bl for u in s["tracker_requests"]}
pages["blacklight"] = sum(s["pages"] for s in bl)
report = json.load(open(f"{work}/pa-out/report.json"))
found["pixelaudit"] = {key(r["url"]) for s in report["sites"] for p in s["pages"]
                       for t in p["trackers"] for r in t["requests"]}
pages["pixelaudit"] = sum(len(s["pages"]) for s in report["sites"])

print(f"{'tool':<12} {'wall_s':>7} {'pages':>6} {'s/page':>7} {'largest_MiB':>12} {'tree_MiB':>9} "
      f"{'caused':>7} {'found':>6} {'recall':>7}")
missed = {}
for tool in ("blacklight", "pixelaudit"):
    start, end, largest, total = runs[tool]
    wall = float(end) - float(start)
    t = truth(tool)
    hit = t & found[tool]
    missed[tool] = sorted(t - found[tool])
    n = pages[tool]
    print(f"{tool:<12} {wall:7.1f} {n:6d} {wall / max(n, 1):7.2f} {int(largest) / 1024:12.0f} "
          f"{int(total) / 1024:9.0f} {len(t):7d} {len(hit):6d} {len(hit) / max(len(t), 1):7.3f}")
for tool, urls in missed.items():
    by_host = {}
    for u in urls:
        by_host.setdefault(u.split("/")[0], []).append(u)
    print(f"\n{tool} missed {len(urls)} tracker request(s):")
    for host, us in sorted(by_host.items()):
        print(f"  {host}: {len(us)}, e.g. {us[0][:110]}")
PY
