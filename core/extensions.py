"""Unbound Flask extensions, bound to the app in create_app()."""

import flask_babel
from flask_babel import get_translations
from flask_bootstrap import Bootstrap5
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from core.models import Base


def _request_translations():
    """The translations for the current locale, looked up once per request and locale:
    Flask-Babel finds them anew for each string, a tenth of a page's rendering."""
    state = flask_babel._get_current_context()
    locale = getattr(state, "babel_locale", None)
    if locale is None:  # outside a request, or the locale not chosen yet
        return get_translations()
    kept = getattr(state, "guildhall_translations", None)
    # Keyed by the locale object: force_locale (mail in the reader's language) swaps it.
    if kept is None or kept[0] is not locale:
        kept = state.guildhall_translations = (locale, get_translations())
    return kept[1]


class Babel(flask_babel.Babel):
    """Flask-Babel, with the templates' translations kept for the request."""

    def init_app(self, app, *args, **kwargs) -> None:
        super().init_app(app, *args, **kwargs)
        if self._configure_jinja:
            app.jinja_env.install_gettext_callables(
                gettext=lambda s: _request_translations().ugettext(s),
                ngettext=lambda s, p, n: _request_translations().ungettext(s, p, n),
                newstyle=True,
                pgettext=lambda c, s: _request_translations().upgettext(c, s),
                npgettext=lambda c, s, p, n: _request_translations().unpgettext(c, s, p, n),
            )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address)
figures_cache = Cache()  # core/figures.py
