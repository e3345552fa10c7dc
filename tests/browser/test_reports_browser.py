"""A community manager opens last month's report and downloads its figures as CSV."""

import csv
from datetime import UTC, datetime, time, timedelta

from playwright.sync_api import expect

from community import services as communities
from tests.browser.conftest import pages_seen, sign_in
from tests.conftest import make_community, make_user
from tests.test_events_factories import make_event, register


def _last_month() -> tuple[datetime, str]:
    """Noon on the 10th of last month (UTC, the test site's zone), and that month's key."""
    first_of_this_month = datetime.now(UTC).date().replace(day=1)
    tenth = (first_of_this_month - timedelta(days=1)).replace(day=10)
    return datetime.combine(tenth, time(12), UTC), tenth.strftime("%Y-%m")


def test_leader_opens_last_months_report_and_downloads_the_csv(page, live_server, tmp_path):
    tenth, key = _last_month()

    def world():
        leader = make_user("lead@example.com", "Lena Leader")
        community = make_community(
            leader, "Project Managers", created_at=tenth - timedelta(days=90)
        )
        people = [make_user(f"member{i}@example.com", f"Member {i}") for i in range(3)]
        for i, person in enumerate(people):
            communities.join_community(person, community, at=tenth + timedelta(hours=i))
        retro = make_event(leader, community, title="Retro night",
                           starts_at=tenth + timedelta(days=5))  # fmt: skip
        for person in people[:2]:
            register(person, retro, now=tenth + timedelta(days=1))

    live_server.setup(world)

    sign_in(page, "lead@example.com")
    page.get_by_role("link", name="Communities").click()
    page.get_by_role("link", name="Project Managers").click()
    page.get_by_role("link", name="Report").click()
    expect(page.get_by_role("heading", name="Report: Project Managers")).to_be_visible()
    page.get_by_role("link", name="Last month").click()
    expect(page.get_by_role("link", name="Last month")).to_have_attribute("aria-current", "page")
    expect(page.get_by_label("Month", exact=True)).to_have_value(key)
    expect(page.get_by_text("Largest event: Retro night")).to_be_visible()
    figures = page.get_by_role("table", name="Figures for this period against the period before")
    expect(figures.get_by_role("row", name="Joined")).to_contain_text("3")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == f"project-managers-{key}.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert rows[0][:4] == ["section", "figure", "subject", key]
    by_figure = {(row[0], row[1]): row[3] for row in rows[1:] if not row[2]}
    assert by_figure[("membership", "joined")] == "3"
    assert by_figure[("events", "registrations")] == "2"
    assert pages_seen(page) >= 5  # axe-core ran on every page on the way
