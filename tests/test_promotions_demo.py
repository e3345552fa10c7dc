"""`flask seed-demo` includes the Instagram stories of the Charity Book Sale."""

from decimal import Decimal

from sqlalchemy import select

from accounts.services import find_user_by_email
from core.extensions import db
from core.models import utcnow
from initiatives.views import catalog_money
from promotions.models import BriefStatus, Objective, PostFormat, PromotionRequest
from promotions.subjects import subject_kinds


def test_demo_has_the_book_sale_stories_and_a_queue(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    briefs = db.session.execute(select(PromotionRequest).order_by(PromotionRequest.id)).scalars()
    sale, donors, race, draft = list(briefs)
    assert sale.title.startswith("Charity Book Sale")
    expected_kind = "initiative" if "initiative" in subject_kinds() else "achievement"
    assert sale.subject_kind == expected_kind
    assert (sale.objective, sale.target, sale.status) == (Objective.LEADS, 40, BriefStatus.CLOSED)
    stories = [post for post in sale.posts if post.format == PostFormat.STORY]
    assert len(stories) == 4 and all(p.channel.name == "Instagram" for p in stories)
    assert sum("Facebook post" in p.notes for p in stories) == 1
    assert all(p.published_url and p.reach for p in stories)
    # The outcome reads like the story: 44 leads through the link story, 5 outside people
    # who added or took books, the Facebook group +13.5 %.
    assert sale.final_actual == 44 and sale.lessons
    figures = sale.final_figures
    assert figures["total"]["leads"] == 44 and figures["total"]["participants"] == 5
    assert [c["label"] for c in figures["channels"] if c["leads"]] == ["Instagram"]
    group = next(g for g in figures["growth"] if g["name"] == "Facebook group")
    assert (group["start"], group["end"], round(group["percent"], 1)) == (600, 681, 13.5)
    assert donors.status == BriefStatus.SUBMITTED and draft.status == BriefStatus.DRAFT
    # Running for a week and behind: at risk before its window ends.
    assert race.status == BriefStatus.RUNNING and len(race.posts) == 3
    assert race.at_risk_since is not None and race.publish_until >= utcnow().date()


def test_demo_book_sale_outcome_page_shows_books_exchanged_and_donations(runner, login):
    """The story's catalog: 100 of 115 books exchanged for 39,000 UAH (DESIGN.md §1)."""
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    sale = db.session.execute(select(PromotionRequest).order_by(PromotionRequest.id)).scalar()
    catalog = sale.final_figures["catalog"]
    assert (catalog["total_items"], catalog["total_exchanged"]) == (115, 100)
    assert Decimal(catalog["total_donations"]) == 39000 and catalog["exchanged"] > 0
    olena = find_user_by_email("olena@example.com")
    client = login(olena)
    html = client.get(f"/promotions/{sale.id}/outcome").get_data(as_text=True)
    assert "The catalog" in html and "Exchanged in the window" in html
    assert "100 of 115 exchanged · 39,000 UAH" in html
    window = catalog_money(Decimal(catalog["donations"]), "UAH")
    assert f'<dd class="col-5">{catalog["exchanged"]}</dd>' in html and window in html
    report = client.get(f"/promotions/{sale.id}/results").get_data(as_text=True)
    assert "now 100 of 115 exchanged · 39,000 UAH" in report
