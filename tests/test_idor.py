"""IDOR: a leader of one community tries every object URL with another community's ids.

Every route with an argument is taken from the app's URL map (so routes added
later are tried too) and filled with the ids of a second, complete world: all
arguments foreign, and, where a route has several, every mix of own and foreign
ones (own initiative, foreign book). GET and POST, with a valid CSRF token.
Where an outside employee may not go (the permission matrix says so), the answer
is never a success and the foreign world's rows never change; nothing answers 500.
"""

import re
from dataclasses import dataclass, field
from itertools import combinations

import pytest
from flask import url_for

from tests.matrix import ALLOWED, all_cases
from tests.two_communities import build_two_worlds, changed_tables, rows_of_communities

IGNORED_ENDPOINTS = {"static", "bootstrap.static"}
# An outside employee: signed in, in neither the foreign community nor any role there.
OUTSIDER_ROLE = "employee"
MINIMUM_URLS = 100


@dataclass
class Attempt:
    method: str
    url: str
    label: str
    allowed: bool  # the matrix lets any signed-in outsider do this to the foreign world
    data: dict = field(default_factory=dict)


def _cases_by_route() -> dict[tuple[str, str], list]:
    cases: dict[tuple[str, str], list] = {}
    for case in all_cases():
        cases.setdefault((case.endpoint, case.method), []).append(case)
    return cases


def object_routes(app) -> list[tuple[str, str]]:
    return sorted(
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.arguments and rule.endpoint not in IGNORED_ENDPOINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


def attempts_for(app, worlds) -> list[Attempt]:
    cases = _cases_by_route()
    attempts: dict[tuple[str, str], Attempt] = {}
    for endpoint, method in object_routes(app):
        # A route missing from the matrix fails tests/test_permission_matrix.py.
        for case in cases.get((endpoint, method), []):
            own, far = case.url_args(worlds.own), case.url_args(worlds.foreign)
            differing = [name for name in far if far[name] != own.get(name)]
            for size in range(1, len(differing) + 1):
                for names in combinations(differing, size):
                    args = {**own, **{name: far[name] for name in names}}
                    every_one_foreign = size == len(differing)
                    with app.test_request_context():
                        url = url_for(endpoint, **args)
                    label = f"{case.id} with foreign {', '.join(names)}"
                    allowed = every_one_foreign and case.expect[OUTSIDER_ROLE] == ALLOWED
                    known = attempts.get((method, url))
                    if known is None or (known.allowed and not allowed):
                        attempts[(method, url)] = Attempt(method, url, label, allowed, case.data)
    # Refusals first: what an outsider may do (join, register) must not change what
    # the later attempts expect.
    return sorted(attempts.values(), key=lambda attempt: attempt.allowed)


def csrf_token(client) -> str:
    page = client.get("/me").get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)


@pytest.fixture
def worlds(app):
    return build_two_worlds()


def test_a_leader_never_reaches_another_communitys_objects(app, worlds, monkeypatch, capsys):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = app.test_client(user=worlds.own.users["leader"])
    token = csrf_token(client)
    attempts = attempts_for(app, worlds)

    def snapshot():
        return rows_of_communities(worlds.foreign_community_ids, worlds.foreign_user_ids)

    problems = []
    for attempt in attempts:
        before = None if attempt.allowed else snapshot()
        data = {**attempt.data, "csrf_token": token} if attempt.method == "POST" else None
        response = client.open(attempt.url, method=attempt.method, data=data)
        where = f"{attempt.method} {attempt.url} ({attempt.label}): {response.status_code}"
        if response.status_code >= 500:
            problems.append(f"{where}, a server error")
        if response.status_code == 400 and "The form expired" in response.get_data(as_text=True):
            problems.append(f"{where}, the CSRF token was refused")
        if attempt.allowed:
            continue
        if 200 <= response.status_code < 300:
            problems.append(f"{where}, a success on a foreign object")
        if (changed := changed_tables(before, snapshot())) != []:
            problems.append(f"{where}, changed the foreign {changed}")

    refused = sum(not attempt.allowed for attempt in attempts)
    with capsys.disabled():
        print(
            f"\nIDOR: {len(attempts)} URLs tried on {len(object_routes(app))} object routes "
            f"({refused} must be refused, {len(attempts) - refused} open to any employee); "
            f"{len(problems)} problems"
        )
    assert problems == []
    assert len(attempts) >= MINIMUM_URLS
