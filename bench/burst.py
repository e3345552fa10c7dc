"""A burst of parallel sign-ups for one event through HTTP: never oversold, nobody lost.

    .venv/bin/python bench/burst.py --base http://127.0.0.1:5603 [--people 500] [--seats 100]

(run.py calls it against the site it serves.) Makes a new event with `seats`
seats in the biggest community, mints a session for each of `people`
employees, lets all of them press "Register" at the same moment, then counts
what the database holds and deletes the event again.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests
from flask import Flask
from sqlalchemy import delete, func, select, text

from bench.pages import BIGGEST
from bench.sessions import HEADERS, minted
from community import services as communities
from community.models import Community
from core.extensions import db
from core.models import utcnow
from events import planning
from events.models import Event, EventVisibility, Registration
from events.planning import EventDetails


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def new_event(seats: int, people: int) -> tuple[int, list[int]]:
    community = db.session.get(Community, db.session.execute(text(BIGGEST)).scalar_one())
    leader = communities.leaders_of(community)[0]
    starts = (utcnow() + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    event = planning.create_event(
        leader,
        community,
        EventDetails(
            title="Burst test: the 100-seat workshop", starts_at=starts,
            ends_at=starts + timedelta(hours=2), timezone="Europe/Kyiv", place="Hall A",
            capacity=seats, visibility=EventVisibility.EMPLOYEES,
        ),
    )  # fmt: skip
    db.session.commit()
    user_ids = db.session.execute(
        text("SELECT id FROM users WHERE active AND NOT is_admin ORDER BY id DESC LIMIT :n"),
        {"n": people},
    ).scalars()
    return event.id, list(user_ids)


def burst(app: Flask, base: str, people: int = 500, seats: int = 100) -> dict:
    with app.app_context():
        event_id, user_ids = new_event(seats, people)
        sessions = [minted(app, user_id) for user_id in user_ids]
    start = threading.Barrier(len(sessions))

    def sign_up(session: tuple[str, str]) -> tuple[int, float]:
        cookie, token = session
        with requests.Session() as browser:
            browser.headers.update({**HEADERS, "Cookie": cookie})
            start.wait()
            began = time.perf_counter()
            try:
                answer = browser.post(
                    f"{base}/events/{event_id}/register",
                    data={"csrf_token": token},
                    allow_redirects=False,
                    timeout=60,
                )
                status = answer.status_code
            except requests.RequestException:
                status = 0
            return status, (time.perf_counter() - began) * 1000

    began = time.perf_counter()
    with ThreadPoolExecutor(len(sessions)) as pool:
        answers = list(pool.map(sign_up, sessions))
    seconds = time.perf_counter() - began
    with app.app_context():
        counts = dict(
            db.session.execute(
                select(Registration.status, func.count())
                .where(Registration.event_id == event_id)
                .group_by(Registration.status)
            ).all()
        )
        db.session.execute(delete(Event).where(Event.id == event_id))  # registrations cascade
        db.session.commit()
    latencies = [ms for _, ms in answers]
    refused = sum(status != 302 for status, _ in answers)
    recorded = sum(counts.values())
    return {
        "people": len(sessions), "seats": seats,
        "confirmed": counts.get("confirmed", 0), "waitlisted": counts.get("waitlisted", 0),
        "errors": refused + (len(sessions) - recorded), "seconds": seconds,
        "p50": percentile(latencies, 0.50), "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
    }  # fmt: skip
