"""The site's own address: links in e-mail come from SITE_URL, never from the request's
Host; in production the site answers only to its own host names."""

import pytest
from sqlalchemy import select

from accounts import mail
from app import create_app
from core.extensions import db
from core.mail import OutgoingEmail
from core.site import external_url
from tests.conftest import close_app, make_community, make_user, test_config
from tests.test_events_factories import make_event, register
from tests.test_rate_limits import restore_limiter  # noqa: F401  (apps made here change it)

SITE = "https://guildhall.example.com"
ATTACKER = "http://attacker.example"


@pytest.fixture
def site(app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", SITE)


def mail_to(address: str) -> OutgoingEmail:
    return db.session.execute(
        select(OutgoingEmail).where(OutgoingEmail.to_address == address)
    ).scalar_one()


def test_a_reset_asked_for_through_another_host_mails_the_sites_link(client, site):
    make_user("ann@example.com")
    response = client.post("/password/reset", data={"email": "ann@example.com"}, base_url=ATTACKER)
    assert response.status_code == 302
    body = mail_to("ann@example.com").text_body
    assert f"{SITE}/password/reset/" in body
    assert "attacker.example" not in body


def test_links_in_templates_come_from_the_site_inside_any_request(app, site):
    leader = make_user("lead@example.com", "Lena Leader")
    event = make_event(leader, make_community(leader))
    ann = make_user("ann@example.com")
    with app.test_request_context("/", base_url=ATTACKER):
        mail.email_user(ann, "welcome", "welcome")
        db.session.commit()
        register(ann, event)  # the confirmation, with the event's .ics
    bodies = [email.text_body for email in db.session.execute(select(OutgoingEmail)).scalars()]
    ics = b"".join(a.data for e in db.session.execute(select(OutgoingEmail)).scalars()
                   for a in e.attachments)  # fmt: skip
    home = [line for body in bodies for line in body.splitlines() if line.strip() == f"{SITE}/"]
    assert home  # the welcome's link to the home page
    assert any(f"{SITE}/events/{event.id}" in body for body in bodies)
    assert SITE.encode() in ics
    assert not any("attacker" in body for body in bodies) and b"attacker" not in ics


def test_external_url_works_without_a_request_and_keeps_a_path_prefix(app, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", "https://intranet.example.com/guildhall")
    assert external_url("accounts.signin") == "https://intranet.example.com/guildhall/signin"
    with app.test_request_context(base_url=ATTACKER):
        assert external_url("accounts.signin") == "https://intranet.example.com/guildhall/signin"


@pytest.fixture
def trusting(app, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["guildhall.example.com"])


def test_a_request_for_another_host_gets_a_clean_400(client, trusting):
    for method in ("GET", "POST"):
        response = client.open("/signin", method=method, base_url=ATTACKER)
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "not served at this address" in page
        assert "attacker.example" not in page


def test_the_sites_own_host_is_served(client, trusting):
    response = client.get("/signin", base_url="https://guildhall.example.com:443")
    assert response.status_code == 200


def production_app(app, tmp_path, **settings):
    config = test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    config.update(TESTING=False, GUILDHALL_ENV="production", SECRET_KEY="s" * 32, **settings)
    return extra_app(config)


def extra_app(config: dict):
    # With its limiter on: restore_limiter resets the limiter's storage afterwards.
    return create_app({**config, "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"})


@pytest.mark.usefixtures("restore_limiter")
def test_production_answers_only_to_the_host_of_site_url(app, tmp_path):
    served = production_app(app, tmp_path, SITE_URL=SITE)
    try:
        assert served.config["TRUSTED_HOSTS"] == ["guildhall.example.com"]
        assert served.test_client().get("/signin", base_url=ATTACKER).status_code == 400
        assert served.test_client().get("/signin", base_url=SITE).status_code == 200
    finally:
        close_app(served)


@pytest.mark.usefixtures("restore_limiter")
def test_trusted_hosts_can_be_set_and_development_answers_to_any(app, tmp_path):
    listed = production_app(app, tmp_path, SITE_URL=SITE, TRUSTED_HOSTS=["a.example", ".b.example"])
    assert listed.config["TRUSTED_HOSTS"] == ["a.example", ".b.example"]
    assert listed.test_client().get("/signin", base_url="http://x.b.example").status_code == 200
    close_app(listed)
    assert app.config.get("TRUSTED_HOSTS") is None  # the tests, like development: any host


@pytest.mark.usefixtures("restore_limiter")
def test_behind_a_proxy_https_is_recognised_from_x_forwarded_proto(app, tmp_path):
    config = test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    proxied = extra_app({**config, "PROXY_FIX_X_PROTO": 1})
    try:
        response = proxied.test_client().get("/signin", headers={"X-Forwarded-Proto": "https"})
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        # Without a proxy configured, the header is anybody's and is ignored.
        direct = app.test_client().get("/signin", headers={"X-Forwarded-Proto": "https"})
        assert "Strict-Transport-Security" not in direct.headers
    finally:
        close_app(proxied)


def test_production_refuses_to_start_without_a_full_site_url(app, tmp_path):
    with pytest.raises(ValueError, match="SITE_URL"):
        production_app(app, tmp_path, SITE_URL="guildhall.example.com")


@pytest.mark.usefixtures("restore_limiter")
@pytest.mark.parametrize(
    "request_args",
    [
        {"path": "/?q=%00"},  # refused by a before_request hook
        {"path": "/signin", "method": "POST", "data": {"email": "x" * 600_000}},  # 413
    ],
    ids=["nul-byte", "body-too-large"],
)
def test_another_host_with_a_bad_request_gets_the_400_page_not_a_500(app, tmp_path, request_args):
    served = production_app(app, tmp_path, SITE_URL=SITE, TRUSTED_HOSTS=["guildhall.example.com"])
    try:
        response = served.test_client().open(base_url=ATTACKER, **request_args)
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "not served at this address" in page and "attacker.example" not in page
    finally:
        close_app(served)


def test_links_people_copy_from_pages_come_from_the_site(app, site, login):
    from tests.test_initiatives_support import build_catalog

    catalog = build_catalog()
    event = make_event(catalog.leader, catalog.community)
    attacker = {"base_url": ATTACKER}
    leader = login(catalog.leader)
    for cookie in list(leader._cookies.values()):  # signed in at the attacker's host too
        leader.set_cookie(cookie.key, cookie.value, domain="attacker.example")
    page = leader.get(f"/initiatives/{catalog.initiative.id}", **attacker)
    assert f'href="{SITE}/public/initiatives/{catalog.initiative.id}"' in page.text
    ics = leader.get(f"/events/{event.id}/calendar.ics", **attacker).data
    assert f"{SITE}/events/{event.id}".encode() in ics and b"attacker" not in ics
    assert b"attacker" not in page.data


def test_a_trusted_host_on_another_port_is_refused(client, trusting):
    assert client.get("/signin", base_url="http://guildhall.example.com:1234").status_code == 400
    assert client.get("/signin", base_url="http://guildhall.example.com:80").status_code == 200


@pytest.mark.parametrize(
    "host", ["GuildHall.Example.COM", "guildhall.example.com.", "guildhall.example.com.:443"]
)
def test_the_sites_host_in_capitals_or_with_a_final_dot_is_served(client, trusting, host):
    response = client.get("/signin", headers={"Host": host})
    assert response.status_code == 200
