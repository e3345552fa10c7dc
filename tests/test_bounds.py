"""Numbers beyond what the database and the calendar hold, in the path and the query
string, get a 404 or are ignored: never a 500, a 503 or a page that computes for half a minute."""

import re

import pytest
from flask import current_app

from core.models import utcnow
from tests.test_bounds_support import HUGE, JUST_PAST_INTEGER, people_fixture  # noqa: F401
from tests.test_initiatives_support import build_catalog

# --- ids in the path ----------------------------------------------------------------------


def _paths_with_ids(number: str) -> list[tuple[str, str]]:
    """(method, path) of every route with an id in its path, the ids set to `number`."""
    found = []
    for rule in current_app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        path = re.sub(r"<int:\w+>", number, rule.rule)
        path = re.sub(r"<(?:\w+:)?\w+>", "x", path)
        found += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


@pytest.mark.parametrize("number", [HUGE, JUST_PAST_INTEGER])
def test_every_id_beyond_the_column_is_not_found(people, login, number):
    _leader, _smm, admin, _community = people
    client = login(admin)
    paths = _paths_with_ids(number)
    assert len(paths) > 50
    answers = {(m, p): client.open(p, method=m).status_code for m, p in paths}
    assert {key: status for key, status in answers.items() if status != 404} == {}


def test_the_event_from_the_issue_is_not_found_signed_in_or_not(people, login, client):
    assert login(people[2]).get(f"/events/{HUGE}").status_code == 404
    assert client.get(f"/events/{HUGE}").status_code == 404


def test_the_largest_id_the_column_holds_is_looked_up(people, login):
    assert login(people[2]).get(f"/events/{2**31 - 1}").status_code == 404


# --- numbers in the query string ----------------------------------------------------------


@pytest.mark.parametrize("number", [HUGE, JUST_PAST_INTEGER, str(2**31 - 1), "-1", "0", "x"])
@pytest.mark.parametrize(
    "path",
    [
        "/communities/?page={n}",
        "/events?page={n}",
        "/events/past?page={n}",
        "/promotions/?page={n}",
        "/promotions/?community={n}",
        "/promotions/calendar?channel={n}",
        "/search?q=lead&page={n}",
        "/admin/users?page={n}",
        "/admin/audit?page={n}",
        "/admin/emails?page={n}",
        "/admin/participants?page={n}",
    ],
)
def test_numbers_out_of_range_in_the_query_are_ignored(people, login, path, number):
    _leader, _smm, admin, _community = people
    response = login(admin).get(path.format(n=number))
    assert response.status_code == 200, response.status_code


@pytest.mark.parametrize("number", [HUGE, JUST_PAST_INTEGER])
def test_a_catalog_page_out_of_range_shows_the_first_page(app, login, client, number):
    catalog = build_catalog()
    catalog.offer("Drive")
    url = f"/initiatives/{catalog.initiative.id}"
    assert "Drive" in login(catalog.leader).get(f"{url}?page={number}").text
    assert "Drive" in client.get(f"/public{url}?page={number}").text
    leads = login(catalog.leader).get(f"{url}/leads?page={number}")
    assert leads.status_code == 200


@pytest.mark.parametrize("number", [HUGE, JUST_PAST_INTEGER])
def test_copying_an_event_beyond_the_ids_shows_an_empty_form(people, login, number):
    leader, _smm, _admin, community = people
    response = login(leader).get(f"/communities/{community.slug}/events/new?copy={number}")
    assert response.status_code == 200


@pytest.mark.parametrize("start", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"])
@pytest.mark.parametrize("view", ["week", "month"])
def test_calendar_far_from_now_shows_this_week_or_month(people, login, start, view):
    response = login(people[1]).get(f"/promotions/calendar?start={start}&view={view}")
    assert response.status_code == 200
    assert str(utcnow().year) in response.text


# --- the pager ------------------------------------------------------------------------------


def test_pager_links_carry_only_the_catalogs_own_filters(app, login):
    catalog = build_catalog()
    for n in range(25):
        catalog.offer(f"Book {n}")
    url = f"/initiatives/{catalog.initiative.id}"
    query = "?_method=POST&_external=1&_scheme=javascript&_anchor=x&category=Leadership&evil=1"
    response = login(catalog.leader).get(url + query)
    assert response.status_code == 200
    links = re.findall(r'class="page-link" href="([^"]*)"', response.text)
    assert links, "the catalog has a second page"
    assert all(link.startswith(f"{url}?") for link in links)
    assert all("_method" not in link and "evil" not in link for link in links)
    assert all("category=Leadership" in link and "page=2" in link for link in links)


def test_method_in_the_query_of_the_public_page_is_harmless(app, client):
    catalog = build_catalog()
    for n in range(25):
        catalog.offer(f"Book {n}")
    response = client.get(f"/public/initiatives/{catalog.initiative.id}?_method=POST")
    assert response.status_code == 200
