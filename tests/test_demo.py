"""`flask seed-demo` loads a believable site once."""

from sqlalchemy import func, select

from accounts.models import User
from accounts.services import find_user_by_email
from community import history, services
from community.models import Membership
from core.extensions import db


def test_seed_demo_loads_every_role_and_history(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "guildhall-demo" in result.output and "admin@example.com" in result.output
    pm = services.get_community_by_slug("project-managers")
    volunteering = services.get_community_by_slug("volunteering")
    assert pm.kind == "practice" and volunteering.kind == "interest"
    assert history.growth(pm, days=365).members > 5
    from core.extensions import db

    left = db.session.execute(
        select(func.count()).select_from(Membership).where(Membership.left_at.is_not(None))
    ).scalar_one()
    assert left > 0  # history has leaves, not only joins
    assert services.pending_requests(services.get_community_by_slug("qa-guild"))
    unconfirmed = select(User).where(User.email_confirmed_at.is_(None))
    assert db.session.execute(unconfirmed).first() is None  # every demo account signs in


def test_seed_demo_builds_the_search_index_for_what_it_loaded(runner, app):
    result = runner.invoke(args=["seed-demo"])
    assert "Indexed" in result.output
    admin = find_user_by_email("admin@example.com")
    page = app.test_client(user=admin).get("/search?q=Charity").get_data(as_text=True)
    from initiatives.models import Initiative

    sale = db.session.execute(select(Initiative).where(Initiative.title == "Charity Book Sale"))
    assert f'href="/initiatives/{sale.scalar_one().id}"><mark' in page  # found, highlighted


def test_seed_demo_if_empty_does_nothing_the_second_time(runner):
    runner.invoke(args=["seed-demo"])
    from core.extensions import db

    users = db.session.execute(select(func.count()).select_from(User)).scalar_one()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "already has users" in result.output
    assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == users


def test_large_seeding_inserts_history_in_bulk_at_a_small_size(app):
    import random

    from community.models import Community
    from core.extensions import db
    from demo.large import seed_large

    site = seed_large(random.Random(1), users=60, communities=6, memberships=120)
    count = lambda model: db.session.execute(select(func.count()).select_from(model)).scalar_one()  # noqa: E731
    assert count(User) == 60 and count(Community) == 6
    assert db.session.execute(select(User).where(User.email_confirmed_at.is_(None))).first() is None
    assert count(Membership) >= 120 * 0.9
    for community_id, leader_id in site.leaders_by_community.items():
        community = db.session.get(Community, community_id)
        assert [leader.id for leader in services.leaders_of(community)] == [leader_id]
    assert find_user_by_email("admin@example.com").is_admin


def assert_markdown_is_stored_rendered() -> int:
    """Every Markdown text in the database has its sanitised HTML beside it."""
    from core.text import markdown_columns, render_markdown

    checked = 0
    for mapper in db.Model.registry.mappers:
        table = mapper.local_table
        for source, html in markdown_columns(table).items():
            rows = db.session.execute(
                select(table.c[source], table.c[html]).where(table.c[source] != "")
            )
            for text, stored in rows:
                assert stored == render_markdown(text), (table.name, source, text)
                checked += 1
    return checked


def test_demo_markdown_is_stored_rendered(runner):
    runner.invoke(args=["seed-demo"])
    assert assert_markdown_is_stored_rendered() > 10


def test_large_data_markdown_is_stored_rendered(app):
    import random

    from demo.large import seed_large

    seed_large(random.Random(1), users=60, communities=6, memberships=120)
    assert assert_markdown_is_stored_rendered() > 6


def test_seed_demo_gives_a_few_communities_a_logo_and_a_cover(app, tmp_path, monkeypatch):
    from community import pictures
    from demo.pictures import DEMO_PICTURES, seed_community_pictures
    from tests.conftest import build_world

    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    world = build_world()  # "project-managers" is one of the demo's communities
    seed_community_pictures(world.users["admin"])
    pm = services.get_community_by_slug("project-managers")
    assert "project-managers" in DEMO_PICTURES
    for which in ("logo", "cover"):
        assert pictures.picture_path(pm, which).is_file()
    assert services.get_community_by_slug("qa-guild").logo_file is None  # initials instead


def test_seed_demo_puts_pictures_on_the_book_sales_announcement(runner, app, tmp_path, monkeypatch):
    from conversations.models import Post
    from demo.pictures import BOOK_SALE_POST

    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    post = db.session.execute(select(Post).where(Post.title == BOOK_SALE_POST)).scalar_one()
    assert len(post.images) == 2
