"""Tracked links: where they may lead, counting clicks and visitors, links to what has ended."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from community import services as communities
from core.errors import DomainError
from core.extensions import db
from core.models import utcnow
from promotions import (
    links,
    outcome_figures,
)
from promotions.models import (
    LinkVisit,
    PromotionRequest,
)
from promotions.subjects import load_subject
from tests.test_promotions_factories import event_brief, make_link, promo_world, running_brief


@pytest.fixture
def promo(app):
    return promo_world()


# --- redirect safety ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["x", "short", "a" * 40, "abc$defghij", "..%2F..%2Fetc", "%00abcdefgh", "abcdefghijkl"],
)
def test_unknown_or_malformed_codes_are_404(promo, client, code):
    # (A NUL byte is refused before routing, with a 400.)
    assert client.get(f"/go/{code}").status_code == (400 if "%00" in code else 404)


@pytest.mark.parametrize(
    "path",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)",
     "evil.example", "", "/ok\nLocation: https://evil.example", "http:/x"],
)  # fmt: skip
def test_links_never_lead_off_the_site(promo, path):
    assert not links.is_internal_path(path)
    brief = event_brief(promo)
    _leader, smm, *_ = promo
    if path:  # empty means "the promoted page"
        with pytest.raises(Exception, match="path on this site"):
            links.create_link(smm, brief.posts[0], path)
        db.session.rollback()


def test_a_row_changed_by_hand_is_not_an_open_redirect(promo, client):
    brief = event_brief(promo)
    link = make_link(promo[1], brief)
    link.target_path = "https://evil.example/"
    db.session.commit()
    assert client.get(f"/go/{link.code}").status_code == 404


def test_following_a_link_counts_the_click_and_lands_on_the_promoted_page(promo, client):
    *_rest, event = promo
    brief = event_brief(promo)
    link = make_link(promo[1], brief)
    assert len(link.code) >= 12 and link.target_path == f"/events/{event.id}"
    first, second = {"REMOTE_ADDR": "10.0.0.1"}, {"REMOTE_ADDR": "10.0.0.2"}
    response = client.get(f"/go/{link.code}", environ_base=first)
    assert response.status_code == 302 and response.headers["Location"] == f"/events/{event.id}"
    assert response.headers["Cache-Control"] == "no-store"
    cookie = response.headers["Set-Cookie"]
    assert links.COOKIE in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    client.get(f"/go/{link.code}", environ_base=first)
    client.get(f"/go/{link.code}", environ_base=second)
    visits = db.session.execute(select(LinkVisit)).scalars().all()
    assert sorted(v.clicks for v in visits) == [1, 2]  # two visitors, three clicks
    # Nothing personal is kept: a 32-character hash, salted with the day.
    assert all(len(v.visitor) == 32 and "10.0.0" not in v.visitor for v in visits)
    today = utcnow().date()
    assert links.visitor_hash(today, "1.2.3.4") != links.visitor_hash(
        today + timedelta(days=1), "1.2.3.4"
    )


def test_one_address_is_one_visitor_a_day_whatever_browser_it_claims(promo, client):
    brief = event_brief(promo)
    link = make_link(promo[1], brief)
    for n in range(50):
        client.get(
            f"/go/{link.code}",
            headers={"User-Agent": f"Browser {n}"},
            environ_base={"REMOTE_ADDR": "203.0.113.7"},
        )
    client.get(f"/go/{link.code}", environ_base={"REMOTE_ADDR": "203.0.113.8"})
    figures = outcome_figures.brief_outcome(db.session.get(PromotionRequest, brief.id))
    assert (figures.total.visitors, figures.total.clicks) == (2, 51)


def test_parallel_clicks_all_count(promo, app):
    import threading

    brief = event_brief(promo)
    link = make_link(promo[1], brief)
    code = link.code
    errors = []

    def click():
        try:
            with app.test_client() as client:
                assert client.get(f"/go/{code}").status_code == 302
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=click, daemon=True) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    db.session.rollback()  # end this session's snapshot, to read what the threads wrote
    total = db.session.execute(select(func.sum(LinkVisit.clicks))).scalar_one()
    assert total == 12


@pytest.mark.parametrize("end", ["archive the community", "close the initiative"])
def test_a_link_to_what_has_ended_counts_no_click_and_says_so(promo, client, end):
    from initiatives import editing

    leader, smm, _visitor, community, _event = promo
    sale = editing.create_initiative(
        leader, community, title="Sale", kind="catalog", is_public=True, status="active",
        categories="Leadership",
    )  # fmt: skip
    db.session.commit()
    brief = running_brief(leader, smm, load_subject("initiative", sale.id))
    link = make_link(smm, brief)
    if end == "archive the community":
        communities.archive_community(leader, community)
    else:
        editing.update_initiative(leader, sale, status="closed")
    db.session.commit()
    response = client.get(f"/go/{link.code}", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 404
    assert "What this link promoted is over" in response.get_data(as_text=True)
    assert links.COOKIE not in response.headers.get("Set-Cookie", "")
    assert db.session.execute(select(func.count()).select_from(LinkVisit)).scalar_one() == 0


def test_an_ipv6_slash_64_and_an_ipv4_address_written_as_ipv6_are_one_visitor(promo, client):
    brief = event_brief(promo)
    link = make_link(promo[1], brief)
    for address in ("2001:db8:1:2::1", "2001:db8:1:2:ffff::7", "2001:DB8:1:2:0::1"):
        client.get(f"/go/{link.code}", environ_base={"REMOTE_ADDR": address})
    client.get(f"/go/{link.code}", environ_base={"REMOTE_ADDR": "2001:db8:1:3::1"})  # next /64
    for address in ("192.0.2.1", "::ffff:192.0.2.1"):
        client.get(f"/go/{link.code}", environ_base={"REMOTE_ADDR": address})
    figures = outcome_figures.brief_outcome(db.session.get(PromotionRequest, brief.id))
    assert (figures.total.visitors, figures.total.clicks) == (3, 6)


def test_a_head_request_is_not_a_click(promo, client):
    link = make_link(promo[1], event_brief(promo))
    assert client.head(f"/go/{link.code}").status_code == 302
    assert db.session.execute(select(LinkVisit)).first() is None


def test_a_link_cannot_lead_to_another_tracked_link(promo):
    brief = event_brief(promo)
    with pytest.raises(DomainError, match="not another tracked link"):
        make_link(promo[1], brief, target="/go/abcdefghijkl")
