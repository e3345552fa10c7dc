"""Community pages and forms as people use them, bad input included."""

import re

import pytest
from sqlalchemy import func, select

from community import services
from community.models import Community, ExternalChannel
from core.extensions import db

NEW_COMMUNITY = {
    "name": "Architects",
    "kind": "practice",
    "description": "Solution and enterprise architects.",
    "join_policy": "open",
}


def community_count() -> int:
    return db.session.execute(select(func.count()).select_from(Community)).scalar_one()


def test_admin_creates_a_community_led_by_someone_else(world, login):
    response = login(world.users["admin"]).post(
        "/communities/new", data={**NEW_COMMUNITY, "leader_email": "Member@example.com"}
    )
    assert response.status_code == 302 and response.location == "/communities/architects"
    community = services.get_community_by_slug("architects")
    assert services.leaders_of(community) == [world.users["member"]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "x"}, "Field must be between 2 and 120 characters long."),
        ({"name": "x" * 121}, "Field must be between 2 and 120 characters long."),
        ({"name": "project managers"}, "A community with this name already exists."),
        ({"kind": "secret"}, "Not a valid choice."),
        ({"join_policy": "invite"}, "Not a valid choice."),
        ({"description": "x" * 20001}, "Field cannot be longer than 20000 characters."),
        ({"leader_email": "nobody@example.com"}, "No one has an account with this email."),
    ],
)
def test_community_form_bad_input_is_explained_beside_the_field(world, login, change, message):
    before = community_count()
    response = login(world.users["admin"]).post(
        "/communities/new", data={**NEW_COMMUNITY, **change}
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert community_count() == before


def test_leader_edits_the_community_and_the_slug_follows_the_name(world, login):
    response = login(world.users["leader"]).post(
        f"/communities/{world.community.slug}/edit",
        data={**NEW_COMMUNITY, "name": "PM Guild", "join_policy": "approval"},
    )
    assert response.location == "/communities/pm-guild"
    db.session.expire_all()
    assert world.community.join_policy == "approval"


def test_editing_to_another_communitys_name_is_refused(world, login):
    response = login(world.users["leader"]).post(
        f"/communities/{world.community.slug}/edit", data={**NEW_COMMUNITY, "name": "QA Guild"}
    )
    assert response.status_code == 400
    assert "already exists" in response.get_data(as_text=True)


def test_description_markdown_is_rendered_and_scripts_are_removed(world, login):
    world.community.description = (
        "**Bold** <script>alert(1)</script> [link](javascript:alert(2)) "
        '<img src=x onerror="alert(3)">'
    )
    db.session.commit()
    page = (
        login(world.users["member"])
        .get(f"/communities/{world.community.slug}")
        .get_data(as_text=True)
    )
    assert "<strong>Bold</strong>" in page
    assert "<script>alert(1)" not in page and "javascript:alert" not in page
    assert "onerror" not in page


def test_user_text_in_names_is_escaped(world, login):
    world.users["member"].display_name = "<b>Max</b>"
    db.session.commit()
    page = login(world.users["leader"]).get(f"/communities/{world.community.slug}/members")
    assert "&lt;b&gt;Max&lt;/b&gt;" in page.get_data(as_text=True)


def test_community_page_shows_members_leaders_and_growth(world, login):
    page = login(world.users["employee"]).get(f"/communities/{world.community.slug}")
    text = page.get_data(as_text=True)
    assert "Lena Leader" in text and "Max Member" in text
    assert "2 members" in text and "in the last 30 days" in text
    assert ">Join<" in text


def test_the_growth_chart_follows_the_commit_that_changes_it(world, login):
    """The growth figure and its drawn chart are kept (core/figures.py, core/charts.py):
    the commit of a join makes the next view count and draw again, on either database."""
    client = login(world.users["employee"])
    url = f"/communities/{world.community.slug}"

    def members_drawn() -> list[str]:
        db.session.remove()  # each view in a transaction of its own, as when served
        text = client.get(url).get_data(as_text=True)
        return re.findall(r"<title>[^<]*: (\d+)</title>", text)

    for _view in range(3):  # the versions start, the figure is kept, then used
        assert members_drawn()[-1] == "2"
    client.post(f"{url}/join")
    assert members_drawn()[-1] == "3"


def test_approval_community_offers_request_to_join(world, login):
    text = login(world.users["employee"]).get("/communities/qa-guild").get_data(as_text=True)
    assert "Request to join" in text


def test_join_then_leave_through_the_buttons(world, login):
    client = login(world.users["employee"])
    slug = world.community.slug
    page = client.post(f"/communities/{slug}/join", follow_redirects=True).get_data(as_text=True)
    assert "Welcome to Project Managers!" in page and ">Leave<" in page
    page = client.post(f"/communities/{slug}/leave", follow_redirects=True).get_data(as_text=True)
    assert "You left Project Managers." in page
    page = client.post(f"/communities/{slug}/leave", follow_redirects=True).get_data(as_text=True)
    assert "You are not a member of Project Managers." in page


def test_leader_approves_and_promotes_through_the_members_page(world, login):
    employee = world.users["employee"]
    request = services.join_community(employee, world.approval_community)
    db.session.commit()
    client = login(world.users["leader"])
    page = client.get("/communities/qa-guild/members").get_data(as_text=True)
    assert "Requests to join" in page and employee.display_name in page
    client.post(f"/communities/qa-guild/members/{request.id}/approve")
    client.post(f"/communities/qa-guild/members/{request.id}/role", data={"role": "leader"})
    db.session.expire_all()
    assert services.is_leader(employee, world.approval_community)


def test_bad_role_value_is_a_400(world, login):
    membership = services.current_membership(world.users["member"], world.community)
    response = login(world.users["leader"]).post(
        f"/communities/{world.community.slug}/members/{membership.id}/role", data={"role": "king"}
    )
    assert response.status_code == 400


def test_another_communitys_membership_is_not_found(world, login):
    membership = services.current_membership(world.users["member"], world.community)
    response = login(world.users["leader"]).post(
        f"/communities/qa-guild/members/{membership.id}/approve"
    )
    assert response.status_code == 404


def test_directory_filters_by_kind_and_pages(world, login):
    leader = world.users["leader"]
    for i in range(30):
        services.create_community(leader, name=f"Hobby {i:02}", kind="interest")
    db.session.commit()
    client = login(world.users["employee"])
    practice = client.get("/communities/?kind=practice").get_data(as_text=True)
    assert "Project Managers" in practice and "Hobby 00" not in practice
    interest_page_2 = client.get("/communities/?kind=interest&page=2").get_data(as_text=True)
    assert "Hobby 29" in interest_page_2 and "Hobby 00" not in interest_page_2
    assert client.get("/communities/?kind=nonsense&page=abc").status_code == 200


def test_archived_communities_leave_the_directory_but_admins_can_list_them(world, login):
    services.archive_community(world.users["admin"], world.approval_community)
    db.session.commit()
    assert "QA Guild" not in login(world.users["employee"]).get("/communities/").get_data(
        as_text=True
    )
    admin_view = login(world.users["admin"]).get("/communities/?archived=1").get_data(as_text=True)
    assert "QA Guild" in admin_view and "archived" in admin_view


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "url": "https://fb.example/g"}, "This field is required."),
        ({"name": "FB", "url": "not a url"}, "Enter a full web address."),
        ({"name": "FB", "url": "javascript://alert(1)"}, "starting with https://"),
        ({"name": "FB", "url": "https://x.example/" + "a" * 500}, "longer than 500"),
    ],
)
def test_channel_form_bad_input(world, login, data, message):
    response = login(world.users["leader"]).post(
        f"/communities/{world.community.slug}/channels", data=data
    )
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.execute(select(ExternalChannel)).first() is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"taken_on": "", "member_count": "10"}, "This field is required."),
        ({"taken_on": "31.02.2026", "member_count": "10"}, "Not a valid date value."),
        ({"taken_on": "2026-01-01", "member_count": "-5"}, "Enter a number from 0 to 100,000,000."),
        ({"taken_on": "2026-01-01", "member_count": "many"}, "Not a valid integer value."),
        ({"taken_on": "2099-01-01", "member_count": "10"}, "cannot be dated in the future"),
    ],
)
def test_snapshot_form_bad_input(world, login, data, message):
    channel = services.add_channel(world.community, "FB", "https://fb.example/g")
    db.session.commit()
    prefixed = {f"channel-{channel.id}-{key}": value for key, value in data.items()}
    response = login(world.users["leader"]).post(
        f"/communities/{world.community.slug}/channels/{channel.id}/snapshots", data=prefixed
    )
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert channel.snapshots == []


def test_leader_records_a_channel_and_its_member_count(world, login):
    client = login(world.users["leader"])
    slug = world.community.slug
    client.post(f"/communities/{slug}/channels", data={"name": "FB", "url": "https://fb.example/g"})
    channel = db.session.execute(select(ExternalChannel)).scalar_one()
    client.post(
        f"/communities/{slug}/channels/{channel.id}/snapshots",
        data={
            f"channel-{channel.id}-taken_on": "2026-01-01",
            f"channel-{channel.id}-member_count": "635",
        },
    )
    page = client.get(f"/communities/{slug}").get_data(as_text=True)
    assert "FB" in page and "635 members" in page


def test_unknown_pages_get_a_friendly_404(world, login):
    response = login(world.users["member"]).get("/communities/no-such-community")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_community_page_lists_the_newest_members_first(world, login):
    from datetime import timedelta

    from core.models import utcnow

    newcomer = world.users["employee"]  # a minute after the others: the newest whatever today is
    services.join_community(newcomer, world.community, at=utcnow() + timedelta(minutes=1))
    db.session.commit()
    page = (
        login(world.users["member"])
        .get(f"/communities/{world.community.slug}")
        .get_data(as_text=True)
    )
    members = page.split('id="members-heading"')[1]
    assert members.index(newcomer.display_name) < members.index("Max Member")


@pytest.mark.parametrize("again", ["https://t.me/pmclub ", " https://t.me/pmclub"])
def test_the_same_channel_with_spaces_around_is_refused_beside_the_address(world, login, again):
    client = login(world.users["leader"])
    slug = world.community.slug
    client.post(f"/communities/{slug}/channels", data={"name": "TG", "url": "https://t.me/pmclub"})
    response = client.post(f"/communities/{slug}/channels", data={"name": "TG2", "url": again})
    assert response.status_code == 400
    assert "This channel is already listed." in response.get_data(as_text=True)
    assert len(db.session.execute(select(ExternalChannel)).all()) == 1


def _directory_count(client, community) -> str:
    card = client.get("/communities/").text.split(f'href="/communities/{community.slug}"', 1)[1]
    return re.search(r"(\d+) members?\b", card).group(0)


def test_the_directory_counts_members_again_after_a_join_or_a_leave(world, login):
    """The counts are kept (core/figures.py) until a membership changes: through the page
    and through the service, never a count from before."""
    client = login(world.users["employee"])
    before = int(_directory_count(client, world.community).split()[0])
    assert _directory_count(client, world.community).startswith(str(before))  # kept

    assert client.post(f"/communities/{world.community.slug}/join").status_code == 302
    assert _directory_count(client, world.community) == f"{before + 1} members"

    services.leave_community(world.users["employee"], world.community)
    db.session.commit()
    assert _directory_count(client, world.community) == f"{before} members"
