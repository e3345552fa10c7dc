"""The results page: header box, highlights, facets, paging, "did you mean", empty states."""

import re

import pytest

from community import services as communities
from core.extensions import db
from search.index import search_index
from tests.conftest import make_community, make_user


@pytest.fixture
def leader(app):
    search_index().rebuild()  # a fresh, empty index for this test
    return make_user("olena@example.com", "Olena")


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_every_page_has_the_search_box(leader, login):
    html = page_of(login(leader), "/communities/")
    assert re.search(r'<form[^>]*role="search"[^>]*action="/search"', html)
    assert '<label class="visually-hidden" for="site-search">Search</label>' in html


def test_visitors_are_sent_to_sign_in(app, client):
    response = client.get("/search?q=agile")
    assert response.status_code == 302
    assert "/signin" in response.location


def test_results_link_to_the_community_with_words_highlighted(leader, login):
    make_community(leader, "Project Managers", description="We practise **Agile** and Scrum.")

    html = page_of(login(leader), "/search?q=agile")

    assert 'href="/communities/project-managers"' in html
    assert '<mark class="match term0">Agile</mark> and Scrum' in html
    assert "1 result" in html


def test_user_text_is_escaped_in_titles_and_snippets(leader, login):
    make_community(leader, "<b>Bold</b> Agile", description="agile <img src=x onerror=alert(1)>")

    html = page_of(login(leader), "/search?q=agile")

    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt;" in html
    assert "onerror" not in html


def test_facets_count_every_kind_and_filter_by_one(leader, login):
    make_community(leader, "Agile Club")

    html = page_of(login(leader), "/search?q=agile")
    assert re.search(r"Communities <span[^>]*>1</span>", html)
    link = 'href="/communities/agile-club"'
    assert link in page_of(login(leader), "/search?q=agile&kind=community")
    assert link in page_of(login(leader), "/search?q=agile&kind=no-such-kind")  # shows all


def test_results_come_in_pages_of_ten(leader, login):
    for number in range(23):
        make_community(leader, f"Reading Circle {number:02d}")
    client = login(leader)

    first, third = page_of(client, "/search?q=reading"), page_of(client, "/search?q=reading&page=3")

    assert first.count("<mark") == 10 and "23 results" in first
    assert "page 1 of 3" in first and 'href="/search?q=reading&amp;page=2"' in first
    assert third.count("<mark") == 3 and "page 3 of 3" in third
    assert "page 3 of 3" in page_of(client, "/search?q=reading&page=99")


def test_a_misspelling_gets_did_you_mean(leader, login):
    make_community(leader, "Photography Club", description="Лідерство в кадрі")
    client = login(leader)

    html = page_of(client, "/search?q=photgraphy")
    assert "Did you mean" in html and 'href="/search?q=photography"' in html
    assert "Did you mean" in page_of(client, "/search?q=лідерствл")
    assert "Did you mean" not in page_of(client, "/search?q=photography")


def test_did_you_mean_offers_nothing_the_searcher_may_not_see(leader, login):
    admin = make_user("admin@example.com", is_admin=True)
    archived = make_community(leader, "Photography Club")
    communities.archive_community(admin, archived)
    db.session.commit()

    employee = login(make_user("emma@example.com"))
    assert "Did you mean" not in page_of(employee, "/search?q=photgraphy")


def test_empty_query_explains_what_search_finds(leader, login):
    html = page_of(login(leader), "/search")
    assert "Type a word or two in the Search box" in html


def test_no_results_page_helps(leader, login):
    html = page_of(login(leader), "/search?q=zzzzzz")
    assert "Nothing found for “zzzzzz”" in html
    assert 'href="/communities/"' in html


def test_results_page_query_count_does_not_grow_with_results(leader, login, count_queries):
    client = login(leader)
    page_of(client, "/search?q=agile")  # warm up what the header caches per session
    make_community(leader, "Agile 1")
    with count_queries() as few:
        page_of(client, "/search?q=agile")
    for number in range(2, 16):
        make_community(leader, f"Agile {number}")
    with count_queries() as many:
        html = page_of(client, "/search?q=agile")

    assert html.count("<mark") == 10
    # The page's own share is the searcher's memberships (the audience filter);
    # the rest is the signed-in user and the header.
    assert len(many) == len(few) <= 6, many


@pytest.mark.parametrize(
    "text", ["(", '"', "*", "AND", "title:agile", "audience:leaders:1", "a~", "[a TO", "%_"]
)
def test_odd_query_text_never_breaks_the_page(leader, login, text):
    make_community(leader, "Agile Club")
    response = login(leader).get("/search", query_string={"q": text})
    assert response.status_code == 200


def test_prefix_query_finds_word_starts(leader, login):
    make_community(leader, "Книгозбірня", description="Обмін книжками")
    assert 'href="/communities/' in page_of(login(leader), "/search?q=книг*")
