"""`flask seed-demo` includes the Instagram stories of the Charity Book Sale."""

from sqlalchemy import select

from core.extensions import db
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
    assert "44" in sale.report
    assert donors.status == BriefStatus.SUBMITTED and draft.status == BriefStatus.DRAFT
    assert race.status == BriefStatus.SCHEDULED and len(race.posts) == 3
