"""Why a post or reply is held, hidden or removed, when the site decided it: kept as a code
and put in words when shown, in the reader's language (the author's, a leader's in the
queue, a notification's recipient's). A reason a leader typed is kept as typed."""

import enum

from flask_babel import lazy_gettext as _l


class ReasonCode(enum.StrEnum):
    WATCHED_WORD = "watched_word"
    FIRST_POSTS = "first_posts"
    REPORTED = "reported"
    HIDDEN_BY_LEADER = "hidden_by_leader"
    SPAM = "spam"


REASON_TEXTS = {
    ReasonCode.WATCHED_WORD: _l(
        "It contains a word or phrase that a leader checks before others can read it."
    ),
    ReasonCode.FIRST_POSTS: _l("New members' first posts wait for a leader's approval."),
    ReasonCode.REPORTED: _l("Hidden after members' reports, until a leader decides."),
    ReasonCode.HIDDEN_BY_LEADER: _l("Hidden by a leader."),
    ReasonCode.SPAM: _l("Removed as spam."),
}


def reason_text(code: str | None, typed: str | None) -> str | None:
    """The reason in the current language: the code's words, else what a leader typed."""
    if code:
        try:
            return str(REASON_TEXTS[ReasonCode(code)])
        except ValueError:
            return None  # a code this version does not know: say nothing rather than fail
    return typed or None
