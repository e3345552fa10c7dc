"""The words for report figures, in the viewer's language."""

from flask_babel import lazy_gettext as _l

SECTIONS = {
    "membership": _l("Members"),
    "activity": _l("Active members"),
    "events": _l("Events"),
    "leads": _l("Leads and outside participants"),
    "promotions": _l("Promotions"),
    "channels": _l("External channels"),
}
FIGURES = {
    "members": _l("Members at the end"),
    "joined": _l("Joined"),
    "left": _l("Left"),
    "net": _l("Net change"),
    "growth": _l("Growth"),
    "active": _l("Active members"),
    "active_share": _l("Share of members who were active"),
    "held": _l("Events held"),
    "registrations": _l("Registrations for them"),
    "attended": _l("Attended"),
    "attendance_rate": _l("Attendance rate"),
    "leads": _l("Leads"),
    "outside_participants": _l("Outside participants"),
    "campaigns": _l("Promotions published"),
    "channel_members": _l("%(channel)s: members"),
    "channel_growth": _l("%(channel)s: growth"),
}
# Said once under the figures, so the numbers are read as they were counted.
NOTES = [
    _l(
        "Active members: members who, in the period, registered for or attended an event, "
        "offered, requested or showed interest in an initiative, or commented on a promotion "
        "brief; each person counts once."
    ),
    _l(
        "Attendance rate: people who came ÷ registered, over the events where attendance was taken."
    ),
    _l("External channels: the last member count recorded on or before each end of the period."),
]


def figure_label(figure) -> str:
    return str(FIGURES[figure.key]) % {"channel": figure.subject}


def section_label(figure) -> str:
    return str(SECTIONS[figure.section])
