"""The community report as leaders use it (page, CSV, Markdown), the site overview, period
validation, and what the pages cost in queries."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import pytest

from accounts.services import find_user_by_email
from community import services as communities
from core.extensions import db
from initiatives import catalog_items, catalog_queries, editing, participants
from initiatives import leads as initiative_leads
from initiatives.models import InitiativeKind, InitiativeStatus
from promotions.models import BriefStatus
from tests.conftest import make_user
from tests.test_events_factories import make_event, register
from tests.test_promotions_factories import brief_in

REPORT = "/communities/project-managers/report"
OCTOBER = "period=month&month=2026-10"


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.fixture
def october(world):
    leader = world.users["leader"]
    for i in range(3):
        communities.join_community(make_user(f"oct{i}@example.com"), world.community,
                                   at=at("2026-10-05"))  # fmt: skip
    channel = communities.add_channel(world.community, '=HYPERLINK("x")', "https://fb.example/pm")
    communities.record_snapshot(channel, date(2026, 9, 30), 200)
    communities.record_snapshot(channel, date(2026, 10, 31), 227)
    retro = make_event(leader, world.community, title="Retro <night>",
                       starts_at=at("2026-10-14", 16))  # fmt: skip
    for i in range(2):
        register(make_user(f"guest{i}@example.com"), retro, now=at("2026-10-10"))
    brief = brief_in(BriefStatus.CLOSED, leader, world.users["smm"], world.community)
    brief.title = "Book sale | stories"
    brief.publish_from, brief.publish_until = date(2026, 10, 13), date(2026, 10, 20)
    db.session.commit()
    return world


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_report_page_shows_the_months_figures_chart_and_campaign(october, login):
    page = text_of(login(october.users["leader"]).get(f"{REPORT}?{OCTOBER}"))
    assert "Report: Project Managers" in page
    svg = page.split('aria-labelledby="members-chart-title')[1].split("</svg>")[0]
    assert "<script" not in svg
    assert "Members at the end of each month" in page
    # The campaign's window is a band on the growth chart, titled with its dates.
    assert re.search(r"<rect [^>]*><title>Book sale \| stories \(13 Oct – 20 Oct 2026\)", svg)
    assert "13.5 %" in page  # the channel grew from 200 to 227
    assert "Largest event: Retro &lt;night&gt;" in page  # escaped
    assert "Book sale | stories</a>" in page  # among the promotions
    assert "New, left and net, by month" in page


class PrintedText(HTMLParser):
    """The text a printout keeps: none inside header, footer or `no-print` elements."""

    VOID = {"area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.hidden: list[bool] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            classes = (dict(attrs).get("class") or "").split()
            hidden = tag in ("header", "footer") or "no-print" in classes
            self.hidden.append(hidden or bool(self.hidden and self.hidden[-1]))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.hidden:
            self.hidden.pop()

    def handle_data(self, data):
        if not (self.hidden and self.hidden[-1]):
            self.text.append(data)


def test_the_printout_keeps_the_figures_and_leaves_out_the_controls(october, login):
    printed = PrintedText()
    printed.feed(text_of(login(october.users["leader"]).get(f"{REPORT}?{OCTOBER}")))
    text = " ".join(printed.text)
    for kept in ("Report: Project Managers", "Highlights", "Members at the end", "Retro"):
        assert kept in text
    for control in ("Download CSV", "Next period", "Last week", "Show report", "Sign out"):
        assert control not in text


def test_community_page_links_the_report_for_leaders_only(october, login):
    assert ">Report<" in text_of(
        login(october.users["leader"]).get("/communities/project-managers")
    )
    assert ">Report<" not in text_of(
        login(october.users["member"]).get("/communities/project-managers")
    )


def test_report_csv_has_raw_numbers_and_no_formulas(october, login):
    response = login(october.users["leader"]).get(f"{REPORT}.csv?{OCTOBER}")
    assert response.mimetype == "text/csv"
    assert 'filename="project-managers-2026-10.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text_of(response))))
    assert rows[0] == ["section", "figure", "subject", "2026-10", "2026-09", "change", "unit"]
    by_key = {(row[0], row[1], row[2]): row[3:] for row in rows[1:]}
    assert by_key[("membership", "joined", "")] == ["3", "0", "3", ""]
    assert by_key[("events", "registrations", "")] == ["2", "0", "2", ""]
    growth = next(row for row in rows if row[1] == "channel_growth")
    assert growth[2].startswith("'=") and growth[3] == "13.5"
    assert by_key[("by_month", "joined", "2026-10")] == ["3", "", "", ""]
    assert ("promotion", "members_at_start", "Book sale | stories") in by_key


def test_negative_changes_stay_numbers_in_the_csv(october, login):
    rows = list(
        csv.reader(io.StringIO(text_of(
            login(october.users["leader"]).get(f"{REPORT}.csv?period=month&month=2026-11")
        )))
    )  # fmt: skip
    joined = next(row for row in rows if row[:2] == ["membership", "joined"])
    assert joined[5] == str(int(joined[3]) - 3)  # November against October's 3, no apostrophe


def test_report_markdown_is_ready_for_the_wiki(october, login):
    response = login(october.users["leader"]).get(f"{REPORT}.md?{OCTOBER}")
    assert response.mimetype == "text/markdown"
    text = text_of(response)
    assert text.startswith("# Report: Project Managers")
    assert "| Members: Joined | 3 | 0 | +3 |" in text
    assert "## Promotions" in text and "Book sale \\| stories" in text  # table-safe
    assert "Retro &lt;night>" in text  # no raw HTML reaches the wiki
    weekly = text_of(login(october.users["leader"]).get(f"{REPORT}.md?period=week&week=2026-W41"))
    assert "| Members: Joined | 3 | 0 | +3 |" in weekly  # 5 October is in week 41


def test_markdown_escapes_the_community_name_like_every_other_text(october, login):
    october.community.name = "<b>PM</b> | Guild"
    db.session.commit()
    text = text_of(login(october.users["leader"]).get(f"{REPORT}.md?{OCTOBER}"))
    assert text.startswith("# Report: &lt;b>PM&lt;/b> \\| Guild\n")


def test_counts_of_one_read_in_the_singular(october, login):
    leader = october.users["leader"]
    sale = editing.create_initiative(
        leader, october.community, title="Book exchange", kind=InitiativeKind.CATALOG,
        status=InitiativeStatus.ACTIVE, starts_on=date(2026, 10, 1),
    )  # fmt: skip
    catalog_items.offer_item(sale, title="PMBOK", category="Leadership", user=leader)
    db.session.commit()
    sale_books = catalog_queries.catalog_query(sale)
    db.session.execute(sale_books).scalars().first().created_at = at("2026-10-02")
    db.session.commit()
    client = login(leader)
    page = text_of(client.get(f"{REPORT}?period=month&month=2026-11"))
    assert "0 of 1 book exchanged" in page and "0 books exchanged" in page
    text = text_of(client.get(f"{REPORT}.md?{OCTOBER}"))
    assert "Largest event: Retro &lt;night> on Wed, Oct 14, 2026, with 2 registrations." in text
    # A lone registration reads in the singular.
    solo = make_event(leader, october.community, title="Solo", starts_at=at("2026-09-10", 16))
    register(make_user("solo@example.com"), solo, now=at("2026-09-01"))
    september = text_of(client.get(f"{REPORT}?period=month&month=2026-09"))
    assert "Largest event: Solo on Thu, Sep 10, 2026, with 1 registration." in september


def test_a_general_initiative_shows_people_interested_against_its_target(october, login):
    circle = editing.create_initiative(
        october.users["leader"], october.community, title="Reading circle",
        status=InitiativeStatus.ACTIVE, starts_on=date(2026, 10, 1), target=4,
        goal="Four readers",
    )  # fmt: skip
    outsider = participants.Outsider("Iva", "iva@elsewhere.example")
    initiative_leads.register_interest(circle, outsider).created_at = at("2026-10-11")
    db.session.commit()
    page = text_of(login(october.users["leader"]).get(f"{REPORT}?{OCTOBER}"))
    assert "1 person interested · target 4 (25.0 %)" in page and "Four readers" in page


def test_every_promotion_on_the_chart_says_what_stayed_a_month_later(october, login):
    # The stories ran 13–20 October: oct0, oct1, oct2 at the start; riya joined on the
    # 15th (+1 at the end); oct0 left on 5 November, so a month later (20 November) the
    # community had 3 again: nothing of the lift stayed.
    communities.join_community(make_user("riya@example.com"), october.community,
                               at=at("2026-10-15"))  # fmt: skip
    oct0 = find_user_by_email("oct0@example.com")
    communities.leave_community(oct0, october.community, at=at("2026-11-05"))
    db.session.commit()
    client = login(october.users["leader"])
    november = "period=month&month=2026-11"  # the stories are not November's, but on its chart
    page = text_of(client.get(f"{REPORT}?{november}"))
    assert "No promotions were published in this period." in page
    row = re.search(r'<tr><th scope="row" [^>]*>Book sale \| stories</th>(.*?)</tr>', page)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row.group(1))
    assert cells == ["13 Oct – 20 Oct 2026", "3", "4", "+1", "3", "0"]
    text = text_of(client.get(f"{REPORT}.md?{november}"))
    assert "| Book sale \\| stories | 13 Oct – 20 Oct 2026 | 3 | 4 | +1 | 3 | 0 |" in text
    rows = list(csv.reader(io.StringIO(text_of(client.get(f"{REPORT}.csv?{november}")))))
    assert ["chart_promotion", "kept", "Book sale | stories", "0"] in [r[:4] for r in rows]


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("period=month&month=2026-13", "month", "Enter a month as YYYY-MM"),
        ("period=month&month=2099-01", "month", "has not started yet"),
        ("period=week&week=2026-W99", "week", "2026 has 53 weeks."),
        ("period=week&week=2024-W53", "week", "2024 has 52 weeks."),
        ("period=week&week=2026-43", "week", "Enter a week as YYYY-Www"),
        ("period=week&week=2099-W01", "week", "has not started yet"),
        ("period=range&start=2020-01-01&end=2026-01-01", "end", "at most three years"),
        ("period=range&start=2026-03-01&end=2026-02-01", "end", "before the first day"),
        ("period=range&start=2026-02-30&end=2026-03-01", "start", "Enter a day as YYYY-MM-DD"),
        ("period=range&start=2099-01-01&end=2099-01-02", "start", "in the future"),
        ("period=range&start=2026-01-01", "end", "Enter the first and the last day"),
        ("period=year", "period", "Not a valid choice"),
    ],
)
def test_periods_that_cannot_be_reported_on_are_explained_beside_the_field(
    october, login, query, field, message
):
    client = login(october.users["leader"])
    response = client.get(f"{REPORT}?{query}")
    assert response.status_code == 400
    page = text_of(response)
    # The message follows the field it is about, which is marked invalid.
    field_html = re.search(rf'<input[^>]*id="{field}"[^>]*>|<select[^>]*id="{field}"', page)
    assert field_html and ('aria-invalid="true"' in field_html.group(0) or field == "period")
    assert message in page[field_html.end() :].split("</div>")[0]
    assert client.get(f"{REPORT}.csv?{query}").status_code == 400
    assert message in text_of(client.get(f"{REPORT}.md?{query}"))


def test_a_nul_byte_in_the_period_is_refused(october, login):
    assert login(october.users["leader"]).get(f"{REPORT}?month=%00").status_code == 400


def test_a_range_of_days_is_reported_against_the_same_number_of_days_before(october, login):
    page = text_of(
        login(october.users["leader"]).get(f"{REPORT}?period=range&start=2026-10-01&end=2026-10-15")
    )
    assert "Thu, Oct 1, 2026 – Thu, Oct 15, 2026" in page
    assert "compared with Wed, Sep 16, 2026 – Wed, Sep 30, 2026" in page


def test_no_period_asked_for_means_this_month_so_far(october, login):
    page = text_of(login(october.users["leader"]).get(REPORT))
    assert "so far: the period has not ended" in page
    assert "Next period" not in page


def test_the_site_time_zone_decides_which_month_a_moment_belongs_to(october, login, app,
                                                                    monkeypatch):  # fmt: skip
    late = make_user("late@example.com")
    communities.join_community(late, october.community, at=at("2026-09-30", 22))
    db.session.commit()

    def joined_in_october() -> str:
        rows = csv.reader(io.StringIO(text_of(
            login(october.users["leader"]).get(f"{REPORT}.csv?{OCTOBER}")
        )))  # fmt: skip
        return next(row for row in rows if row[:2] == ["membership", "joined"])[3]

    assert joined_in_october() == "3"  # 22:00 UTC on 30 September is September's in UTC
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_TIMEZONE", "Europe/Kyiv")
    assert joined_in_october() == "4"  # and 01:00 on 1 October in Kyiv


def test_the_csv_dates_events_by_the_local_day_as_the_page_does(october, login, app,
                                                                   monkeypatch):  # fmt: skip
    late = make_event(october.users["leader"], october.community, title="Late retro",
                      starts_at=datetime(2026, 10, 14, 22, 30, tzinfo=UTC))  # fmt: skip
    register(make_user("owl@example.com"), late, now=at("2026-10-10"))
    # The site's zone, for the periods and for the dates Flask-Babel formats on the page.
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_TIMEZONE", "Europe/Kyiv")
    monkeypatch.setattr(app.extensions["babel"], "default_timezone", "Europe/Kyiv")
    client = login(october.users["leader"])
    rows = list(csv.reader(io.StringIO(text_of(client.get(f"{REPORT}.csv?{OCTOBER}")))))
    # 22:30 UTC on 14 October is 01:30 on the 15th in Kyiv.
    assert ["event", "registrations", "2026-10-15 Late retro", "1"] in [r[:4] for r in rows]
    assert ">Thu, Oct 15, 2026</td><td><a" in text_of(client.get(f"{REPORT}?{OCTOBER}"))


def _grow(world, people: int, events: int, briefs: int, leads: int) -> None:
    leader, smm = world.users["leader"], world.users["smm"]
    for i in range(people):
        communities.join_community(make_user(f"extra{people}-{i}@example.com"), world.community,
                                   at=at("2026-10-02") + timedelta(hours=i))  # fmt: skip
    db.session.commit()
    for i in range(events):
        event = make_event(leader, world.community, title=f"Meetup {i}",
                           starts_at=at("2026-10-20", 9) + timedelta(hours=i))  # fmt: skip
        register(world.users["member"], event, now=at("2026-10-19"))
    for _ in range(briefs):
        brief = brief_in(BriefStatus.RUNNING, leader, smm, world.community)
        brief.publish_from, brief.publish_until = date(2026, 10, 2), date(2026, 10, 9)
    sale = editing.create_initiative(
        leader, world.community, title=f"Book sale {leads}", kind=InitiativeKind.CATALOG,
        status=InitiativeStatus.ACTIVE, starts_on=date(2026, 10, 1),
    )  # fmt: skip
    for i in range(leads):
        outsider = participants.Outsider(f"Guest {i}", f"guest-{leads}-{i}@elsewhere.example")
        initiative_leads.register_interest(sale, outsider).created_at = at("2026-10-11")
    db.session.commit()


def _report_queries(client, count_queries, url) -> list[str]:
    client.get(url)  # warm: the session's user and caches
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    return statements


REPORT_BUDGET = 16


def test_report_page_makes_the_same_bounded_number_of_queries_at_any_size(
    october, login, count_queries
):
    client = login(october.users["leader"])
    url = f"{REPORT}?{OCTOBER}"
    _grow(october, people=2, events=1, briefs=1, leads=1)
    small = _report_queries(client, count_queries, url)
    _grow(october, people=60, events=8, briefs=4, leads=25)
    large = _report_queries(client, count_queries, url)
    assert len(large) == len(small) <= REPORT_BUDGET, "\n".join(large)
    page = text_of(client.get(url))
    assert "Meetup 7" in page and "Book sale 25" in page
    for kind in ("csv", "md"):
        statements = _report_queries(client, count_queries, f"{REPORT}.{kind}?{OCTOBER}")
        assert len(statements) <= REPORT_BUDGET


# --- the site overview -----------------------------------------------------------------


def test_site_overview_puts_communities_side_by_side_and_sorts(october, login):
    client = login(october.users["smm"])
    page = text_of(client.get(f"/reports/?{OCTOBER}&sort=joined"))
    assert page.index("Project Managers") < page.index("QA Guild")
    assert re.search(r'aria-sort="descending">\s*<a href="[^"]*sort=joined&amp;order=asc', page)
    by_name = text_of(client.get(f"/reports/?{OCTOBER}&sort=name"))
    assert by_name.index("Project Managers") < by_name.index("QA Guild")
    assert 'aria-sort="ascending"' in by_name
    reversed_names = text_of(client.get(f"/reports/?{OCTOBER}&sort=name&order=desc"))
    assert reversed_names.index("QA Guild") < reversed_names.index("Project Managers")
    assert client.get("/reports/?sort=%27;drop&order=sideways").status_code == 200


def test_site_overview_csv(october, login):
    rows = list(
        csv.reader(io.StringIO(text_of(
            login(october.users["admin"]).get(f"/reports/overview.csv?{OCTOBER}")
        )))
    )  # fmt: skip
    assert rows[0][:4] == ["community", "members", "members_at_start", "growth_percent"]
    pm = dict(zip(rows[0], next(row for row in rows if row[0] == "Project Managers"),
                  strict=True))  # fmt: skip
    assert (pm["joined"], pm["events_held"], pm["promotions"]) == ("3", "1", "1")


def test_site_overview_refuses_a_future_month_beside_the_field(october, login):
    response = login(october.users["smm"]).get("/reports/?period=month&month=2099-05")
    assert response.status_code == 400
    assert "has not started yet" in text_of(response)


@pytest.mark.parametrize("extra_communities", [3, 60])
def test_overview_stays_within_its_query_budget(october, login, count_queries, extra_communities):
    for i in range(extra_communities):
        communities.create_community(october.users["admin"], name=f"Extra {i}", kind="interest")
    db.session.commit()
    client = login(october.users["admin"])
    client.get("/reports/")
    with count_queries() as statements:
        assert client.get("/reports/").status_code == 200
    assert len(statements) <= 9, "\n".join(statements)
