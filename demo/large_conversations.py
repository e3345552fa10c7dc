"""The large data set's conversations: 100,000 posts in the biggest community, a few
hundred in each of the others, and one question whose thread has 1,000 replies.

Posts are spread over two years with every kind in proportion (some pinned, questions
answered or not, ideas with votes). Their kept counts match the rows: only the long
thread has replies, so a page that recounts finds what the list says.
"""

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from conversations.models import Post, Reply
from core.extensions import db
from demo.large import LargeSite, weighted_sizes

BIGGEST_POSTS = 100_000
OTHER_POSTS = 40_000  # shared by the other communities, falling off like their sizes
THREAD_REPLIES = 1_000
DAYS = 730
KINDS = ["discussion"] * 5 + ["question"] * 3 + ["idea"] * 2 + ["announcement"]


def seed_conversations(site: LargeSite, bulk_insert: Callable) -> None:
    rng, now = site.rng, site.now
    start = now - timedelta(days=DAYS)
    biggest, *others = site.community_ids  # the membership sizes fall off in this order
    sizes = [site.share(BIGGEST_POSTS)]
    sizes += weighted_sizes(site.share(OTHER_POSTS), len(others), minimum=1)
    plan = list(zip([biggest, *others], sizes, strict=True))

    def posts():
        for community_id, count in plan:
            authors = site.members_by_community[community_id]
            for n in range(count):
                kind = rng.choice(KINDS)
                created = start + timedelta(seconds=DAYS * 86_400 * n / count)
                answered = kind == "question" and rng.random() < 0.6
                yield {
                    "community_id": community_id, "author_id": rng.choice(authors),
                    "kind": kind, "title": f"Topic {n + 1}",
                    "body": "What do you **think**? Share what worked for your team.",
                    "state": "visible", "closed": False,
                    "pinned": kind == "announcement" and n > count - 4,
                    "created_at": created, "last_activity_at": created,
                    "reply_count": 0, "like_count": rng.randint(0, 9),
                    "vote_count": rng.randint(0, 40) if kind == "idea" else 0,
                    "first_reply_at": None,
                    "answer_accepted_at": created + timedelta(hours=2) if answered else None,
                    "idea_status": "open" if kind == "idea" else None,
                }  # fmt: skip

    bulk_insert(Post, posts(), "Conversations", sum(sizes))
    # The long thread: the biggest community's latest question, so it leads its list.
    thread = db.session.execute(
        select(Post)
        .where(Post.community_id == biggest, Post.kind == "question")
        .order_by(Post.id.desc())
        .limit(1)
    ).scalar_one()
    repliers = site.members_by_community[biggest]
    bulk_insert(
        Reply,
        ({"post_id": thread.id, "author_id": rng.choice(repliers),
          "body": f"Reply {n + 1}: we tried this, and it *helped*.", "state": "visible",
          "created_at": now - timedelta(minutes=THREAD_REPLIES - n), "like_count": 0,
          "is_accepted": False} for n in range(THREAD_REPLIES)),
        "A thread of 1,000 replies", THREAD_REPLIES,
    )  # fmt: skip
    thread.reply_count = THREAD_REPLIES
    thread.first_reply_at = now - timedelta(minutes=THREAD_REPLIES)
    thread.last_activity_at = now
    thread.answer_accepted_at = None
    db.session.commit()
