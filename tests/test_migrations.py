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
