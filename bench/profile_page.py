"""Where a measured page spends its time: pyinstrument over many requests, in-process.

    .venv/bin/python bench/profile_page.py \\
        postgresql+psycopg://postgres@127.0.0.1/guildhall_bench \\
        "event page" [--requests 200] [--html profile.html]

The page and the person are the benchmark's (bench/pages.py). Requests go
through the test client, so the profile shows the app's own work without
gunicorn and the network; `py-spy top --pid <gunicorn worker>` shows it live
under wrk.
"""

import argparse
import cProfile
import logging
import pstats
import secrets
import sys
import time
from pathlib import Path

from flask_login import FlaskLoginClient
from pyinstrument import Profiler

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from accounts.models import User  # noqa: E402
from app import create_app  # noqa: E402
from bench.pages import people, resolve  # noqa: E402
from core.extensions import db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("page", help="a page name from bench/pages.py, e.g. 'event page'")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--search-index-dir")
    parser.add_argument("--html", help="also write pyinstrument's HTML report here")
    parser.add_argument("--by-function", type=int, metavar="N", default=0,
                        help="instead: cProfile's N functions with the most time of their own "
                             "(the thin costs a call tree spreads out)")  # fmt: skip
    parser.add_argument(
        "--timing",
        action="store_true",
        help="instead: no profiler, only the CPU time a request takes",
    )
    args = parser.parse_args()
    # TESTING: Flask-Login's test client signs people in without a session row, which
    # only a testing app accepts (accounts/sessions.py); it answers on any host too.
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": args.database_url,
              "RATELIMIT_ENABLED": False, "SEARCH_AUTO_REBUILD": False,
              "SECRET_KEY": secrets.token_hex(32)}  # fmt: skip
    if args.search_index_dir:
        config["SEARCH_INDEX_DIR"] = args.search_index_dir
    app = create_app(config)
    logging.getLogger("guildhall.requests").setLevel(logging.WARNING)  # one line a request
    app.test_client_class = FlaskLoginClient
    targets, _ = resolve(args.database_url, {rule.endpoint for rule in app.url_map.iter_rules()})
    target = next((t for t in targets if t.name == args.page), None)
    if target is None:
        raise SystemExit(f"no page {args.page!r}; pages: {', '.join(t.name for t in targets)}")
    with app.app_context():
        user = db.session.get(User, people(args.database_url)[target.role])
        db.session.expunge_all()
    client = app.test_client(user=user)
    client.get(target.path)  # warm up: translations, templates, the pool
    if args.timing:
        timing(client, target, args.requests)
        return
    if args.by_function:
        by_function(client, target, args.requests, args.by_function)
        return
    profiler = Profiler(interval=0.0005)
    began = time.perf_counter()
    with profiler:
        for _ in range(args.requests):
            assert client.get(target.path).status_code == 200
    took = (time.perf_counter() - began) / args.requests * 1000
    print(f"{target.name} ({target.path}): {took:.1f} ms a request in-process")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        Path(args.html).write_text(profiler.output_html())


def timing(client, target, requests: int) -> None:
    """CPU time per request, best of five rounds (the machine's other work only adds)."""
    rounds = []
    for _ in range(5):
        began = time.process_time()
        for _ in range(max(requests // 5, 1)):
            client.get(target.path)
        rounds.append((time.process_time() - began) / max(requests // 5, 1) * 1000)
    print(f"{target.name} ({target.path}): {min(rounds):.2f} ms of CPU a request in-process "
          f"(rounds: {', '.join(f'{r:.2f}' for r in rounds)})")  # fmt: skip


def by_function(client, target, requests: int, top: int) -> None:
    profile = cProfile.Profile()
    began = time.perf_counter()
    profile.enable()
    for _ in range(requests):
        client.get(target.path)
    profile.disable()
    took = (time.perf_counter() - began) / requests * 1000
    print(f"{target.name} ({target.path}): {took:.1f} ms a request under cProfile")
    stats = pstats.Stats(profile).strip_dirs().sort_stats("tottime")
    stats.print_stats(top)


if __name__ == "__main__":
    main()
