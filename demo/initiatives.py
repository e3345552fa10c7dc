"""Demo data for initiatives: the Project Managers' Charity Book Sale, as in DESIGN.md §1.

115 books in the catalog, 100 of them exchanged for 39,000 UAH in total, a few
reserved, a dozen from outside participants, and 44 leads. Rows go in with
bulk inserts so that seeding stays quick.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

import click
from sqlalchemy import insert, select

from accounts.models import User
from community import services as communities
from community.models import Membership, MembershipStatus
from core.audit import AuditEntry
from core.extensions import db
from core.models import utcnow
from initiatives import editing
from initiatives.leads import join_interest
from initiatives.models import (
    CatalogItem,
    InitiativeKind,
    InitiativeStatus,
    ItemCondition,
    ItemStatus,
    Lead,
    LeadKind,
    Participant,
)

BOOKS = [
    ("The Five Dysfunctions of a Team", "Patrick Lencioni", "Leadership"),
    ("Leaders Eat Last", "Simon Sinek", "Leadership"),
    ("Start with Why", "Simon Sinek", "Leadership"),
    ("Radical Candor", "Kim Scott", "Leadership"),
    ("Turn the Ship Around!", "L. David Marquet", "Leadership"),
    ("The Manager's Path", "Camille Fournier", "Leadership"),
    ("Extreme Ownership", "Jocko Willink, Leif Babin", "Leadership"),
    ("Multipliers", "Liz Wiseman", "Leadership"),
    ("Good to Great", "Jim Collins", "Leadership"),
    ("The First 90 Days", "Michael D. Watkins", "Leadership"),
    ("High Output Management", "Andrew S. Grove", "Leadership"),
    ("Dare to Lead", "Brené Brown", "Leadership"),
    ("Crucial Conversations", "Kerry Patterson et al.", "Soft skills"),
    ("Never Split the Difference", "Chris Voss", "Soft skills"),
    ("How to Win Friends and Influence People", "Dale Carnegie", "Soft skills"),
    ("Getting to Yes", "Roger Fisher, William Ury", "Soft skills"),
    ("Emotional Intelligence", "Daniel Goleman", "Soft skills"),
    ("Nonviolent Communication", "Marshall B. Rosenberg", "Soft skills"),
    ("Difficult Conversations", "Douglas Stone et al.", "Soft skills"),
    ("Thinking, Fast and Slow", "Daniel Kahneman", "Soft skills"),
    ("Deep Work", "Cal Newport", "Soft skills"),
    ("Getting Things Done", "David Allen", "Soft skills"),
    ("The 7 Habits of Highly Effective People", "Stephen R. Covey", "Soft skills"),
    ("A Guide to the Project Management Body of Knowledge (PMBOK Guide), 6th ed.", "PMI", "PMBOK"),
    ("A Guide to the Project Management Body of Knowledge (PMBOK Guide), 7th ed.", "PMI", "PMBOK"),
    ("PMP Exam Prep", "Rita Mulcahy", "PMBOK"),
    ("Head First PMP", "Jennifer Greene, Andrew Stellman", "PMBOK"),
    ("Project Management for the Unofficial Project Manager", "Kory Kogon et al.", "PMBOK"),
    ("The Fast Forward MBA in Project Management", "Eric Verzuh", "PMBOK"),
    ("Making Things Happen", "Scott Berkun", "PMBOK"),
    ("Waltzing with Bears", "Tom DeMarco, Timothy Lister", "PMBOK"),
    ("The Mythical Man-Month", "Frederick P. Brooks Jr.", "PMBOK"),
    ("Peopleware", "Tom DeMarco, Timothy Lister", "PMBOK"),
    ("Critical Chain", "Eliyahu M. Goldratt", "PMBOK"),
    ("The Goal", "Eliyahu M. Goldratt", "PMBOK"),
    ("Scrum: The Art of Doing Twice the Work in Half the Time", "Jeff Sutherland", "Agile & Scrum"),
    ("Agile Estimating and Planning", "Mike Cohn", "Agile & Scrum"),
    ("User Stories Applied", "Mike Cohn", "Agile & Scrum"),
    ("Kanban", "David J. Anderson", "Agile & Scrum"),
    ("The Phoenix Project", "Gene Kim et al.", "Agile & Scrum"),
    ("Essential Scrum", "Kenneth S. Rubin", "Agile & Scrum"),
    ("Coaching Agile Teams", "Lyssa Adkins", "Agile & Scrum"),
    ("Agile Retrospectives", "Esther Derby, Diana Larsen", "Agile & Scrum"),
    ("Scrum Mastery", "Geoff Watts", "Agile & Scrum"),
    ("The Lean Startup", "Eric Ries", "Agile & Scrum"),
    ("Lean Software Development", "Mary and Tom Poppendieck", "Agile & Scrum"),
    ("Team Topologies", "Matthew Skelton, Manuel Pais", "Agile & Scrum"),
    ("Accelerate", "Nicole Forsgren et al.", "Agile & Scrum"),
    ("Shape Up", "Ryan Singer", "Agile & Scrum"),
    ("Inspired", "Marty Cagan", "Other"),
    ("Sprint", "Jake Knapp", "Other"),
    ("Measure What Matters", "John Doerr", "Other"),
]  # fmt: skip
OUTSIDERS = [
    ("Iryna Hnatiuk", "iryna.hnatiuk@pm-partners.example"),
    ("Andrii Fedorenko", "a.fedorenko@delivery-lab.example"),
    ("Olha Vasylenko", "olha.v@agile-hub.example"),
    ("Mykola Sydorenko", "mykola@studio-nord.example"),
    ("Larysa Kuzmenko", "larysa.kuzmenko@fintech-ua.example"),
]
FIRST = [
    "Oksana",
    "Taras",
    "Halyna",
    "Ihor",
    "Marta",
    "Stepan",
    "Vira",
    "Artem",
    "Zoriana",
    "Denys",
]
LAST = ["Tkachuk", "Boiko", "Kovalchuk", "Shevchuk", "Lytvyn", "Ponomarenko", "Kushnir", "Savyk"]
# Four donation sizes, 25 books each: 25 × (300 + 350 + 430 + 480) = 39,000 UAH.
DONATIONS = [Decimal(300), Decimal(350), Decimal(430), Decimal(480)] * 25
EXCHANGED, RESERVED, AVAILABLE = 100, 8, 7


def seed_initiatives(rng: random.Random, now: datetime | None = None) -> None:
    now = now or utcnow()
    pm = communities.get_community_by_slug("project-managers")
    olena = db.session.execute(select(User).where(User.email == "olena@example.com")).scalar_one()
    employees = list(
        db.session.execute(select(User).where(User.is_admin.is_(False), User.is_smm.is_(False)))
        .scalars()
        .all()
    )
    sale = editing.create_initiative(
        olena,
        pm,
        title="Charity Book Sale",
        kind=InitiativeKind.CATALOG,
        status=InitiativeStatus.ACTIVE,
        is_public=True,
        description=(
            "Bring a book you have read, take one you have not: each book is exchanged for a "
            "donation to the fund.\n\nProject managers of other companies are welcome too."
        ),
        goal="Exchange 100 books for donations to the children's hospital fund.",
        target=100,
        beneficiary="Children's Hospital Charity Fund",
        currency="UAH",
        suggested_donation=Decimal(350),
        payment_instructions=(
            "Transfer your pledged donation to the fund's card **4441 1144 0000 0000** "
            "(Children's Hospital Charity Fund) and write \"Book sale\" and the book's title "
            "in the purpose.\n\nOr pay in cash at the book shelf in the Kyiv office, "
            "3rd floor; Olena confirms it the same day."
        ),
        starts_on=(now - timedelta(days=120)).date(),
        ends_on=(now + timedelta(days=30)).date(),
    )
    db.session.flush()

    contributors = [
        Participant(name=name, email=email, consent_at=now - timedelta(days=60 - 5 * i))
        for i, (name, email) in enumerate(OUTSIDERS)
    ]
    interested = [
        Participant(
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            email=f"reader{i:02d}@partners.example",
            consent_at=now - timedelta(days=rng.randint(1, 60)),
        )
        for i in range(39)
    ]
    db.session.add_all(contributors + interested)
    db.session.flush()

    total = EXCHANGED + RESERVED + AVAILABLE
    donations = list(DONATIONS)
    rng.shuffle(donations)
    rows = []
    with click.progressbar(range(total), label="Charity Book Sale catalog") as bar:
        for index in bar:
            title, author, category = BOOKS[index % len(BOOKS)]
            added = now - timedelta(days=120 - index // 2)
            row = {
                "initiative_id": sale.id,
                "title": title,
                "author": author,
                "category": category,
                "condition": rng.choice(list(ItemCondition)),
                "status": ItemStatus.AVAILABLE,
                "contributor_user_id": rng.choice(employees).id,
                "contributor_participant_id": None,
                "created_at": added,
            }
            if index % 10 == 3:  # a dozen books came from outside participants
                row["contributor_user_id"] = None
                row["contributor_participant_id"] = contributors[
                    (index // 10) % len(contributors)
                ].id
            if index < EXCHANGED:
                taker = contributors[index % len(contributors)] if index < 14 else None
                row.update(
                    status=ItemStatus.EXCHANGED,
                    reserved_by_user_id=None if taker else rng.choice(employees).id,
                    reserved_by_participant_id=taker.id if taker else None,
                    donation_amount=donations[index],
                    pledged_amount=donations[index],
                    exchanged_at=added
                    + timedelta(days=rng.randint(1, 10), hours=rng.randint(9, 18)),
                )
                row["exchanged_at"] = min(row["exchanged_at"], now - timedelta(hours=1))
            elif index < EXCHANGED + RESERVED:
                reserved_at = now - timedelta(days=rng.randint(0, 5))
                row.update(
                    status=ItemStatus.RESERVED,
                    reserved_by_user_id=rng.choice(employees).id,
                    reserved_by_participant_id=None,
                    reserved_at=reserved_at,
                    reservation_expires_at=reserved_at + timedelta(days=sale.reservation_days),
                    pledged_amount=Decimal(350),
                )
            rows.append(row)
    rows.append(
        {
            "initiative_id": sale.id,
            "title": "The Art of Project Management",
            "author": "Scott Berkun",
            "category": "PMBOK",
            "condition": ItemCondition.GOOD,
            "status": ItemStatus.PENDING,  # an outsider's book, waiting for Olena's approval
            "contributor_user_id": None,
            "contributor_participant_id": contributors[0].id,
            "created_at": now - timedelta(days=1),
        }
    )
    # One statement per shape of row keeps the bulk insert a single executemany.
    for keys in {tuple(sorted(row)) for row in rows}:
        db.session.execute(insert(CatalogItem), [row for row in rows if tuple(sorted(row)) == keys])

    item_ids = db.session.execute(
        select(CatalogItem.id, CatalogItem.exchanged_at, CatalogItem.donation_amount).where(
            CatalogItem.initiative_id == sale.id, CatalogItem.status == ItemStatus.EXCHANGED
        )
    ).all()
    db.session.execute(
        insert(AuditEntry),
        [
            {
                "created_at": when,
                "actor_id": olena.id,
                "action": "catalog_item.exchanged",
                "subject_type": "CatalogItem",
                "subject_id": item_id,
                "detail": f"reserved → exchanged; donation {amount} UAH",
            }
            for item_id, when, amount in item_ids
        ],
    )

    # 44 leads, a brief counting people: the 5 outside people who added books and took 14
    # more (their requests count them once), and 39 registrations of interest.
    leads = [
        {"participant_id": p.id, "kind": LeadKind.CONTRIBUTION, "created_at": p.consent_at}
        for p in contributors
    ]
    leads += [
        {"participant_id": p.id, "kind": LeadKind.REQUEST, "created_at": p.consent_at}
        for p in (contributors * 3)[:14]
    ]
    leads += [
        {"participant_id": p.id, "kind": LeadKind.INTEREST, "created_at": p.consent_at}
        for p in interested
    ]
    db.session.execute(
        insert(Lead),
        [{**lead, "initiative_id": sale.id, "source": "facebook"} for lead in leads],
    )

    volunteering = communities.get_community_by_slug("volunteering")
    andrii = db.session.execute(select(User).where(User.email == "andrii@example.com")).scalar_one()
    blood_day = editing.create_initiative(
        andrii,
        volunteering,
        title="Blood donation day",
        kind=InitiativeKind.GENERAL,
        status=InitiativeStatus.ACTIVE,
        goal="40 colleagues donate blood at the city centre in one day.",
        target=40,
        starts_on=(now + timedelta(days=14)).date(),
        ends_on=(now + timedelta(days=14)).date(),
    )
    # Colleagues who said "I'm in" (the page counts them towards the 40).
    members = db.session.execute(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.community_id == volunteering.id,
            Membership.status == MembershipStatus.ACTIVE,
        )
        .order_by(User.id)
        .limit(12)
    ).scalars()
    for member in members:
        join_interest(blood_day, member)
