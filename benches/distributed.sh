#!/usr/bin/env bash
# Distributed-scan benchmark: the demo sector (40 insurers × 3 consent modes, --max-pages N) queued in a
# throwaway PostgreSQL cluster and crawled by 1, 2 and 3 workers on this machine, against the fixture web.
# Prints, per worker count: wall time and visits per minute; then the queue's overhead per visit (database
# server time from pg_stat_statements, and wall time against a single-machine SQLite scan of the same
# sector) and the database size per 1,000 visits. Needs `scripts/setup --postgres`.
#
#   bash benches/distributed.sh [max pages per site and mode, default 2] [worker counts, default "1 2 3"]
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-2}
counts=${2:-1 2 3}
cargo build --release --quiet
bin=$PWD/target/release/pixelaudit
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d)
chmod 755 "$work"
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
mkdir "$work/pg"
[ "$(id -u)" -eq 0 ] && chown nobody "$work/pg"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_pg "$pgbin/initdb" -D "$work/pg/data" -U pixelaudit --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
run_pg "$pgbin/pg_ctl" start -D "$work/pg/data" -w -l "$work/pg/log" \
  -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='' -c shared_preload_libraries=pg_stat_statements" >/dev/null
db="postgres://pixelaudit@127.0.0.1:$port/postgres"
"$bin" fixtures serve --addr 127.0.0.1:0 >"$work/web.txt" 2>&1 &
web=$!
cleanup() { kill "$web" 2>/dev/null || true; run_pg "$pgbin/pg_ctl" stop -D "$work/pg/data" -m immediate >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 50); do grep -q 'fixture web on' "$work/web.txt" && break; sleep 0.1; done
addr=$(sed -n 's|fixture web on https://\([^ ]*\) .*|\1|p' "$work/web.txt")
psql -q "$db" -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' >/dev/null

flags=(--max-pages "$pages" --delay-ms 0 --map-hosts "$addr" --insecure)
sql() { psql -qtA "$db" -c "$1"; }
# A single-machine scan of the same sector, the baseline.
start=$(date +%s.%N)
"$bin" scan --sites fixtures/sectors/nl-insurers.csv "${flags[@]}" --concurrency 2 --out "$work/sqlite" >/dev/null 2>&1 || true
sqlite_wall=$(python3 -c "print($(date +%s.%N) - $start)")
sqlite_visits=$(python3 -c "import json; r=json.load(open('$work/sqlite/report.json')); print(sum(len(s['pages']) for s in r['sites']))")
printf 'single machine, SQLite, --concurrency 2: %d visits in %.1f s = %.1f visits a minute\n' \
  "$sqlite_visits" "$sqlite_wall" "$(python3 -c "print($sqlite_visits / $sqlite_wall * 60)")"

for n in $counts; do
  scan="bench-$n"
  "$bin" queue push --db "$db" --scan "$scan" --sites fixtures/sectors/nl-insurers.csv "${flags[@]}" >/dev/null
  sql "SELECT pg_stat_statements_reset()" >/dev/null
  start=$(date +%s.%N)
  pids=()
  for i in $(seq "$n"); do
    "$bin" worker --db "$db" --scan "$scan" --concurrency 2 --name "w$i" >"$work/w$i.log" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  wall=$(python3 -c "print($(date +%s.%N) - $start)")
  visits=$(sql "SELECT count(*) FROM visits WHERE scan = '$scan'")
  server_ms=$(sql "SELECT round(sum(total_exec_time)::numeric, 1) FROM pg_stat_statements")
  calls=$(sql "SELECT sum(calls) FROM pg_stat_statements")
  printf '%d worker(s) × 2 tabs: %d visits in %.1f s = %.1f visits a minute; database: %s statements, %s ms server time = %.2f ms a visit\n' \
    "$n" "$visits" "$wall" "$(python3 -c "print($visits / $wall * 60)")" "$calls" "$server_ms" \
    "$(python3 -c "print($server_ms / $visits)")"
  if [ "$n" = 1 ]; then
    printf '  against SQLite on one machine: %+.0f ms wall time a visit\n' \
      "$(python3 -c "print(($wall / $visits - $sqlite_wall / $sqlite_visits) * 1000)")"
  fi
done
total=$(sql "SELECT count(*) FROM visits")
bytes=$(sql "SELECT sum(pg_total_relation_size(c)) FROM unnest(array['visits','evidence','queue','sites','jobs','meta','host_slots']) AS c")
evidence=$(sql "SELECT pg_total_relation_size('evidence')")
printf 'database size: %.1f MB for %d visits = %.1f MB per 1,000 visits (of which screenshots %.1f MB)\n' \
  "$(python3 -c "print($bytes / 1e6)")" "$total" "$(python3 -c "print($bytes / 1e6 / $total * 1000)")" \
  "$(python3 -c "print($evidence / 1e6 / $total * 1000)")"
