"""Load benchmark: Guildhall's pages against a bare Flask hello, both under gunicorn.

    .venv/bin/python bench/run.py [--seconds 10] [--connections 16] [--workers 2] [--scale large]

Makes (once) a PostgreSQL database `guildhall_bench` with `seed-demo --scale large`,
serves the site and the baselines on loopback under the same gunicorn settings,
signs in, checks every page answers 200, drives each with wrk, and prints
requests/s, p50/p95/p99 and the ratio to the hello baseline. See README.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
ADMIN_DSN = "postgresql://postgres@127.0.0.1/postgres"
LUA = ROOT / "bench" / "latency.lua"


def run(cmd: list[str], env: dict, **kwargs) -> None:
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kwargs)


def ensure_database(name: str, env: dict, scale: str, fresh: bool) -> None:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    flask = [str(VENV_BIN / "flask"), "--app", "app"]
    run([*flask, "db", "upgrade"], env, stdout=subprocess.DEVNULL)
    with psycopg.connect(f"postgresql://postgres@127.0.0.1/{name}") as conn:
        users = conn.execute("SELECT count(*) FROM users").fetchone()[0]
    if users == 0:
        print(f"Loading the {scale} data set (once; kept in database {name})…", flush=True)
        run([*flask, "seed-demo", "--scale", scale], env)


@contextmanager
def gunicorn(target: str, port: int, workers: int, env: dict):
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", target],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except requests.ConnectionError as refused:
                if process.poll() is not None:
                    why = process.stderr.read().decode()
                    raise SystemExit(f"{target} did not start: {why}") from refused
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def sign_in(base: str, email: str, password: str) -> str:
    session = requests.Session()
    page = session.get(f"{base}/signin").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = session.post(
        f"{base}/signin",
        data={"csrf_token": token, "email": email, "password": password},
        allow_redirects=False,
    )
    if answer.status_code != 302:
        raise SystemExit(f"could not sign in as {email}: {answer.status_code}")
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def pages_to_measure(database: str) -> list[tuple[str, str]]:
    """A realistic mix, on the biggest objects of the data set."""
    with psycopg.connect(f"postgresql://postgres@127.0.0.1/{database}") as conn:
        slug = conn.execute(
            "SELECT c.slug FROM communities c JOIN memberships m ON m.community_id = c.id "
            "WHERE m.status = 'active' GROUP BY c.slug ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        pages = [
            ("community directory", "/communities/"),
            ("community page", f"/communities/{slug}"),
            ("members list", f"/communities/{slug}/members"),
        ]
        for name, query, template in EXTRA_PAGES:
            row = conn.execute(query).fetchone() if query else ()
            if row is not None:
                pages.append((name, template.format(*row)))
    return pages


# (name, SQL giving the URL's parts or None, URL template); pages of later features.
EXTRA_PAGES: list[tuple[str, str | None, str]] = []


def wrk(url: str, cookie: str, seconds: int, connections: int) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(LUA),
         "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", default="large", choices=["large", "medium"])
    parser.add_argument("--database", default="guildhall_bench")
    parser.add_argument("--fresh", action="store_true", help="rebuild the data set")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    database_url = f"postgresql+psycopg://postgres@127.0.0.1/{args.database}"
    env = {**os.environ, "DATABASE_URL": database_url, "GUILDHALL_ENV": "production",
           "SECRET_KEY": secrets.token_hex(32), "PYTHONPATH": str(ROOT),
           "SIGNIN_RATE_LIMIT": "1000 per minute"}  # fmt: skip
    ensure_database(args.database, env, args.scale, args.fresh)
    pages = pages_to_measure(args.database)

    results = []
    with gunicorn("bench.hello:app", 5601, args.workers, env) as hello:
        results.append(
            ("bare Flask hello", wrk(hello + "/", "x=1", args.seconds, args.connections))
        )
    with gunicorn("bench.naive:app", 5602, args.workers, env) as naive:
        results.append(
            ("naive 50-row page", wrk(naive + "/", "x=1", args.seconds, args.connections))
        )
    with gunicorn("app:create_app()", 5603, args.workers, env) as site:
        cookie = sign_in(site, "admin@example.com", "guildhall-demo")
        for name, path in pages:
            status = requests.get(site + path, headers={"Cookie": cookie}, allow_redirects=False)
            if status.status_code != 200:
                raise SystemExit(f"{name} ({path}) answered {status.status_code}, not 200")
            results.append((name, wrk(site + path, cookie, args.seconds, args.connections)))

    hello_rps = results[0][1]["rps"]
    print(f"\n{args.workers} gunicorn workers, wrk -t2 -c{args.connections}, "
          f"{args.seconds}s a page, PostgreSQL database {args.database}\n")  # fmt: skip
    columns = ("req/s", "p50 ms", "p95 ms", "p99 ms")
    print(f"{'page':<26}" + "".join(f"{c:>9}" for c in columns) + f"{'vs hello':>10}{'errors':>8}")
    for name, r in results:
        print(f"{name:<26}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}"
              f"{r['rps'] / hello_rps:>10.2f}{r['errors']:>8}")  # fmt: skip


if __name__ == "__main__":
    main()
