"""Facts the header asks about the signed-in person ("do they lead a community?", for the
"Promotions" entry) are read in the statement that loads them (accounts/sessions.py), so
they are never late and cost no statement of their own."""

import re

import pytest
from flask import g

from accounts.sessions import session_fact
from community import services as communities
from community.models import MembershipRole
from core.extensions import db
from promotions.permissions import leads_any_community
from tests.conftest import make_community, make_user
from tests.test_accounts_sessions_support import ann_fixture, signed_in  # noqa: F401

PROMOTIONS_ENTRY = re.compile(r'href="/promotions/">Promotions</a>')


def shows_promotions(client) -> bool:
    page = client.get("/communities/")
    assert page.status_code == 200
    return bool(PROMOTIONS_ENTRY.search(page.text))


@pytest.fixture(params=["sign-in form", "test client"])
def ann_browser(request, app, ann):
    """Ann signed in with a session row, or with the test client's kind of session."""
    return signed_in(app) if request.param == "sign-in form" else app.test_client(user=ann)


def test_the_promotions_entry_follows_leadership_on_the_next_page(app, ann, ann_browser):
    founder = make_user("fay@example.com", "Fay Founder")
    community = make_community(founder)
    membership = communities.join_community(ann, community)
    db.session.commit()
    assert not shows_promotions(ann_browser)

    communities.set_member_role(founder, membership, MembershipRole.LEADER)
    db.session.commit()
    assert shows_promotions(ann_browser)  # at once, not a minute later

    communities.set_member_role(founder, membership, MembershipRole.MEMBER)
    db.session.commit()
    assert not shows_promotions(ann_browser)


def test_two_people_in_two_browsers_never_get_each_others_fact(app, ann):
    make_user("bob@example.com", "Bob Baker")
    make_community(ann)  # Ann leads it, Bob leads nothing
    ann_browser, bob_browser = signed_in(app), signed_in(app, email="bob@example.com")
    for _ in range(3):
        assert shows_promotions(ann_browser) and not shows_promotions(bob_browser)
        assert ann_browser.get("/promotions/").status_code == 200
        assert bob_browser.get("/promotions/").status_code in (403, 404)


def test_the_fact_costs_no_statement_of_its_own(app, ann, ann_browser, count_queries):
    make_community(ann)  # Ann leads it
    with count_queries() as statements:
        assert shows_promotions(ann_browser)
    asking = [s for s in statements if "EXISTS" in s]
    assert len(asking) == 1, statements
    assert "FROM sign_in_sessions" in asking[0] or "FROM users" in asking[0]  # with the person


def test_a_request_that_may_write_asks_the_database_again(app, ann):
    other = make_user("olga@example.com", "Olga Other")
    cases = [("/communities/", "GET", True), ("/communities/", "HEAD", True),
             ("/communities/", "POST", None), ("/go/abc", "GET", None)]  # fmt: skip
    for path, method, expected in cases:  # /go/ counts a click: @writes_on_get
        with app.test_request_context(path, method=method):
            g.session_facts = (ann.id, {"leads_any_community": True})
            assert session_fact(ann, "leads_any_community") is expected
            assert session_fact(other, "leads_any_community") is None  # someone else's
    with app.test_request_context("/communities/", method="POST"):
        g.session_facts = (ann.id, {"leads_any_community": True})
        assert leads_any_community(ann) is False  # Ann leads nothing: asked afresh
