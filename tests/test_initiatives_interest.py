"""An employee's "I'm in" / "I'm out" on a general initiative: one lead per person, counted
with the outside people's leads; "I'm out" keeps the lead but counts it nowhere."""

import csv
import io
import re
import threading

import pytest
from sqlalchemy import func, select

from accounts.models import User
from community import services as communities
from core import commands
from core.extensions import db
from core.models import utcnow
from core.signals import lead_created
from initiatives import counts, editing, leads, participants
from initiatives.models import Initiative, InitiativeKind, InitiativeStatus, Lead, LeadKind
from promotions import outcome_figures, outcomes
from promotions.models import Attribution, Objective, PromotionRequest
from promotions.subjects import load_subject
from reports import activity
from reports.periods import Period
from tests.conftest import make_community, make_user
from tests.test_promotions_factories import make_link, running_brief


@pytest.fixture
def circle(app):
    """A general, active initiative with a target, and two employees."""
    leader = make_user("lena@example.com", "Lena Leader")
    community = make_community(leader)
    initiative = editing.create_initiative(
        leader, community, title="Mentoring circle", kind=InitiativeKind.GENERAL,
        status=InitiativeStatus.ACTIVE, target=10, is_public=True,
    )  # fmt: skip
    db.session.commit()
    ann = make_user("ann@example.com", "Ann Employee")
    bob = make_user("bob@example.com", "Bob Employee")
    return initiative, leader, ann, bob


def _interested(initiative: Initiative) -> int:
    db.session.expire_all()
    return counts.totals(db.session.get(Initiative, initiative.id)).leads


def _page(client, initiative) -> str:
    response = client.get(f"/initiatives/{initiative.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _leads_of(initiative) -> list[Lead]:
    return list(
        db.session.execute(select(Lead).where(Lead.initiative_id == initiative.id)).scalars()
    )


def test_in_out_and_in_again_counts_one_person_once(circle, login):
    initiative, _leader, ann, _bob = circle
    client = login(ann)
    page = _page(client, initiative)
    assert "0 people interested · target 10" in page
    assert "I'm in" in page and "You are in" not in page

    response = client.post(f"/initiatives/{initiative.id}/in", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You are in. The organisers count on you." in page
    assert "1 person interested · target 10" in page
    assert "You are in" in page and "I'm out" in page
    assert _interested(initiative) == 1

    page = client.post(f"/initiatives/{initiative.id}/out", follow_redirects=True).get_data(
        as_text=True
    )
    assert "0 people interested" in page and "I'm in" in page
    assert "<strong>You are in</strong>" not in page
    assert _interested(initiative) == 0
    (lead,) = _leads_of(initiative)  # kept, marked
    assert lead.withdrawn_at is not None

    client.post(f"/initiatives/{initiative.id}/out")  # twice out is still out
    client.post(f"/initiatives/{initiative.id}/in")
    client.post(f"/initiatives/{initiative.id}/in")  # a second press changes nothing
    assert _interested(initiative) == 1
    (again,) = _leads_of(initiative)
    assert again.id == lead.id and again.withdrawn_at is None
    assert again.user_id == ann.id and again.kind == LeadKind.INTEREST


def test_outside_peoples_leads_count_with_the_employees(circle, login):
    initiative, _leader, ann, bob = circle
    leads.register_interest(initiative, participants.Outsider("Olha", "olha@elsewhere.example"))
    db.session.commit()
    login(ann).post(f"/initiatives/{initiative.id}/in")
    login(bob).post(f"/initiatives/{initiative.id}/in")
    assert _interested(initiative) == 3
    login(bob).post(f"/initiatives/{initiative.id}/out")
    assert _interested(initiative) == 2
    assert "2 people interested · target 10" in _page(login(ann), initiative)


def test_only_a_new_lead_is_announced_and_the_source_is_kept(circle, login):
    initiative, _leader, ann, _bob = circle
    received = []

    def listener(sender, lead):
        received.append(lead.id)

    client = login(ann)
    # The initiative page passes on where the person came from, as the public form does.
    page = client.get(f"/initiatives/{initiative.id}?source=newsletter").get_data(as_text=True)
    assert f'action="/initiatives/{initiative.id}/in?source=newsletter"' in page
    with lead_created.connected_to(listener):
        client.post(f"/initiatives/{initiative.id}/in?source=newsletter")
        client.post(f"/initiatives/{initiative.id}/out")
        client.post(f"/initiatives/{initiative.id}/in?source=other")
    (lead,) = _leads_of(initiative)
    assert received == [lead.id]
    assert lead.source == "newsletter"


def test_the_leads_page_and_csv_mark_who_is_out(circle, login):
    initiative, leader, ann, bob = circle
    login(ann).post(f"/initiatives/{initiative.id}/in")
    login(bob).post(f"/initiatives/{initiative.id}/in")
    login(bob).post(f"/initiatives/{initiative.id}/out")
    page = login(leader).get(f"/initiatives/{initiative.id}/leads").get_data(as_text=True)
    assert page.count("Out since") == 1
    rows = list(csv.DictReader(io.StringIO(leads.leads_csv(initiative))))
    withdrawn = {row["email"]: row["withdrawn_at"] for row in rows}
    assert withdrawn["ann@example.com"] == ""
    assert re.match(r"\d{4}-\d\d-\d\dT", withdrawn["bob@example.com"])


def test_a_double_click_gives_one_lead(circle, app):
    """Many "I'm in" at the same instant (two tabs, a double click): one lead, announced
    once (threads, each its own transaction; on PostgreSQL the unique index decides)."""
    initiative, _leader, ann, _bob = circle
    initiative_id, user_id = initiative.id, ann.id
    db.session.remove()
    count = 8
    start = threading.Barrier(count)
    errors, announced = [], []

    def listener(sender, lead):
        announced.append(lead.id)

    def press() -> None:
        try:
            start.wait(timeout=30)
            with app.app_context():
                try:
                    with commands.transaction():  # as commands.run does for the view
                        leads.join_interest(
                            db.session.get(Initiative, initiative_id),
                            db.session.get(User, user_id),
                        )
                finally:
                    db.session.remove()
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(repr(error))

    with lead_created.connected_to(listener):
        threads = [threading.Thread(target=press, daemon=True) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert db.session.execute(select(func.count()).select_from(Lead)).scalar_one() == 1
    assert len(announced) == 1


def test_a_withdrawn_lead_leaves_the_promotions_outcome_but_keeps_its_attribution(circle, login):
    initiative, leader, ann, bob = circle
    smm = make_user("sam@example.com", "Sam Smm", is_smm=True)
    brief = running_brief(
        leader, smm, load_subject("initiative", initiative.id), objective=Objective.LEADS
    )
    link = make_link(smm, brief)
    for person in (ann, bob):
        client = login(person)
        client.get(f"/go/{link.code}")  # the tracked link's cookie
        assert client.post(f"/initiatives/{initiative.id}/in").status_code == 302
    assert outcomes.outcome_lines([brief])[brief.id].actual == 2

    login(bob).get(f"/go/{link.code}")
    client = login(bob)
    client.get(f"/go/{link.code}")
    client.post(f"/initiatives/{initiative.id}/out")
    db.session.expire_all()
    assert outcomes.outcome_lines([brief])[brief.id].actual == 1
    figures = outcome_figures.brief_outcome(db.session.get(PromotionRequest, brief.id))
    assert figures.total.leads == 1 and figures.line.actual == 1
    assert db.session.execute(select(func.count()).select_from(Attribution)).scalar_one() == 2

    client.post(f"/initiatives/{initiative.id}/in")  # back in: counted again, marked once
    db.session.expire_all()
    assert outcomes.outcome_lines([brief])[brief.id].actual == 2
    assert db.session.execute(select(func.count()).select_from(Attribution)).scalar_one() == 2


def test_reports_count_only_leads_that_are_in(circle, login):
    initiative, _leader, ann, bob = circle
    login(ann).post(f"/initiatives/{initiative.id}/in")
    login(bob).post(f"/initiatives/{initiative.id}/in")
    login(bob).post(f"/initiatives/{initiative.id}/out")
    db.session.expire_all()
    month = Period.containing("month", utcnow().date())
    community = db.session.get(Initiative, initiative.id).community
    (figures,) = activity.lead_figures(community, [month])
    assert figures.leads == 1
    (progress,) = activity.initiative_progress(community, month)
    assert (progress.leads, progress.leads_by_end) == (1, 1)


def test_a_book_exchange_has_no_im_in(app, login):
    leader = make_user("lena@example.com", "Lena Leader")
    ann = make_user("ann@example.com")
    community = make_community(leader)
    sale = editing.create_initiative(
        leader, community, title="Book Sale", kind=InitiativeKind.CATALOG,
        status=InitiativeStatus.ACTIVE,
    )  # fmt: skip
    db.session.commit()
    client = login(ann)
    page = _page(client, sale)
    assert "I'm in" not in page and "I'm out" not in page
    assert client.post(f"/initiatives/{sale.id}/in").status_code == 403
    assert _leads_of(sale) == []
    with pytest.raises(Exception, match="book exchange"):
        leads.join_interest(sale, ann)


@pytest.mark.parametrize("how", ["closed", "archived"])
def test_a_closed_or_archived_initiative_refuses_with_a_message(circle, login, how):
    initiative, leader, ann, _bob = circle
    # An archived community is its leaders' alone (others get 404): the leader was in.
    person = ann if how == "closed" else leader
    client = login(person)
    client.post(f"/initiatives/{initiative.id}/in")
    if how == "closed":
        editing.update_initiative(leader, initiative, status=InitiativeStatus.CLOSED)
    else:
        communities.archive_community(leader, initiative.community)
    db.session.commit()
    page = _page(client, initiative)
    assert "<strong>You are in</strong>" in page  # still said, but no more buttons
    assert "I'm out" not in page and "I'm in" not in page
    for step in ("out", "in"):
        response = client.post(f"/initiatives/{initiative.id}/{step}", follow_redirects=True)
        assert response.status_code == 200
        assert "This initiative is not open at the moment." in response.get_data(as_text=True)
    (lead,) = _leads_of(initiative)
    assert lead.withdrawn_at is None  # nothing changed
    if how == "archived":
        assert login(ann).post(f"/initiatives/{initiative.id}/in").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(circle, client):
    initiative, *_people = circle
    response = client.post(f"/initiatives/{initiative.id}/in")
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
    assert "I'm in" not in client.get(f"/initiatives/{initiative.id}").get_data(as_text=True)
    assert _leads_of(initiative) == []


@pytest.mark.parametrize("initiative_id", ["999999", "2147483648", "abc", "-1"])
def test_bad_ids_are_not_found(circle, login, initiative_id):
    _initiative, _leader, ann, _bob = circle
    client = login(ann)
    for step in ("in", "out"):
        assert client.post(f"/initiatives/{initiative_id}/{step}").status_code == 404


def test_a_draft_is_not_found_for_employees(circle, login):
    _initiative, leader, ann, _bob = circle
    draft = editing.create_initiative(leader, _initiative.community, title="Next year")
    db.session.commit()
    assert login(ann).post(f"/initiatives/{draft.id}/in").status_code == 404


def test_the_buttons_post_with_the_csrf_token(circle, login, app, monkeypatch):
    initiative, _leader, ann, _bob = circle
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = login(ann)
    assert client.post(f"/initiatives/{initiative.id}/in").status_code == 400
    page = _page(client, initiative)
    form = re.search(
        r'<form method="post" action="([^"]*/in)"[^>]*>\s*<input[^>]*value="([^"]+)"', page
    )
    response = client.post(form.group(1), data={"csrf_token": form.group(2)})
    assert response.status_code == 302
    assert _interested(initiative) == 1


def test_ukrainian_labels(circle, login):
    initiative, _leader, ann, _bob = circle
    client = login(ann)
    client.post(f"/initiatives/{initiative.id}/in")
    page = client.get(f"/initiatives/{initiative.id}", headers={"Accept-Language": "uk"}).get_data(
        as_text=True
    )
    assert "Ви з нами" in page and "Я пас" in page
    assert "1 людина зацікавлена" in page
