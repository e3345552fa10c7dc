"""Large data for initiatives: 600 initiatives, 50,000 catalog items, outside people, leads."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from core.extensions import db
from demo.large import LargeSite, weighted_sizes
from initiatives.models import CatalogItem, Initiative, Lead, Participant

CATEGORIES = ["Leadership", "Soft skills", "PMBOK", "Agile & Scrum", "Other"]
WORDS = [
    "Agile", "Leadership", "Teams", "Quality", "Design", "Data", "Habits", "Negotiation",
    "Estimation", "Kanban", "Mentoring", "Focus", "Strategy", "Delivery", "Feedback",
]  # fmt: skip
# status: share of the catalog
ITEM_STATUSES = [("available", 0.55), ("exchanged", 0.30), ("reserved", 0.05),
                 ("pending", 0.05), ("withdrawn", 0.05)]  # fmt: skip


def seed_initiatives(site: LargeSite, bulk_insert: Callable, per_community: int = 2) -> None:
    rng, now = site.rng, site.now
    items, participants, leads = site.share(50_000), site.share(2_000), site.share(10_000)

    def plan():
        for n, community_id in enumerate(site.community_ids):
            for k in range(per_community):
                catalog = k == 0 and n % 2 == 0  # every other community runs a book exchange
                starts = now - timedelta(days=rng.randint(30, 700))
                yield {
                    "community_id": community_id,
                    "created_by_id": site.leaders_by_community[community_id],
                    "kind": "catalog" if catalog else "general",
                    "title": f"{'Book exchange' if catalog else 'Initiative'} {n + 1}.{k + 1}",
                    "description": "What we do, for whom, and how to **take part**.",
                    "goal": "Exchange books for donations" if catalog else "Reach colleagues",
                    "target": rng.choice((50, 100, 200)), "starts_on": starts.date(),
                    "ends_on": None, "status": "active" if rng.random() < 0.8 else "closed",
                    "is_public": catalog, "beneficiary": "Children's hospital fund",
                    "suggested_donation": Decimal(300) if catalog else None,
                    "payment_instructions": "Transfer the donation to the fund's card."
                    if catalog else "",
                    "created_at": starts,
                }  # fmt: skip

    bulk_insert(Initiative, plan(), "Initiatives", per_community * len(site.community_ids))
    rows = db.session.execute(
        select(Initiative.id, Initiative.community_id, Initiative.kind).order_by(Initiative.id)
    ).all()
    site.initiative_ids = [row.id for row in rows]
    catalogs = [row for row in rows if row.kind == "catalog"]
    site.catalog_ids = [row.id for row in catalogs]

    bulk_insert(Participant, (
        {"name": f"Outside Reader {i}", "email": f"reader{i}@elsewhere.example",
         "consent_at": now - timedelta(days=rng.randint(1, 700)), "created_at": now}
        for i in range(participants)
    ), "Outside participants", participants)  # fmt: skip
    participant_ids = list(db.session.execute(select(Participant.id)).scalars())

    sizes = weighted_sizes(items, len(catalogs), minimum=20)
    statuses, shares = zip(*ITEM_STATUSES, strict=True)

    def books():
        for catalog, size in zip(catalogs, sizes, strict=True):
            members = site.members_by_community[catalog.community_id]
            for n in range(size):
                status = rng.choices(statuses, shares)[0]
                added = now - timedelta(days=rng.randint(0, 600))
                outsider = rng.random() < 0.1
                reserved = status in ("reserved", "exchanged")
                exchanged = status == "exchanged"
                expires = now + timedelta(days=5) if status == "reserved" else None
                donation = Decimal(rng.choice((200, 300, 390, 500))) if exchanged else None
                yield {
                    "initiative_id": catalog.id,
                    "title": f"{rng.choice(WORDS)} and {rng.choice(WORDS)}, vol. {n + 1}",
                    "author": f"{rng.choice(WORDS)} Author", "category": rng.choice(CATEGORIES),
                    "condition": rng.choice(("like_new", "good", "fair", "worn")),
                    "status": status,
                    "contributor_user_id": None if outsider else rng.choice(members),
                    "contributor_participant_id": rng.choice(participant_ids) if outsider else None,
                    "reserved_by_user_id": rng.choice(site.user_ids) if reserved else None,
                    "reserved_at": added + timedelta(days=1) if reserved else None,
                    "reservation_expires_at": expires,
                    "pledged_amount": Decimal(350) if reserved else None,
                    "donation_amount": donation,
                    "exchanged_at": added + timedelta(days=3) if exchanged else None,
                    "created_at": added,
                }  # fmt: skip

    bulk_insert(CatalogItem, books(), "Catalog items", sum(sizes))

    def interest():
        # A person's interest, outside or employee ("I'm in"), is one lead per initiative.
        interested = set()
        for _ in range(leads):
            outsider = rng.random() < 0.6
            initiative_id = rng.choice(site.catalog_ids)
            participant_id = rng.choice(participant_ids) if outsider else None
            user_id = None if outsider else rng.choice(site.user_ids)
            kind = rng.choice(("interest", "contribution", "request"))
            if kind == "interest":
                person = ("outside", participant_id) if outsider else ("employee", user_id)
                if (initiative_id, person) in interested:
                    kind = "contribution"
                interested.add((initiative_id, person))
            yield {
                "initiative_id": initiative_id,
                "participant_id": participant_id,
                "user_id": user_id,
                "kind": kind,
                "source": rng.choice((None, "instagram", "facebook", "newsletter")),
                "created_at": now - timedelta(seconds=rng.random() * 600 * 86400),
            }  # fmt: skip

    bulk_insert(Lead, interest(), "Leads", leads)
