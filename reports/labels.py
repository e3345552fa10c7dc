"""The words for report figures, in the viewer's language."""

from flask_babel import lazy_gettext as _l

SECTIONS = {
    "membership": _l("Members"),
    "channels": _l("External channels"),
}
FIGURES = {
    "members": _l("Members at the end"),
    "joined": _l("Joined"),
    "left": _l("Left"),
    "net": _l("Net change"),
    "growth": _l("Growth"),
    "channel_members": _l("%(channel)s: members"),
    "channel_growth": _l("%(channel)s: growth"),
}


def figure_label(figure) -> str:
    return str(FIGURES[figure.key]) % {"channel": figure.subject}


def section_label(figure) -> str:
    return str(SECTIONS[figure.section])
