"""`flask db upgrade` on an empty database yields exactly the models' schema."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from core.extensions import db
from tests.conftest import test_config


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A new, empty database on the same server as the test database."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"guildhall_migrations_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(database_url).set(database="postgres"),
                          isolation_level="AUTOCOMMIT")  # fmt: skip
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_matches_the_models(empty_database_url, tmp_path):
    app = create_app(test_config(empty_database_url, tmp_path))
    with app.app_context():
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        downgrade(revision="base")
        with db.engine.connect() as conn:
            tables = db.inspect(conn).get_table_names()
        assert set(tables) <= {"alembic_version"}
        db.engine.dispose()


def test_migrations_form_one_line_with_a_single_head(app):
    from alembic.script import ScriptDirectory

    config = app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several heads {heads}: chain the new revision after the last one"


def test_markdown_written_before_the_upgrade_is_shown_after_it(empty_database_url, tmp_path):
    from alembic.script import ScriptDirectory

    app = create_app(test_config(empty_database_url, tmp_path))
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        upgrade(revision=ScriptDirectory.from_config(config).get_revision("0012").down_revision)
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO communities"
                    " (name, slug, kind, description, join_policy, created_at) VALUES"
                    " ('PM', 'pm', 'practice', :text, 'open', CURRENT_TIMESTAMP),"
                    " ('QA', 'qa', 'practice', '', 'open', CURRENT_TIMESTAMP)"
                ),
                {"text": "We *lead* projects. <script>alert(1)</script>"},
            )
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            html = conn.execute(
                text("SELECT description_html FROM communities ORDER BY slug")
            ).scalars()
            assert list(html) == ["<p>We <em>lead</em> projects. </p>\n", ""]
        downgrade(revision="base")
        db.engine.dispose()


def _insert_user(conn) -> None:
    """User 1, as an old revision's table holds it."""
    conn.execute(
        text(
            "INSERT INTO users (id, email, display_name, is_admin, is_smm, active, created_at)"
            " VALUES (1, 'a@example.com', 'A', :no, :no, :yes, CURRENT_TIMESTAMP)"
        ),
        {"no": False, "yes": True},
    )


def test_email_turned_off_on_the_old_profile_stays_off_in_the_one_settings_page(
    empty_database_url, tmp_path
):
    app = create_app(test_config(empty_database_url, tmp_path))
    with app.app_context():
        upgrade(revision="0024")
        with db.engine.begin() as conn:
            _insert_user(conn)
            conn.execute(
                text(
                    "INSERT INTO email_preferences (user_id, kind, enabled) VALUES"
                    " (1, 'events', :no), (1, 'digest', :no), (1, 'welcome', :yes),"
                    " (1, 'account', :no), (1, 'at_risk', :no)"
                ),
                {"no": False, "yes": True},
            )
            conn.execute(  # chosen on the new page already: that choice stands
                text(
                    "INSERT INTO notification_delivery_choices (user_id, kind, delivery)"
                    " VALUES (1, 'at_risk', 'email_now')"
                )
            )
        upgrade(revision="heads")
        query = text("SELECT kind, delivery FROM notification_delivery_choices ORDER BY kind")
        with db.engine.connect() as conn:
            assert conn.execute(query).all() == [
                ("at_risk", "email_now"), ("digest", "off"), ("events", "off"),
            ]  # fmt: skip
            assert "email_preferences" not in db.inspect(conn).get_table_names()
        downgrade(revision="0024")
        with db.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT kind, enabled FROM email_preferences ORDER BY kind")
            ).all()
            assert [(kind, bool(enabled)) for kind, enabled in rows] == [
                ("digest", False), ("events", False),
            ]  # fmt: skip
        downgrade(revision="base")
        db.engine.dispose()


def test_the_sites_own_reasons_become_codes_and_typed_ones_stay(empty_database_url, tmp_path):
    app = create_app(test_config(empty_database_url, tmp_path))
    reasons = [
        "Перші дописи нових учасників чекають на схвалення лідера.",
        "Removed as spam.",
        "Please post job offers in #jobs",
        None,
    ]
    with app.app_context():
        upgrade(revision="0030")
        with db.engine.begin() as conn:
            _insert_user(conn)
            conn.execute(
                text(
                    "INSERT INTO communities (id, name, slug, kind, description, join_policy,"
                    " created_at) VALUES (1, 'PM', 'pm', 'practice', '', 'open',"
                    " CURRENT_TIMESTAMP)"
                )
            )
            for n, reason in enumerate(reasons, start=1):
                conn.execute(
                    text(
                        "INSERT INTO posts (id, community_id, author_id, kind, title, body,"
                        " state, state_reason, pinned, closed, created_at, last_activity_at,"
                        " reply_count, like_count, vote_count) VALUES (:id, 1, 1,"
                        " 'discussion', 'T', '', 'held', :reason, :no, :no, CURRENT_TIMESTAMP,"
                        " CURRENT_TIMESTAMP, 0, 0, 0)"
                    ),
                    {"id": n, "reason": reason, "no": False},
                )
        upgrade(revision="heads")
        query = text("SELECT state_reason_code, state_reason FROM posts ORDER BY id")
        with db.engine.connect() as conn:
            assert conn.execute(query).all() == [
                ("first_posts", None),
                ("spam", None),
                (None, "Please post job offers in #jobs"),
                (None, None),
            ]
        downgrade(revision="0030")
        with db.engine.connect() as conn:
            kept = conn.execute(text("SELECT state_reason FROM posts ORDER BY id")).scalars()
            assert list(kept) == [
                "New members' first posts wait for a leader's approval.",
                "Removed as spam.",
                "Please post job offers in #jobs",
                None,
            ]
        downgrade(revision="base")
        db.engine.dispose()


def test_zones_saved_under_an_old_name_take_their_current_name(empty_database_url, tmp_path):
    app = create_app(test_config(empty_database_url, tmp_path))
    with app.app_context():
        upgrade(revision="0035")
        with db.engine.begin() as conn:
            _insert_user(conn)
            conn.execute(text("UPDATE users SET time_zone = 'Europe/Kiev' WHERE id = 1"))
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            zone = conn.execute(text("SELECT time_zone FROM users WHERE id = 1")).scalar_one()
        assert zone == "Europe/Kyiv"
        downgrade(revision="base")
        db.engine.dispose()
