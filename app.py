"""Guildhall: the application factory."""

from pathlib import Path

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

import accounts.confirmation_views  # noqa: F401  (its routes join the accounts blueprint)
import accounts.people_views  # noqa: F401  (its routes join the accounts blueprint)
import accounts.permissions  # noqa: F401  (importing a permissions module registers its rules)
import community.permissions  # noqa: F401
import community.picture_views  # noqa: F401  (its routes join the community blueprint)
import community.public_views  # noqa: F401  (its route joins the community blueprint)
import conversations.mention_views  # noqa: F401  (its route joins the conversations blueprint)
import conversations.moderation_views  # noqa: F401  (its routes join the conversations blueprint)
import conversations.permissions  # noqa: F401
import conversations.person_posts  # noqa: F401  ("Recent posts" on a person's page)
import conversations.post_links  # noqa: F401  (post_url for the pages that link to posts)
import conversations.post_views  # noqa: F401  (its routes join the conversations blueprint)
import conversations.rows  # noqa: F401  (the keys its kept rows go by)
import conversations.thread_views  # noqa: F401  (its routes join the conversations blueprint)
import conversations.watched_word_views  # noqa: F401  (its routes join the conversations blueprint)
import core.commands  # noqa: F401  (SQLite transaction handling for row locks)
import events.permissions  # noqa: F401
import events.personal_data  # noqa: F401  (registers its part of the person's data download)
import home.views  # noqa: F401  (names the home page and adds "Home" to the menu)
import initiatives.catalog_views  # noqa: F401  (its routes join the initiatives blueprint)
import initiatives.permissions  # noqa: F401
import initiatives.personal_data  # noqa: F401
import initiatives.public_views  # noqa: F401  (its routes join the initiatives blueprint)
import notifications.permissions  # noqa: F401
import notifications.personal_data  # noqa: F401
import promotions.brief_views  # noqa: F401  (these modules' routes join the promotions blueprint)
import promotions.calendar_views  # noqa: F401
import promotions.channel_views  # noqa: F401
import promotions.outcome_views  # noqa: F401
import promotions.permissions  # noqa: F401
import promotions.personal_data  # noqa: F401
import promotions.queue_views  # noqa: F401
import promotions.request_views  # noqa: F401
import reports.permissions  # noqa: F401
import search.permissions  # noqa: F401
from accounts.cli import users_cli
from accounts.sessions import init_sessions
from accounts.sso import init_sso
from accounts.views import bp as accounts_bp
from community.views import bp as community_bp
from conversations.views import bp as conversations_bp
from core import charts
from core.backup import backup_command, restore_command
from core.bounds import IdConverter
from core.config import figures_cache_config, from_environment
from core.dates import register_date_filters
from core.errors import register_error_handlers
from core.extensions import (
    babel,
    bootstrap,
    csrf,
    db,
    figures_cache,
    limiter,
    login_manager,
    migrate,
)
from core.fragments import register_fragments
from core.header import register_site_header
from core.limits import register_request_limits
from core.logs import register_request_logging
from core.mail_sending import mail_cli
from core.markdown_cli import markdown_cli
from core.navigation import admin_items, home_endpoint, nav_items
from core.paging import page_url
from core.permissions import can
from core.security import (
    check_production_settings,
    register_input_guard,
    register_security_headers,
)
from core.site import external_url
from core.text import is_web_address, plain_excerpt
from core.views import bp as core_bp
from core.zones import select_timezone
from demo import seed_demo_command
from events.cli import events_cli
from events.views import bp as events_bp
from initiatives.cli import initiatives_cli
from initiatives.views import bp as initiatives_bp
from notifications.digest import notifications_cli
from notifications.views import bp as notifications_bp
from promotions.cli import promotions_cli
from promotions.link_views import bp as links_bp
from promotions.views import bp as promotions_bp
from reports.digest import reports_cli
from reports.views import bp as reports_bp
from search.cli import search_cli
from search.views import bp as search_bp


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)  # the SQLite file lives there
    # The checkout's settings file is for the site `make run` serves and its CLI; a test's
    # app is configured by the test alone (and the environment), never by that file.
    testing = bool((config or {}).get("TESTING"))
    app.config.from_mapping(from_environment(app.instance_path, local_file=not testing))
    if config:
        app.config.update(config)
    check_production_settings(app)
    register_request_limits(app)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=f"{app.root_path}/migrations")
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)
    figures_cache.init_app(app, config=figures_cache_config(app.config))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.signin"
    login_manager.login_message_category = "info"
    # Flask-Login's own words would be flashed in English: ours, in the reader's language.
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.localize_callback = str
    init_sessions(app)
    init_sso(app)


def select_locale() -> str | None:
    """The user's own setting, then the session's, then the browser's (CLI: the default)."""
    if not has_request_context():
        return None
    if getattr(current_user, "locale", None):
        return current_user.locale
    if session.get("locale") in current_app.config["LANGUAGES"]:
        return session["locale"]
    return request.accept_languages.best_match(current_app.config["LANGUAGES"])


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter  # before the routes that use it are added
    for blueprint in (
        core_bp,
        accounts_bp,
        community_bp,
        conversations_bp,
        events_bp,
        initiatives_bp,
        search_bp,
        promotions_bp,
        links_bp,
        reports_bp,
        notifications_bp,
    ):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    register_security_headers(app)
    register_input_guard(app)
    register_request_logging(app)


def register_template_helpers(app: Flask) -> None:
    # Links people typed are linked only when they are http(s): forms check this,
    # and the pages check again so a stored javascript: address stays text.
    app.jinja_env.tests["web_address"] = is_web_address
    register_date_filters(app)  # one format for every date and time (core/dates.py)
    app.jinja_env.filters["plain_excerpt"] = plain_excerpt  # a card's words, from stored HTML
    app.jinja_env.globals["can"] = lambda action, obj=None: can(current_user, action, obj)
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["admin_items"] = admin_items
    app.jinja_env.tests["permitted"] = lambda action: can(current_user, action)
    app.jinja_env.globals["home_endpoint"] = home_endpoint  # url_for(home_endpoint())
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["external_url"] = external_url  # links in e-mail (core/site.py)
    app.jinja_env.globals["zip"] = zip
    app.jinja_env.globals["page_url"] = page_url  # "Newer" / "Older" (core/paging.py)
    app.jinja_env.globals["drawn_chart"] = charts.drawn  # kept by its numbers and language
    register_site_header(app)  # kept by what it shows (core/header.py)
    register_fragments(app)  # rows kept by what they show (core/fragments.py)


def register_commands(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(mail_cli)
    app.cli.add_command(markdown_cli)
    app.cli.add_command(events_cli)
    app.cli.add_command(promotions_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(restore_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(search_cli)
    app.cli.add_command(initiatives_cli)
    app.cli.add_command(notifications_cli)
