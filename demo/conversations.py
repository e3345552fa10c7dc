"""Demo conversations with life in them: questions answered and waiting, ideas with votes
and statuses (the one that became the Charity Book Sale), pinned announcements, likes,
in Ukrainian and English, across the demo communities; built through the services."""

import random
from datetime import timedelta

import click
from sqlalchemy import select

from community import services as communities
from community.directory import members_query
from conversations import engagement, reporting, services
from conversations.counts import recount_replies
from conversations.models import ContentState, IdeaStatus, Post, PostKind, Reply
from conversations.reasons import ReasonCode
from core import commands
from core.extensions import db
from core.models import utcnow

TALK, ASK, IDEA, NEWS = PostKind.DISCUSSION, PostKind.QUESTION, PostKind.IDEA, PostKind.ANNOUNCEMENT

# (community slug, kind, days ago, author ("leader" or a member's place), title, body,
#  replies as (author place, text), and what happens next: "accept N", "status S reason",
#  "votes N", "likes N")
CONVERSATIONS = [
    (
        "project-managers",
        TALK,
        12,
        3,
        "Що почитати про лідерство?",
        "Колеги, порадьте книжки про **лідерство** для нових тімлідів. Я почала з "
        "*Radical Candor* — що далі? Яка книга вам найбільше допомогла?",
        [
            (4, "«Turn the Ship Around!» Девіда Марке: лідерство без наказів, дуже раджу."),
            (5, "*The Making of a Manager* Джулі Чжо — найпрактичніша книга для перших місяців."),
            ("leader", "Додам обидві до полиці нашого книгообміну. Хто прочитає — напишіть тут!"),
        ],
        {"likes": 6},
    ),
    (
        "project-managers",
        ASK,
        20,
        6,
        "Is PMBOK 7 worth switching to from the 6th edition?",
        "Our PMO still trains on PMBOK 6. Is the 7th edition's shift from processes to "
        "**principles and performance domains** worth the retraining?",
        [
            (7, "Yes, if your teams are hybrid: the principles fit Agile work much better."),
            (
                "leader",
                "Keep the 6th edition's processes as a toolbox, and teach the 7th's twelve "
                "principles and eight performance domains on top. The PMP exam follows the "
                "7th now.",
            ),
            (8, "We switched last year: onboarding got shorter, not longer."),
        ],
        {"accept": 1, "likes": 4},
    ),
    (
        "project-managers",
        IDEA,
        80,
        4,
        "A charity book sale for the children's hospital",
        "We all have books we have read. Let's exchange them for donations to the "
        "children's hospital fund: "
        "a shelf in the kitchen, a catalog on Guildhall, and a sale day.",
        [
            ("leader", "Love it. Let's plan it for the spring."),
            (9, "I can bring 20 books on management and a few novels."),
        ],
        {
            "votes": 9,
            "status": (
                IdeaStatus.DONE,
                "It became the Charity Book Sale: 100 of 115 books exchanged, 39,000 UAH for "
                "the children's hospital fund.",
            ),
        },
    ),
    (
        "project-managers",
        NEWS,
        5,
        "leader",
        "Charity Book Sale: bring your books on Friday",
        "The **Charity Book Sale** opens on Friday at 12:00 in the 3rd-floor kitchen. Bring "
        "books you have read; every donation goes to the children's hospital fund.",
        [(10, "Will there be card payments?"), ("leader", "Yes, card and cash both.")],
        {"likes": 8},
    ),
    (
        "project-managers",
        ASK,
        2,
        11,
        "How do you run retros with a distributed team?",
        "Half of my team is in Lviv, half in Kyiv. Retros on video feel flat. "
        "Any formats that work?",
        [(12, "Try a silent first round on a shared board, then discuss the top three.")],
        {},
    ),
    (
        "project-managers",
        IDEA,
        9,
        5,
        "A monthly lunch & learn for project managers",
        "One talk of 20 minutes, one lunch, once a month. Topics from this community.",
        [(6, "+1, I'd talk about risk registers.")],
        {"votes": 5, "status": (IdeaStatus.UNDER_REVIEW, "We are looking for a room.")},
    ),
    (
        "volunteering",
        NEWS,
        3,
        "leader",
        "Blood donation day on the 15th",
        "The mobile blood centre comes to the office on the 15th, 10:00–15:00. Sign up at the "
        "reception; eat well before you come.",
        [(2, "Signed up! Last time it took 40 minutes in all.")],
        {"likes": 5},
    ),
    (
        "volunteering",
        ASK,
        15,
        3,
        "Can we volunteer during working hours?",
        "Does the company give time off for volunteering days?",
        [
            (
                "leader",
                "Yes: two paid volunteering days a year. Ask your manager and log them as "
                "'Volunteering' in the time tracker.",
            )
        ],
        {"accept": 0},
    ),
    (
        "volunteering",
        IDEA,
        30,
        4,
        "Collect winter clothes for the shelter in Irpin",
        "Boxes at each entrance for two weeks in November.",
        [(5, "I can drive the boxes there.")],
        {"votes": 6, "status": (IdeaStatus.PLANNED, "Boxes go out on 1 November.")},
    ),
    (
        "volunteering",
        TALK,
        7,
        6,
        "Фото з волонтерського дня в притулку",
        "Дякуємо всім, хто прийшов у суботу! Ми вигуляли 30 собак і полагодили два вольєри.",
        [(7, "Було чудово, наступного разу беру дітей.")],
        {"likes": 7},
    ),
    (
        "running-club",
        TALK,
        4,
        2,
        "Sunday long run: who's in?",
        "18 km along the river, easy pace, start at 8:00 by the bridge.",
        [(3, "In!"), (4, "I'll do the first 10."), ("leader", "I'll bring water.")],
        {"likes": 3},
    ),
    (
        "running-club",
        ASK,
        10,
        5,
        "Best shoes for the half-marathon?",
        "First half-marathon in spring. Cushioned or light?",
        [
            (2, "Cushioned for training, lighter for the race if you're used to them."),
            ("leader", "Go to a running shop and have your gait checked first."),
        ],
        {"accept": 0},
    ),
    (
        "running-club",
        IDEA,
        18,
        3,
        "Club T-shirts for the city half-marathon",
        "Bright ones, so we find each other at the start.",
        [],
        {"votes": 7},
    ),
    (
        "qa-guild",
        TALK,
        6,
        "leader",
        "A test plan template that people actually read",
        "Here is the one-page template we use: scope, risks, what we will not test, and exit "
        "criteria. What would you add?",
        [(1, "A line on test data: where it comes from and who cleans it up.")],
        {"likes": 2},
    ),
]

HELD_QUESTION = (
    "How do you keep flaky UI tests out of the main pipeline?",
    "I joined last week. Our Selenium suite fails one run in five. Quarantine, retries, or "
    "rewrite? What worked for you?",
)


def seed_conversations(rng: random.Random) -> None:
    now = utcnow()
    with click.progressbar(CONVERSATIONS, label="Conversations") as bar:
        for conversation in bar:
            _seed_one(rng, now, *conversation)
    _reported_reply()  # before the QA Guild starts holding new members' first posts
    _held_question()


def _seed_one(rng, now, slug, kind, days, author_at, title, body, replies, then) -> None:
    community = communities.get_community_by_slug(slug)
    people = _members(community)
    leader = communities.leaders_of(community)[0]

    def who(place):
        return leader if place == "leader" else people[place % len(people)]

    with commands.transaction():
        post = services.create_post(who(author_at), community.id, kind, title, body)
    for place, text in replies:
        with commands.transaction():
            services.create_reply(who(place), post.id, text)
    _what_happens_next(rng, post, leader, people, then)
    with commands.transaction():
        _date_back(post, now - timedelta(days=days))


def _members(community) -> list:
    """The community's active members other than its leaders, in a steady order."""
    rows = db.session.execute(members_query(community)).scalars()
    return [m.user for m in rows if not m.is_leader] or [m.user for m in rows]


def _what_happens_next(rng, post: Post, leader, people, then: dict) -> None:
    if "accept" in then:
        reply_ids = db.session.execute(
            select(Reply.id).where(Reply.post_id == post.id).order_by(Reply.id)
        ).scalars()
        with commands.transaction():
            engagement.accept_answer(post.author, list(reply_ids)[then["accept"]])
    for person in rng.sample(people, min(then.get("votes", 0), len(people))):
        with commands.transaction():
            engagement.set_voted(person, post.id, True)
    for person in rng.sample(people, min(then.get("likes", 0), len(people))):
        with commands.transaction():
            engagement.set_liked(person, Post, post.id, True)
    if "status" in then:
        with commands.transaction():
            engagement.set_idea_status(leader, post.id, *then["status"])


def _date_back(post: Post, when) -> None:
    """Move a post and its replies back to `when` (replies an hour or so apart), so the
    list reads like weeks of talk rather than one minute."""
    post = db.session.get(Post, post.id)
    shift = post.created_at - when
    post.created_at = when
    replies = db.session.execute(select(Reply).where(Reply.post_id == post.id)).scalars()
    for n, reply in enumerate(replies, start=1):
        reply.created_at = when + timedelta(hours=2 * n)
    if post.answer_accepted_at is not None:
        post.answer_accepted_at -= shift
    recount_replies(post)


def _held_question() -> None:
    """A new member's first question in the QA Guild, waiting for a leader's approval."""
    qa = communities.get_community_by_slug("qa-guild")
    with commands.transaction():
        qa.hold_first_posts = 1
    newest = db.session.execute(members_query(qa)).scalars()
    newcomer = [m.user for m in newest if not m.is_leader][-1]
    with commands.transaction():
        post = services.create_post(newcomer, qa.id, PostKind.QUESTION, *HELD_QUESTION)
        if post.state == ContentState.VISIBLE:
            # The screening holds first posts; should it not (a leader wrote it), hold it
            # here, so the queue has something to approve.
            post.state = ContentState.HELD
            post.state_reason_code = ReasonCode.FIRST_POSTS


SPAM_REPLY = "Pass any ISTQB exam in a week! Cheap certification dumps, message me."


def _reported_reply() -> None:
    """An advert replied to the QA Guild's test plan thread, reported by one member: it
    waits in the leaders' "Moderation" queue (one report does not hide it)."""
    qa = communities.get_community_by_slug("qa-guild")
    post = (
        db.session.execute(
            select(Post).where(Post.community_id == qa.id, Post.kind == PostKind.DISCUSSION)
        )
        .scalars()
        .first()
    )
    people = _members(qa)
    if post is None or len(people) < 3:
        return
    with commands.transaction():
        reply = services.create_reply(people[2], post.id, SPAM_REPLY)
    with commands.transaction():
        reporting.report_content(people[0], reply, "Advertising, not about test plans.")
