"""The demo's conversations: every kind in the demo communities, an answered PMBOK
question, the idea that became the Charity Book Sale, a question awaiting approval and a
reported advert in the QA Guild's moderation queue."""

from sqlalchemy import select

from accounts.services import find_user_by_email
from conversations.models import ContentReport, ContentState, IdeaStatus, Post, PostKind, Reply


def test_the_demo_has_lively_conversations_of_every_kind(runner, app):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    from core.extensions import db

    posts = list(db.session.execute(select(Post)).scalars())
    assert {post.kind for post in posts} == set(PostKind)
    assert {post.community.slug for post in posts} >= {
        "project-managers", "volunteering", "qa-guild", "running-club"
    }  # fmt: skip
    by_title = {post.title: post for post in posts}
    pmbok = by_title["Is PMBOK 7 worth switching to from the 6th edition?"]
    assert pmbok.answer_accepted_at is not None and pmbok.first_reply_at is not None
    sale_idea = by_title["A charity book sale for the children's hospital"]
    assert sale_idea.idea_status == IdeaStatus.DONE and sale_idea.vote_count > 5
    assert by_title["Charity Book Sale: bring your books on Friday"].pinned
    held = [post for post in posts if post.state == ContentState.HELD]
    assert [post.community.slug for post in held] == ["qa-guild"]
    # The QA Guild's leaders find a reported advert in their "Moderation" queue.
    report = db.session.execute(select(ContentReport)).scalars().one()
    advert = db.session.get(Reply, report.reply_id)
    assert advert.state == ContentState.VISIBLE and "certification dumps" in advert.body
    queue = app.test_client(user=find_user_by_email("olena@example.com"))
    assert "certification dumps" in queue.get("/communities/qa-guild/moderation").text

    olena = app.test_client(user=find_user_by_email("olena@example.com"))
    page = olena.get("/communities/project-managers/posts").get_data(as_text=True)
    assert "Що почитати про лідерство?" in page and "Charity Book Sale" in page
    assert olena.get(f"/communities/project-managers/posts/{pmbok.id}").status_code == 200
