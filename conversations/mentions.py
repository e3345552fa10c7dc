"""@mentions: "@Olena Kovalenko" in a post or reply names a person by display name.

The longest display name that follows an "@" wins ("@Olena Kovalenko" is Olena
Kovalenko, not some "Olena"), compared without regard to case, Cyrillic too; only
people who may read the community are found. The cost is bounded: at most
MAX_MENTIONS mentions an item, names of at most MAX_NAME_WORDS words, one query.
"""

import re

from sqlalchemy import or_, select

from accounts.models import User
from community.models import Community
from conversations.readers import readers_clause
from core.extensions import db

MAX_MENTIONS = 20
MAX_NAME_WORDS = 5
SUGGESTIONS = 8
QUERY_LENGTH = 60

# An "@" that starts a word (so "olena@example.com" names nobody), then up to
# MAX_NAME_WORDS words separated by single spaces.
_WORD = r"[^\s@,.;:!?()\[\]{}<>\"*_`~#|/\\]+"
_MENTION = re.compile(rf"(?<![\w@])@({_WORD}(?:[ \u00a0]{_WORD}){{0,{MAX_NAME_WORDS - 1}}})")


def _candidates(text: str) -> list[list[str]]:
    """For each mention (at most MAX_MENTIONS), the names it may stand for, longest first."""
    found = []
    for match in _MENTION.finditer(text or ""):
        words = match.group(1).replace("\u00a0", " ").split(" ")
        found.append([" ".join(words[:n]) for n in range(len(words), 0, -1)])
        if len(found) == MAX_MENTIONS:
            break
    return found


def _spellings(name: str) -> set[str]:
    """How a name is likely stored (the database compares case only for Latin letters on
    SQLite): as typed, in lower, upper and title case, each word capitalised."""
    capitalised = " ".join(word[:1].upper() + word[1:] for word in name.split(" "))
    return {name, name.lower(), name.upper(), name.title(), capitalised}


def mentioned_people(text: str, community: Community) -> list[User]:
    """The people `text` mentions who may read `community`'s conversations, each once,
    in the order first mentioned."""
    mentions = _candidates(text)
    if not mentions:
        return []
    spellings = set().union(*(_spellings(name) for names in mentions for name in names))
    by_name: dict[str, list[User]] = {}
    for person in db.session.execute(
        select(User)
        .where(User.display_name.in_(spellings), readers_clause(community))
        .order_by(User.id)
    ).scalars():
        by_name.setdefault(person.display_name.casefold(), []).append(person)
    people: dict[int, User] = {}
    for names in mentions:
        for name in names:  # the longest name that is someone's
            if found := by_name.get(name.casefold()):
                people.update((person.id, person) for person in found)
                break
    return list(people.values())


def suggested_people(query: str, community: Community) -> list[User]:
    """At most SUGGESTIONS people who may read `community` and whose name (or a word of
    it) starts with `query`, by name."""
    query = " ".join((query or "").split())[:QUERY_LENGTH]
    if not query:
        return []
    starts = []
    for spelling in _spellings(query):
        pattern = _like_escaped(spelling)
        starts += [User.display_name.like(f"{pattern}%", escape="\\"),
                   User.display_name.like(f"% {pattern}%", escape="\\")]  # fmt: skip
    people = db.session.execute(
        select(User)
        .where(or_(*starts), readers_clause(community))
        .order_by(User.display_name, User.id)
        .limit(SUGGESTIONS * 3)
    ).scalars()
    wanted = query.casefold()
    chosen = [
        person
        for person in people
        if any(word.startswith(wanted) for word in _prefixes(person.display_name.casefold()))
    ]
    return chosen[:SUGGESTIONS]


def _prefixes(name: str) -> list[str]:
    """The name and each tail of it that starts a word ("olena kovalenko", "kovalenko")."""
    words = name.split()
    return [" ".join(words[i:]) for i in range(len(words))]


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
