#!/usr/bin/env bash
# Load test: 256 concurrent connections for 60 s over a mix of reads and writes
# (bench/mix.lua) against the release build on PostgreSQL. Passes only with zero 5xx and
# zero connection errors; writes the figures to bench/results/<date>-load.md.
#
#   bash bench/load.sh [--connections 256] [--seconds 60]
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust; PG_ADMIN_URL overrides) and
# wrk (installed from Debian's packages if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
connections=256
seconds=60
while [ $# -gt 0 ]; do
  case $1 in
    --connections) connections=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
PG_ADMIN_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
database=inovik_bench_load
database_url=${PG_ADMIN_URL%/*}/$database

command -v wrk >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null
cargo build --release --locked -q
binary=target/release/inovik

psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DATABASE_URL=$database_url INOVIK_BIND=127.0.0.1:$port RUST_LOG=warn
export INOVIK_JWT_SECRET=load-test-only-secret-that-is-long-enough
# The pool: 2 cores serve 256 connections; more database connections than cores only
# queue inside PostgreSQL.
export INOVIK_POOL_SIZE=${INOVIK_POOL_SIZE:-16}
password=load-$RANDOM-$RANDOM
$binary migrate >/dev/null
$binary seed --demo >/dev/null
printf '%s\n' "$password" | $binary create-user --username load-admin --role admin >/dev/null
log=$(mktemp)
$binary serve >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  sleep 0.1
done
export INOVIK_TOKEN=$(curl -fsS "http://127.0.0.1:$port/api/v1/auth/token" \
  --data-urlencode grant_type=password --data-urlencode username=load-admin \
  --data-urlencode "password=$password" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
export INOVIK_INNOVATIONS=$(psql "$database_url" -Atc 'SELECT max(id) FROM innovations')

ulimit -n 65536 2>/dev/null || true
cpu_before=$(awk '{print $14 + $15}' "/proc/$server/stat")
output=$(wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s -s bench/mix.lua "http://127.0.0.1:$port")
cpu_after=$(awk '{print $14 + $15}' "/proc/$server/stat")
peak_rss_kib=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
echo "$output"
result=$(echo "$output" | grep '^RESULT')
requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$result")
server_errors=$(sed -E 's/.* 5xx=([0-9]+).*/\1/' <<<"$result")
socket_errors=$(sed -E 's/.*socket_errors=([0-9]+).*/\1/' <<<"$result")
ticks=$(getconf CLK_TCK)
cpu_us_per_request=$(python3 -c "print(round(($cpu_after - $cpu_before) / $ticks * 1e6 / max($requests, 1), 1))")
logged_errors=$(grep -cE 'panicked|ERROR' "$log" || true)

mkdir -p bench/results
report=bench/results/$(date -u +%Y-%m-%d)-load.md
{
  echo "# Load test, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr); PostgreSQL $(psql "$PG_ADMIN_URL" -Atc 'SHOW server_version')."
  echo "Command: \`bash bench/load.sh --connections $connections --seconds $seconds\` (wrk -t2 -c$connections -d${seconds}s, bench/mix.lua: 30% filtered list pages, 30% single innovations, 10% agency lists, 10% stats, 20% creates, a quarter of them with an Idempotency-Key; release build, INOVIK_POOL_SIZE=$INOVIK_POOL_SIZE, the demo seed)."
  echo
  echo '```'
  echo "$result"
  echo '```'
  echo
  echo "- service CPU time per request: ${cpu_us_per_request} µs (from /proc, user + system)"
  echo "- service peak RSS: $(( peak_rss_kib / 1024 )) MiB"
  echo "- ERROR or panic lines in the service log: $logged_errors"
} >"$report"
echo "written to $report"

if [ "$server_errors" != 0 ] || [ "$socket_errors" != 0 ] || [ "$logged_errors" != 0 ]; then
  echo "FAILED: $server_errors 5xx, $socket_errors connection errors, $logged_errors logged errors" >&2
  exit 1
fi
