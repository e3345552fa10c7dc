"""Sign-up, sign-in, sign-out, profile, site roles and the `flask users` command."""

import pytest
from sqlalchemy import select

from accounts import services
from accounts.models import User
from community import services as community_services
from core.audit import AuditEntry
from core.errors import DomainError
from core.extensions import db
from tests.conftest import PASSWORD, make_user

GOOD_SIGNUP = {
    "display_name": "Nina Newcomer",
    "email": "Nina@Example.com",
    "password": "a strong password",
    "confirm": "a strong password",
}


def test_sign_up_with_company_email_creates_the_account(client):
    response = client.post("/signup", data=GOOD_SIGNUP)
    assert response.status_code == 302
    user = services.find_user_by_email("nina@example.com")
    assert user.email == "nina@example.com"  # stored lower-cased
    assert user.password_hash != "a strong password"
    # It works once the address is confirmed (tests/test_accounts_confirmation.py).
    assert not user.email_confirmed


@pytest.mark.parametrize(
    ("change", "field_message"),
    [
        ({"email": "nina@gmail.com"}, "Use your company email (@example.com)."),
        ({"email": "not-an-email"}, "Invalid email address."),
        ({"email": ""}, "This field is required."),
        ({"display_name": ""}, "This field is required."),
        ({"display_name": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"password": "short", "confirm": "short"}, "Use at least 8 characters."),
        ({"confirm": "something else"}, "The passwords differ."),
        ({"email": "e" * 250 + "@example.com"}, "Field cannot be longer than 254 characters."),
    ],
)
def test_sign_up_with_bad_input_shows_the_message_beside_the_field(client, change, field_message):
    response = client.post("/signup", data={**GOOD_SIGNUP, **change})
    assert response.status_code == 400
    assert field_message in response.get_data(as_text=True)
    assert db.session.execute(select(User)).first() is None


def test_sign_up_with_a_taken_address_makes_no_second_account(client):
    nina = make_user("nina@example.com")
    response = client.post("/signup", data=GOOD_SIGNUP)
    assert response.location == "/signup/check-inbox"  # as for a new address
    assert db.session.execute(select(User)).scalars().all() == [nina]
    assert not nina.check_password(GOOD_SIGNUP["password"])


def test_sign_in_and_out(client):
    make_user("ann@example.com", "Ann")
    response = client.post("/signin", data={"email": "ANN@example.com", "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/me").status_code == 200
    assert client.post("/signout").status_code == 302
    assert client.get("/me").status_code == 302


def test_sign_out_is_not_a_get(client):
    assert client.get("/signout").status_code == 405


def test_wrong_password_and_unknown_email_get_the_same_answer(client):
    make_user("ann@example.com")
    wrong_password = client.post("/signin", data={"email": "ann@example.com", "password": "nope"})
    unknown = client.post("/signin", data={"email": "who@example.com", "password": "nope"})
    assert wrong_password.status_code == unknown.status_code == 400
    assert "Wrong email or password." in wrong_password.get_data(as_text=True)
    assert "Wrong email or password." in unknown.get_data(as_text=True)


def test_empty_sign_in_form_asks_for_both_fields(client):
    response = client.post("/signin", data={})
    assert response.status_code == 400
    assert response.get_data(as_text=True).count("This field is required.") == 2


def test_deactivated_account_cannot_sign_in(client):
    user = make_user("ann@example.com")
    user.active = False
    db.session.commit()
    response = client.post("/signin", data={"email": "ann@example.com", "password": PASSWORD})
    assert response.status_code == 400


def test_remember_me_sets_a_lasting_http_only_cookie(client):
    make_user("ann@example.com")
    response = client.post(
        "/signin", data={"email": "ann@example.com", "password": PASSWORD, "remember": "y"}
    )
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember"))
    assert "HttpOnly" in cookie and "Expires" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/communities/?kind=practice", "/communities/?kind=practice"),
        ("https://evil.example/", "/"),
        ("//evil.example/path", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_sign_in_only_follows_same_site_next(client, next_url, expected):
    make_user("ann@example.com")
    response = client.post(
        "/signin",
        query_string={"next": next_url},
        data={"email": "ann@example.com", "password": PASSWORD},
    )
    assert response.location == expected


def test_signed_out_visitor_is_sent_to_sign_in_and_back(client):
    response = client.get("/communities/project-managers")
    assert response.status_code == 302
    assert response.location == "/signin?next=%2Fcommunities%2Fproject-managers"


def test_profile_lists_the_users_communities(world, login):
    page = login(world.users["member"]).get("/me").get_data(as_text=True)
    assert "My communities" in page and "Project Managers" in page


def test_admin_grants_and_revokes_smm_with_an_audit_entry(world, login):
    admin, employee = world.users["admin"], world.users["employee"]
    client = login(admin)
    client.post(f"/admin/users/{employee.id}/roles", data={"role": "smm", "granted": "1"})
    assert db.session.get(User, employee.id).is_smm
    client.post(f"/admin/users/{employee.id}/roles", data={"role": "smm", "granted": "0"})
    db.session.expire_all()
    assert not db.session.get(User, employee.id).is_smm
    actions = db.session.execute(
        select(AuditEntry.action)
        .where(AuditEntry.subject_type == "User", AuditEntry.subject_id == employee.id)
        .order_by(AuditEntry.id)
    ).scalars()
    assert list(actions) == ["site_role.grant", "site_role.revoke"]


def test_the_last_admin_cannot_be_removed(world):
    admin = world.users["admin"]
    with pytest.raises(DomainError, match="at least one admin"):
        services.set_site_role(admin, admin, "admin", False)


def test_unknown_role_is_refused_with_a_message(world, login):
    response = login(world.users["admin"]).post(
        f"/admin/users/{world.users['employee'].id}/roles",
        data={"role": "superuser", "granted": "1"},
        follow_redirects=True,
    )
    assert response.status_code == 200 and "Unknown role." in response.get_data(as_text=True)


def test_people_page_finds_a_person(world, login):
    page = login(world.users["admin"]).get("/admin/users?q=member").get_data(as_text=True)
    assert "member@example.com" in page and "employee@example.com" not in page


def test_cli_creates_the_first_admin(runner):
    result = runner.invoke(
        args=["users", "create", "Boss@Corp.example", "--name", "Boss", "--password", "long enough",
              "--admin"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Created boss@corp.example (admin)" in result.output
    user = services.find_user_by_email("boss@corp.example")
    assert user.is_admin and user.check_password("long enough")
    assert user.email_confirmed  # the operator vouches for the address: it signs in at once


def test_cli_refuses_a_duplicate_email_in_one_line(runner):
    make_user("ann@example.com")
    result = runner.invoke(
        args=["users", "create", "ann@example.com", "--name", "Ann", "--password", "long enough"]
    )
    assert result.exit_code == 1
    assert "already exists" in result.output and "Traceback" not in result.output


def test_cli_refuses_a_short_password(runner):
    result = runner.invoke(
        args=["users", "create", "a@example.com", "--name", "A", "--password", "short"]
    )
    assert result.exit_code == 1 and "8 characters" in result.output


def test_a_person_downloads_their_own_data_as_json(world, login):
    member = world.users["member"]
    response = login(member).get("/me/data.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = response.get_json()
    assert data["account"]["email"] == "member@example.com"
    assert "password" not in str(data["account"]).replace("has_password", "")
    assert [m["community"] for m in data["memberships"]] == ["Project Managers"]
    assert data["memberships"][0]["status"] == "active"


def test_unknown_email_costs_the_same_password_check_as_a_wrong_password(client, monkeypatch):
    import accounts.models
    import accounts.services

    make_user("ann@example.com")
    calls = []
    for module in (accounts.models, accounts.services):
        original = module.check_password_hash
        monkeypatch.setattr(
            module,
            "check_password_hash",
            lambda h, p, original=original: calls.append(h) or original(h, p),
        )
    client.post("/signin", data={"email": "ann@example.com", "password": "wrong"})
    client.post("/signin", data={"email": "nobody@example.com", "password": "wrong"})
    assert len(calls) == 2
    assert calls[0].split("$")[0] == calls[1].split("$")[0]  # the same hashing method and cost


def test_audit_log_page_filters_by_action_subject_and_actor(world, login):
    admin, leader = world.users["admin"], world.users["leader"]
    services.set_site_role(admin, world.users["employee"], "smm", True)
    membership = community_services.current_membership(world.users["member"], world.community)
    community_services.set_member_role(leader, membership, "leader")
    db.session.commit()
    client = login(admin)
    page = client.get("/admin/audit?action=membership.role").get_data(as_text=True)
    assert "membership.role.leader" in page and "site_role.grant" not in page
    page = client.get("/admin/audit?actor=admin@example.com").get_data(as_text=True)
    assert "site_role.grant" in page and "membership.role.leader" not in page
    page = client.get("/admin/audit?subject=User").get_data(as_text=True)
    assert "site_role.grant" in page
    page = client.get("/admin/audit?actor=ghost@example.com")
    assert page.status_code == 200 and "No one has an account" in page.get_data(as_text=True)
