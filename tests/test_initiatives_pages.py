"""The initiative's pages: creating and editing, the catalog with its totals and filters,
the CSV import, leads, and who may see what; bad input answered with 400."""

from io import BytesIO

import pytest
from sqlalchemy import select

from community.models import Community
from core.extensions import db
from initiatives import editing, leads, participants
from initiatives.models import CatalogItem, Initiative, Lead, Participant
from tests.conftest import make_user
from tests.test_initiatives_support import (  # noqa: F401  (fixtures)
    catalog_fixture,
    confirm_reserved,
    count,
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
        confirm_reserved(catalog.leader, catalog.initiative, item.id, 19500)
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
    confirm_reserved(catalog.leader, catalog.initiative, exchanged.id, 300)
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


def test_csv_import_can_take_the_good_rows_and_names_the_skipped_lines(catalog, login):
    client = login(catalog.leader)
    url = f"/initiatives/{catalog.initiative.id}/import"
    text = "title,category\nScrum,PMBOK\nDrive,Cooking\nHigh Output,Leadership\n,\nX,Nope\n"
    preview = client.post(url, data=csv_upload(text), content_type="multipart/form-data").text
    assert "Lines 3, 6 have errors." in preview
    assert "Import the 2 good books" in preview
    assert 'name="skip_broken" type="hidden" value="1"' in preview
    assert count(CatalogItem) == 0
    done = client.post(f"{url}/confirm", data={"csv_text": text, "skip_broken": "1"})
    assert done.status_code == 302
    assert count(CatalogItem) == 2
    shown = client.get(f"/initiatives/{catalog.initiative.id}").text
    assert "2 books imported. Lines 3, 6 were skipped." in shown


def test_csv_import_of_only_broken_rows_offers_no_import(catalog, login):
    text = "title,category\nDrive,Cooking\n"
    client = login(catalog.leader)
    url = f"/initiatives/{catalog.initiative.id}/import"
    preview = client.post(url, data=csv_upload(text), content_type="multipart/form-data").text
    assert "Line 2 has errors." in preview and "skip_broken" not in preview
    refused = client.post(f"{url}/confirm", data={"csv_text": text, "skip_broken": "1"})
    assert refused.status_code == 400 and count(CatalogItem) == 0
