#!/usr/bin/env bash
# Crawl benchmark: `pixelaudit demo` on the fixture web (40 insurers, three consent modes) at concurrency
# 1, 2 and 4, then bare Chromium on a sample of the same pages, as the limit. Prints, per concurrency:
# wall time, visits per minute, median and 95th-percentile visit time, and peak memory of pixelaudit's own
# process and of its Chromium tree (RSS sampled every 200 ms); then bare Chromium's navigate -> network
# idle time (examples/bare_chromium.rs: no collectors, no banner search, no form filling).
#
#   bash benches/crawl.sh [concurrency levels, default "1 2 4"] [extra demo flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
levels=${1:-1 2 4}
shift || true
cargo build --release --quiet
cargo build --release --quiet --example bare_chromium
bin=$PWD/target/release/pixelaudit
work=$(mktemp -d)
trap 'kill "${web:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

# Resident memory in KiB of one process, and of every process below it.
tree_rss() {
  ps -e -o pid=,ppid=,rss= | awk -v root="$1" '
    { parent[$1] = $2; mem[$1] = $3 }
    END { own = mem[root] + 0; below = 0
          for (p in mem) { if (p == root) continue; q = parent[p]
            while (q != "" && q != 0 && q != root) q = parent[q]
            if (q == root) below += mem[p] }
          print own, below }'
}

printf '%-12s %8s %10s %12s %12s %14s %14s\n' concurrency wall_s visits/min median_ms p95_ms pixelaudit_MiB chromium_MiB
for c in $levels; do
  out="$work/c$c"
  start=$(date +%s.%N)
  "$bin" demo --out "$out" --concurrency "$c" "$@" >"$work/summary-$c.txt" 2>"$work/log-$c.txt" &
  pid=$!
  own_peak=0; tree_peak=0
  while kill -0 "$pid" 2>/dev/null; do
    read -r own below < <(tree_rss "$pid")
    [ "$own" -gt "$own_peak" ] && own_peak=$own
    [ "$below" -gt "$tree_peak" ] && tree_peak=$below
    sleep 0.2
  done
  wait "$pid" || true
  end=$(date +%s.%N)
  python3 - "$c" "$start" "$end" "$out/report.json" "$own_peak" "$tree_peak" <<'PY'
import json, statistics, sys
c, start, end, path, own, tree = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
report = json.load(open(path))
times = sorted(p["duration_ms"] for s in report["sites"] for p in s["pages"])
wall = end - start
p95 = times[round((len(times) - 1) * 0.95)]
print(f"{c:<12} {wall:8.1f} {len(times) / wall * 60:10.1f} {statistics.median(times):12.0f} {p95:12.0f} {own / 1024:14.0f} {tree / 1024:14.0f}")
PY
done

# The limit: bare Chromium on every sixth page the first run visited (mode none).
first=$(set -- $levels; echo "$1")
python3 - "$work/c$first/report.json" >"$work/urls.txt" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
urls = sorted({p["url"] for s in report["sites"] for p in s["pages"] if p["mode"] == "none"})
print("\n".join(urls[::6]))
PY
"$bin" fixtures serve --addr 127.0.0.1:0 >"$work/web.txt" 2>&1 &
web=$!
for _ in $(seq 50); do grep -q 'fixture web on' "$work/web.txt" && break; sleep 0.1; done
addr=$(sed -n 's|fixture web on https://\([^ ]*\) .*|\1|p' "$work/web.txt")
echo "bare Chromium, navigate -> network idle, $(wc -l <"$work/urls.txt") pages: $(./target/release/examples/bare_chromium --map-hosts "$addr" "$work/urls.txt")"
# The sector lines of the last run's summary (vendors, sites reached, on medical pages).
sed -n '/sites have findings/,/^report:/p' "$work/summary-$c.txt"
