"""The community report as leaders use it: page, CSV, Markdown, and its query cost."""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from community import services as communities
from core.extensions import db
from tests.conftest import make_user


@pytest.fixture
def october(world):
    at = datetime(2026, 10, 5, 12, tzinfo=UTC)
    for i in range(3):
        communities.join_community(make_user(f"oct{i}@example.com"), world.community, at=at)
    channel = communities.add_channel(world.community, '=HYPERLINK("x")', "https://fb.example/pm")
    communities.record_snapshot(channel, date(2026, 9, 30), 200)
    communities.record_snapshot(channel, date(2026, 10, 31), 227)
    db.session.commit()
    return world


def test_report_page_shows_the_months_figures_and_a_chart(october, login):
    page = (
        login(october.users["leader"])
        .get("/communities/project-managers/report?period=month&at=2026-10")
        .get_data(as_text=True)
    )
    assert "Report: Project Managers" in page
    assert "<svg" in page and "<script" not in page.split("<svg")[1].split("</svg>")[0]
    assert "Members at the end of each month" in page
    assert "13.5 %" in page  # the channel grew from 200 to 227


def test_community_page_links_the_report_for_leaders_only(october, login):
    assert ">Report<" in login(october.users["leader"]).get(
        "/communities/project-managers"
    ).get_data(as_text=True)
    assert ">Report<" not in login(october.users["member"]).get(
        "/communities/project-managers"
    ).get_data(as_text=True)


def test_report_csv_has_raw_numbers_and_no_formulas(october, login):
    response = login(october.users["leader"]).get(
        "/communities/project-managers/report.csv?period=month&at=2026-10"
    )
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["section", "figure", "subject", "2026-10", "2026-09", "unit"]
    joined = next(row for row in rows if row[1] == "joined")
    assert joined[3] == "3"
    growth = next(row for row in rows if row[1] == "channel_growth")
    assert growth[2].startswith("'=") and growth[3] == "13.5"


def test_report_markdown_is_a_table_for_the_wiki(october, login):
    text = (
        login(october.users["leader"])
        .get("/communities/project-managers/report.md?period=week&at=2026-W41")
        .get_data(as_text=True)
    )
    assert text.startswith("# Report: Project Managers")
    assert "| Members: Joined | 3 | 0 |" in text


def test_unreadable_periods_fall_back_to_the_current_one(october, login):
    client = login(october.users["leader"])
    for query in ["period=year&at=x", "period=week&at=2026-W99", "at=%00"]:
        assert client.get(f"/communities/project-managers/report?{query}").status_code in (200, 400)


@pytest.mark.parametrize("extra_members", [5, 300])
def test_report_page_stays_within_its_query_budget(october, login, count_queries, extra_members):
    for i in range(extra_members):
        communities.join_community(make_user(f"extra{i}@example.com"), october.community)
    db.session.commit()
    client = login(october.users["leader"])
    client.get("/communities/project-managers/report")
    with count_queries() as statements:
        assert client.get("/communities/project-managers/report").status_code == 200
    assert len(statements) <= 10, "\n".join(statements)


def test_site_overview_puts_communities_side_by_side_and_sorts(october, login):
    client = login(october.users["smm"])
    page = client.get("/reports/?period=month&at=2026-10&sort=joined").get_data(as_text=True)
    assert page.index("Project Managers") < page.index("QA Guild")
    by_name = client.get("/reports/?period=month&at=2026-10&sort=name").get_data(as_text=True)
    assert by_name.index("Project Managers") < by_name.index("QA Guild")
    rows = list(
        csv.reader(
            io.StringIO(client.get("/reports/overview.csv?at=2026-10").get_data(as_text=True))
        )
    )
    assert rows[0][0] == "community"
    pm = next(row for row in rows if row[0] == "Project Managers")
    assert pm[3] == "3"  # joined in October
    assert client.get("/reports/?sort=%27;drop").status_code == 200


@pytest.mark.parametrize("extra_communities", [3, 60])
def test_overview_stays_within_its_query_budget(october, login, count_queries, extra_communities):
    for i in range(extra_communities):
        communities.create_community(october.users["admin"], name=f"Extra {i}", kind="interest")
    db.session.commit()
    client = login(october.users["admin"])
    client.get("/reports/")
    with count_queries() as statements:
        assert client.get("/reports/").status_code == 200
    assert len(statements) <= 6, "\n".join(statements)


def test_report_sections_keep_their_order_and_percent_changes_are_points(october, login):
    page = (
        login(october.users["leader"])
        .get("/communities/project-managers/report?period=month&at=2026-10")
        .get_data(as_text=True)
    )
    assert page.index("Members at the end") < page.index("External channels")
    assert " pp<" in page
