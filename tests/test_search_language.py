"""Ukrainian, Russian, Polish and English text is found by other forms of its words."""

import pytest

from search import services
from search.analysis import stem, text_analyzer
from search.index import search_index
from tests.conftest import make_community, make_user


@pytest.fixture
def leader(app):
    search_index().rebuild()  # a fresh, empty index for this test
    return make_user("olena@example.com", "Olena")


def titles(user, text: str) -> list[str]:
    return [result.title.striptags() for result in services.search(user, text).results]


def terms(text: str) -> list[str]:
    return [token.text for token in text_analyzer()(text)]


def test_cyrillic_words_are_lower_cased_and_lose_their_endings():
    assert terms("Лідерство ЛІДЕРСТВА лідерством") == ["лідерств"] * 3
    assert len(set(terms("книги книга книгу книгою книгами"))) == 1
    assert stem("проєктний") == stem("проєктного") == stem("проєктних")


def test_english_words_are_stemmed_and_polish_accents_folded():
    assert terms("Project Managers management") == ["project", "manag", "manag"]
    assert terms("Łódź") == terms("lodz")


def test_short_cyrillic_words_keep_their_stem():
    assert stem("сир") == "сир"
    assert stem("сиру") == "сир"


def test_ukrainian_name_is_found_whatever_the_case_and_form(leader):
    make_community(leader, "Лідерство", description="Клуб для тих, хто веде команди.")

    for query in ("Лідерство", "лідерство", "ЛІДЕРСТВО", "лідерства", "лідерством"):
        assert titles(leader, query) == ["Лідерство"], query


def test_book_forms_find_each_other(leader):
    make_community(leader, "Book Exchange", description="Обмінюємо книги на донати для ЗСУ.")
    make_community(leader, "Runners", description="Бігаємо щосуботи.")

    for query in ("книги", "книга", "книгу", "книгами", "КНИГОЮ"):
        assert titles(leader, query) == ["Book Exchange"], query


def test_english_words_are_found_by_their_stem(leader):
    make_community(leader, "Project Managers", description="Agile & Scrum, PMBOK, leadership.")
    make_community(leader, "QA Guild", description="Testing and quality.")

    assert titles(leader, "Agile") == ["Project Managers"]
    assert titles(leader, "agile") == ["Project Managers"]
    assert titles(leader, "project managers") == ["Project Managers"]
    assert titles(leader, "project management") == ["Project Managers"]
    assert titles(leader, "leaders") == []  # "leadership" is another word


def test_russian_and_polish_descriptions_are_found(leader):
    make_community(leader, "Chess", description="Шахматы и книги о стратегии. Spotkania w Łodzi.")

    assert titles(leader, "шахматами") == ["Chess"]
    assert titles(leader, "книга") == ["Chess"]
    assert titles(leader, "lodzi") == ["Chess"]


def test_mixed_query_needs_every_word(leader):
    make_community(leader, "Лідерство", description="Agile для керівників.")
    make_community(leader, "Agile Club", description="Scrum.")

    assert titles(leader, "лідерство agile") == ["Лідерство"]
