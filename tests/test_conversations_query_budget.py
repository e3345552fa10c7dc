"""The conversation pages cost a fixed number of SQL statements at any data size, and the
list's pages are read straight off an index (PostgreSQL's plans show no sort)."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, select, text

from community import services as communities
from conversations import queries
from conversations.models import Post, Reply
from core.extensions import db
from core.models import utcnow
from tests.conftest import make_community, make_user

KINDS = ["discussion", "question", "idea", "announcement"]


def bulk_conversations(size: int, name: str = "Project Managers"):
    """A community with `size` posts of every kind by a few people, and a question with
    `size` replies; inserted in bulk."""
    leader = make_user(f"lead-{size}@example.com", "Lena Leader")
    community = make_community(leader, name)
    people = [make_user(f"p{n}-{size}@example.com", f"Person {n}") for n in range(5)]
    for person in people:
        communities.join_community(person, community)
    db.session.commit()
    now = utcnow()
    db.session.execute(
        insert(Post),
        [
            {"community_id": community.id, "author_id": people[n % 5].id, "kind": KINDS[n % 4],
             "title": f"Topic {n}", "body": "", "body_html": "", "state": "visible",
             "pinned": n % 400 == 0, "closed": False, "created_at": now,
             "last_activity_at": now - timedelta(minutes=n), "reply_count": 0, "like_count": 0,
             "vote_count": n % 17}
            for n in range(size)
        ],
    )  # fmt: skip
    thread = db.session.execute(
        select(Post)
        .where(Post.community_id == community.id, Post.kind == "question")
        .order_by(Post.id)
        .limit(1)
    ).scalar_one()
    db.session.execute(
        insert(Reply),
        [
            {"post_id": thread.id, "author_id": people[n % 5].id, "body": f"Reply {n}",
             "body_html": f"<p>Reply {n}</p>", "state": "visible", "created_at": now,
             "like_count": 0, "is_accepted": False}
            for n in range(size)
        ],
    )  # fmt: skip
    thread.reply_count = size
    db.session.commit()
    return people[0], community, thread


def _paths(community, thread) -> list[str]:
    base = f"/communities/{community.slug}"
    return [
        f"{base}/posts",
        f"{base}/posts?filter=questions",
        f"{base}/posts?filter=ideas",
        f"{base}/posts?filter=unanswered",
        f"{base}/posts/{thread.id}",
        f"{base}/posts/{thread.id}?latest=1",
        base,
    ]


def _statements(client, path: str, count_queries) -> int:
    # Warm-up: the first request also loads the user, and on SQLite the second is the
    # first to keep the community's figures (core/figures.py). Each ends its
    # transaction, as a served request does.
    for _request in range(2):
        client.get(path)
        db.session.remove()
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)


def test_pages_cost_the_same_at_ten_posts_and_at_three_thousand(login, count_queries):
    costs = {}
    for size in (10, 3000):
        member, community, thread = bulk_conversations(size, f"Community of {size}")
        client = login(member)
        costs[size] = [_statements(client, p, count_queries) for p in _paths(community, thread)]
        # The next page of a long list costs what the first does.
        page = client.get(f"/communities/{community.slug}/posts").get_data(as_text=True)
        if size == 3000:
            after = page.split("posts?after=")[1].split('"')[0]
            later = _statements(
                client, f"/communities/{community.slug}/posts?after={after}", count_queries
            )
            assert later <= costs[size][0]
    assert costs[10] == costs[3000], costs
    assert max(costs[3000]) <= 16, costs


def _plan(query) -> str:
    """The database's plan of `query`: PostgreSQL's (its sequential scans turned off, so
    a small table shows which index the query can use), or SQLite's query plan."""
    compiled = query.compile(dialect=db.engine.dialect)
    connection = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        rows = connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).scalars()
        return "\n".join(rows)
    params = compiled.construct_params()
    processors = compiled._bind_processors
    values = tuple(
        processors[name](params[name]) if name in processors else params[name]
        for name in compiled.positiontup
    )
    rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", values).all()
    return "\n".join(row[-1] for row in rows)


@pytest.mark.parametrize("chosen", list(queries.Filter))
def test_every_filters_page_is_read_off_an_index_without_sorting(app, chosen):
    _member, community, _thread = bulk_conversations(200)
    db.session.execute(text("ANALYZE"))
    first = queries.page_ids_query(community, chosen, None)
    later = queries.page_ids_query(community, chosen, queries.Cursor(1_700_000_000_000_000, 50))
    for query in (first, later):
        plan = _plan(query)
        if db.engine.dialect.name == "postgresql":
            assert "Index" in plan and "Sort" not in plan and "Seq Scan" not in plan, plan
        else:
            assert "USING" in plan and "INDEX" in plan and "TEMP B-TREE" not in plan, plan
