"""Pages and forms of initiatives: what people see, and bad input answered with 400."""

from io import BytesIO

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from community.models import Community
from core.extensions import db
from initiatives import catalog_items, editing, leads, participants, reservations
from initiatives.models import CatalogItem, Initiative, ItemStatus, Lead, Participant
from tests.conftest import make_user
from tests.test_initiatives_support import (  # noqa: F401
    catalog_fixture,
    image_file,
    uploads_fixture,
)

INITIATIVE = {
    "title": "Charity Book Sale",
    "kind": "catalog",
    "status": "draft",
    "currency": "UAH",
    "suggested_donation": "350",
    "categories": "Leadership\nPMBOK",
    "reservation_days": "7",
}
OUTSIDER = {"name": "Olha Outside", "email": "olha@elsewhere.example", "consent": "y"}


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_leader_creates_a_draft_that_only_leaders_see(catalog, login):
    leader = login(catalog.leader)
    response = leader.post(
        f"/communities/{catalog.community.slug}/initiatives/new", data=INITIATIVE
    )
    assert response.status_code == 302
    draft = db.session.execute(select(Initiative).where(Initiative.status == "draft")).scalar_one()
    community_page = leader.get(f"/communities/{catalog.community.slug}").get_data(as_text=True)
    assert "New initiative" in community_page and "Draft" in community_page

    employee = login(catalog.employee)
    assert employee.get(f"/initiatives/{draft.id}").status_code == 404
    employee_page = employee.get(f"/communities/{catalog.community.slug}").get_data(as_text=True)
    assert "Charity Book Sale" in employee_page  # the active one
    assert employee_page.count("Charity Book Sale") == 1
    assert "New initiative" not in employee_page


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("title", "", "This field is required."),
        ("currency", "XYZ", "three-letter currency code"),
        ("currency", "DOLLARS", "three-letter currency code"),
        ("suggested_donation", "-10", "between 0.01 and 1,000,000"),
        ("suggested_donation", "99999999", "between 0.01 and 1,000,000"),
        ("suggested_donation", "lots", "Not a valid decimal value"),
        ("reservation_days", "0", "Enter a number from 1 to 90."),
        ("categories", "", "at least one category"),
        ("kind", "raffle", "Not a valid choice"),
    ],
)
def test_initiative_form_refuses_bad_input_beside_the_field(catalog, login, field, value, message):
    response = login(catalog.leader).post(
        f"/communities/{catalog.community.slug}/initiatives/new",
        data={**INITIATIVE, field: value},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(Initiative) == 1


def test_end_date_before_start_is_refused(catalog, login):
    response = login(catalog.leader).post(
        f"/initiatives/{catalog.initiative.id}/edit",
        data={**INITIATIVE, "starts_on": "2026-05-10", "ends_on": "2026-05-01"},
    )
    assert response.status_code == 400
    assert "end date comes before" in response.get_data(as_text=True)


def test_public_initiative_page_shows_its_public_link(catalog, login):
    page = login(catalog.employee).get(f"/initiatives/{catalog.initiative.id}")
    text = page.get_data(as_text=True)
    assert "Public page" in text
    assert f"/public/initiatives/{catalog.initiative.id}" in text


def test_totals_line_reads_exchanged_of_total_and_money(catalog, login):
    items = [catalog.offer(f"Book {n}") for n in range(3)]
    for item in items[:2]:
        catalog_items.confirm_donation(catalog.leader, catalog.initiative, item.id, 19500)
        db.session.commit()
    text = (
        login(catalog.employee).get(f"/initiatives/{catalog.initiative.id}").get_data(as_text=True)
    )
    assert "2 of 3 exchanged" in text
    assert "39,000 UAH" in text
    ukrainian = login(catalog.employee).get(
        f"/initiatives/{catalog.initiative.id}", headers={"Accept-Language": "uk"}
    )
    assert "39\xa0000 UAH" in ukrainian.get_data(as_text=True)


def test_catalog_filters_by_category_status_and_text(catalog, login):
    catalog.offer("Scrum", category="Agile & Scrum")
    catalog.offer("Drive", category="Leadership")
    exchanged = catalog.offer("Peopleware", category="PMBOK")
    catalog_items.confirm_donation(catalog.leader, catalog.initiative, exchanged.id, 300)
    db.session.commit()
    client = login(catalog.employee)
    url = f"/initiatives/{catalog.initiative.id}"

    def titles(**args) -> set[str]:
        text = client.get(url, query_string=args).get_data(as_text=True)
        return {t for t in ("Scrum", "Drive", "Peopleware") if f">{t}<" in text}

    assert titles() == {"Scrum", "Drive", "Peopleware"}
    assert titles(category="Leadership") == {"Drive"}
    assert titles(status="exchanged") == {"Peopleware"}
    assert titles(q="scr") == {"Scrum"}


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


@pytest.mark.parametrize("amount", ["-1", "0", "5000000", "abc", "NaN", "1e309"])
def test_confirm_refuses_bad_amounts(catalog, login, amount):
    item = catalog.offer()
    response = login(catalog.leader).post(
        f"/initiatives/{catalog.initiative.id}/items/{item.id}/confirm", data={"amount": amount}
    )
    assert response.status_code == 400
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


def csv_upload(text: str, name: str = "books.csv"):
    return {"csv_file": (BytesIO(text.encode()), name)}


def test_csv_import_previews_then_imports_everything(catalog, login):
    client = login(catalog.leader)
    url = f"/initiatives/{catalog.initiative.id}/import"
    text = (
        "title,author,category,condition\n"
        "Scrum,Jeff Sutherland,PMBOK,good\n"
        "Drive,Pink,Leadership,worn\n"
    )
    preview = client.post(url, data=csv_upload(text), content_type="multipart/form-data")
    assert preview.status_code == 200
    assert "Import 2 books" in preview.get_data(as_text=True)
    assert count(CatalogItem) == 0  # a preview changes nothing

    done = client.post(f"{url}/confirm", data={"csv_text": text})
    assert done.status_code == 302
    assert count(CatalogItem) == 2


@pytest.mark.parametrize(
    "text, name, message",
    [
        ("title,category\nScrum,PMBOK\nDrive,Cooking\n", "b.csv", "Choose one of the catalog"),
        ("title,category\nScrum,PMBOK,extra,cells\n", "b.csv", "more cells than there are columns"),
        ("just some words\n", "b.csv", "must name the columns"),
        ("title,category\n", "b.csv", "no books in it"),
        ("title,category\nScrum,PMBOK\n", "b.xlsx", "Upload a .csv file."),
    ],
)
def test_csv_import_shows_broken_rows_and_imports_nothing(catalog, login, text, name, message):
    response = login(catalog.leader).post(
        f"/initiatives/{catalog.initiative.id}/import",
        data=csv_upload(text, name),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert "Import books" not in response.get_data(as_text=True).split("Preview import")[-1]
    assert count(CatalogItem) == 0


def test_csv_confirmation_with_a_broken_row_imports_nothing(catalog, login):
    text = "title,category\nScrum,PMBOK\nDrive,Cooking\n"
    response = login(catalog.leader).post(
        f"/initiatives/{catalog.initiative.id}/import/confirm", data={"csv_text": text}
    )
    assert response.status_code == 400
    assert count(CatalogItem) == 0


def test_non_utf8_csv_is_refused_with_a_message(catalog, login):
    response = login(catalog.leader).post(
        f"/initiatives/{catalog.initiative.id}/import",
        data={"csv_file": (BytesIO("title,category\nКнига,PMBOK\n".encode("cp1251")), "b.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)


def test_leads_csv_download_is_escaped(catalog, login):
    leads.register_interest(
        catalog.initiative, participants.Outsider("=cmd|' /C calc'!A0", "evil@elsewhere.example")
    )
    db.session.commit()
    response = login(catalog.leader).get(f"/initiatives/{catalog.initiative.id}/leads.csv")
    assert response.mimetype == "text/csv"
    assert "'=cmd" in response.get_data(as_text=True)


def test_someone_who_does_not_lead_the_community_cannot_edit(catalog, login):
    other_leader = make_user("other-leader@example.com")
    other = editing.create_initiative(
        other_leader,
        db.session.execute(select(Community)).scalar_one(),
        title="Not yours",
        status="active",
    )
    db.session.commit()
    assert login(other_leader).get(f"/initiatives/{other.id}/edit").status_code == 403
    assert count(Lead) == 0 and count(Participant) == 0


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
    assert "Book 0 · kept for you until" in html
    assert html.count(">Request this book<") == 3
    _hold(catalog, books[1:3], catalog.employee)
    html = employee.get(url).get_data(as_text=True)
    assert "You may hold up to 3 reserved books; you hold 3." in html
    assert ">Request this book<" not in html
    html = employee.get(f"{url}/items/{books[3].id}/request").get_data(as_text=True)
    assert "you hold 3." in html and "Book 2 · kept for you until" in html


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


def test_an_archived_communitys_catalog_takes_nothing_and_offers_no_public_link(catalog, login):
    from community.services import archive_community

    item = catalog.offer("Drive")
    archive_community(catalog.leader, catalog.community)
    db.session.commit()
    base = f"/initiatives/{catalog.initiative.id}"
    for person in (catalog.employee, catalog.leader):
        client = login(person)
        html = client.get(base).get_data(as_text=True)
        assert "Request this book" not in html and "Offer a book" not in html
        assert f"/public/initiatives/{catalog.initiative.id}" not in html
        assert client.get(f"{base}/offer").status_code in (403, 404)
        assert client.get(f"{base}/items/{item.id}/request").status_code in (403, 404)
