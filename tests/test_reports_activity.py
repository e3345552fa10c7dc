"""Events held, initiatives' progress, leads and channel growth, against hand-computed
expectations."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from community import services as communities
from core.audit import AuditEntry
from core.extensions import db
from initiatives import editing, leads
from initiatives.models import InitiativeStatus, LeadKind
from reports import activity, channels
from tests.test_reports_support import (  # noqa: F401
    NOW,
    OCTOBER,
    SEPTEMBER,
    at,
    history_fixture,
    season_fixture,
    user,
)


def test_events_held_with_registrations_and_attendance(season):
    held = activity.events_held(season, SEPTEMBER.starts_at, OCTOBER.ends_at, NOW)
    october = activity.in_period(held, OCTOBER)
    assert [(e.title, e.registrations, e.attended) for e in october] == [
        ("Retro", 2, 1),
        ("Workshop", 3, 0),  # attendance not taken
    ]  # the cancelled event is not there
    figures = activity.EventFigures.of(october)
    assert (figures.held, figures.registrations, figures.attended) == (2, 5, 1)
    assert figures.attendance_rate == pytest.approx(50.0)  # 1 of 2, at the Retro only
    assert activity.largest_event(october).title == "Workshop"
    assert activity.EventFigures.of([]).attendance_rate is None


def test_events_not_started_yet_are_not_held(season):
    early = activity.events_held(season, OCTOBER.starts_at, OCTOBER.ends_at, at("2026-10-15"))
    assert [event.title for event in early] == ["Retro"]


def test_initiatives_open_in_the_period_with_catalog_progress_by_its_end(season):
    (sale,) = activity.initiative_progress(season, OCTOBER)  # not the draft, not the picnic
    assert sale.initiative.title == "Book Sale"
    # PMBOK, Scrum, Drive and Old notes by 31 October; Later was added in November. Old
    # notes was withdrawn only when the fixture ran (after October, by the audit log), so
    # October's report keeps it: a past report does not change when a book leaves later.
    assert (sale.items, sale.exchanged, sale.donations) == (4, 2, Decimal("750.50"))
    assert (sale.exchanged_in_period, sale.donations_in_period) == (1, Decimal("450.50"))
    assert (sale.leads, sale.leads_by_end) == (2, 3)  # Petro, dan; and Iva in September
    assert sale.exchanged_share == pytest.approx(50.0)
    (september,) = activity.initiative_progress(season, SEPTEMBER)
    assert (september.items, september.exchanged, september.donations) == (2, 1, Decimal(300))


def test_a_book_withdrawn_in_a_period_leaves_that_periods_catalog(season):
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "catalog_item.withdrawn")
    ).scalar_one()
    entry.created_at = at("2026-10-20")  # Old notes, withdrawn in October this time
    db.session.commit()
    (sale,) = activity.initiative_progress(season, OCTOBER)
    assert sale.items == 3  # PMBOK, Scrum, Drive


def test_a_closed_initiative_stays_in_the_periods_it_was_open_and_counts_to_its_target(season):
    leader, ann = communities.leaders_of(season)[0], user("ann")
    circle = editing.create_initiative(
        leader, season, title="Reading circle", status=InitiativeStatus.ACTIVE,
        starts_on=date(2026, 9, 1), target=4, goal="Four readers for a monthly circle",
    )  # fmt: skip
    for person, when in [(ann, "2026-09-10"), (user("cat"), "2026-09-20")]:
        leads.record_lead(circle, LeadKind.INTEREST, user=person).created_at = at(when)
    editing.update_initiative(leader, circle, status=InitiativeStatus.CLOSED)  # no end date
    db.session.commit()
    # Created on 1 September, closed on the 25th (the entries are dated "now" otherwise).
    for action, when in [("initiative.created", "2026-09-01"),
                         ("initiative.status_changed", "2026-09-25")]:  # fmt: skip
        db.session.execute(
            select(AuditEntry).where(
                AuditEntry.action == action, AuditEntry.subject_id == circle.id
            )
        ).scalar_one().created_at = at(when)
    db.session.commit()
    september = {p.initiative.title: p for p in activity.initiative_progress(season, SEPTEMBER)}
    # Two people interested by 30 September against a target of four.
    assert (september["Reading circle"].leads_by_end, september["Reading circle"].leads) == (2, 2)
    assert september["Reading circle"].target_share == pytest.approx(50.0)
    assert september["Book Sale"].target_share is None  # no target
    assert [p.initiative.title for p in activity.initiative_progress(season, OCTOBER)] == [
        "Book Sale"
    ]


def test_leads_and_outside_participants_per_period(season):
    september, october = activity.lead_figures(season, [SEPTEMBER, OCTOBER])
    assert (september.leads, september.outside_participants) == (1, 1)  # Iva
    assert (october.leads, october.outside_participants) == (2, 1)  # Petro, dan


def test_channel_growth_uses_the_last_counts_at_each_end(history):
    channel = communities.add_channel(history, "Facebook group", "https://fb.example/pm")
    for day, count in [("2026-09-20", 500), ("2026-10-01", 520), ("2026-10-15", 560),
                       ("2026-11-03", 590)]:  # fmt: skip
        communities.record_snapshot(channel, date.fromisoformat(day), count)
    communities.add_channel(history, "LinkedIn", "https://linkedin.example/pm")  # no counts yet
    db.session.commit()
    facebook, linkedin = channels.channel_growth(history, OCTOBER)
    assert (facebook.at_start, facebook.at_end) == (520, 560)
    assert facebook.growth_percent == pytest.approx(100 * 40 / 520)
    assert (linkedin.at_start, linkedin.at_end, linkedin.growth_percent) == (None, None, None)
    (august_facebook, _), (september_facebook, _) = channels.channels_growth(
        history, [SEPTEMBER.previous(), SEPTEMBER]
    )
    assert (august_facebook.at_start, august_facebook.at_end) == (None, None)
    assert (september_facebook.at_start, september_facebook.at_end) == (500, 500)  # first count
