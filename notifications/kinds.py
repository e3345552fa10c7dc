"""Every kind of notification, and the signals that send them.

Lower features never import this package: they send the signals in core/signals.py,
and the listeners here decide who is told. A kind registered without a listener
yet is offered in the settings already, so people's choices are ready when it comes.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from community.models import JoinPolicy
from community.services import leaders_of
from core.dates import moment_text
from core.extensions import db
from core.signals import (
    brief_changed,
    donation_confirmed,
    event_cancelled,
    event_changed,
    lead_created,
    member_declined,
    member_joined,
    member_requested,
    reservation_expiring,
    reservation_released,
    waitlist_promoted,
)
from initiatives.models import CatalogItem, ItemStatus, LeadKind
from initiatives.views import catalog_money
from notifications.models import Delivery
from notifications.registry import LEADERS, PERSON, PROMOTIONS, Kind, register
from notifications.services import Detail, Link, notify

JOIN_REQUEST = register(Kind(
    "join_request", _l("Someone asks to join a community I lead"),
    _l("New request to join %(subject)s"), Delivery.EMAIL_NOW, LEADERS,
))  # fmt: skip
REQUEST_APPROVED = register(Kind(
    "request_approved", _l("My request to join a community is approved"),
    _l("You are now a member of %(subject)s"), Delivery.EMAIL_NOW, PERSON,
))  # fmt: skip
REQUEST_DECLINED = register(Kind(
    "request_declined", _l("My request to join a community is declined"),
    _l("Your request to join %(subject)s was declined"), Delivery.EMAIL_NOW, PERSON,
))  # fmt: skip
# The events feature e-mails a freed seat itself (registration_promoted): the app by default.
WAITLIST_PROMOTION = register(Kind(
    "waitlist_promotion", _l("A seat comes free for me at an event"),
    _l("A seat is yours: %(subject)s"), Delivery.IN_APP, PERSON,
))  # fmt: skip
RESERVATION_CONFIRMED = register(Kind(
    "reservation_confirmed", _l("My reservation of a book is confirmed"),
    _l("You reserved a book in %(subject)s"), Delivery.IN_APP, PERSON,
))  # fmt: skip
RESERVATION_EXPIRING = register(Kind(
    "reservation_expiring", _l("My reservation is about to expire"),
    _l("Your reservation is about to expire: %(subject)s"), Delivery.EMAIL_NOW, PERSON,
))  # fmt: skip
RESERVATION_RELEASED = register(Kind(
    "reservation_released", _l("My reservation is released"),
    _l("Your reservation was released: %(subject)s"), Delivery.IN_APP, PERSON,
))  # fmt: skip
DONATION_CONFIRMED = register(Kind(
    "donation_confirmed", _l("My donation is confirmed"),
    _l("Your donation is confirmed: %(subject)s"), Delivery.IN_APP, PERSON,
))  # fmt: skip
OUTSIDE_OFFER = register(Kind(
    "outside_offer", _l("An outside offer waits for my approval"),
    _l("An outside offer waits for approval in %(subject)s"), Delivery.DAILY_DIGEST, LEADERS,
))  # fmt: skip
EVENT_CHANGED = register(Kind(
    "event_changed", _l("An event I registered for changes"),
    _l("An event you registered for changed: %(subject)s"), Delivery.EMAIL_NOW, PERSON,
))  # fmt: skip
EVENT_CANCELLED = register(Kind(
    "event_cancelled", _l("An event I registered for is cancelled"),
    _l("An event you registered for is cancelled: %(subject)s"), Delivery.EMAIL_NOW, PERSON,
))  # fmt: skip
# E-mail at once, as brief news came before (revision 0020 keeps "In the app" for those
# who had turned that e-mail off).
BRIEF_UPDATE = register(Kind(
    "brief_update", _l("A promotion brief I follow changes"),
    _l("A promotion brief changed: %(subject)s"), Delivery.EMAIL_NOW, PROMOTIONS,
))  # fmt: skip
# Promotions e-mails the warning itself, with the backup plan (brief_at_risk): the app here.
BRIEF_AT_RISK = register(Kind(
    "brief_at_risk", _l("A promotion brief I work on falls behind its target"),
    _l("Behind its target; act on the backup plan: %(subject)s"), Delivery.IN_APP, PROMOTIONS,
))  # fmt: skip
# Conversations' kinds (mentions, replies, announcements…): notifications/conversation_kinds.py.


# --- listeners --------------------------------------------------------------------------


def _on_member_requested(community, membership) -> None:
    # Once a day per person and community: asking, withdrawing and asking again in a
    # loop would mail every leader each time (the requests wait on the members page).
    day = f"{membership.requested_at:%Y-%m-%d}"
    notify(
        leaders_of(community), JOIN_REQUEST.name,
        f"{community.name} · {membership.user.display_name}",
        Link("community.members", {"slug": community.slug}),
        dedupe_key=f"join_request:{community.id}:{membership.user_id}:{day}",
    )  # fmt: skip


def _on_member_joined(community, membership) -> None:
    # An open community's join is the person's own act; an approval is a leader's.
    approved = (
        community.join_policy == JoinPolicy.APPROVAL
        or membership.joined_at != membership.requested_at
    )
    if approved:
        notify(
            [membership.user], REQUEST_APPROVED.name, community.name,
            Link("community.show", {"slug": community.slug}),
            dedupe_key=f"request_approved:{membership.id}",
        )  # fmt: skip


def _on_member_declined(community, membership) -> None:
    notify(
        [membership.user], REQUEST_DECLINED.name, community.name,
        Link("community.show", {"slug": community.slug}),
        dedupe_key=f"request_declined:{membership.id}",
    )  # fmt: skip


def _on_lead(initiative, lead) -> None:
    link = Link("initiatives.show", {"initiative_id": initiative.id})
    if lead.kind == LeadKind.CONTRIBUTION and lead.participant_id is not None:
        notify(leaders_of(initiative.community), OUTSIDE_OFFER.name, initiative.title, link,
               dedupe_key=f"outside_offer:{lead.id}")  # fmt: skip
    elif lead.kind == LeadKind.REQUEST and lead.user is not None:
        item = _reserved_now(initiative, lead)
        notify([lead.user], RESERVATION_CONFIRMED.name, initiative.title, link,
               dedupe_key=f"reservation_confirmed:{lead.id}",
               details=item and (lambda: _what_to_do_next(initiative, item)))  # fmt: skip


def _reserved_now(initiative, lead) -> CatalogItem | None:
    """The book whose reservation made this lead: the person's newest in the catalog."""
    return db.session.execute(
        select(CatalogItem)
        .where(
            CatalogItem.initiative_id == initiative.id,
            CatalogItem.reserved_by_user_id == lead.user_id,
            CatalogItem.status == ItemStatus.RESERVED,
        )
        .order_by(CatalogItem.reserved_at.desc(), CatalogItem.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _what_to_do_next(initiative, item: CatalogItem) -> list[Detail]:
    """The reservation e-mail's parts: the book and its donation, until when it is kept,
    and how to pay as the leader wrote it."""
    amount = catalog_money(item.pledged_amount, initiative.currency)
    if initiative.beneficiary:
        donation = _("Donate %(amount)s to %(beneficiary)s", amount=amount,
                     beneficiary=initiative.beneficiary)  # fmt: skip
    else:
        donation = _("Donate %(amount)s as pledged", amount=amount)
    parts = [Detail(_l("Reserved for you"), f"{item.title} · {donation}")]
    if item.reservation_expires_at:
        parts.append(Detail(_l("Kept for you until"), moment_text(item.reservation_expires_at)))
    if initiative.payment_instructions.strip():
        parts.append(Detail(
            _l("How to pay the donation"), initiative.payment_instructions.strip(),
            initiative.payment_instructions_html,
        ))  # fmt: skip
    return parts


def _on_brief_changed(brief, actor, event: str, recipients, note: str = "") -> None:
    subject = brief.title or f"#{brief.id}"
    if note:  # the reason or the comment, in the writer's words
        subject = f"{subject} — {note}"
    if event == "at_risk":
        link = Link("promotions.outcome", {"brief_id": brief.id, "_anchor": "backup-plan"})
        notify(recipients, BRIEF_AT_RISK.name, subject, link)
    else:
        link = Link("promotions.show", {"brief_id": brief.id})
        notify(recipients, BRIEF_UPDATE.name, subject, link)


def _on_waitlist_promoted(registration) -> None:
    event = registration.event
    notify([registration.user], WAITLIST_PROMOTION.name, event.title,
           Link("events.show", {"event_id": event.id}))  # fmt: skip


def _on_event_changed(event, people, changes) -> None:
    notify(people, EVENT_CHANGED.name, event.title, Link("events.show", {"event_id": event.id}))


def _on_event_cancelled(event, people) -> None:
    notify(people, EVENT_CANCELLED.name, event.title, Link("events.show", {"event_id": event.id}),
           dedupe_key=f"event_cancelled:{event.id}")  # fmt: skip


def _catalog_link(item) -> Link:
    return Link("initiatives.show", {"initiative_id": item.initiative_id})


def _on_reservation_released(item, holder, expired) -> None:
    notify([holder], RESERVATION_RELEASED.name, item.title, _catalog_link(item))


def _on_reservation_expiring(item, holder) -> bool:
    """True when the holder was told now (not before, and not turned off)."""
    key = f"reservation_expiring:{item.id}:{item.reserved_at:%Y%m%d%H%M%S%f}"
    return bool(notify([holder], RESERVATION_EXPIRING.name, item.title, _catalog_link(item),
                       dedupe_key=key))  # fmt: skip


def _on_donation_confirmed(item, holder, amount) -> None:
    notify([holder], DONATION_CONFIRMED.name, item.title, _catalog_link(item),
           dedupe_key=f"donation_confirmed:{item.id}")  # fmt: skip


def connect_signals() -> None:
    # weak=False: the functions live as long as the module; blinker keeps them as given.
    member_requested.connect(_on_member_requested, weak=False)
    member_joined.connect(_on_member_joined, weak=False)
    member_declined.connect(_on_member_declined, weak=False)
    lead_created.connect(_on_lead, weak=False)
    brief_changed.connect(_on_brief_changed, weak=False)
    waitlist_promoted.connect(_on_waitlist_promoted, weak=False)
    event_changed.connect(_on_event_changed, weak=False)
    event_cancelled.connect(_on_event_cancelled, weak=False)
    reservation_released.connect(_on_reservation_released, weak=False)
    reservation_expiring.connect(_on_reservation_expiring, weak=False)
    donation_confirmed.connect(_on_donation_confirmed, weak=False)
