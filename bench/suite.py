#!/usr/bin/env python3
"""Inovik's benchmark suite: each scenario against the service (wrk) and the same SQL
against PostgreSQL directly (pgbench), alternately A B A B in one run, reported as ratios.

    python3 bench/suite.py --scale 1k,1m          # see bench/README.md for every option

Standard library only. Needs PostgreSQL on 127.0.0.1:5432 (PG_ADMIN_URL overrides), wrk
(installed from Debian's packages when missing) and pgbench (shipped with PostgreSQL).
"""

import argparse
import datetime
import json
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import files

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BINARY = ROOT / "target" / "release" / "inovik"  # --binary replaces it
PG_ADMIN_URL = os.environ.get("PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
JWT_SECRET = "benchmark-only-secret-that-is-long-enough"
ADMIN = "bench-admin"
ADMIN_PASSWORD = "gong-pendopo-benchmark-2016"

# Innovations and regions (40 agencies and 2 cohorts each) per scale.
SCALES = {"1k": (1_000, 1), "100k": (100_000, 500), "1m": (1_000_000, 500)}
# The values the service binds: the public's lowest rank (delivery), the stage ranks the
# list filters on, LIMIT 1 of a lookup, a page of 20 fetched as 21 from offset 0.
PGBENCH_CONSTANTS = {"launched": 4, "delivery": 4, "display": 5, "one": 1,
                     "page_plus_one": 21, "offset": 0}
SCENARIOS = ["get", "auth_get", "list", "search", "stats", "create"]
DESCRIPTIONS = {
    "get": "GET one innovation by id (public)",
    "auth_get": "the same with a bearer token",
    "list": "filtered page of 20 with total",
    "search": "`q` search page of 20 with total",
    "stats": "counts by lab stage",
    "create": "POST with Idempotency-Key (+ audit, transition)",
}


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(command, **kwargs):
    """Runs a command, failing loudly with its output if it fails."""
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise SystemExit(
            f"{' '.join(map(str, command))} failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(base, name):
    return base.rsplit("/", 1)[0] + "/" + name


# ---- the database -------------------------------------------------------------------


class Database:
    """A benchmark database at one scale, seeded once and reused by later runs."""

    def __init__(self, backend, scale):
        self.backend = backend
        self.scale = scale
        self.innovations, self.regions = SCALES[scale]
        if backend == "postgres":
            self.name = f"inovik_bench_{scale}"
            self.url = database_url(PG_ADMIN_URL, self.name)
        else:
            (ROOT / "target" / "bench").mkdir(parents=True, exist_ok=True)
            self.url = str(ROOT / "target" / "bench" / f"inovik-bench-{scale}.db")

    @property
    def agencies(self):
        return self.regions * 40

    @property
    def cohorts(self):
        return self.regions * 2

    def sql(self, query):
        """One value from a query."""
        if self.backend == "postgres":
            return run(["psql", self.url, "-Atc", query]).strip()
        with sqlite3.connect(self.url) as conn:
            row = conn.execute(query).fetchone()
            return "" if row is None else str(row[0])

    def seeded(self):
        try:
            return self.sql("SELECT scale FROM bench_seed") == self.scale
        except (SystemExit, sqlite3.Error):
            return False

    def prepare(self, reseed):
        """Migrates and seeds (unless already seeded at this scale), then removes what
        earlier runs created, so every run starts from the same rows."""
        env = dict(os.environ, DATABASE_URL=self.url)
        if reseed or not self.seeded():
            self.create_empty()
            run([BINARY, "migrate"], env=env)
            started = time.monotonic()
            self.seed()
            log(f"seeded {self.backend} at {self.scale} in {time.monotonic() - started:.1f} s")
            self.seed_seconds = time.monotonic() - started
        else:
            self.seed_seconds = None
            log(f"reusing the seeded {self.backend} database at {self.scale}")
            # Migrations added since it was seeded (an index on 1M rows takes a while).
            run([BINARY, "migrate"], env=env)
        cleanup = [
            "DELETE FROM documents",
            f"DELETE FROM audit_events",
            f"DELETE FROM idempotency_keys",
            f"DELETE FROM stage_transitions WHERE innovation_id > {self.innovations}",
            f"DELETE FROM innovations WHERE id > {self.innovations}",
        ]
        if self.backend == "postgres":
            run(["psql", "-q", self.url, "-c", "; ".join(cleanup), "-c", "VACUUM ANALYZE"])
        else:
            with sqlite3.connect(self.url) as conn:
                for statement in cleanup:
                    conn.execute(statement)
        if not self.sql(f"SELECT count(*) FROM users WHERE username = '{ADMIN}'") == "1":
            subprocess.run(
                [BINARY, "create-user", "--username", ADMIN, "--role", "admin"],
                input=ADMIN_PASSWORD + "\n", env=env, check=True, capture_output=True,
                text=True,
            )
        self.admin_id = int(self.sql(f"SELECT id FROM users WHERE username = '{ADMIN}'"))

    def create_empty(self):
        if self.backend == "postgres":
            run(["psql", "-q", PG_ADMIN_URL, "-c",
                 f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)", "-c",
                 f"CREATE DATABASE {self.name}"])
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(self.url + suffix).unlink(missing_ok=True)

    def seed(self):
        if self.backend == "postgres":
            run(["psql", "-q", "-o", "/dev/null", self.url, "-v", f"regions={self.regions}",
                 "-v", f"innovations={self.innovations}", "-f", BENCH / "seed" / "postgres.sql"])
            run(["psql", "-q", self.url, "-c",
                 f"CREATE TABLE bench_seed (scale TEXT); INSERT INTO bench_seed VALUES ('{self.scale}')"])
        else:
            script = (BENCH / "seed" / "sqlite.sql").read_text()
            script = script.replace("{regions}", str(self.regions))
            script = script.replace("{innovations}", str(self.innovations))
            conn = sqlite3.connect(self.url, isolation_level=None)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.executescript(
                "BEGIN;" + script
                + f"; CREATE TABLE bench_seed (scale TEXT); INSERT INTO bench_seed VALUES ('{self.scale}'); COMMIT;"
            )
            conn.execute("ANALYZE")
            conn.close()


# ---- the service --------------------------------------------------------------------


class Service:
    """`inovik serve` (release build) on a free port, with its /proc figures."""

    def __init__(self, database, pool_size):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ, DATABASE_URL=database.url, INOVIK_BIND=f"127.0.0.1:{self.port}",
            INOVIK_PUBLIC_URL=self.base, INOVIK_JWT_SECRET=JWT_SECRET, RUST_LOG="warn",
            INOVIK_POOL_SIZE=str(pool_size),
            # Evidence files of this database, beside it (bench/files.py).
            INOVIK_STORAGE_URL=str(ROOT / "target" / "bench" / f"files-{database.backend}-{database.scale}"),
            # wrk and every scenario speak from one address and one token: request limits
            # are set explicitly far above what a run sends, so they are never met.
            INOVIK_RATE_LIMIT_PER_MINUTE="1000000000",
            INOVIK_RATE_LIMIT_ANONYMOUS_PER_MINUTE="1000000000",
            INOVIK_TOKEN_REQUESTS_PER_MINUTE="1000000",
        )
        self.process = None
        self.log = tempfile.NamedTemporaryFile(prefix="inovik-bench-", suffix=".log", delete=False)

    def start(self):
        """Starts it; returns the seconds from spawning to the first 200 of /health/ready."""
        started = time.monotonic()
        self.process = subprocess.Popen([BINARY, "serve"], env=self.env, stdout=self.log,
                                        stderr=self.log)
        while time.monotonic() - started < 30:
            try:
                with urllib.request.urlopen(self.base + "/health/ready", timeout=1) as answer:
                    if answer.status == 200:
                        return time.monotonic() - started
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.002)
        raise SystemExit(f"the service did not become ready; its log:\n{Path(self.log.name).read_text()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=40)

    def cpu_seconds(self):
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def reset_peak_rss(self):
        # Writing 5 to clear_refs resets the VmHWM high-water mark (Linux >= 4.0).
        Path(f"/proc/{self.process.pid}/clear_refs").write_text("5")

    def rss_mib(self, field):
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def token(self):
        data = urllib.parse.urlencode(
            {"grant_type": "password", "username": ADMIN, "password": ADMIN_PASSWORD}
        ).encode()
        with urllib.request.urlopen(self.base + "/api/v1/auth/token", data=data) as answer:
            return json.load(answer)["access_token"]

    def drain(self, limit=120):
        """Waits until no request holds a database connection: wrk stops sending at the
        end of a round, but what it left queued still runs, and would weigh on the next."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            with urllib.request.urlopen(self.base + "/metrics", timeout=10) as answer:
                text = answer.read().decode()
            in_use = re.search(r"^inovik_db_pool_in_use_connections (\d+)", text, re.M)
            if in_use and in_use.group(1) == "0":
                return
            time.sleep(0.2)

    def logged_errors(self):
        text = Path(self.log.name).read_text(errors="replace")
        return [line for line in text.splitlines() if "ERROR" in line or "panicked" in line]


# ---- the load generators ------------------------------------------------------------


def wrk(service, database, scenario, token, connections, seconds, profile=None):
    """One inovik round; with `profile` (a path), perf samples the service meanwhile."""
    env = dict(
        os.environ, BENCH_SCENARIO=scenario, BENCH_INNOVATIONS=str(database.innovations),
        BENCH_COHORTS=str(database.cohorts), BENCH_AGENCIES=str(database.agencies),
        BENCH_TOKEN=token,
    )
    service.reset_peak_rss()
    cpu_before = service.cpu_seconds()
    perf = None
    if profile:
        perf = subprocess.Popen(
            ["perf", "record", "-F", "499", "-g", "-p", str(service.process.pid), "-o",
             str(profile), "--", "sleep", str(seconds)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    output = run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                  "-s", BENCH / "wrk.lua", service.base], env=env)
    cpu = service.cpu_seconds() - cpu_before
    if perf:
        perf.wait()
    service.drain()
    match = re.search(r"^RESULT (.*)$", output, re.M)
    figures = {k: int(v) for k, v in (pair.split("=") for pair in match.group(1).split())}
    requests = figures["requests"]
    return {
        "rate": requests / (figures["duration_us"] / 1e6),
        "p50_ms": figures["p50_us"] / 1000,
        "p99_ms": figures["p99_us"] / 1000,
        "cpu_us": cpu * 1e6 / max(requests, 1),
        "peak_rss_mib": service.rss_mib("VmHWM"),
        # A round that completed nothing failed too (every request outlasted it).
        "errors": sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
        + (requests == 0),
        "requests": requests,
    }


def pgbench(database, scenario, connections, seconds):
    with tempfile.TemporaryDirectory() as logs:
        output = run(
            ["pgbench", "-n", "-M", "prepared", "-c", str(connections), "-j", "2", "-T",
             str(seconds), "-l", "--log-prefix", f"{logs}/tx",
             "-D", f"innovations={database.innovations}", "-D", f"cohorts={database.cohorts}",
             "-D", f"agencies={database.agencies}", "-D", f"user_id={database.admin_id}",
             # What the service sends as bind parameters is a variable in the scripts, so
             # both send the same prepared statements and get the same generic plans.
             *(f"-D{name}={value}" for name, value in PGBENCH_CONSTANTS.items()),
             "-f", BENCH / "pgbench" / f"{scenario}.sql", database.url]
        )
        latencies = sorted(
            int(line.split()[2])
            for path in Path(logs).iterdir()
            for line in path.read_text().splitlines()
        )
    tps = float(re.search(r"tps = ([0-9.]+) \(without initial connection time\)", output).group(1))
    failed = re.search(r"number of failed transactions: (\d+)", output)
    return {
        "rate": tps,
        "p50_ms": percentile(latencies, 50) / 1000,
        "p99_ms": percentile(latencies, 99) / 1000,
        "errors": int(failed.group(1)) if failed else 0,
    }


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p / 100))]


def write_profile(data):
    """The hottest functions of a perf recording, beside it as text."""
    text = run(["perf", "report", "-i", str(data), "--stdio", "--no-children",
                "--sort", "dso,symbol", "--percent-limit", "0.7"])
    data.with_suffix(".txt").write_text(text)
    log(f"profile: {data.with_suffix('.txt')}")


# ---- CSV export ---------------------------------------------------------------------


CSV_FILTER = "lab_stage=display&digital=true"


def csv_export(service, token, database, rounds):
    """Times the CSV export of every digital innovation at display (a tenth of them: 100k
    at 1m) and, on PostgreSQL, `COPY` of the same rows; watches the service's memory."""
    results = []
    for _ in range(rounds):
        rss_before = service.rss_mib("VmRSS")
        service.reset_peak_rss()
        request = urllib.request.Request(
            f"{service.base}/api/v1/innovations?format=csv&{CSV_FILTER}",
            headers={"Authorization": f"Bearer {token}"},
        )
        started = time.monotonic()
        rows = size = 0
        with urllib.request.urlopen(request, timeout=600) as answer:
            while chunk := answer.read(1 << 16):
                size += len(chunk)
                rows += chunk.count(b"\n")
        seconds = time.monotonic() - started
        ours = {"seconds": seconds, "rows": rows - 1, "mib": size / 2**20,
                "rss_before": rss_before, "peak_rss": service.rss_mib("VmHWM")}
        if database.backend == "postgres":
            copy = (
                "COPY (SELECT i.*, a.code, a.name, c.name FROM innovations i "
                "JOIN agencies a ON a.id = i.agency_id JOIN cohorts c ON c.id = i.cohort_id "
                "WHERE i.lab_stage = 'display' AND i.digital ORDER BY i.name, i.id) "
                "TO STDOUT WITH (FORMAT csv, HEADER)"
            )
            started = time.monotonic()
            subprocess.run(["psql", database.url, "-c", copy], stdout=subprocess.DEVNULL,
                           check=True)
            ours["copy_seconds"] = time.monotonic() - started
        results.append(ours)
    return results


# ---- one backend at one scale -------------------------------------------------------


def measure(backend, scale, args):
    database = Database(backend, scale)
    database.prepare(args.reseed)
    service = Service(database, args.pool_size)
    starts = []
    for _ in range(5):
        starts.append(service.start())
        service.stop()
    result = {"backend": backend, "scale": scale, "seed_seconds": database.seed_seconds,
              "start_ms": statistics.median(starts) * 1000, "scenarios": {}}
    service.start()
    try:
        token = service.token()
        for scenario in args.scenarios:
            log(f"{backend} {scale} {scenario}: warm-up")
            wrk(service, database, scenario, token, args.connections, min(2, args.seconds))
            ours, theirs = [], []
            for round_number in range(args.rounds):
                log(f"{backend} {scale} {scenario}: round {round_number + 1}, inovik")
                profile = None
                if round_number == 0 and scenario in args.perf:
                    profile = ROOT / "target" / "bench" / f"perf-{backend}-{scale}-{scenario}.data"
                    profile.parent.mkdir(parents=True, exist_ok=True)
                ours.append(wrk(service, database, scenario, token, args.connections,
                                args.seconds, profile))
                if profile:
                    write_profile(profile)
                if backend == "postgres":
                    log(f"{backend} {scale} {scenario}: round {round_number + 1}, pgbench")
                    theirs.append(pgbench(database, scenario, args.connections, args.seconds))
            result["scenarios"][scenario] = {"ours": ours, "pgbench": theirs}
        if args.files:
            log(f"{backend} {scale} files: upload and download against nginx")
            try:
                result["files"] = files.measure(service, token, run, args.rounds, args.seconds)
            except (OSError, SystemExit) as error:
                result["files_error"] = str(error)
        if args.csv:
            log(f"{backend} {scale} csv export")
            try:
                result["csv"] = csv_export(service, token, database, args.rounds)
            except (urllib.error.URLError, OSError) as error:
                result["csv_error"] = str(error)
        result["logged_errors"] = service.logged_errors()
    finally:
        service.stop()
    return result


# ---- the report ---------------------------------------------------------------------


def median_of(runs, key):
    return statistics.median(run[key] for run in runs) if runs else float("nan")


def machine():
    cpu = next((line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")
    memory = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))) / 2**20
    postgres = run(["psql", PG_ADMIN_URL, "-Atc", "SHOW server_version"]).strip()
    commit = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).strip()
    rustc = run(["rustc", "--version"]).strip()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    return (f"{os.cpu_count()} × {cpu}, {memory:.0f} GiB, {os.uname().sysname} "
            f"{os.uname().release}; PostgreSQL {postgres}; {rustc}; {wrk_version.strip()}; "
            f"inovik {commit} (release build)")


def report(results, args, command):
    lines = [f"# Benchmarks, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC", "",
             f"Machine: {machine()}.", "",
             f"Command: `{command}`", "",
             f"Each scenario: a 2 s warm-up, then {args.rounds} rounds of inovik (wrk -t2 "
             f"-c{args.connections} -d{args.seconds}s) alternating with pgbench (-M prepared "
             f"-c{args.connections} -j2 -T{args.seconds}, the same SQL: bench/pgbench/); "
             "medians. `ratio` = inovik requests/s ÷ pgbench transactions/s. CPU is the "
             "service's own user + system time per request (/proc), so it leaves out wrk; "
             f"peak RSS is VmHWM, reset before each round. Pool: {args.pool_size} connections.",
             ""]
    for result in results:
        lines += [f"## {result['backend']}, {result['scale']} innovations", ""]
        if result.get("failure"):
            lines += [f"Failed: `{result['failure']}`", ""]
            continue
        if result["seed_seconds"] is not None:
            lines += [f"Seeded in {result['seed_seconds']:.1f} s.", ""]
        lines += [f"Start to `/health/ready` 200 (migrations applied, median of 5): "
                  f"{result['start_ms']:.0f} ms.", "",
                  "| scenario | inovik req/s | pgbench tps | ratio | inovik p50 / p99 ms | "
                  "pgbench p50 / p99 ms | CPU µs/req | peak RSS MiB | errors |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for scenario, runs in result["scenarios"].items():
            ours, theirs = runs["ours"], runs["pgbench"]
            rate = median_of(ours, "rate")
            their_rate = median_of(theirs, "rate")
            ratio = f"{rate / their_rate:.2f}" if theirs else "—"
            pg = (f"{median_of(theirs, 'p50_ms'):.2f} / {median_of(theirs, 'p99_ms'):.2f}"
                  if theirs else "—")
            errors = sum(r["errors"] for r in ours) + sum(r["errors"] for r in theirs)
            lines.append(
                f"| {scenario}: {DESCRIPTIONS[scenario]} | {rate:,.0f} | "
                f"{f'{their_rate:,.0f}' if theirs else '—'} | {ratio} | "
                f"{median_of(ours, 'p50_ms'):.2f} / {median_of(ours, 'p99_ms'):.2f} | {pg} | "
                f"{median_of(ours, 'cpu_us'):.0f} | {max(r['peak_rss_mib'] for r in ours):.1f} | "
                f"{errors} |")
        if result.get("csv"):
            runs = result["csv"]
            seconds = statistics.median(r["seconds"] for r in runs)
            rows = runs[0]["rows"]
            line = (f"CSV export of {rows:,} rows ({runs[0]['mib']:.1f} MiB): "
                    f"{seconds:.2f} s ({rows / seconds:,.0f} rows/s); service RSS "
                    f"{runs[0]['rss_before']:.1f} MiB before, peak "
                    f"{max(r['peak_rss'] for r in runs):.1f} MiB during")
            if "copy_seconds" in runs[0]:
                copy = statistics.median(r["copy_seconds"] for r in runs)
                line += f"; psql COPY of the same rows {copy:.2f} s (ratio {copy / seconds:.2f})"
            lines += ["", line + "."]
        if result.get("csv_error"):
            lines += ["", f"CSV export failed: `{result['csv_error']}`."]
        if result.get("files"):
            lines += ["", *files.report_lines(result["files"])]
        if result.get("files_error"):
            lines += ["", f"File scenarios failed: `{result['files_error']}`."]
        if result.get("logged_errors"):
            lines += ["", "Errors in the service log:", "", "```",
                      *result["logged_errors"][:20], "```"]
        lines.append("")
    by_scale = {(r["backend"], r["scale"]): r for r in results if not r.get("failure")}
    for backend in ("postgres", "sqlite"):
        small, large = by_scale.get((backend, "1k")), by_scale.get((backend, "1m"))
        if small and large and "list" in small["scenarios"] and "list" in large["scenarios"]:
            p50_small = median_of(small["scenarios"]["list"]["ours"], "p50_ms")
            p50_large = median_of(large["scenarios"]["list"]["ours"], "p50_ms")
            lines += [f"Filtered list p50 on {backend}: {p50_large:.2f} ms at 1m vs "
                      f"{p50_small:.2f} ms at 1k ({p50_large / p50_small:.2f}×).", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="1k",
                        help="comma-separated: 1k, 100k, 1m (default 1k)")
    parser.add_argument("--backend", default="postgres,sqlite",
                        help="comma-separated: postgres, sqlite (default both)")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=10, help="per round and tool")
    parser.add_argument("--rounds", type=int, default=2, help="A B pairs per scenario")
    parser.add_argument("--pool-size", type=int, default=16)
    parser.add_argument("--no-csv", dest="csv", action="store_false",
                        help="skip the CSV export")
    parser.add_argument("--no-build", dest="build", action="store_false")
    parser.add_argument("--files", action="store_true",
                        help="also upload and download 5 MB files against nginx, and watch "
                        "memory under 16 concurrent 20 MB uploads (bench/files.py)")
    parser.add_argument("--binary", help="measure this build instead of building the "
                        "release one (CI smoke-tests the suite with the debug build)")
    parser.add_argument("--perf", default="",
                        help="comma-separated scenarios to profile with perf (first round)")
    parser.add_argument("--reseed", action="store_true",
                        help="seed again even if the database holds this scale")
    parser.add_argument("--output", help="report path (default bench/results/<date>.md)")
    args = parser.parse_args()
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    args.perf = [s for s in args.perf.split(",") if s]
    unknown = set(args.scenarios) - set(SCENARIOS)
    scales = args.scale.split(",")
    backends = args.backend.split(",")
    if unknown or set(scales) - set(SCALES) or set(backends) - {"postgres", "sqlite"}:
        parser.error("unknown scenario, scale or backend")
    command = "python3 bench/suite.py " + " ".join(sys.argv[1:])

    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        log("installing wrk from Debian's packages")
        apt = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run(["apt-get", "update", "-q"], env=apt)
        run(["apt-get", "install", "-y", "-q", "wrk"], env=apt)
    if args.binary:
        global BINARY
        BINARY = Path(args.binary).resolve()
    elif args.build:
        log("cargo build --release")
        subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)

    output = Path(args.output) if args.output else (
        BENCH / "results" / f"{datetime.date.today():%Y-%m-%d}-{'-'.join(scales)}.md")
    output.parent.mkdir(parents=True, exist_ok=True)
    results = []
    for scale in scales:
        for backend in backends:
            try:
                results.append(measure(backend, scale, args))
            except Exception as error:  # noqa: BLE001 - reported, and the run goes on
                log(f"{backend} {scale} failed: {error!r}")
                results.append({"backend": backend, "scale": scale, "failure": repr(error)})
            # Written after every part, so a failure later keeps what was measured.
            output.with_suffix(".json").write_text(json.dumps(results, indent=1))
            output.write_text(report(results, args, command))
    text = output.read_text()
    print(text)
    log(f"wrote {output}")
    failed = [r for r in results if r.get("logged_errors") or r.get("failure")
              or r.get("csv_error") or r.get("files_error")] or [
        1 for r in results for runs in r["scenarios"].values()
        for one in runs["ours"] + runs["pgbench"] if one["errors"]]
    if failed:
        log("errors during the run: see the report")
        sys.exit(1)


if __name__ == "__main__":
    main()
