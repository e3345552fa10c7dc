"""Text analysis for Ukrainian, Russian, English and Polish in one field.

Cyrillic words lose their inflectional ending (a light suffix-stripping
stemmer, so "книги", "книга" and "книгою" meet at "книг"); Latin words are
Porter-stemmed ("managers" and "management" meet at "manag") with their
accents folded, so "Łódź" is found by "lodz". Both are lower-cased first.
"""

import re
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})
# Words, with an apostrophe inside a word kept ("м'ята", "п’ять").
TOKEN_PATTERN = r"\w+(?:['’ʼ]\w+)*"

MIN_STEM = 3
# Inflectional endings of Ukrainian and Russian nouns, adjectives and verbs,
# longest first so that "-ами" wins over "-и".
CYRILLIC_ENDINGS = sorted(
    {
        # nouns
        "а", "я", "о", "е", "є", "у", "ю", "і", "и", "ї", "ь", "й", "ы", "ё",
        "ам", "ям", "ами", "ями", "ах", "ях", "ою", "ею", "єю", "ом", "ем", "ів", "їв",
        "ей", "ой", "ью", "ов", "ев", "ём", "иям", "ием", "ия", "ии", "ию", "ие",
        # adjectives and participles
        "ий", "ій", "ого", "ому", "им", "ім", "их", "ими", "іх", "ої", "ая", "яя", "ое",
        "ее", "ую", "юю", "его", "ему", "ыми", "ых", "ый", "ые", "іми",
        "ська", "ський", "ського", "ських", "ському", "ське", "ські",
        # verbs
        "ти", "ть", "ться", "тися", "ла", "ло", "ли", "ємо", "емо", "єте", "ете",
        "ють", "уть", "ать", "ять", "ить", "ує", "ують", "ував", "ували", "ала", "али",
    },
    key=len,
    reverse=True,
)  # fmt: skip


@lru_cache(maxsize=50_000)
def stem_cyrillic(word: str) -> str:
    for ending in CYRILLIC_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=50_000)
def stem_latin(word: str) -> str:
    return porter_stem(word.translate(accent_map))


def stem(word: str) -> str:
    """The index term for one lower-cased word."""
    word = word.translate(APOSTROPHES)
    return stem_cyrillic(word) if CYRILLIC.search(word) else stem_latin(word)


class MultilingualStemFilter(Filter):
    """Stems each token by its script: Cyrillic suffixes, or Porter for Latin."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for token in tokens:
            if not token.stopped:
                token.text = stem(token.text)
            yield token


class WordFilter(Filter):
    """Keeps the lower-cased word as written: the dictionary for "did you mean"."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for token in tokens:
            token.text = token.text.translate(APOSTROPHES)
            yield token


def text_analyzer():
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | MultilingualStemFilter()


def word_analyzer():
    return RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | WordFilter()
