"""`flask seed-demo` gives the Project Managers a report worth sending: the book-sale
campaign as a band on the growth chart, in the highlights and among the promotions."""

import re
from datetime import timedelta

from sqlalchemy import select

from accounts.services import find_user_by_email
from community import services as communities
from core.extensions import db
from core.models import utcnow
from demo import BOOK_SALE_DAYS_AGO
from promotions.models import PromotionRequest
from reports.community_report import community_report
from reports.periods import Period


def _sale() -> PromotionRequest:
    return db.session.execute(
        select(PromotionRequest).where(PromotionRequest.title.startswith("Charity Book Sale"))
    ).scalar_one()


def test_the_demo_report_for_the_book_sale_month_shows_the_campaign_and_its_lift(runner, app):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    sale, today = _sale(), utcnow().date()
    # The joins cluster in the window demo/promotions.py gives the stories.
    assert (today - sale.publish_from, today - sale.publish_until) == tuple(
        timedelta(days=d) for d in BOOK_SALE_DAYS_AGO
    )
    month = Period.containing("month", sale.publish_from)
    pm = communities.get_community_by_slug("project-managers")
    report = community_report(pm, month)
    (campaign,) = [c for c in report.campaigns if c.brief.id == sale.id]
    assert campaign.lift.lift >= 3 and campaign.lift.later is not None  # the band's lift
    assert report.best_campaign is campaign
    assert (campaign.outcome.actual, campaign.outcome.target) == (44, 40)
    # The kick-off took place during the stories (demo/events.py), with attendance taken.
    assert report.largest_event is not None
    assert report.largest_event.title == "Charity book sale kick-off"
    assert report.largest_event.attended > 0

    client = app.test_client(user=find_user_by_email("olena@example.com"))
    page = client.get(f"/communities/project-managers/report?month={month.key}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    svg = html.split('aria-labelledby="members-chart-title')[1].split("</svg>")[0]
    assert re.search(r"<rect [^>]*><title>Charity Book Sale: the catalog opens", svg)
    highlights = html.split('id="highlights-heading"')[1].split("</section>")[0]
    assert "Best promotion against its target: Charity Book Sale" in highlights
    assert "44 of 40 (110.0 %)" in highlights
    assert "Charity book sale kick-off" in highlights
    promotions = html.split('id="promotions-heading"')[1].split("</section>")[0]
    assert "Charity Book Sale: the catalog opens to other companies</a>" in promotions
    assert "44 of 40" in promotions and "110.0 %" in promotions
    after = f"{campaign.lift.before} → {campaign.lift.after} → {campaign.lift.later}"
    assert after in promotions
    figures = html.split('id="figures-heading"')[1].split("</section>")[0]
    for label in ("Members at the end", "Joined", "Active members", "Promotions published"):
        assert label in figures
    assert "Charity Book Sale" in html.split('id="initiatives-heading"')[1]
