"""The bell, the notifications page, opening one, and the delivery settings form."""

import re
from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from core.models import utcnow
from notifications import services
from notifications.kinds import JOIN_REQUEST, REQUEST_APPROVED
from notifications.models import Delivery, Notification
from notifications.views import PER_PAGE

COMMUNITY = services.Link("community.directory")


def tell(user, count: int = 1, kind: str = REQUEST_APPROVED.name) -> list[Notification]:
    """`count` notifications for `user`, one minute apart, the newest last."""
    start = utcnow() - timedelta(hours=1)
    made = []
    for n in range(count):
        [notification] = services.notify([user], kind, f"Community {n}", COMMUNITY)
        notification.created_at = start + timedelta(minutes=n)
        made.append(notification)
    db.session.commit()
    return made


def bell(page: str) -> str:
    match = re.search(r'<a class="nav-link[^"]*" href="/notifications">(.*?)</a>', page, re.S)
    assert match, "the bell is in the header"
    return match.group(1).strip()


def bell_name(page: str) -> str:
    """The bell's accessible name: its text, without the icon hidden from screen readers."""
    text = re.sub(r'<svg [^>]*aria-hidden="true".*?</svg>', "", bell(page), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", "", text).split())


# --- the bell ---------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_and_says_it(world, login):
    member = world.users["member"]
    tell(member, 3)
    page = login(member).get("/communities/").get_data(as_text=True)
    assert bell_name(page) == "Notifications 3 unread"
    assert bell(page).endswith(
        '<span class="badge text-bg-warning">3</span><span class="visually-hidden"> unread</span>'
    )


def test_the_bell_without_unread_is_just_its_name(world, login):
    page = login(world.users["employee"]).get("/communities/").get_data(as_text=True)
    assert bell_name(page) == "Notifications"
    assert "/notifications" not in login(None).get("/communities/").get_data(as_text=True)


def test_every_role_has_exactly_one_notifications_link_in_the_header(world, login):
    for role, person in world.users.items():
        if person is None:
            continue
        page = login(person).get("/communities/").get_data(as_text=True)
        header = page.split("<main", 1)[0]
        assert len(re.findall(r">\s*Notifications\b", header)) == 1, role
        assert "/promotions/notifications" not in page, role


def test_the_bell_is_kept_and_counted_again_only_when_a_notification_changes(
    world, login, count_queries
):
    """At most one small query, whatever the count, and none while nothing changed: the
    figure is kept (core/figures.py) until the person's notifications change."""
    member = world.users["member"]
    client = login(member)

    def bell_statements() -> tuple[str, list[str]]:
        db.session.remove()  # each view in a transaction of its own, as when served
        with count_queries() as statements:
            page = client.get("/communities/").get_data(as_text=True)
        return page, [s for s in statements if "notifications" in s and "count(" in s.lower()]

    for _view in range(2):  # warm up: the first views load more and start the versions
        bell_statements()
    assert bell_statements()[1] == []
    for n in range(30):  # bulk INSERTs made by Core: the figure is told of them itself
        services.notify_many(REQUEST_APPROVED.name, [member.id], f"Community {n}", COMMUNITY)
    db.session.commit()
    page, counted = bell_statements()
    assert len(counted) == 1 and 'class="badge' in page and ">30<" in page.replace(" ", "")
    assert bell_statements()[1] == []


def test_marking_all_read_counts_again_the_readers_bell_only(world, login, count_queries):
    member, employee = world.users["member"], world.users["employee"]
    member_id, employee_id = member.id, employee.id
    for person_id in (member_id, employee_id):
        services.notify_many(REQUEST_APPROVED.name, [person_id], "Welcome", COMMUNITY)
    db.session.commit()
    clients = {
        person_id: login(person)
        for person_id, person in ((member_id, member), (employee_id, employee))
    }

    def bell_counts(person_id) -> int:
        db.session.remove()  # each view in a transaction of its own, as when served
        with count_queries() as statements:
            clients[person_id].get("/communities/")
        return sum("notifications" in s and "count(" in s.lower() for s in statements)

    for _view in range(2):  # warm up: both bells kept
        bell_counts(member_id), bell_counts(employee_id)
    assert (bell_counts(member_id), bell_counts(employee_id)) == (0, 0)
    services.mark_all_read(db.session.get(type(member), member_id))
    db.session.commit()
    assert (bell_counts(member_id), bell_counts(employee_id)) == (1, 0)


# --- the page ---------------------------------------------------------------------------


def test_the_page_lists_newest_first_in_pages(world, login):
    member = world.users["member"]
    tell(member, PER_PAGE + 3)
    client = login(member)
    first = client.get("/notifications").get_data(as_text=True)
    subjects = re.findall(r"You are now a member of (Community \d+)", first)
    assert subjects[:2] == [f"Community {PER_PAGE + 2}", f"Community {PER_PAGE + 1}"]
    assert len(subjects) == PER_PAGE
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert re.findall(r"You are now a member of (Community \d+)", second) == [
        "Community 2", "Community 1", "Community 0",
    ]  # fmt: skip
    assert client.get("/notifications?page=99999999999999999999999").status_code == 200
    beyond = client.get("/notifications?page=50")
    assert beyond.status_code == 200 and "Nothing yet." not in beyond.text  # not first use
    assert "No more notifications here." in beyond.text
    assert 'href="/notifications">Back to the newest</a>' in beyond.text


def test_the_page_costs_the_same_at_two_sizes(world, login, count_queries):
    member = world.users["member"]
    client = login(member)
    client.get("/notifications")  # warm up: the session's first request loads more
    costs = []
    for more in (2, 40):
        tell(member, more)
        with count_queries() as statements:
            assert client.get("/notifications").status_code == 200
        costs.append(len(statements))
    assert costs[0] == costs[1]


def test_mark_all_as_read_clears_the_count_and_goes_away(world, login):
    member, leader = world.users["member"], world.users["leader"]
    tell(member, 2)
    tell(leader, 1)
    client = login(member)
    assert "Mark all as read" in client.get("/notifications").get_data(as_text=True)
    response = client.post("/notifications/read")
    assert response.status_code == 302
    page = client.get("/notifications").get_data(as_text=True)
    assert "Mark all as read" not in page and bell_name(page) == "Notifications"
    db.session.expire_all()
    assert services.unread_count(leader) == 1  # only the person's own


def test_mark_all_as_read_leaves_one_that_came_after_the_page_was_shown(world, login):
    """ "All" is all the person was shown: one arriving between the page and the click
    stays unread, so the bell still tells of it."""
    member = world.users["member"]
    tell(member, 2)
    client = login(member)
    page = client.get("/notifications").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/notifications/read".*?</form>', page, re.S)
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form.group(0)))
    [newer] = tell(member, 1)
    assert client.post("/notifications/read", data=fields).status_code == 302
    db.session.expire_all()
    assert services.unread_count(member) == 1
    assert db.session.get(Notification, newer.id).read_at is None
    # A bad or missing bound marks everything, as before.
    for bad in ({"up_to": "x"}, {"up_to": "9" * 40}, {"up_to": "-1"}, {}):
        tell(member, 1)
        assert client.post("/notifications/read", data=bad).status_code == 302
        db.session.expire_all()
        assert services.unread_count(member) == 0, bad


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(world, login):
    member = world.users["member"]
    first, second = tell(member, 2)
    client = login(member)
    response = client.post(f"/notifications/{first.id}/open")
    assert response.status_code == 302 and response.location == "/communities/"
    db.session.expire_all()
    assert db.session.get(Notification, first.id).read_at is not None
    assert db.session.get(Notification, second.id).read_at is None
    # Opening it again goes there again and keeps the first time it was read.
    read_at = db.session.get(Notification, first.id).read_at
    assert client.post(f"/notifications/{first.id}/open").location == "/communities/"
    db.session.expire_all()
    assert db.session.get(Notification, first.id).read_at == read_at


def test_a_notification_whose_page_is_gone_leads_to_the_list(world, login):
    member = world.users["member"]
    [note] = services.notify(
        [member], REQUEST_APPROVED.name, "x", services.Link("community.show", {"nope": 1})
    )
    db.session.commit()
    assert login(member).post(f"/notifications/{note.id}/open").location == "/notifications"


def test_someone_elses_notification_is_not_there(world, login):
    [note] = tell(world.users["member"])
    for person in ("employee", "leader", "admin"):
        client = login(world.users[person])
        assert client.post(f"/notifications/{note.id}/open").status_code == 404
    assert login(world.users["member"]).post("/notifications/999999/open").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is None


def test_opening_needs_a_post(world, login):
    [note] = tell(world.users["member"])
    assert login(world.users["member"]).get(f"/notifications/{note.id}/open").status_code == 405


# --- delivery settings ------------------------------------------------------------------


def test_settings_offer_one_delivery_select_per_kind_the_person_can_receive(world, login):
    page = login(world.users["employee"]).get("/notifications/settings").get_data(as_text=True)
    offered = services.registry.kinds_for(world.users["employee"])
    assert page.count(">Delivery</label>") == len(offered) == page.count("<select") - 1  # language
    assert 'name="request_approved"' in page and 'name="join_request"' not in page
    for option in ("In the app", "E-mail at once", "Daily digest", "Off"):
        assert f">{option}</option>" in page
    leader_page = login(world.users["leader"]).get("/notifications/settings")
    assert 'name="join_request"' in leader_page.get_data(as_text=True)


def test_settings_are_saved(world, login):
    leader = world.users["leader"]
    response = login(leader).post(
        "/notifications/settings", data={"join_request": "daily_digest", "reply": "off"}
    )
    assert response.status_code == 302
    chosen = services.deliveries_of(leader)
    assert chosen[JOIN_REQUEST.name] == Delivery.DAILY_DIGEST
    assert chosen["reply"] == Delivery.OFF
    assert chosen[REQUEST_APPROVED.name] == REQUEST_APPROVED.default  # not sent: the default


def test_an_unknown_delivery_is_refused_beside_its_field(world, login):
    employee = world.users["employee"]
    response = login(employee).post(
        "/notifications/settings", data={"request_approved": "carrier-pigeon"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    field = re.search(r'<select[^>]*name="request_approved".*?</div>', page, re.S).group(0)
    assert "is-invalid" in field and "Choose one of the ways offered." in field
    assert services.deliveries_of(employee)["request_approved"] == REQUEST_APPROVED.default


def test_an_unknown_or_unoffered_kind_changes_nothing_and_breaks_nothing(world, login):
    employee = world.users["employee"]
    response = login(employee).post(
        "/notifications/settings",
        data={"no_such_kind": "off", "join_request": "off", "request_approved": "off"},
    )
    assert response.status_code == 302
    assert set(services.deliveries_of(employee)) == {
        k.name for k in services.registry.kinds_for(employee)
    }
    assert JOIN_REQUEST.name not in services.deliveries_of(employee)


def test_the_profile_links_the_settings(world, login):
    page = login(world.users["employee"]).get("/me").get_data(as_text=True)
    assert 'href="/notifications/settings"' in page


def test_a_notification_is_counted_once_and_listed_for_its_recipient_only(world):
    tell(world.users["member"], 2)
    rows = db.session.execute(select(Notification.recipient_id)).scalars().all()
    assert rows == [world.users["member"].id] * 2


def test_a_path_leads_only_within_the_site(world, login):
    member = world.users["member"]
    places = {"/events": "/events", "//evil.example/x": "/notifications"}
    places["/\\evil.example"] = "/notifications"
    # Browsers drop tabs and newlines before reading an address ("//evil.example"), and a
    # line break cannot go in a header at all: the list, never another site or a 500.
    for path in ("/\t/evil.example", "/\n/evil.example", "/%2F/evil.example", "/\r\nX-A: b"):
        places[path] = "/notifications"
    for path, goes_to in places.items():
        link = services.Link(path=path)
        [note] = services.notify([member], REQUEST_APPROVED.name, "x", link)
        db.session.commit()
        assert login(member).post(f"/notifications/{note.id}/open").location == goes_to
