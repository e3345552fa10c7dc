"""Instructions a request costs, per page and for the two baselines, counted by callgrind.

    .venv/bin/python bench/instructions.py \\
        postgresql+psycopg://postgres@127.0.0.1/guildhall_bench \\
        [--pages "search,home"] [--requests 20] [--search-index-dir DIR]

CPU time on a shared two-core machine varies by a third from one minute to the next;
the count of instructions the app's process executes for the same requests varies by
less than 0.2 %. So a change of a few percent shows here when `make bench` and
`profile_page.py --timing` cannot see it. Each page runs in its own process under
`valgrind --tool=callgrind`, in-process through the test client (as profile_page.py),
and only the measured requests are counted: the process switches counting on after the
warm-up (`callgrind_control`). The database server's work is not counted, nor the time
an instruction waits for memory; `make bench` measures those.

The ratio is the naive page's count divided by the page's: what `make bench`'s
"× naive" would be if CPU were all that counted and it were spent at the same rate.
"""

import argparse
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASELINES = {"bare Flask hello": "bench.hello", "naive 50-row page": "bench.naive"}
WARM_UP = 5
NOTHING_TO_SHOW = 3  # the child's exit status when the data set has no such page


def count(args, page: str) -> float | None:
    """Instructions per request for one page, from a child process under callgrind
    (None when the data set has nothing to show there)."""
    database_url, requests = args.database_url, args.requests
    passed_on = ["--search-index-dir", args.search_index_dir] if args.search_index_dir else []
    passed_on += ["--redis", args.redis] if args.redis else []
    with tempfile.TemporaryDirectory() as folder:
        child = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no",
             f"--callgrind-out-file={folder}/callgrind.out",
             sys.executable, __file__, database_url, "--child", page,
             "--requests", str(requests), *passed_on],
            capture_output=True, text=True, cwd=ROOT,
            env={**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
    if child.returncode == NOTHING_TO_SHOW:
        return None
    collected = re.search(r"Collected : (\d+)", child.stderr)
    if child.returncode != 0 or collected is None:
        raise SystemExit(f"{page}: the child failed\n{child.stderr[-3000:]}")
    return int(collected[1]) / requests


def counting(on: bool) -> None:
    subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
                   check=True, capture_output=True)  # fmt: skip


def run_child(args) -> None:
    """Under callgrind: warm up, then count the requests of the page."""
    headers = {}
    if args.child in BASELINES:
        module = __import__(BASELINES[args.child], fromlist=["app"])
        client, path = module.app.test_client(), "/"
    elif args.redis:
        client, path, headers = served_client(args)
    else:
        # Not from profile_page.py: importing pyinstrument makes some pages cost more.
        from bench.queries import page_client

        client, target, _pages = page_client(args.database_url, args.child, args.search_index_dir)
        if target is None:
            sys.exit(NOTHING_TO_SHOW)
        path = target.path
    for _ in range(WARM_UP):
        assert client.get(path, headers=headers).status_code == 200
    counting(True)
    for _ in range(args.requests):
        client.get(path, headers=headers)
    counting(False)


def served_client(args):
    """As gunicorn serves the page: a session row like a sign-in makes (not the test
    client's kind), figures kept in Redis, and the request log written (to nowhere)."""
    from bench.pages import people
    from bench.queries import testing_app
    from bench.sessions import USER_AGENT, minted
    from core import logs

    app, targets = testing_app(args.database_url, args.search_index_dir, redis_url=args.redis)
    target = next((t for t in targets if t.name == args.child), None)
    if target is None:
        sys.exit(NOTHING_TO_SHOW)
    handler = logging.StreamHandler(open(os.devnull, "w"))  # noqa: SIM115 (the process's)
    handler.setFormatter(logs.JSONFormatter())
    logs.logger.addHandler(handler)
    logs.logger.setLevel(logging.INFO)
    with app.app_context():
        cookie, _token = minted(app, people(args.database_url)[target.role])
    client = app.test_client()
    name, value = cookie.split("=", 1)
    client.set_cookie(name, value)
    return client, target.path, {"User-Agent": USER_AGENT}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--pages", help="comma-separated page names (default: every page)")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--search-index-dir")
    parser.add_argument("--redis", metavar="URL",
                        help="count as served: a session row, figures kept in this Redis, "
                             "the request log written (default: the test client, as "
                             "profile_page.py)")  # fmt: skip
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is missing: apt-get install valgrind")
    from bench.pages import PAGES

    names = args.pages.split(",") if args.pages else [page.name for page in PAGES]
    naive = count(args, "naive 50-row page")
    print(f"{'page':<24} {'M instructions':>15} {'× naive':>8}")
    for name in [*BASELINES, *names]:
        each = naive if name == "naive 50-row page" else count(args, name)
        if each is None:
            print(f"{name:<24} {'—':>15} (the data set has nothing to show there)")
        else:
            print(f"{name:<24} {each / 1e6:>15.2f} {naive / each:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
