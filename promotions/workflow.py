"""The brief's state machine: the one place that says which status may follow which.

Each transition names the side that takes it ("community": the community's
leaders; "smm": the SMM team) and whether it needs a reason. Services call
`transition_for()` before changing a status; nothing else sets it.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from promotions.models import BriefStatus as S

COMMUNITY = "community"
SMM = "smm"


@dataclass(frozen=True)
class Transition:
    source: S
    target: S
    side: str
    label: object  # the button people press
    needs_reason: bool = False
    automatic: bool = False  # taken by the site (e.g. the first planned post), not a button


TRANSITIONS = [
    Transition(S.DRAFT, S.SUBMITTED, COMMUNITY, _l("Submit to SMM")),
    Transition(S.CHANGES_REQUESTED, S.SUBMITTED, COMMUNITY, _l("Submit to SMM")),
    Transition(S.SUBMITTED, S.ACCEPTED, SMM, _l("Accept")),
    Transition(S.SUBMITTED, S.CHANGES_REQUESTED, SMM, _l("Request changes"), needs_reason=True),
    Transition(S.SUBMITTED, S.DECLINED, SMM, _l("Decline"), needs_reason=True),
    # Accepting commits SMM to the brief: what follows is planning posts, not a second decision.
    Transition(S.ACCEPTED, S.SCHEDULED, SMM, _l("Add planned post"), automatic=True),
    # Deleting the last planned post takes a scheduled brief back to planning.
    Transition(S.SCHEDULED, S.ACCEPTED, SMM, _l("Delete planned post"), automatic=True),
    Transition(S.SCHEDULED, S.RUNNING, SMM, _l("Start the campaign")),
    Transition(S.RUNNING, S.REPORTED, SMM, _l("Report results")),
    Transition(S.REPORTED, S.CLOSED, SMM, _l("Close")),
]

_by_pair = {(t.source, t.target): t for t in TRANSITIONS}

# Where the community may still change what it asked for.
EDITABLE = frozenset({S.DRAFT, S.CHANGES_REQUESTED})
# Where SMM may plan and publish posts.
PLANNING = frozenset({S.ACCEPTED, S.SCHEDULED, S.RUNNING})
# Still waiting for someone: counted as overdue when the content deadline passed.
OPEN = frozenset({S.SUBMITTED, S.CHANGES_REQUESTED, S.ACCEPTED, S.SCHEDULED})
FINAL = frozenset({S.CLOSED, S.DECLINED})

STATUS_LABELS = {
    S.DRAFT: _l("Draft"),
    S.SUBMITTED: _l("Submitted"),
    S.CHANGES_REQUESTED: _l("Changes requested"),
    S.ACCEPTED: _l("Accepted"),
    S.SCHEDULED: _l("Scheduled"),
    S.RUNNING: _l("Running"),
    S.REPORTED: _l("Reported"),
    S.CLOSED: _l("Closed"),
    S.DECLINED: _l("Declined"),
}


def transition_for(source: S, target: S) -> Transition | None:
    """The transition from `source` to `target`, or None when the workflow forbids it."""
    return _by_pair.get((S(source), S(target)))


def is_allowed(source: S, target: S) -> bool:
    return transition_for(source, target) is not None


def buttons_from(source: S, side: str) -> list[Transition]:
    """The transitions `side` may take by hand from `source`, in workflow order."""
    return [t for t in TRANSITIONS if t.source == source and t.side == side and not t.automatic]
