"""What a promotion request can promote: a registry of kinds, each with its loader.

A kind's loader takes the thing's id and returns a `Subject` (or None when it
does not exist): its title, community, page, date, and the objective and
target a request starts from. Events and initiatives register their kinds
here; promotions never needs to know more about them than this.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from community.models import Community
from core.extensions import db
from promotions.models import Objective


@dataclass(frozen=True)
class Subject:
    kind: str
    ref: int
    title: str
    community: Community
    endpoint: str  # its page: url_for(endpoint, **values)
    values: dict = field(default_factory=dict)
    starts_at: datetime | None = None  # publication must end before it
    timezone: str = "UTC"  # where it takes place: its day is the day there
    objective: Objective | None = None
    target: int | None = None
    view_action: str = "community.view"  # who may see the thing itself
    view_object: object = None

    @property
    def day(self) -> date | None:
        return local_day(self.starts_at, self.timezone)


def local_day(moment: datetime | None, zone: str) -> date | None:
    """The day `moment` falls on in the time zone `zone`: 08:00 on 1 March in Kiritimati
    (UTC+14) is 18:00 on 28 February in UTC."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(zone)).date()


def subject_day(kind: str, ref: int, starts_at: datetime | None) -> date | None:
    """The day of `starts_at`, a brief's copy of its subject's start, where the subject
    takes place (in UTC when it is gone)."""
    subject = load_subject(kind, ref) if starts_at else None
    return local_day(starts_at, subject.timezone if subject else "UTC")


@dataclass(frozen=True)
class SubjectKind:
    name: str
    label: object
    load: Callable[[int], Subject | None]


_kinds: dict[str, SubjectKind] = {}


def register_subject(name: str, label, load: Callable[[int], Subject | None]) -> None:
    _kinds[name] = SubjectKind(name, label, load)


def subject_kinds() -> dict[str, SubjectKind]:
    return dict(_kinds)


def kind_label(name: str):
    kind = _kinds.get(name)
    return kind.label if kind else name


def load_subject(kind: str, ref: int) -> Subject | None:
    if kind not in _kinds:
        return None
    return _kinds[kind].load(ref)


def _load_achievement(community_id: int) -> Subject | None:
    """A community achievement is typed in; it is the community's own news."""
    community = db.session.get(Community, community_id)
    if community is None:
        return None
    return Subject(
        kind="achievement",
        ref=community.id,
        title="",
        community=community,
        endpoint="community.show",
        values={"slug": community.slug},
        objective=Objective.GROUP_MEMBERS,
        view_object=community,
    )


def _load_event(event_id: int) -> Subject | None:
    from events.models import Event

    event = db.session.get(Event, event_id)
    if event is None:
        return None
    return Subject(
        kind="event",
        ref=event.id,
        title=event.title,
        community=event.community,
        endpoint="events.show",
        values={"event_id": event.id},
        starts_at=event.starts_at,
        timezone=event.timezone,
        objective=Objective.REGISTRATIONS,
        target=event.registration_goal,
        view_action="events.view",
        view_object=event,
    )


def _load_initiative(initiative_id: int) -> Subject | None:
    from initiatives.models import Initiative

    initiative = db.session.get(Initiative, initiative_id)
    if initiative is None:
        return None
    return Subject(
        kind="initiative",
        ref=initiative.id,
        title=initiative.title,
        community=initiative.community,
        endpoint="initiatives.show",
        values={"initiative_id": initiative.id},
        objective=Objective.LEADS,
        target=initiative.target,
        view_action="initiative.view",
        view_object=initiative,
    )


_BUILTIN = {
    "achievement": (_l("Community achievement"), _load_achievement),
    "event": (_l("Event"), _load_event),
    "initiative": (_l("Initiative"), _load_initiative),
}
# The one switch: kinds whose packages are part of the app. A kind joins this
# tuple when its package (models, migration, page) has landed.
ENABLED_KINDS = ("achievement", "event", "initiative")

for _name in ENABLED_KINDS:
    register_subject(_name, *_BUILTIN[_name])
