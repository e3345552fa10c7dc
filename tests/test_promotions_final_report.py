"""The final report and the references it makes for later requests."""

import re
from datetime import date, timedelta

import pytest

from community import services as communities
from core.extensions import db
from core.models import utcnow
from events.registering import cancel_registration
from promotions import (
    backup_plan,
    references,
    results,
    services,
)
from promotions.models import (
    BriefStatus,
    Objective,
    PromotionRequest,
)
from promotions.subjects import load_subject
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event
from tests.test_promotions_factories import event_brief, make_link, promo_world, running_brief


@pytest.fixture
def promo(app):
    return promo_world()


# --- the final report and references ---------------------------------------------------------


def test_reporting_freezes_the_figures_and_closes_the_brief(promo, login):
    leader, smm, visitor, _community, event = promo
    brief = event_brief(promo, target=1)
    link = make_link(smm, brief)
    client = login(visitor)
    client.get(f"/go/{link.code}")
    client.post(f"/events/{event.id}/register")
    backup_plan.tick_backup_step(smm, brief, 0, "Two reserve stories went out")
    db.session.commit()
    response = login(smm).post(
        f"/promotions/{brief.id}/report",
        # Inside the publication window: the "report early?" question answered yes.
        data={
            "report": "One story, one registration.",
            "lessons": "Post earlier.",
            "confirmed": "1",
        },  # fmt: skip
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/results")
    db.session.expire_all()
    brief = db.session.get(PromotionRequest, brief.id)
    assert brief.status == BriefStatus.CLOSED and brief.final_actual == 1
    assert brief.final_figures["channels"][0]["registrations"] == 1
    # Later changes do not move the report.
    cancel_registration(visitor, event.id)
    db.session.commit()
    page = login(leader).get(f"/promotions/{brief.id}/results").get_data(as_text=True)
    assert "1 of 1 registrations" in page and "Two reserve stories went out" in page
    assert "Post earlier." in page
    markdown = login(leader).get(f"/promotions/{brief.id}/results.md")
    assert markdown.mimetype == "text/markdown" and "| Instagram | 1 |" in markdown.get_data(
        as_text=True
    )
    csv = login(leader).get(f"/promotions/{brief.id}/results.csv").get_data(as_text=True)
    assert "Instagram,1,1,1,0,0,0" in csv and "Two reserve stories went out" in csv


def reported_brief(promo, frequency=None, **fields):
    """A brief with a registration through its link and SMM's channel figures, reported."""
    from promotions.models import ReportFrequency

    leader, smm, visitor, community, event = promo
    today = utcnow().date()
    brief = event_brief(
        promo, target=1, report_frequency=ReportFrequency(frequency or "at_the_end"), **fields
    )
    brief.publish_from, brief.publish_until = today - timedelta(days=20), today + timedelta(days=3)
    db.session.commit()  # make_link locks the brief first in its transaction
    link = make_link(smm, brief)
    services.record_publication(
        smm, brief.posts[0], "https://instagram.example/s/1", reach=12345, reactions=67, clicks=89
    )
    if not community.channels:
        group = communities.add_channel(community, "Facebook group", "https://fb.example/g")
        communities.record_snapshot(group, today - timedelta(days=21), 600)
        communities.record_snapshot(group, today, 681)
    db.session.commit()
    client = app_client(visitor)
    client.get(f"/go/{link.code}")
    client.post(f"/events/{event.id}/register")
    results.report_results(smm, brief, "Done.")
    db.session.commit()
    return brief


def app_client(user):
    from flask import current_app

    return current_app.test_client(user=user)


def test_final_report_speaks_the_readers_language(promo, login):
    leader, *_ = promo
    brief = reported_brief(promo, report_format="Figures on this page")
    client = login(leader)
    english = client.get(f"/promotions/{brief.id}/results").get_data(as_text=True)
    assert "Instagram · Story ·" in english and "· story ·" not in english
    assert "100.0%" in english and "+13.5%" in english and "12,345" in english
    start = brief.publish_from
    assert f"{start:%b} {start.day}, {start.year}" in english  # a date as people write it
    assert f"{start:%Y.%m.%d}" not in english
    client.post("/language", data={"language": "uk"})
    ukrainian = client.get(f"/promotions/{brief.id}/results").get_data(as_text=True)
    assert "Сторіс" in ukrainian and "100,0%" in ukrainian and "+13,5%" in ukrainian
    assert "12\xa0345" in ukrainian or "12 345" in ukrainian
    outcome = client.get(f"/promotions/{brief.id}/outcome").get_data(as_text=True)
    assert "100,0%" in outcome and "+13,5%" in outcome


def test_a_weekly_report_gives_the_figures_week_by_week(promo, login):
    leader, *_ = promo
    brief = reported_brief(promo, frequency="weekly", report_format="A table per week")
    weeks = brief.final_figures["periods"]
    assert len(weeks) >= 3 and weeks[0]["start"] == brief.publish_from.isoformat()
    assert all(date.fromisoformat(w["end"]).weekday() == 6 for w in weeks[:-1])  # to Sunday
    assert sum(w["gain"] for w in weeks) == weeks[-1]["actual"] == 1
    client = login(leader)
    html = client.get(f"/promotions/{brief.id}/results").get_data(as_text=True)
    assert "What the request asked for" in html and "A table per week" in html
    assert "Week by week" in html and "Weekly" in html
    markdown = client.get(f"/promotions/{brief.id}/results.md").get_data(as_text=True)
    assert "## Week by week" in markdown and "A table per week" in markdown
    at_the_end = reported_brief(promo)
    assert at_the_end.final_figures["periods"] == []
    assert "Week by week" not in client.get(f"/promotions/{at_the_end.id}/results").get_data(
        as_text=True
    )


def test_the_markdown_report_lists_every_post(promo, login):
    brief = reported_brief(promo)
    markdown = login(promo[0]).get(f"/promotions/{brief.id}/results.md").get_data(as_text=True)
    [line] = [row for row in markdown.splitlines() if "https://instagram.example/s/1" in row]
    # When · channel · format · tracked clicks · outcomes · the channel's clicks · reach · reactions
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    assert cells[1:8] == ["Instagram", "Story", "1", "1", "89", "12,345", "67"]


def test_the_outcome_page_shows_smms_figures_beside_the_tracked_ones(promo, login):
    _leader, smm, *_ = promo
    brief = event_brief(promo)
    services.record_publication(
        smm, brief.posts[0], "https://instagram.example/s/1", reach=1200, reactions=30, clicks=77
    )
    db.session.commit()
    html = login(smm).get(f"/promotions/{brief.id}/outcome").get_data(as_text=True)
    assert "Clicks by the channel's count" in html
    row = next(r for r in html.split("<tr>") if "instagram.example/s/1" in r)
    assert ">77<" in row and ">1,200<" in row and ">30<" in row and "Story" in row


def test_results_page_is_404_before_the_report(promo, login):
    brief = event_brief(promo)
    assert login(promo[0]).get(f"/promotions/{brief.id}/results").status_code == 404


def test_references_rank_past_briefs_by_actual_over_target(promo):
    leader, smm, _visitor, _community, event = promo
    ratios = {}
    for target, actual in [(10, 12), (10, 30), (10, 5), (4, 6)]:
        brief = event_brief(promo, target=target)
        brief.final_actual = actual  # as frozen by a report
        brief.status = BriefStatus.CLOSED
        ratios[brief.id] = actual / target
    leads = event_brief(promo, objective=Objective.LEADS, target=2)
    leads.final_actual, leads.status = 3, BriefStatus.CLOSED
    db.session.commit()
    picked = references.references(Objective.REGISTRATIONS)
    assert [round(r.ratio, 2) for r in picked] == [3.0, 1.5, 1.2]  # missed targets are left out
    assert picked[0].channels == ["Instagram"] and picked[0].formats == ["story"]
    everything = references.references()
    assert {r.brief.objective for r in everything} == {Objective.REGISTRATIONS, Objective.LEADS}


def test_new_request_form_suggests_references(promo, login):
    leader, smm, *_ = promo
    brief = event_brief(promo, target=5, title="The best webinar promotion")
    brief.final_actual, brief.status = 9, BriefStatus.CLOSED
    db.session.commit()
    html = login(leader).get(f"/promotions/new/event/{promo[4].id}").get_data(as_text=True)
    assert "The best webinar promotion" in html and "180" in html  # 180 % of the target


def closed_reference(leader, smm, community, title, objective=Objective.REGISTRATIONS):
    """A past brief of `community` that beat its target, as a report leaves it."""
    event = make_event(leader, community, starts_at=utcnow() + timedelta(days=20))
    brief = running_brief(
        leader, smm, load_subject("event", event.id), objective=objective, target=5, title=title
    )
    brief.final_actual, brief.status = 9, BriefStatus.CLOSED
    brief.final_figures, brief.lessons = {"posts": []}, f"Lesson kept inside {community.name}"
    db.session.commit()
    return brief


def test_references_from_other_communities_teach_without_their_private_text(promo, login):
    leader, smm, _visitor, community, event = promo
    other_leader = make_user("olga@example.com")
    testers = make_community(other_leader, "Testers")
    ours = closed_reference(leader, smm, community, "Our webinar")
    theirs = closed_reference(other_leader, smm, testers, "Their QA day")
    html = login(leader).get(f"/promotions/new/event/{event.id}").get_data(as_text=True)
    # What worked elsewhere: title, community, result, channels and formats.
    assert "Their QA day" in html and "Testers" in html and "180%" in html
    assert "Instagram · Story" in html
    # But the brief itself stays with its community and SMM.
    assert "Lesson kept inside Testers" not in html
    assert f"/promotions/{theirs.id}/results" not in html
    assert "Lesson kept inside Project Managers" in html
    assert f"/promotions/{ours.id}/results" in html


@pytest.mark.parametrize("others", [1, 5])
def test_the_request_form_reads_references_in_a_fixed_number_of_queries(
    promo, app, count_queries, others
):
    leader, smm, _visitor, _community, event = promo
    for n in range(others):
        other_leader = make_user(f"other{n}@example.com")
        closed_reference(other_leader, smm, make_community(other_leader, f"Guild {n}"), f"Ref {n}")
    client = app.test_client(user=leader)
    client.get(f"/promotions/new/event/{event.id}")  # warm the kept figures
    with count_queries() as statements:
        assert client.get(f"/promotions/new/event/{event.id}").status_code == 200
    # The person is loaded with the header's facts (accounts/sessions.py); the bell's unread
    # count is kept (core/figures.py).
    assert len(statements) == 9, statements


def test_references_for_the_chosen_objective_come_first_and_open(promo, login):
    leader, smm, _visitor, community, event = promo
    closed_reference(leader, smm, community, "Leads brief", objective=Objective.LEADS)
    closed_reference(leader, smm, community, "Registrations brief")
    client = login(leader)

    def groups(html):
        return re.findall(r'<details class="mb-2" data-objective="(\w+)"( open)?', html)

    # The event's own objective, pre-filled.
    shown = client.get(f"/promotions/new/event/{event.id}").get_data(as_text=True)
    assert groups(shown) == [("registrations", " open"), ("leads", "")]
    assert "js/references.js" in shown  # switches the group when the choice changes
    # Shown again after a validation error, with the objective the person chose.
    again = client.post(
        f"/promotions/new/event/{event.id}",
        data={"title": "x", "objective": "leads", "target": "-3", "save": "1"},
    )
    assert again.status_code == 400
    assert groups(again.get_data(as_text=True)) == [("leads", " open"), ("registrations", "")]
