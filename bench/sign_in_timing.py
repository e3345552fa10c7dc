"""How long a wrong sign-in takes, for an account that exists and for one that does not.

    .venv/bin/python bench/sign_in_timing.py [--rounds 30] [--method scrypt]

Sign-in must not tell anybody whether an address has an account, by its page
or by its time: an unknown address is checked against a dummy hash of the same
method and cost as a real one (accounts/services.py). This posts a wrong
password for a real account and for an unknown address, interleaved so that
load on the machine falls on both alike, with the Flask test client on a
throwaway SQLite file and production's password method (scrypt), and prints
the median and 95th percentile of each and the ratio of the medians. The ratio
should stay near 1 (0.8–1.25); the suite checks, without a clock, that both
answers check one hash of the site's method (tests/test_sign_in_answers.py).

Measured on 6 December 2026 (2 cores shared with other engineers' test runs,
load about 4), 15 rounds, scrypt:

    answer              median ms   p95 ms   min ms
    wrong password          631.3    825.2    203.9
    unknown address         559.6    846.4    155.5
    ratio of medians (wrong password / unknown address): 1.13

Under such load single answers vary threefold; only the ratio of medians over
many interleaved rounds means anything, which is why no test times them.
"""

import argparse
import logging
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from accounts import services as accounts  # noqa: E402
from app import create_app  # noqa: E402
from core.extensions import db  # noqa: E402


def measure(rounds: int, method: str) -> dict[str, list[float]]:
    """Seconds per answer, for a wrong password and for an unknown address."""
    with tempfile.TemporaryDirectory(prefix="guildhall-signin-") as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/signin.sqlite",
                "SECRET_KEY": secrets.token_hex(32),
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
                "SEARCH_INDEX_DIR": f"{folder}/search-index",
                "UPLOAD_DIR": f"{folder}/uploads",
                "PASSWORD_HASH_METHOD": method,
                "ALLOWED_EMAIL_DOMAINS": ["example.com"],
            }
        )
        logging.getLogger("guildhall.requests").setLevel(logging.WARNING)
        with app.app_context():
            db.create_all()
            accounts.create_user("ann@example.com", "Ann", "her own password")
            db.session.commit()
        client = app.test_client()
        tries = {"wrong password": "ann@example.com", "unknown address": "nobody@example.com"}
        seconds: dict[str, list[float]] = {name: [] for name in tries}
        for email in tries.values():  # warm up: translations, the cached dummy hash
            client.post("/signin", data={"email": email, "password": "not it"})
        for _ in range(rounds):
            for name, email in tries.items():
                started = time.perf_counter()
                response = client.post("/signin", data={"email": email, "password": "not it"})
                seconds[name].append(time.perf_counter() - started)
                if "Wrong email or password." not in response.get_data(as_text=True):
                    raise SystemExit(f"{name}: unexpected answer {response.status_code}")
        with app.app_context():
            db.engine.dispose()
    return seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--method", default="scrypt", help="password hash method (production's)")
    args = parser.parse_args()
    seconds = measure(args.rounds, args.method)
    print(f"{args.rounds} rounds, password method {args.method}")
    print(f"{'answer':<18} {'median ms':>10} {'p95 ms':>8} {'min ms':>8}")
    for name, values in seconds.items():
        median, p95 = statistics.median(values) * 1000, percentile(values, 0.95) * 1000
        print(f"{name:<18} {median:>10.1f} {p95:>8.1f} {min(values) * 1000:>8.1f}")
    known, unknown = (statistics.median(values) for values in seconds.values())
    print(f"ratio of medians (wrong password / unknown address): {known / unknown:.2f}")


if __name__ == "__main__":
    main()
