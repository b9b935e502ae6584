#!/usr/bin/env bash
# Crawl benchmark: runs `pixelaudit demo` on the fixture web (40 insurers, three consent modes) and reports
# wall time, visits per minute and peak memory (pixelaudit plus all of its Chromium processes, sampled every 200 ms).
#
#   bash benches/crawl.sh [extra demo flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
out=$(mktemp -d)
start=$(date +%s.%N)
./target/release/pixelaudit demo --out "$out" "$@" >"$out/summary.txt" 2>"$out/log.txt" &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
  # Sum the resident memory of pixelaudit and every process below it (Chromium and its renderers).
  rss=$(ps -e -o pid=,ppid=,rss= | awk -v root="$pid" '
    { parent[$1] = $2; mem[$1] = $3 }
    END { for (p in mem) { q = p; while (q != "" && q != 0 && q != root) q = parent[q]; if (q == root) total += mem[p] } print total + 0 }')
  [ "$rss" -gt "$peak" ] && peak=$rss
  sleep 0.2
done
wait "$pid" || true
end=$(date +%s.%N)
pages=$(python3 -c "import json,sys; r=json.load(open('$out/report.json')); print(sum(len(s['pages']) for s in r['sites']))")
python3 - "$start" "$end" "$pages" "$peak" <<'PY'
import sys
start, end, pages, peak_kb = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
wall = end - start
print(f"visits: {pages}")
print(f"wall time: {wall:.1f} s")
print(f"visits per minute: {pages / wall * 60:.1f}")
print(f"peak memory (pixelaudit + Chromium, summed RSS): {peak_kb / 1024:.0f} MiB")
PY
# The sector lines of the summary (vendors, sites reached, on medical pages).
sed -n '/sites have findings/,/^report:/p' "$out/summary.txt"
rm -rf "$out"
