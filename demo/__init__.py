"""`flask seed-demo`: a believable site to click through, with a year of history.

The small demo is loaded as a series of commands (`core.commands.transaction`), one per
step, as the site itself would make them: a service that locks a row takes its lock at the
start of its own transaction."""

import random
import time
from datetime import UTC, datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from accounts import services as accounts
from accounts.models import User
from community import services as communities
from community.models import CommunityKind, JoinPolicy
from core import commands
from core.extensions import db
from core.figures import forget_all
from core.models import utcnow
from demo.conversations import seed_conversations
from demo.events import seed_events
from demo.home import seed_home
from demo.initiatives import seed_initiatives
from demo.large import SCALES, seed_large
from demo.pictures import seed_community_pictures, seed_post_pictures
from demo.promotions import seed_promotions
from search.cli import reindex

DEMO_PASSWORD = "guildhall-demo"

PEOPLE = [
    ("admin@example.com", "Iryna Admin", {"is_admin": True}),
    ("smm@example.com", "Taras SMM", {"is_smm": True}),
    ("olena@example.com", "Olena Kovalenko", {}),
    ("andrii@example.com", "Andrii Melnyk", {}),
    ("employee@example.com", "Mariia Shevchenko", {}),
] + [
    (f"{first.lower()}.{last.lower()}@example.com", f"{first} {last}", {})
    for first, last in [
        ("Oksana", "Bondarenko"), ("Dmytro", "Tkachenko"), ("Nataliia", "Kravchenko"),
        ("Serhii", "Oliinyk"), ("Yuliia", "Lysenko"), ("Bohdan", "Rudenko"),
        ("Kateryna", "Savchenko"), ("Volodymyr", "Petrenko"), ("Anna", "Moroz"),
        ("Maksym", "Pavlenko"), ("Sofiia", "Marchenko"), ("Ivan", "Koval"),
        ("Daria", "Hrytsenko"), ("Oleh", "Karpenko"), ("Tetiana", "Polishchuk"),
        ("Roman", "Zaitsev"), ("Viktoriia", "Honchar"), ("Yurii", "Levchenko"),
        ("Alina", "Romanenko"), ("Pavlo", "Shvets"),
    ]
]  # fmt: skip

COMMUNITIES = [
    (
        "Project Managers",
        CommunityKind.PRACTICE,
        JoinPolicy.OPEN,
        "olena@example.com",
        "Project managers of the company: **leadership**, soft skills, PMBOK, Agile & Scrum.\n\n"
        "We meet monthly and run the charity book exchange.",
    ),
    (
        "Volunteering",
        CommunityKind.INTEREST,
        JoinPolicy.OPEN,
        "andrii@example.com",
        "Colleagues who volunteer together: fundraising, blood donation days, help for shelters.",
    ),
    (
        "QA Guild",
        CommunityKind.PRACTICE,
        JoinPolicy.APPROVAL,
        "olena@example.com",
        "Testers and quality engineers sharing practice. Leaders approve new members.",
    ),
    (
        "Running Club",
        CommunityKind.INTEREST,
        JoinPolicy.OPEN,
        "andrii@example.com",
        "Weekly runs in the park and the city half-marathon.",
    ),
]


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the site already has users.")
@click.option(
    "--scale",
    type=click.Choice(["demo", *SCALES]),
    default="demo",
    show_default=True,
    help="demo: a small believable site; medium/large: bulk data for benchmarks.",
)
@with_appcontext
def seed_demo_command(if_empty: bool, scale: str) -> None:
    """Load demo users and communities with a year of membership history."""
    if db.session.execute(select(func.count()).select_from(User)).scalar_one():
        click.echo("The site already has users; demo data not loaded.")
        return
    if scale != "demo":
        started = time.perf_counter()
        people, groups, periods = SCALES[scale]
        seed_large(random.Random(2026), people, groups, periods, password=DEMO_PASSWORD)
        click.echo(f"{scale.title()} data loaded in {time.perf_counter() - started:.0f} s. "
                   f"Sign in as admin@example.com with: {DEMO_PASSWORD}")  # fmt: skip
    else:
        seed_demo(random.Random(2026))
        _print_demo_accounts()
    # Bulk inserts bypass the index listeners: build the search index from the data,
    # and drop any figures kept from an earlier database of the same ids.
    forget_all()
    click.get_current_context().invoke(reindex)


def demo_accounts() -> list[tuple[str, str, str]]:
    """The five named demo accounts: (email, name, the role each plays), as `make run`
    prints them and the README's table lists them."""
    leads: dict[str, list[str]] = {}
    for community, _kind, _policy, leader, _about in COMMUNITIES:
        leads.setdefault(leader, []).append(community)
    accounts = []
    for email, name, roles in PEOPLE[:5]:
        if roles.get("is_admin"):
            role = "admin"
        elif roles.get("is_smm"):
            role = "SMM staff"
        elif email in leads:
            role = "leader of " + " and ".join(leads[email])
        else:
            role = "employee"
        accounts.append((email, name, role))
    return accounts


def _print_demo_accounts() -> None:
    click.echo(f"Demo data loaded. Every demo account's password is: {DEMO_PASSWORD}")
    for email, name, role in demo_accounts():
        click.echo(f"  {email:<24} {name:<20} {role}")


def seed_demo(rng: random.Random) -> None:
    now = utcnow()
    year_ago = now - timedelta(days=365)
    with commands.transaction():
        users = {
            email: accounts.create_user(
                email, name, DEMO_PASSWORD, check_domain=False, email_confirmed=True, **roles
            )
            for email, name, roles in PEOPLE
        }
    admin = users["admin@example.com"]
    employees = [u for email, u in users.items() if email not in {"admin@example.com"}]
    with click.progressbar(COMMUNITIES, label="Communities and members") as bar:
        for name, kind, policy, leader_email, description in bar:
            with commands.transaction():
                community = communities.create_community(
                    admin,
                    name=name,
                    kind=kind,
                    description=description,
                    join_policy=JoinPolicy.OPEN,  # history is joined directly; the policy last
                    leader=users[leader_email],
                    created_at=year_ago,
                )
                campaign = _book_sale_window(now) if name == "Project Managers" else None
                _add_history(
                    rng, community, employees, users[leader_email], year_ago, now, campaign
                )
                community.join_policy = policy
                # Its book sale is shown to people outside the company: so is its page.
                community.public_page = name == "Project Managers"
    with commands.transaction():
        qa = communities.get_community_by_slug("qa-guild")
        for user in employees[-3:]:
            if communities.current_membership(user, qa) is None:
                communities.join_community(user, qa)
    with commands.transaction():
        pm = communities.get_community_by_slug("project-managers")
        channel = communities.add_channel(
            pm, "Facebook group", "https://www.facebook.com/groups/pm-community"
        )
        # Two more, at the book-sale campaign's start and end, come with its brief
        # (demo/promotions).
        for months_ago, members in [
            (6, 520),
            (5, 531),
            (4, 548),
            (3, 575),
            (1, 690),
            (0, 702),
        ]:
            communities.record_snapshot(
                channel, (now - timedelta(days=30 * months_ago)).date(), members
            )
    seed_events(rng)
    with commands.transaction():  # a catalog in bulk, no lock to take
        seed_initiatives(rng)
    seed_promotions(rng)
    seed_home()
    seed_conversations(rng)
    seed_community_pictures(admin)
    seed_post_pictures()


# The book-sale stories' publication window in days before today, as demo/promotions.py
# dates it (filed for days 2–9 from today, then moved back 68 days).
BOOK_SALE_DAYS_AGO = (66, 59)
# The share of the project managers' joins that the campaign brought in its window.
CAMPAIGN_JOINS = 0.5


def _book_sale_window(now: datetime) -> tuple[datetime, datetime]:
    """From the first moment of the window's first day to the end of its last (UTC)."""
    first_ago, last_ago = BOOK_SALE_DAYS_AGO
    today = datetime(now.year, now.month, now.day, tzinfo=UTC)
    return today - timedelta(days=first_ago), today - timedelta(days=last_ago - 1)


def _add_history(rng, community, people, leader, since, now, campaign=None) -> None:
    """Joins spread over the year, a few leaves, and one re-join. With a `campaign`
    window (from, until), a share of the joins falls in it, so that the growth chart
    shows the lift; the random draws are the same either way, so is everything after."""
    span = (now - since).total_seconds()
    for user in rng.sample(people, k=rng.randint(10, len(people) - 2)):
        if user is leader:
            continue
        draw = rng.random()
        if campaign is not None and draw < CAMPAIGN_JOINS:
            opened, closed = campaign
            joined = opened + (closed - opened) * (draw / CAMPAIGN_JOINS)
        else:
            if campaign is not None:
                draw = (draw - CAMPAIGN_JOINS) / (1 - CAMPAIGN_JOINS)
            joined = since + timedelta(seconds=span * draw**0.7)
        communities.join_community(user, community, at=joined)
        if rng.random() < 0.2:
            left = joined + (now - joined) * rng.random()
            communities.leave_community(user, community, at=left)
            if rng.random() < 0.5:
                communities.join_community(user, community, at=left + (now - left) * rng.random())
