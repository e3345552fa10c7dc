"""How to pay the donation, as the leader wrote it: the initiative form, and where the
person holding a book reads it (the catalog, their home page, the reservation's e-mail)."""

import pytest
from sqlalchemy import select

from core.errors import DomainError
from core.extensions import db
from core.mail import OutgoingEmail
from initiatives import editing, reservations
from initiatives.models import MAX_PAYMENT_INSTRUCTIONS, Initiative
from notifications import services as notifications
from notifications.kinds import RESERVATION_CONFIRMED
from notifications.models import Delivery
from tests.test_initiatives_support import (  # noqa: F401  (fixtures)
    catalog_fixture,
    uploads_fixture,
)

INSTRUCTIONS = "Transfer it to the fund's card **4441 1144**, with the book's title."


def _form(catalog, **changes) -> dict:
    initiative = catalog.initiative
    return {
        "title": initiative.title, "kind": "catalog", "status": "active", "currency": "UAH",
        "beneficiary": initiative.beneficiary, "categories": initiative.categories,
        "reservation_days": "7", "payment_instructions": "", **changes,
    }  # fmt: skip


def _edit(catalog, login, **changes):
    return login(catalog.leader).post(
        f"/initiatives/{catalog.initiative.id}/edit", data=_form(catalog, **changes)
    )


def _instructions(catalog) -> str:
    db.session.expire_all()
    return db.session.get(Initiative, catalog.initiative.id).payment_instructions


def test_the_leader_writes_how_to_pay_and_it_is_kept_as_sanitised_markdown(catalog, login):
    page = login(catalog.leader).get(f"/initiatives/{catalog.initiative.id}/edit")
    assert "How to pay the donation" in page.get_data(as_text=True)
    response = _edit(catalog, login, payment_instructions=INSTRUCTIONS + "<script>x</script>")
    assert response.status_code == 302
    initiative = db.session.get(Initiative, catalog.initiative.id)
    assert "<strong>4441 1144</strong>" in initiative.payment_instructions_html
    assert "<script>" not in initiative.payment_instructions_html


def test_payment_instructions_may_be_empty(catalog, login):
    _edit(catalog, login, payment_instructions=INSTRUCTIONS)
    assert _edit(catalog, login, payment_instructions="").status_code == 302
    assert _instructions(catalog) == ""


def test_too_long_payment_instructions_are_refused_beside_the_field(catalog, login):
    response = _edit(catalog, login, payment_instructions="x" * (MAX_PAYMENT_INSTRUCTIONS + 1))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Keep the payment instructions under 2000 characters." in html
    assert _instructions(catalog) == ""


def test_the_service_refuses_too_long_instructions_too(catalog):
    with pytest.raises(DomainError) as refused:
        editing.update_initiative(
            catalog.leader, catalog.initiative, payment_instructions="x" * 2001
        )
    assert refused.value.field == "payment_instructions"
    db.session.rollback()


def _reserved(catalog, instructions: str = INSTRUCTIONS):
    editing.update_initiative(catalog.leader, catalog.initiative, payment_instructions=instructions)
    db.session.commit()
    item = catalog.offer("Drive", user=catalog.leader)
    reservations.request_item(catalog.initiative.id, item.id, pledged=350, user=catalog.employee)
    db.session.commit()
    return item


def test_after_request_this_book_the_catalog_says_how_to_pay_and_until_when(catalog, login):
    item = catalog.offer("Drive", user=catalog.leader)
    editing.update_initiative(catalog.leader, catalog.initiative, payment_instructions=INSTRUCTIONS)
    db.session.commit()
    holder = login(catalog.employee)
    url = f"/initiatives/{catalog.initiative.id}"
    response = holder.post(f"{url}/items/{item.id}/request", data={"pledged": "350"})
    assert response.headers["Location"] == url
    page = holder.get(url).get_data(as_text=True)
    share = page[page.index('id="reservation-share"') :]
    assert "Reserved for you: Drive" in share and "Donate 350 UAH to Children&#39;s fund" in share
    assert "kept for you until" in share and "How to pay the donation" in share
    assert "<strong>4441 1144</strong>" in share


def test_only_the_holder_reads_the_payment_instructions(catalog, login):
    _reserved(catalog)
    url = f"/initiatives/{catalog.initiative.id}"
    for person in (catalog.leader, None):
        page = login(person).get(url).get_data(as_text=True)
        assert "4441 1144" not in page and "How to pay the donation" not in page
    assert "How to pay the donation" not in login(catalog.leader).get("/").get_data(as_text=True)


def test_the_home_page_reservation_says_how_to_pay(catalog, login):
    _reserved(catalog)
    page = login(catalog.employee).get("/").get_data(as_text=True)
    coming = page[page.index("Reserved for you: Drive") :]
    assert "Donate 350 UAH to Children&#39;s fund" in coming
    assert "kept for you until" in coming
    assert "How to pay the donation" in coming and "<strong>4441 1144</strong>" in coming


def test_without_instructions_nothing_empty_is_shown(catalog, login):
    _reserved(catalog, instructions="")
    page = login(catalog.employee).get("/").get_data(as_text=True)
    assert "Reserved for you: Drive" in page and "How to pay the donation" not in page


def test_the_reservation_email_says_how_to_pay_and_until_when(catalog):
    notifications.set_deliveries(
        catalog.employee, {RESERVATION_CONFIRMED.name: Delivery.EMAIL_NOW.value}
    )
    db.session.commit()
    _reserved(catalog)
    [email] = db.session.execute(
        select(OutgoingEmail).where(OutgoingEmail.kind == "notification.reservation_confirmed")
    ).scalars()
    assert "Drive · Donate 350 UAH to Children's fund" in email.text_body
    assert "Kept for you until:" in email.text_body
    assert "How to pay the donation:\n" + INSTRUCTIONS in email.text_body
    assert "<strong>4441 1144</strong>" in email.html_body
    assert "Kept for you until" in email.html_body
