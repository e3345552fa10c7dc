"""Load benchmark: Guildhall's pages against a bare Flask hello, both under gunicorn.

    .venv/bin/python bench/run.py [--seconds 10] [--connections 16] [--workers 2] [--scale large]

Makes (once) a PostgreSQL database `guildhall_bench` with `seed-demo --scale large`
(and `guildhall_bench_demo` with the demo data, to compare query counts), serves
the site and the baselines on loopback under the same gunicorn settings, signs
in, checks every page answers 200, drives each with wrk, and prints requests/s,
p50/p95/p99, the ratio to the hello baseline and SQL statements per page; then
a burst of parallel sign-ups for one event, and the page mix under 1, 2 and 4
workers. See README, "Benchmarks".
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import redis
import requests
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from accounts.models import User  # noqa: E402
from bench.burst import burst  # noqa: E402
from bench.pages import Target, people, resolve  # noqa: E402
from bench.queries import count_statements  # noqa: E402
from bench.sessions import HEADERS, sign_in  # noqa: E402

VENV_BIN = Path(sys.executable).parent
BENCH = ROOT / "bench"
PASSWORD = "guildhall-demo"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SERVERS: dict[str, int] = {}  # base URL -> gunicorn master's pid, while it serves


def database_url(args, name: str) -> str:
    return args.database_url or f"postgresql+psycopg://postgres@127.0.0.1/{name}"


def site_env(url: str) -> dict:
    """The site's settings for one data set; the search index and files live beside it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        folder = Path(parsed.database).parent / "bench-files"
    else:
        folder = ROOT / "instance" / "bench" / parsed.database
    return {
        **os.environ, "DATABASE_URL": url, "GUILDHALL_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32), "PYTHONPATH": str(ROOT),
        "SEARCH_INDEX_DIR": str(folder / "search-index"), "UPLOAD_DIR": str(folder / "uploads"),
        "SIGNIN_RATE_LIMIT": "100000 per minute", "SEARCH_RATE_LIMIT": "100000 per minute",
        # Production settings, but served over plain HTTP on loopback: a Secure cookie
        # would never come back, and every signed-in request would be a stranger's.
        "SESSION_COOKIE_SECURE": "false",
        # Served on loopback under both of its names (the clients use either).
        "TRUSTED_HOSTS": "127.0.0.1,localhost",
    }  # fmt: skip


def usable_redis(url: str) -> str | None:
    """`url`, emptied, when a Redis answers there: the run starts with nothing kept."""
    if not url:
        return None
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.RedisError:
        return None
    return url


def ensure_database(url: str, env: dict, scale: str, fresh: bool) -> None:
    """Create, migrate and seed the database once; `fresh` starts it over."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            name = parsed.database
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            exists = exists.first() is not None
            if exists and fresh:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
                exists = False
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    elif fresh and parsed.database:
        Path(parsed.database).unlink(missing_ok=True)
    if fresh:
        shutil.rmtree(Path(env["SEARCH_INDEX_DIR"]).parent, ignore_errors=True)
    flask = [str(VENV_BIN / "flask"), "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    engine = create_engine(url)
    with engine.connect() as conn:
        users = conn.execute(select(func.count()).select_from(User)).scalar_one()
    engine.dispose()
    if users == 0:
        print(f"Loading the {scale} data set into {parsed.database} (once)…", flush=True)
        subprocess.run([*flask, "seed-demo", "--scale", scale], cwd=ROOT, env=env, check=True)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now: runs side by side never meet."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(target: str, port: int, workers: int, env: dict, timeout: float = 300):
    """Serve `target` on 127.0.0.1:`port` until the block ends; its base URL."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", "--backlog", "2048", "--timeout", "120", target],
            # Each server is the site at its own address: links, and the port it answers on.
            cwd=ROOT, env={**env, "SITE_URL": f"http://127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    requests.get(f"http://127.0.0.1:{port}/", timeout=30)
                    break
                except (requests.ConnectionError, requests.Timeout) as refused:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        why = log.read().decode(errors="replace")[-3000:]
                        raise SystemExit(f"{target} did not start: {why}") from refused
                    time.sleep(0.2)
            SERVERS[f"http://127.0.0.1:{port}"] = process.pid
            yield f"http://127.0.0.1:{port}"
        finally:
            SERVERS.pop(f"http://127.0.0.1:{port}", None)
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _cpu_seconds(pids) -> float:
    """User and system CPU time of these processes, from /proc (0 for one that is gone)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def _database_backends(database_url: str | None) -> list[int]:
    """PostgreSQL's server processes for the database at `database_url` (none for SQLite)."""
    if not database_url or make_url(database_url).get_backend_name() != "postgresql":
        return []
    engine = create_engine(database_url)
    with engine.connect() as conn:
        pids = list(
            conn.execute(
                text(
                    "SELECT pid FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalars()
        )
    engine.dispose()
    return pids


def wrk(
    url: str,
    cookie: str,
    seconds: int,
    connections: int,
    paths: list[str] = (),
    database_url: str | None = None,
) -> dict:
    """One wrk run; with `paths`, cycles through them (the page mix). Also the CPU time
    a request cost the gunicorn workers and, given its database, PostgreSQL: unlike
    requests/s, it hardly depends on what else the machine is doing."""
    script = BENCH / ("mix.lua" if paths else "latency.lua")
    server = "/".join(url.split("/", 3)[:3])
    workers = _workers(SERVERS[server]) if server in SERVERS else []
    backends = _database_backends(database_url)
    before = _cpu_seconds(workers), _cpu_seconds(backends)
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
         "-H", f"Cookie: {cookie}", "-H", f"User-Agent: {HEADERS['User-Agent']}", url,
         *(["--", *paths] if paths else [])],
        capture_output=True, text=True, check=True, env={**os.environ, "BENCH_DIR": str(BENCH)},
    ).stdout  # fmt: skip
    result = json.loads(output.strip().splitlines()[-1])
    requests_made = max(result["requests"], 1)
    # Backends that opened during the run started at 0 CPU; count them too.
    backends = sorted(set(backends) | set(_database_backends(database_url)))
    after = _cpu_seconds(workers), _cpu_seconds(backends)
    result["app_cpu_ms"] = (after[0] - before[0]) * 1000 / requests_made
    result["db_cpu_ms"] = max(after[1] - before[1], 0.0) * 1000 / requests_made
    return result


def sessions_for(site: str, url: str) -> dict[str, str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        emails = {
            role: conn.execute(select(User.email).where(User.id == user_id)).scalar_one()
            for role, user_id in people(url).items()
        }
    engine.dispose()
    return {role: sign_in(site, email, PASSWORD) for role, email in emails.items()}


def check_pages(site: str, targets: list[Target], cookies: dict[str, str]) -> None:
    for target in targets:
        headers = {**HEADERS, "Cookie": cookies[target.role]}
        answer = requests.get(site + target.path, headers=headers, allow_redirects=False)
        if answer.status_code != 200:
            raise SystemExit(f"{target.name} ({target.path}) answered {answer.status_code}")


def measure_pages(args, env: dict, targets: list[Target]) -> list[tuple[str, dict]]:
    results, database = [], env["DATABASE_URL"]
    with gunicorn("bench.hello:app", free_port(), args.workers, env) as hello:
        results.append(
            ("bare Flask hello", wrk(hello + "/", "x=1", args.seconds, args.connections))
        )
    with gunicorn("bench.naive:app", free_port(), args.workers, env) as naive:
        results.append(
            (
                "naive 50-row page",
                wrk(naive + "/", "x=1", args.seconds, args.connections, database_url=database),
            )
        )
    with gunicorn("app:create_app()", free_port(), args.workers, env) as site:
        cookies = sessions_for(site, env["DATABASE_URL"])
        check_pages(site, targets, cookies)
        for target in targets:
            result = wrk(site + target.path, cookies[target.role], args.seconds,
                         args.connections, database_url=database)  # fmt: skip
            results.append((target.name, result))
    return results


def scan_workers(args, env: dict, targets: list[Target]) -> list[tuple[int, dict, dict]]:
    """Hello and the employee's page mix under each worker count."""
    mix = [t.path for t in targets if t.role == "employee"]
    rows = []
    for workers in args.scan:
        with gunicorn("bench.hello:app", free_port(), workers, env) as hello:
            baseline = wrk(hello + "/", "x=1", args.seconds, args.connections)
        with gunicorn("app:create_app()", free_port(), workers, env) as site:
            cookie = sessions_for(site, env["DATABASE_URL"])["employee"]
            rows.append((workers, baseline, wrk(site, cookie, args.seconds, args.connections, mix)))
    return rows


def run_burst(args, env: dict) -> dict:
    from app import create_app

    app = create_app({
        "SECRET_KEY": env["SECRET_KEY"], "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
        "SEARCH_INDEX_DIR": env["SEARCH_INDEX_DIR"],
    })  # fmt: skip
    with gunicorn("app:create_app()", free_port(), args.workers, env) as site:
        result = burst(app, site, args.burst, args.seats)
    with app.app_context():
        from core.extensions import db

        db.engine.dispose()
    return result


def print_pages(args, results, queries: dict[str, dict[str, int]], skipped: list[str]) -> None:
    hello_rps = results[0][1]["rps"]
    sizes = list(queries)
    print(f"\n{args.workers} gunicorn workers, wrk -t2 -c{args.connections}, {args.seconds}s a "
          f"page, database {make_url(database_url(args, args.database)).database}\n")  # fmt: skip
    columns = ("req/s", "p50 ms", "p95 ms", "p99 ms", "vs hello", "errors", "app CPU", "db CPU")
    head = f"{'page':<26}" + "".join(f"{c:>9}" for c in columns)
    print(head + "".join(f"{'SQL ' + size:>11}" for size in sizes))
    for name, r in results:
        line = (f"{name:<26}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}"
                f"{r['rps'] / hello_rps:>9.3f}{r['errors']:>9}"
                f"{r['app_cpu_ms']:>9.2f}{r['db_cpu_ms']:>9.2f}")  # fmt: skip
        print(line + "".join(f"{queries[size].get(name, ''):>11}" for size in sizes))
    for note in skipped:
        print(f"  ({note})")


def _whole_seconds(value: str) -> int:
    seconds = int(value)
    if seconds < 1:
        raise argparse.ArgumentTypeError("at least 1 second")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=_whole_seconds, default=10,
                        help="per page, whole seconds (wrk takes no fractions)")  # fmt: skip
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", default="large", choices=["large", "medium", "small", "demo"])
    parser.add_argument("--database", default="guildhall_bench", help="PostgreSQL database")
    parser.add_argument("--database-url", help="any SQLAlchemy URL instead (the smoke test)")
    parser.add_argument("--demo-database", default="guildhall_bench_demo",
                        help="demo data, to compare SQL per page ('' to skip)")  # fmt: skip
    parser.add_argument("--fresh", action="store_true", help="rebuild the data sets")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12",
                        help="Redis for the site's shared state, as in production "
                             "(emptied first; '' or unreachable: none)")  # fmt: skip
    parser.add_argument("--burst", type=int, default=500, help="parallel sign-ups (0: none)")
    parser.add_argument("--seats", type=int, default=100)
    parser.add_argument("--scan", type=lambda s: [int(n) for n in s.split(",") if n],
                        default=[1, 2, 4], help="workers for the page mix ('': none)")  # fmt: skip
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    url = database_url(args, args.database)
    env = site_env(url)
    if redis_url := usable_redis(args.redis):
        env["REDIS_URL"] = redis_url  # kept figures and rate-limit counters, shared
    print(f"Shared state: {redis_url or 'none (each worker on its own; figures not kept)'}")
    ensure_database(url, env, args.scale, args.fresh)
    queries = {}
    if args.demo_database and not args.database_url:
        demo_url = database_url(args, args.demo_database)
        ensure_database(demo_url, site_env(demo_url), "demo", args.fresh)
        queries["demo"] = count_statements(demo_url, site_env(demo_url)["SEARCH_INDEX_DIR"])
    queries[args.scale] = count_statements(url, env["SEARCH_INDEX_DIR"])

    from app import create_app

    site = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": env["SECRET_KEY"]})
    endpoints = {rule.endpoint for rule in site.url_map.iter_rules()}
    targets, skipped = resolve(url, endpoints)
    print_pages(args, measure_pages(args, env, targets), queries, skipped)

    if args.burst:
        b = run_burst(args, env)
        print(f"\nBurst: {b['people']} people press Register at once for {b['seats']} seats "
              f"({args.workers} workers): {b['confirmed']} confirmed, {b['waitlisted']} "
              f"waitlisted, {b['errors']} errors; p50 {b['p50']:.0f} ms, p95 {b['p95']:.0f} ms, "
              f"p99 {b['p99']:.0f} ms; all answered in {b['seconds']:.1f} s")  # fmt: skip
    if args.scan:
        print(f"\nPage mix ({', '.join(t.name for t in targets if t.role == 'employee')}) "
              f"by gunicorn workers, wrk -t2 -c{args.connections}\n")  # fmt: skip
        print(f"{'workers':>7}{'hello req/s':>13}{'mix req/s':>11}{'p99 ms':>9}{'vs hello':>10}")
        for workers, hello, mix in scan_workers(args, env, targets):
            print(f"{workers:>7}{hello['rps']:>13.0f}{mix['rps']:>11.0f}{mix['p99']:>9.1f}"
                  f"{mix['rps'] / hello['rps']:>10.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
