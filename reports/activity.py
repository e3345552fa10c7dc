"""What a community did in a period: events held, initiatives' progress, and leads with
the outside people behind them."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, case, distinct, func, or_, select

from community.models import Community
from core.audit import AuditEntry
from core.extensions import db
from events.models import Event, Registration, RegistrationStatus
from initiatives.models import (
    COUNTED_ITEM_STATUSES,
    CatalogItem,
    Initiative,
    InitiativeStatus,
    ItemStatus,
    Lead,
    counted_leads,
)
from reports.percent import share
from reports.periods import Period, within

# --- events ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldEvent:
    id: int
    title: str
    starts_at: datetime
    registrations: int  # confirmed seats
    attended: int


@dataclass(frozen=True)
class EventFigures:
    held: int
    registrations: int
    attended: int
    # Attended ÷ registered over the events whose attendance was taken: an event
    # nobody marked says nothing about who came.
    attendance_rate: float | None

    @classmethod
    def of(cls, events: list[HeldEvent]) -> "EventFigures":
        marked = [event for event in events if event.attended]
        return cls(
            held=len(events),
            registrations=sum(event.registrations for event in events),
            attended=sum(event.attended for event in events),
            attendance_rate=share(
                sum(e.attended for e in marked), sum(e.registrations for e in marked)
            ),
        )


def events_held(
    community: Community, start: datetime, end: datetime, now: datetime
) -> list[HeldEvent]:
    """The community's events that started between `start` and `end` (and before `now`),
    with confirmed registrations and attendance, in one query."""
    confirmed = Registration.status == RegistrationStatus.CONFIRMED
    rows = db.session.execute(
        select(
            Event.id,
            Event.title,
            Event.starts_at,
            func.count(case((confirmed, 1))),
            func.count(case((and_(confirmed, Registration.attended.is_(True)), 1))),
        )
        .outerjoin(Registration, Registration.event_id == Event.id)
        .where(
            Event.community_id == community.id,
            Event.cancelled_at.is_(None),
            Event.starts_at >= start,
            Event.starts_at < min(end, now),
        )
        .group_by(Event.id, Event.title, Event.starts_at)
        .order_by(Event.starts_at, Event.id)
    )
    return [HeldEvent(*row) for row in rows]


def in_period(events: list[HeldEvent], period: Period) -> list[HeldEvent]:
    return [e for e in events if period.starts_at <= e.starts_at < period.ends_at]


def largest_event(events: list[HeldEvent]) -> HeldEvent | None:
    """The event with the most registrations (the earlier of equals)."""
    return max(events, key=lambda event: event.registrations, default=None)


# --- initiatives, leads and outside participants ---------------------------------------


@dataclass(frozen=True)
class InitiativeProgress:
    initiative: Initiative
    leads: int  # in the period
    leads_by_end: int = 0  # since the initiative began: people interested, as its page counts
    # Catalog initiatives: the catalog by the end of the period, and what the period added.
    items: int = 0
    exchanged: int = 0
    donations: Decimal = Decimal(0)
    exchanged_in_period: int = 0
    donations_in_period: Decimal = Decimal(0)

    @property
    def exchanged_share(self) -> float | None:
        return share(self.exchanged, self.items)

    @property
    def target_share(self) -> float | None:
        """Progress against the initiative's numeric target, as its page measures it: books
        exchanged for a catalog, people interested for any other initiative."""
        done = self.exchanged if self.initiative.is_catalog else self.leads_by_end
        return share(done, self.initiative.target or 0)


def _last_audited(subject_type: str, actions: tuple[str, ...], subject_ids):
    """(id, at): when each subject last got one of these audit entries. The audit log is
    the only record of when a status changed, so past periods can be told as they were."""
    return (
        select(AuditEntry.subject_id.label("id"), func.max(AuditEntry.created_at).label("at"))
        .where(
            AuditEntry.subject_type == subject_type,
            AuditEntry.action.in_(actions),
            AuditEntry.subject_id.in_(subject_ids),
        )
        .group_by(AuditEntry.subject_id)
        .subquery()
    )


def initiative_progress(community: Community, period: Period) -> list[InitiativeProgress]:
    """The community's initiatives that were open during the period, with their progress
    by its end, in three queries.

    What later changes must not rewrite a past period: an initiative closed before the
    period began is not in it, and a book withdrawn after the period still counts in its
    catalog (both from the audit log; without an entry, the current status decides).
    Exchanges are dated by `exchanged_at`.
    """
    closed = InitiativeStatus.CLOSED
    closed_at = _last_audited(
        "Initiative",
        ("initiative.created", "initiative.status_changed"),  # the last one closed it
        select(Initiative.id).where(
            Initiative.community_id == community.id, Initiative.status == closed
        ),
    )
    initiatives = list(
        db.session.execute(
            select(Initiative)
            .outerjoin(closed_at, closed_at.c.id == Initiative.id)
            .where(
                Initiative.community_id == community.id,
                Initiative.status != InitiativeStatus.DRAFT,
                or_(
                    Initiative.starts_on <= period.end,
                    and_(Initiative.starts_on.is_(None), Initiative.created_at < period.ends_at),
                ),
                or_(Initiative.ends_on.is_(None), Initiative.ends_on >= period.start),
                or_(
                    Initiative.status != closed,
                    closed_at.c.at.is_(None),
                    closed_at.c.at >= period.starts_at,
                ),
            )
            .order_by(Initiative.title, Initiative.id)
        ).scalars()
    )
    ids = [initiative.id for initiative in initiatives]
    if not ids:
        return []
    withdrawn_at = _last_audited(
        "CatalogItem",
        ("catalog_item.withdrawn",),
        select(CatalogItem.id).where(
            CatalogItem.initiative_id.in_(ids), CatalogItem.status == ItemStatus.WITHDRAWN
        ),
    )
    in_catalog = and_(
        CatalogItem.created_at < period.ends_at,
        or_(
            CatalogItem.status.in_(COUNTED_ITEM_STATUSES),
            and_(CatalogItem.status == ItemStatus.WITHDRAWN, withdrawn_at.c.at >= period.ends_at),
        ),
    )
    by_end = CatalogItem.exchanged_at < period.ends_at
    exchanged = and_(CatalogItem.status == ItemStatus.EXCHANGED, by_end)
    exchanged_now = and_(exchanged, CatalogItem.exchanged_at >= period.starts_at)
    catalog = {
        initiative_id: rest
        for initiative_id, *rest in db.session.execute(
            select(
                CatalogItem.initiative_id,
                func.count(case((in_catalog, 1))),
                func.count(case((exchanged, 1))),
                func.sum(case((exchanged, CatalogItem.donation_amount))),
                func.count(case((exchanged_now, 1))),
                func.sum(case((exchanged_now, CatalogItem.donation_amount))),
            )
            .outerjoin(withdrawn_at, withdrawn_at.c.id == CatalogItem.id)
            .where(CatalogItem.initiative_id.in_(ids))
            .group_by(CatalogItem.initiative_id)
        )
    }
    leads = {
        initiative_id: (in_period, by_then)
        for initiative_id, in_period, by_then in db.session.execute(
            select(
                Lead.initiative_id,
                func.count(case((Lead.created_at >= period.starts_at, 1))),
                func.count(),
            )
            .where(Lead.initiative_id.in_(ids), Lead.created_at < period.ends_at, counted_leads())
            .group_by(Lead.initiative_id)
        )
    }
    progress = []
    for initiative in initiatives:
        items, done, donations, done_now, donations_now = catalog.get(initiative.id, (0,) * 5)
        leads_in_period, leads_by_end = leads.get(initiative.id, (0, 0))
        progress.append(
            InitiativeProgress(
                initiative=initiative,
                leads=leads_in_period,
                leads_by_end=leads_by_end,
                items=items or 0,
                exchanged=done or 0,
                donations=_money(donations),
                exchanged_in_period=done_now or 0,
                donations_in_period=_money(donations_now),
            )
        )
    return progress


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class LeadFigures:
    leads: int
    outside_participants: int  # distinct outside people behind those leads


def lead_figures(community: Community, periods: list[Period]) -> list[LeadFigures]:
    """Leads in the community's initiatives, and the outside people among them, for each
    period, in one query."""
    columns = []
    for period in periods:
        inside = within(Lead.created_at, period)
        columns += [
            func.count(case((inside, 1))),
            func.count(distinct(case((inside, Lead.participant_id)))),
        ]
    row = db.session.execute(
        select(*columns)
        .select_from(Lead)
        .join(Initiative, Initiative.id == Lead.initiative_id)
        .where(Initiative.community_id == community.id, counted_leads())
    ).one()
    return [LeadFigures(row[2 * i], row[2 * i + 1]) for i in range(len(periods))]
