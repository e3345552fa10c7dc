"""The command boundary: one transaction per state change, refusals shown once, and no
transaction held while another service is asked over the network."""

import pytest
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import update
from werkzeug.exceptions import Forbidden
from wtforms import StringField

from accounts.models import User
from community.models import Community
from core import commands
from core.errors import DomainError
from core.extensions import db
from tests.conftest import close_app, make_community, make_user, test_config


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField()


def rename(community_id: int, name: str) -> Community:
    community = commands.lock_row(Community, community_id)
    community.name = name
    db.session.flush()
    return community


def refuse(community_id: int, field: str | None = None):
    rename(community_id, "Half-done")
    raise DomainError("Not like that.", field=field)


def stored_name(community_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Community, community_id).name


@pytest.fixture
def community(app):
    return make_community(make_user("lead@example.com"))


def test_a_command_commits_once_and_says_so(app, community):
    with app.test_request_context(method="POST"):
        outcome = commands.run(lambda: rename(community.id, "Renamed"), done="Saved.")
        assert outcome.ok and outcome.value.name == "Renamed"
        assert get_flashed_messages(with_categories=True) == [("success", "Saved.")]
    db.session.rollback()  # nothing left to undo: it was committed
    assert stored_name(community.id) == "Renamed"


def test_done_may_name_its_category_and_depend_on_the_value(app, community):
    with app.test_request_context(method="POST"):
        commands.run(lambda: rename(community.id, "Waiting"), done=lambda c: (c.name, "info"))
        assert get_flashed_messages(with_categories=True) == [("info", "Waiting")]


def test_a_refusal_is_rolled_back_and_shown_once_as_danger(app, community):
    with app.test_request_context(method="POST"):
        outcome = commands.run(lambda: refuse(community.id), done="Saved.")
        assert not outcome.ok and outcome.error.message == "Not like that."
        assert get_flashed_messages(with_categories=True) == [("danger", "Not like that.")]
    assert stored_name(community.id) == "Project Managers"


def test_a_refusal_naming_a_field_goes_beside_it(app, community):
    with app.test_request_context(method="POST"):
        form = NameForm()
        outcome = commands.run(lambda: refuse(community.id, field="name"), form=form)
        assert not outcome.ok
        assert form.name.errors == ["Not like that."]
        assert get_flashed_messages() == []


def test_an_http_error_inside_a_command_rolls_it_back(app, community):
    def forbidden():
        rename(community.id, "Half-done")
        raise Forbidden()

    with app.test_request_context(method="POST"), pytest.raises(Forbidden):
        commands.run(forbidden, done="Saved.")
    assert stored_name(community.id) == "Project Managers"


def test_a_command_inside_another_joins_it(app, community):
    leader = db.session.execute(db.select(User)).scalar_one()

    def outer():
        with commands.transaction():
            rename(community.id, "Inner change")
        leader.display_name = "Outer change"
        raise DomainError("The outer command is refused.")

    with app.test_request_context(method="POST"):
        assert not commands.run(outer).ok
    assert stored_name(community.id) == "Project Managers"
    assert db.session.get(User, leader.id).display_name != "Outer change"


def test_a_command_refuses_to_start_after_changes_made_outside_it(app, community):
    community.name = "Changed outside"
    with pytest.raises(RuntimeError, match="before any change"), commands.transaction():
        pass
    assert stored_name(community.id) == "Project Managers"


def test_a_lock_after_a_bulk_update_is_refused(app, community):
    db.session.execute(update(Community).values(name="Bulk"))
    with pytest.raises(RuntimeError, match="before any change"):
        commands.lock_row(Community, community.id)
    db.session.rollback()
    assert stored_name(community.id) == "Project Managers"


def test_ask_shows_a_refusal_without_a_transaction(app):
    def asked():
        assert not commands._in_command.get()
        raise DomainError("The provider is away.")

    with app.test_request_context():
        assert not commands.ask(asked).ok
        assert get_flashed_messages(with_categories=True) == [("danger", "The provider is away.")]


def test_single_sign_on_asks_the_provider_outside_any_transaction(app, tmp_path, monkeypatch):
    """On SQLite a command holds the whole database's write lock: a slow provider must not
    keep every other writer waiting."""
    from accounts import sso
    from app import create_app

    make_user("ann@example.com", "Ann")
    seen = {}

    def provider_claims():
        seen["in_command"] = commands._in_command.get()
        seen["in_transaction"] = db.session().in_transaction() and (
            commands._holds_sqlite_write_lock() or db.session().info.get("written", False)
        )
        return {"email": "ann@example.com", "email_verified": True}

    monkeypatch.setattr(sso, "provider_claims", provider_claims)
    config = test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    config.update(
        OIDC_ISSUER="https://id.example.com", OIDC_CLIENT_ID="guildhall", OIDC_CLIENT_SECRET="s"
    )
    sso_app = create_app(config)
    try:
        with sso_app.test_client() as client:
            answer = client.get("/signin/sso/callback")
            assert answer.status_code == 302
            assert seen == {"in_command": False, "in_transaction": False}
            assert client.get("/me").status_code == 200  # signed in by the command after it
    finally:
        close_app(sso_app)
