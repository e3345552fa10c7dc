"""The catalog's forms: requesting, offering (with covers) and confirming books, and the
share one person may hold; a refusal shown beside its field with 400."""

from io import BytesIO

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from core.extensions import db
from initiatives import participants, reservations
from initiatives.models import CatalogItem, ItemStatus
from tests.conftest import make_user
from tests.test_initiatives_support import (  # noqa: F401  (fixtures)
    catalog_fixture,
    confirm_reserved,
    count,
    image_file,
    reserve,
    uploads_fixture,
)


@pytest.mark.parametrize(
    "pledged, message",
    [
        ("-100", "between 0.01 and 1,000,000"),
        ("0", "between 0.01 and 1,000,000"),
        ("1e9", "between 0.01 and 1,000,000"),
        ("", "This field is required."),
        ("three hundred", "Not a valid decimal value"),
        ("NaN", "between 0.01 and 1,000,000"),
        ("-Infinity", "between 0.01 and 1,000,000"),
    ],
)
def test_request_refuses_absurd_pledges(catalog, login, pledged, message):
    item = catalog.offer()
    response = login(catalog.employee).post(
        f"/initiatives/{catalog.initiative.id}/items/{item.id}/request", data={"pledged": pledged}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.get(CatalogItem, item.id).status == ItemStatus.AVAILABLE


def test_second_request_is_told_the_book_is_taken(catalog, login):
    item = catalog.offer()
    url = f"/initiatives/{catalog.initiative.id}/items/{item.id}/request"
    assert login(catalog.employee).post(url, data={"pledged": "300"}).status_code == 302
    other = login(make_user("other@example.com"))
    response = other.post(url, data={"pledged": "300"}, follow_redirects=True)
    assert "someone has just reserved this book" in response.get_data(as_text=True)


def test_a_fourth_reservation_is_refused_with_the_limit_and_in_ukrainian(catalog, login):
    books = [catalog.offer(f"Book {n}") for n in range(6)]
    employee = login(catalog.employee)
    base = f"/initiatives/{catalog.initiative.id}/items"
    for book in books[:3]:
        assert employee.post(f"{base}/{book.id}/request", data={"pledged": "1"}).status_code == 302
    response = employee.post(
        f"{base}/{books[3].id}/request", data={"pledged": "1"}, follow_redirects=True
    )
    assert "You already hold 3 reserved books here" in response.get_data(as_text=True)
    employee.post("/language", data={"language": "uk"})
    response = employee.post(
        f"{base}/{books[4].id}/request", data={"pledged": "1"}, follow_redirects=True
    )
    assert "Ви вже маєте 3 зарезервовані книги" in response.get_data(as_text=True)
    reserved = db.session.execute(
        select(func.count())
        .select_from(CatalogItem)
        .where(CatalogItem.status == ItemStatus.RESERVED)
    ).scalar_one()
    assert reserved == 3


def test_an_exchanged_book_cannot_be_requested_from_its_page(catalog, login):
    item = catalog.offer()
    confirm_reserved(catalog.leader, catalog.initiative, item.id, 300)
    db.session.commit()
    url = f"/initiatives/{catalog.initiative.id}/items/{item.id}/request"
    response = login(catalog.employee).post(url, data={"pledged": "300"})
    assert response.status_code == 400
    assert "This book is not available." in _field_feedback(response.text, "pledged")
    db.session.expire_all()
    item = db.session.get(CatalogItem, item.id)
    assert (item.status, item.reserved_by_user_id) == (ItemStatus.EXCHANGED, catalog.leader.id)


@pytest.mark.parametrize("amount", ["-1", "0", "5000000", "abc", "NaN", "1e309"])
def test_confirm_refuses_bad_amounts(catalog, login, amount):
    item = catalog.offer()
    reserve(catalog, item, user=catalog.employee)
    response = login(catalog.leader).post(
        f"/initiatives/{catalog.initiative.id}/items/{item.id}/confirm", data={"amount": amount}
    )
    assert response.status_code == 400
    assert db.session.get(CatalogItem, item.id).status == ItemStatus.RESERVED


def test_confirming_a_donation_for_a_book_nobody_requested_is_refused(catalog, login):
    item = catalog.offer()
    response = login(catalog.leader).post(
        f"/initiatives/{catalog.initiative.id}/items/{item.id}/confirm",
        data={"amount": "300"},
        follow_redirects=True,
    )
    assert "Only a reserved book can be exchanged" in response.text
    db.session.expire_all()
    assert db.session.get(CatalogItem, item.id).status == ItemStatus.AVAILABLE


def test_offer_with_a_cover_stores_it_outside_static_with_a_thumbnail(catalog, login, uploads):
    response = login(catalog.employee).post(
        f"/initiatives/{catalog.initiative.id}/offer",
        data={
            "title": "Drive",
            "author": "Daniel Pink",
            "category": "Leadership",
            "condition": "good",
            "cover": (image_file("JPEG", (800, 1200)), "drive.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    item = db.session.execute(select(CatalogItem)).scalar_one()
    assert item.status == ItemStatus.AVAILABLE and item.cover_file.endswith(".jpg")
    stored = sorted(path.name for path in (uploads / "covers").iterdir())
    assert len(stored) == 2 and any("-thumb" in name for name in stored)
    client = login(catalog.employee)
    thumb = client.get(f"/initiatives/{catalog.initiative.id}/items/{item.id}/cover?size=thumb")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert thumb.headers["X-Content-Type-Options"] == "nosniff"
    # An offered book's cover is the leaders' until approved: no shared cache keeps it.
    assert thumb.cache_control.private and not thumb.cache_control.public


@pytest.mark.parametrize(
    "upload, message",
    [
        (lambda: (BytesIO(b"<?php echo 1; ?>"), "cover.png"), "not an image we can read"),
        (lambda: (BytesIO(b"MZ\x90\x00"), "cover.exe"), "Upload a JPEG, PNG or WebP image."),
        (lambda: (image_file("GIF"), "cover.png"), "Upload a JPEG, PNG or WebP image."),
    ],
)
def test_offer_refuses_bad_covers(catalog, login, uploads, upload, message):
    response = login(catalog.employee).post(
        f"/initiatives/{catalog.initiative.id}/offer",
        data={"title": "Drive", "category": "Leadership", "condition": "good", "cover": upload()},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(CatalogItem) == 0
    assert not (uploads / "covers").exists() or not any((uploads / "covers").iterdir())


def test_offer_refuses_an_oversized_cover(catalog, login):
    # Encoded in memory: the test client would otherwise leave a temporary file open.
    body, length, boundary = stream_encode_multipart(
        {
            "title": "Drive",
            "category": "Leadership",
            "condition": "good",
            "cover": FileStorage(BytesIO(b"\x89PNG" + b"0" * 3 * 1024 * 1024), "big.png"),
        },
        use_tempfile=False,
    )
    response = login(catalog.employee).post(
        f"/initiatives/{catalog.initiative.id}/offer",
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 400
    assert "larger than 2 MB" in response.get_data(as_text=True)
    assert count(CatalogItem) == 0


def test_offer_refuses_an_unknown_category_and_overlong_title(catalog, login):
    url = f"/initiatives/{catalog.initiative.id}/offer"
    client = login(catalog.employee)
    bad_category = client.post(url, data={"title": "Drive", "category": "Cooking"})
    too_long = client.post(url, data={"title": "x" * 201, "category": "Leadership"})
    assert (bad_category.status_code, too_long.status_code) == (400, 400)
    assert count(CatalogItem) == 0


# --- the share one person may hold, shown before it is reached --------------------------


def _hold(catalog, books, who):
    for book in books:
        reservations.request_item(catalog.initiative.id, book.id, pledged=1, user=who)
        db.session.commit()


def _field_feedback(html: str, field: str) -> str:
    """The text of the error shown beside `field` (Bootstrap's invalid-feedback after it)."""
    start = html.index(f'id="{field}"')
    end = html.index("</div>", html.index("invalid-feedback", start))
    return html[start:end]


def test_the_catalog_shows_the_share_and_the_books_held_and_hides_requests_when_full(
    catalog, login
):
    books = [catalog.offer(f"Book {n}") for n in range(4)]
    employee = login(catalog.employee)
    url = f"/initiatives/{catalog.initiative.id}"
    _hold(catalog, books[:1], catalog.employee)
    html = employee.get(url).get_data(as_text=True)
    assert "You may hold up to 3 reserved books; you hold 1." in html
    assert "Reserved for you: Book 0 · Donate 1 UAH" in html and "kept for you until" in html
    assert html.count(">Request this book<") == 3
    _hold(catalog, books[1:3], catalog.employee)
    html = employee.get(url).get_data(as_text=True)
    assert "You may hold up to 3 reserved books; you hold 3." in html
    assert ">Request this book<" not in html
    html = employee.get(f"{url}/items/{books[3].id}/request").get_data(as_text=True)
    assert "you hold 3." in html and "Reserved for you: Book 2 ·" in html


def test_a_refusal_stays_on_the_form_beside_the_field_with_the_count_held(
    catalog, login, app, monkeypatch
):
    books = [catalog.offer(f"Book {n}") for n in range(4)]
    _hold(catalog, books[:3], catalog.employee)
    monkeypatch.setitem(app.config, "RESERVATION_LIMIT_PER_PERSON", 2)  # lowered since
    response = login(catalog.employee).post(
        f"/initiatives/{catalog.initiative.id}/items/{books[3].id}/request",
        data={"pledged": "777"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "You already hold 3 reserved books here" in _field_feedback(html, "pledged")
    assert 'value="777"' in html
    assert "You may hold up to 2 reserved books; you hold 3." in html


def test_an_outsider_refused_on_the_public_form_keeps_what_they_typed(catalog, client):
    books = [catalog.offer(f"Book {n}") for n in range(4)]
    olha = participants.Outsider("Olha", "olha@x.example")
    for book in books[:3]:
        reservations.request_item(catalog.initiative.id, book.id, pledged=1, outsider=olha)
        db.session.commit()
    assert "One person may hold up to 3 reserved books at a time." in client.get(
        f"/public/initiatives/{catalog.initiative.id}"
    ).get_data(as_text=True)
    url = f"/public/initiatives/{catalog.initiative.id}/items/{{}}/request"
    form = {"name": "Olha Typed", "email": "olha@x.example", "consent": "y", "pledged": "444"}
    response = client.post(url.format(books[3].id), data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "You already hold 3 reserved books here" in _field_feedback(html, "pledged")
    assert 'value="Olha Typed"' in html and 'value="olha@x.example"' in html
    assert 'value="444"' in html
    response = client.post(url.format(books[3].id), data={**form, "email": "emma@example.com"})
    assert response.status_code == 400
    assert "Please sign in" in _field_feedback(response.get_data(as_text=True), "email")


def test_the_confirm_page_of_a_book_that_is_not_reserved_says_so_instead_of_a_form(catalog, login):
    item = catalog.offer()
    url = f"/initiatives/{catalog.initiative.id}/items/{item.id}/confirm"
    leader = login(catalog.leader)
    response = leader.get(url)
    assert response.status_code == 302
    assert response.location == f"/initiatives/{catalog.initiative.id}"
    page = leader.get(response.location).text
    assert "Only a reserved book can be exchanged." in page
    reserve(catalog, item, user=catalog.employee)
    assert 'name="amount"' in leader.get(url).text
