"""Names to mention: `mentioned_people` and the suggestion list behind "@"."""

from community import services as communities
from conversations.mentions import SUGGESTIONS, mentioned_people
from core.extensions import db
from tests.conversations_notify_support import person


def suggestions(client, community, q: str):
    response = client.get(f"/communities/{community.slug}/people.json", query_string={"q": q})
    assert response.status_code == 200
    return response.get_json()


def test_names_are_suggested_from_the_first_letters_of_any_word(world, login):
    olena = person("Олена Коваленко")
    client = login(world.users["member"])
    assert suggestions(client, world.community, "ол") == [
        {"id": olena.id, "name": "Олена Коваленко"}
    ]
    assert suggestions(client, world.community, "КОВ") == [
        {"id": olena.id, "name": "Олена Коваленко"}
    ]
    assert [p["name"] for p in suggestions(client, world.community, "max")] == ["Max Member"]
    assert suggestions(client, world.community, "") == []
    assert suggestions(client, world.community, "x" * 5000) == []


def test_suggestions_are_few_and_only_of_people_who_may_read(world, login):
    for i in range(SUGGESTIONS + 4):
        person(f"Reader {i:02}")
    gone = person("Reader Gone")
    gone.active = False
    db.session.commit()
    client = login(world.users["leader"])
    found = suggestions(client, world.community, "read")
    assert len(found) == SUGGESTIONS and "Reader Gone" not in {p["name"] for p in found}
    # The approval community's readers are its members: the leader, not a stranger.
    assert suggestions(client, world.approval_community, "read") == []
    assert [p["name"] for p in suggestions(client, world.approval_community, "lena")] == [
        "Lena Leader"
    ]


def test_asking_for_names_reads_a_bounded_number_of_statements_and_writes_none(
    world, login, count_queries
):
    for i in range(30):
        person(f"Reader {i:02}")
    client = login(world.users["member"])
    client.get(f"/communities/{world.community.slug}/people.json?q=r")  # warm the session
    with count_queries() as statements:
        suggestions(client, world.community, "read")
    assert len(statements) <= 8, statements
    assert not any(
        s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for s in statements
    )


def test_mentioned_people_cover_latin_and_cyrillic_names(world):
    olena, anna = person("Olena Kovalenko"), person("Анна-Марія Шевченко")
    text = "Thanks @olena kovalenko and @Анна-Марія Шевченко. (@nobody here)"
    assert mentioned_people(text, world.community) == [olena, anna]


def test_mentioned_people_outside_an_approval_community_are_not_found(world):
    olena = person("Olena Kovalenko")
    assert mentioned_people("@Olena Kovalenko", world.approval_community) == []
    communities.join_community(olena, world.approval_community)
    db.session.commit()
    assert mentioned_people("@Olena Kovalenko", world.approval_community) == []  # pending


def test_the_form_attributes_name_the_suggestions_for_those_who_may_write(world, app):
    from flask import render_template_string
    from flask_login import login_user

    template = "<textarea {{ mention_attributes(community)|xmlattr }}></textarea>"
    for role, offered in (("member", True), ("employee", False)):
        with app.test_request_context():
            login_user(world.users[role])
            html = render_template_string(template, community=world.community)
        expected = f'data-mentions-url="/communities/{world.community.slug}/people.json"'
        assert (expected in html) is offered, role
        assert ('data-mentions-label="People to mention"' in html) is offered
