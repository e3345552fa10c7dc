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
import pstats
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.queries import page_client  # noqa: E402


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
    parser.add_argument("--by-layer", action="store_true",
                        help="instead: CPU per request split by layer (templates, "
                             "SQLAlchemy, the driver, Babel, Flask, the site's code)")  # fmt: skip
    parser.add_argument(
        "--timing",
        action="store_true",
        help="instead: no profiler, only the CPU time a request takes",
    )
    args = parser.parse_args()
    client, target, pages = page_client(args.database_url, args.page, args.search_index_dir)
    if target is None:
        raise SystemExit(f"no page {args.page!r}; pages: {', '.join(pages)}")
    client.get(target.path)  # warm up: translations, templates, the pool
    if args.timing:
        timing(client, target, args.requests)
        return
    if args.by_function:
        by_function(client, target, args.requests, args.by_function)
        return
    if args.by_layer:
        by_layer(client, target, args.requests)
        return
    # Only this default mode needs the bench extra; --timing, --by-layer and
    # --by-function run on what `make test` installs (the smoke test uses --by-layer).
    from pyinstrument import Profiler

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
    cpu = cpu_per_request(client, target, requests)
    print(f"{target.name} ({target.path}): {cpu:.2f} ms of CPU a request in-process")


def cpu_per_request(client, target, requests: int) -> float:
    """CPU ms a request, best of five rounds (the machine's other work only adds)."""
    rounds = []
    for _ in range(5):
        began = time.process_time()
        for _ in range(max(requests // 5, 1)):
            client.get(target.path)
        rounds.append((time.process_time() - began) / max(requests // 5, 1) * 1000)
    return min(rounds)


# Where a function's own time goes, by the file it is in: the site's own files, then the
# first layer whose marker the file's path holds. C functions ("~") count for the layer of
# their caller (all of SQLite's driver is C: it shows under SQLAlchemy).
SITE_CODE = "the site's code"
SITE_ROOT = str(Path(__file__).resolve().parents[1])
LAYERS = [
    ("database driver", ("psycopg", "sqlite3")),
    ("SQLAlchemy", ("sqlalchemy",)),
    ("templates", ("jinja2", "markupsafe", "/templates/", ".html")),
    ("Babel (dates, numbers, translations)", ("babel",)),
    ("Flask, Werkzeug, extensions", ("flask", "werkzeug", "itsdangerous", "wtforms",
                                      "limits", "cachelib", "redis")),
]  # fmt: skip
OTHER = "Python's library, other"


def layer_of(filename: str) -> str:
    if filename.startswith(SITE_ROOT) and "site-packages" not in filename:
        return SITE_CODE
    for name, markers in LAYERS:
        if any(marker in filename for marker in markers):
            return name
    return OTHER


def by_layer(client, target, requests: int) -> None:
    """The request's CPU (measured without a profiler) shared out as cProfile, on the CPU
    clock, saw it spent: what a page would have left if one layer cost nothing."""
    cpu = cpu_per_request(client, target, requests)
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    for _ in range(requests):
        client.get(target.path)
    profile.disable()
    spent: Counter[str] = Counter()
    for (filename, _line, _name), (_cc, _nc, own, _cum, callers) in pstats.Stats(
        profile
    ).stats.items():
        if filename != "~":
            spent[layer_of(filename)] += own
            continue
        for (caller_file, _l, _n), (_c, _n2, caller_own, _c2) in callers.items():
            spent[layer_of(caller_file)] += caller_own
    total = sum(spent.values()) or 1
    order = [name for name, _ in LAYERS] + [SITE_CODE, OTHER]
    parts = ", ".join(f"{name} {cpu * spent.get(name, 0) / total:.2f}" for name in order)
    print(f"{target.name}: {cpu:.2f} ms of CPU a request in-process; {parts}")


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
