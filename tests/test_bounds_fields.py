"""Form fields beyond what the database and the calendar hold get a message beside the field,
never a 500 or a page that computes for half a minute; every number and date field is bounded."""

import re
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from community import services as communities
from core.bounds import LAST_DAY
from core.extensions import db
from core.models import utcnow
from initiatives import reservations
from initiatives.models import CatalogItem, ItemStatus
from promotions import outcome_figures
from promotions.models import PromotionRequest
from tests.test_bounds_support import people_fixture  # noqa: F401
from tests.test_initiatives_support import build_catalog
from tests.test_promotions_factories import brief_in
from tests.test_promotions_views import form_data, new_url


def test_reach_and_clicks_beyond_the_column_get_a_message_beside_the_field(people, login):
    leader, smm, _admin, community = people
    brief = brief_in("scheduled", leader, smm, community)
    post = brief.posts[0]
    url = f"/promotions/{brief.id}/posts/{post.id}"
    for field in ("reach", "reactions", "clicks"):
        data = {"published_url": "https://example.org/p", field: str(2**31)}
        response = login(smm).post(url, data=data)
        assert response.status_code == 400, field
        assert "Enter a number from 0 to 2,147,483,647." in response.text
    data = {"published_url": "https://example.org/p", "reach": str(2**31 - 1), "clicks": "5"}
    assert login(smm).post(url, data=data).status_code == 302
    db.session.expire_all()
    assert post.reach == 2**31 - 1


@pytest.mark.parametrize("day", ["9999-12-30", "9999-12-31", "0001-01-01", "2101-01-01"])
@pytest.mark.parametrize("field", ["content_deadline", "publish_from", "publish_until"])
def test_far_dates_on_a_brief_are_refused_beside_the_field(people, login, field, day):
    leader, _smm, _admin, community = people
    response = login(leader).post(new_url(community), data=form_data(**{field: day}))
    assert response.status_code == 400
    assert "Enter a date between 2000 and 2100." in response.text
    assert db.session.execute(select(PromotionRequest)).first() is None


def test_a_publication_window_longer_than_a_year_is_refused(people, login):
    leader, _smm, _admin, community = people
    today = utcnow().date()
    data = form_data(
        publish_from=(today + timedelta(days=4)).isoformat(),
        publish_until=(today + timedelta(days=4 + 366)).isoformat(),
    )
    response = login(leader).post(new_url(community), data=data)
    assert response.status_code == 400
    assert "A publication window lasts at most a year" in response.text


@pytest.mark.parametrize("publish_until", [date(9999, 12, 30), date(9999, 12, 31)])
def test_outcome_of_a_brief_with_a_far_window_is_quick(people, login, publish_until):
    """Rows saved before the form bounded the dates still open, and are counted over a
    bounded window (before: 9 s of counting for 9999-12-30, an overflow for 9999-12-31)."""
    leader, smm, _admin, community = people
    brief = brief_in("running", leader, smm, community)
    brief.publish_until = publish_until
    db.session.commit()
    started = time.process_time()
    figures = outcome_figures.brief_outcome(brief)
    assert time.process_time() - started < 1
    assert figures.end == LAST_DAY and len(figures.days) <= outcome_figures.MAX_CHART_POINTS + 1
    assert login(smm).get(f"/promotions/{brief.id}/outcome").status_code == 200


@pytest.mark.parametrize("publish_until", [date(9999, 12, 30), date(9999, 12, 31)])
def test_community_report_with_a_brief_of_a_far_window_opens(people, login, publish_until):
    leader, smm, _admin, community = people
    brief = brief_in("running", leader, smm, community)
    brief.publish_from, brief.publish_until = utcnow().date() - timedelta(days=3), publish_until
    db.session.commit()
    for suffix in ("", ".csv", ".md"):
        response = login(leader).get(f"/communities/{community.slug}/report{suffix}")
        assert response.status_code == 200, suffix


@pytest.mark.parametrize("field", ["starts_on", "ends_on"])
def test_far_initiative_dates_are_refused_beside_the_field(app, login, field):
    catalog = build_catalog()
    data = {
        "title": "Charity Book Sale", "kind": "catalog", "status": "active",
        "currency": "UAH", "categories": "Leadership", "reservation_days": "7",
        "starts_on": "2030-01-01", field: "9999-12-31",
    }  # fmt: skip
    url = f"/initiatives/{catalog.initiative.id}/edit"
    response = login(catalog.leader).post(url, data=data)
    assert response.status_code == 400
    assert "Enter a date between 2000 and 2100." in response.text


def test_a_snapshot_from_year_one_is_refused_beside_the_field(people, login):
    leader, _smm, _admin, community = people
    added = communities.add_channel(community, "Facebook", "https://facebook.com/g")
    db.session.commit()
    url = f"/communities/{community.slug}/channels/{added.id}/snapshots"
    prefix = f"channel-{added.id}-"
    data = {f"{prefix}taken_on": "0001-01-01", f"{prefix}member_count": "10"}
    response = login(leader).post(url, data=data)
    assert response.status_code == 400
    assert "Enter a date between 2000 and 2100." in response.text


def test_a_donation_of_one_kopeck_is_accepted(app, login):
    catalog = build_catalog()
    item = catalog.offer()
    reservations.request_item(catalog.initiative.id, item.id, pledged=1, user=catalog.employee)
    db.session.commit()
    url = f"/initiatives/{catalog.initiative.id}/items/{item.id}/confirm"
    response = login(catalog.leader).post(url, data={"amount": "0.01"})
    assert response.status_code == 302
    db.session.expire_all()
    exchanged = db.session.get(CatalogItem, item.id)
    assert exchanged.status == ItemStatus.EXCHANGED
    assert exchanged.donation_amount == Decimal("0.01")


NOT_FINITE = ["sNaN", "-sNaN", "sNaN123", "NaN", "Infinity", "-Infinity"]


@pytest.mark.parametrize("amount", NOT_FINITE)
def test_an_ad_budget_that_is_no_number_gets_a_message_beside_the_field(people, login, amount):
    leader, _smm, _admin, community = people
    response = login(leader).post(new_url(community), data=form_data(ad_budget=amount))
    assert response.status_code == 400
    assert "Enter a number from 0 to 1,000,000,000." in response.text
    assert db.session.execute(select(PromotionRequest)).first() is None


BETWEEN = "Enter an amount between 0.01 and 1,000,000."


PLACES = "Enter at most 2 digits after the point."


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0.009", BETWEEN), ("0.001", BETWEEN), ("1.001", PLACES), ("5.0000001", PLACES)]
    + [(amount, BETWEEN) for amount in NOT_FINITE],
)
def test_a_donation_that_is_no_sum_in_kopecks_is_refused(app, login, amount, message):
    catalog = build_catalog()
    item = catalog.offer()
    reservations.request_item(catalog.initiative.id, item.id, pledged=1, user=catalog.employee)
    db.session.commit()
    url = f"/initiatives/{catalog.initiative.id}/items/{item.id}/confirm"
    response = login(catalog.leader).post(url, data={"amount": amount})
    assert response.status_code == 400
    assert message in response.text


@pytest.mark.parametrize("amount", ["1e-999999999", "1e-20", "0.001", "1500.001"])
def test_an_ad_budget_finer_than_a_kopeck_gets_a_message_beside_the_field(people, login, amount):
    # PostgreSQL refused 1e-999999999 with a page that lost the form; 0.001 became 0.00.
    leader, _smm, _admin, community = people
    response = login(leader).post(new_url(community), data=form_data(ad_budget=amount))
    assert response.status_code == 400
    assert PLACES in response.text
    assert 'value="' + amount + '"' in response.text  # what was typed stays
    assert db.session.execute(select(PromotionRequest)).first() is None


@pytest.mark.parametrize(("amount", "saved"), [("0.01", "0.01"), ("1.50", "1.5"), ("1E+5", "1E+5")])
def test_an_ad_budget_in_kopecks_is_saved_as_typed(people, login, amount, saved):
    leader, _smm, _admin, community = people
    response = login(leader).post(new_url(community), data=form_data(ad_budget=amount))
    assert response.status_code == 302
    brief = db.session.execute(select(PromotionRequest)).scalar_one()
    assert brief.ad_budget == Decimal(saved)


SEATS = "Enter a number of seats from 1 to 100,000."


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        ({"capacity": "200000"}, [SEATS]),
        ({"capacity": "0"}, [SEATS]),
        ({"registration_goal": "200000"}, ["Enter a number of registrations from 1 to 100,000."]),
        ({"capacity": "1e3"}, ["Not a valid integer value."]),
        ({"capacity": "9" * 10_000}, ["Not a valid integer value."]),
        ({"registration_goal": "ten"}, ["Not a valid integer value."]),
    ],
)
def test_an_event_number_out_of_range_gets_one_message_naming_both_ends(
    people, login, changes, messages
):
    from tests.test_events_pages import FORM

    leader, _smm, _admin, community = people
    response = login(leader).post(
        f"/communities/{community.slug}/events/new", data={**FORM, **changes}
    )
    assert response.status_code == 400
    found = re.findall(r"invalid-feedback[^>]*>\s*([^<]+?)\s*<", response.text)
    assert found == messages


def test_the_ends_of_a_range_are_written_the_ukrainian_way(people, login):
    from tests.test_events_pages import FORM

    leader, _smm, _admin, community = people
    client = login(leader)
    client.post("/language", data={"language": "uk"})
    response = client.post(
        f"/communities/{community.slug}/events/new", data={**FORM, "capacity": "200000"}
    )
    assert response.status_code == 400
    assert "Введіть кількість місць від 1 до 100\xa0000." in response.text


# --- every form field, by construction ------------------------------------------------------


def _form_classes():
    from flask_wtf import FlaskForm

    import accounts.forms  # noqa: F401
    import community.forms  # noqa: F401
    import events.forms  # noqa: F401
    import initiatives.forms  # noqa: F401
    import promotions.forms  # noqa: F401
    import reports.forms  # noqa: F401

    seen, todo = [], [FlaskForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen and sub.__module__.split(".")[0] != "flask_wtf":
                seen.append(sub)
                todo.append(sub)
    return seen


def _unbound_fields(form_class):
    from wtforms.fields.core import UnboundField

    for name in dir(form_class):
        value = getattr(form_class, name)
        if isinstance(value, UnboundField):
            yield name, value


def _is_bounded(unbound) -> bool:
    from wtforms import DateField, DateTimeLocalField, DecimalField, IntegerField
    from wtforms.validators import NumberRange

    from core.bounds import MAX_INT, CountRange, MoneyRange, within_window

    validators = unbound.kwargs.get("validators") or []
    ranges = [v for v in validators if isinstance(v, NumberRange)]
    if issubclass(unbound.field_class, DateField | DateTimeLocalField):
        return within_window in validators
    if issubclass(unbound.field_class, IntegerField):
        return isinstance(ranges[0] if ranges else None, CountRange) and ranges[0].max <= MAX_INT
    if issubclass(unbound.field_class, DecimalField):
        # Not-a-number refused before the range; Decimal or int bounds: a float 0.01
        # refuses the Decimal 0.01.
        return isinstance(ranges[0] if ranges else None, MoneyRange) and all(
            isinstance(bound, int | Decimal) for bound in (ranges[0].min, ranges[0].max)
        )
    return True


def test_every_number_and_date_field_is_bounded():
    unbounded = [
        f"{form_class.__name__}.{name}"
        for form_class in _form_classes()
        for name, unbound in _unbound_fields(form_class)
        if not _is_bounded(unbound)
    ]
    assert unbounded == []
