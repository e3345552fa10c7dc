"""Site-wide watched words: the admins' list, and finding them in new content.

A phrase matches whole words, whatever their case, in any script ("Знижка" finds
"знижка", "sale" does not find "wholesale"). Matching splits the text into words once
and looks up each run of as many words as a phrase has, so its cost grows with the
text's length times the few phrase lengths there are, never with how a phrase and the
text might overlap (no backtracking pattern).
"""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from conversations.models import PHRASE_LENGTH, WatchedWord, WatchedWordAction
from core import audit
from core.errors import DomainError, flush_or_refuse
from core.extensions import db

MAX_WATCHED_WORDS = 500
MAX_WORDS_IN_PHRASE = 8
_WORD = re.compile(r"\w+")


def words_of(text: str) -> tuple[str, ...]:
    """The words of `text`, case-folded (Unicode: Latin and Cyrillic alike)."""
    return tuple(_WORD.findall(text.casefold()))


@dataclass(frozen=True)
class Match:
    phrase: str
    action: WatchedWordAction


def find_watched(text: str, phrases: dict[tuple[str, ...], WatchedWordAction]) -> list[Match]:
    """The watched phrases found in `text`, refusing ones first."""
    words = words_of(text)
    found: dict[tuple[str, ...], WatchedWordAction] = {}
    for length in {len(key) for key in phrases}:
        for start in range(len(words) - length + 1):
            key = words[start : start + length]
            if key in phrases:
                found[key] = phrases[key]
    matches = [Match(" ".join(key), action) for key, action in found.items()]
    return sorted(matches, key=lambda m: (m.action != WatchedWordAction.REFUSE, m.phrase))


def watched_phrases() -> dict[tuple[str, ...], WatchedWordAction]:
    """Every watched phrase as its words, with its action (one bounded query)."""
    rows = db.session.execute(
        select(WatchedWord.phrase, WatchedWord.action).limit(MAX_WATCHED_WORDS)
    ).all()
    return {words_of(phrase): action for phrase, action in rows if words_of(phrase)}


# --- the admins' list ---------------------------------------------------------------------


def list_watched_words() -> list[WatchedWord]:
    return list(
        db.session.execute(
            select(WatchedWord).order_by(WatchedWord.phrase).limit(MAX_WATCHED_WORDS)
        ).scalars()
    )


def normalised_phrase(phrase: str) -> str:
    """The phrase as it is kept: its words, lower-cased, one space apart."""
    return " ".join(words_of(phrase or ""))


def add_watched_word(actor, phrase: str, action: WatchedWordAction) -> WatchedWord:
    kept = normalised_phrase(phrase)
    if not kept:
        raise DomainError(_("Enter a word or phrase (letters or digits)."), field="phrase")
    if len(kept) > PHRASE_LENGTH:
        raise DomainError(
            _("Keep it under %(count)d characters.", count=PHRASE_LENGTH), field="phrase"
        )
    if len(kept.split()) > MAX_WORDS_IN_PHRASE:
        raise DomainError(
            _("A phrase has at most %(count)d words.", count=MAX_WORDS_IN_PHRASE), field="phrase"
        )
    taken = select(WatchedWord.id).where(WatchedWord.phrase == kept)
    if db.session.execute(taken).first() is not None:
        raise DomainError(_("This word or phrase is already on the list."), field="phrase")
    count = db.session.execute(select(func.count(WatchedWord.id))).scalar_one()
    if count >= MAX_WATCHED_WORDS:
        raise DomainError(
            _("The list holds at most %(count)d words or phrases; delete one first.",
              count=MAX_WATCHED_WORDS), field="phrase")  # fmt: skip
    word = WatchedWord(phrase=kept, action=action, created_by_id=actor.id)
    db.session.add(word)
    flush_or_refuse(_("This word or phrase is already on the list."), field="phrase")
    audit.record(actor, "watched_word.add", word, f"{action.value}: {kept}")
    return word


def delete_watched_word(actor, word: WatchedWord) -> None:
    audit.record(actor, "watched_word.delete", word, f"{word.action.value}: {word.phrase}")
    db.session.delete(word)
    db.session.flush()
