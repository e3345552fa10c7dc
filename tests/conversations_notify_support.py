"""Posts and replies for conv_notify's tests, made from the models directly (posting's
services are built elsewhere), and the signals sent as posting sends them."""

from accounts.models import User
from community.models import Community
from conversations.counts import recount_replies
from conversations.models import ContentState, Post, PostKind, Reply
from core import commands
from core.extensions import db
from core.models import utcnow
from core.signals import post_published, reply_published
from notifications.models import Notification
from tests.conftest import make_user


def new_post(
    author: User,
    community: Community,
    title: str = "Що почитати про лідерство?",
    body: str = "Поділіться книгами.",
    kind: PostKind = PostKind.DISCUSSION,
    state: ContentState = ContentState.VISIBLE,
    publish: bool = True,
) -> Post:
    """A post, committed; `publish` sends post_published as posting does for visible ones."""
    with commands.transaction():
        post = Post(community=community, author=author, kind=kind, title=title, body=body,
                    state=state)  # fmt: skip
        db.session.add(post)
        db.session.flush()
        if publish:
            post_published.send(post, actor=author)
    return post


def new_reply(author: User, post: Post, body: str = "Agreed.", publish: bool = True) -> Reply:
    with commands.transaction():
        reply = Reply(post=post, author=author, body=body)
        db.session.add(reply)
        recount_replies(post)  # as posting does (conversations/counts.py)
        if publish:
            reply_published.send(reply, actor=author)
    return reply


def told(user: User, kind: str | None = None) -> list[Notification]:
    query = db.select(Notification).where(Notification.recipient_id == user.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(db.session.execute(query.order_by(Notification.id)).scalars())


def person(name: str) -> User:
    email = name.lower().replace(" ", ".").encode("ascii", "ignore").decode() or "someone"
    return make_user(f"{email}.{abs(hash(name)) % 10**8}@example.com", name)


def add_posts(author: User, community: Community, count: int, title: str = "Post {n}") -> None:
    """`count` visible discussions at once, committed, without signals (paging and query
    budgets); `title` is formatted with each one's number `n`, from 0."""
    now = utcnow()
    db.session.add_all(
        Post(
            community=community,
            author=author,
            kind=PostKind.DISCUSSION,
            title=title.format(n=n),
            created_at=now,
            last_activity_at=now,
        )  # fmt: skip
        for n in range(count)
    )
    db.session.commit()


def statements_of_page(client, url: str, count_queries) -> int:
    """The SQL statements `url` runs, once earlier visits have warmed what is kept (on
    SQLite the second visit is the first to keep a figure: core/figures.py)."""
    for _visit in range(2):
        client.get(url)
        db.session.remove()  # each in a transaction of its own, as when served
    with count_queries() as statements:
        client.get(url)
    return len(statements)
